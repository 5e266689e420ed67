using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Automation;

/// <summary>Why a parameter (or a request field) was refused.</summary>
public enum ParameterProblemKind
{
    UnknownParameter,
    MissingRequired,
    WrongType,
    NotAllowedValue,
    PatternMismatch,
    TooFewItems,
    TooManyItems,
    TooShort,
    TooLong,
    Conflict,
    NoInstanceParameter,
    InvalidRequest,

    /// <summary>A -TargetLocation entry (accounts, Regions, role, per-location rate) is malformed.</summary>
    InvalidTargetLocation,

    /// <summary>Rate control (-Target, -TargetParameterName, -MaxConcurrency, -MaxErrors) does not fit the request or the document.</summary>
    InvalidRateControl,
}

/// <summary>One validation problem: the parameter, what is wrong, and what is allowed.</summary>
public sealed class ParameterProblem
{
    public ParameterProblem(string parameterName, ParameterProblemKind kind, string message, string? suggestion = null)
    {
        ParameterName = parameterName;
        Kind = kind;
        Message = message;
        Suggestion = suggestion;
    }

    public string ParameterName { get; }

    public ParameterProblemKind Kind { get; }

    public string Message { get; }

    /// <summary>The closest defined name for an unknown parameter.</summary>
    public string? Suggestion { get; }

    public override string ToString() => Message;
}

/// <summary>The outcome: problems, warnings, and the parameters as StartAutomationExecution wants them.</summary>
public sealed class ParameterValidationResult
{
    internal ParameterValidationResult(
        string documentName,
        IReadOnlyList<ParameterProblem> problems,
        IReadOnlyList<string> warnings,
        IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        DocumentName = documentName;
        Problems = problems;
        Warnings = warnings;
        Parameters = parameters;
    }

    public string DocumentName { get; }

    public bool IsValid => Problems.Count == 0;

    public IReadOnlyList<ParameterProblem> Problems { get; }

    /// <summary>Things checked less strictly than SSM will (a pattern .NET cannot compile, ...).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Only the parameters the user gave (defaults are left to SSM), values as strings.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; }

    public Dictionary<string, List<string>> ToRequestParameters() =>
        Parameters.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal);

    /// <summary>All problems in one message (for a single terminating error).</summary>
    public string Summary() => string.Join(Environment.NewLine, Problems.Select(p => p.Message));
}

/// <summary>Inputs beyond the hashtable: the -InstanceId / -AutomationAssumeRole shortcuts and rate control.</summary>
public sealed class ParameterValidationOptions
{
    public string? InstanceId { get; init; }

    public string? AutomationAssumeRole { get; init; }

    /// <summary>With -Target, this parameter is filled by SSM per target and is not required from the user.</summary>
    public string? TargetParameterName { get; init; }

    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>Validates user parameters against a runbook's schema before StartAutomationExecution.</summary>
public static class ParameterValidator
{
    private static readonly Dictionary<string, (string Pattern, string Shape)> AwsIdFormats = new(StringComparer.Ordinal)
    {
        ["AWS::EC2::Instance::Id"] = ("^i-[0-9a-f]{8,17}$", "i- followed by 8-17 lowercase hex digits"),
        ["AWS::EC2::Image::Id"] = ("^ami-[0-9a-f]{8,17}$", "ami- followed by 8-17 lowercase hex digits"),
        ["AWS::EC2::SecurityGroup::Id"] = ("^sg-[0-9a-f]{8,17}$", "sg- followed by 8-17 lowercase hex digits"),
        ["AWS::EC2::Subnet::Id"] = ("^subnet-[0-9a-f]{8,17}$", "subnet- followed by 8-17 lowercase hex digits"),
        ["AWS::EC2::VPC::Id"] = ("^vpc-[0-9a-f]{8,17}$", "vpc- followed by 8-17 lowercase hex digits"),
        ["AWS::EC2::Volume::Id"] = ("^vol-[0-9a-f]{8,17}$", "vol- followed by 8-17 lowercase hex digits"),
        ["AWS::IAM::Role::Arn"] = ("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", "an IAM role ARN (arn:aws:iam::123456789012:role/Name)"),
        ["AWS::S3::Bucket::Name"] = ("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)"),
    };

    /// <summary>
    /// Validates <paramref name="userParameters"/> (a hashtable: string keys; string, string[], int, bool or hashtable
    /// values; PowerShell wrappers already unwrapped) against <paramref name="document"/>.
    /// </summary>
    public static ParameterValidationResult Validate(RunbookDocument document, IDictionary? userParameters, ParameterValidationOptions? options = null)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        options ??= new ParameterValidationOptions();
        var problems = new List<ParameterProblem>();
        var warnings = new List<string>();
        var given = new Dictionary<string, object?>(StringComparer.Ordinal);

        if (userParameters is not null)
        {
            foreach (DictionaryEntry entry in userParameters)
            {
                var key = System.Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty;
                given[key] = Unwrap(entry.Value);
            }
        }

        ApplyShortcut(document, given, problems, options.InstanceId, document.InstanceParameterName, "-InstanceId");
        if (!string.IsNullOrEmpty(options.AutomationAssumeRole))
        {
            var roleParameter = document.AssumeRoleParameter
                ?? (document.FindParameter("AutomationAssumeRole") is not null ? "AutomationAssumeRole" : null);
            ApplyShortcut(document, given, problems, options.AutomationAssumeRole, roleParameter, "-AutomationAssumeRole");
        }

        var converted = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var pair in given)
        {
            var definition = document.FindParameter(pair.Key);
            if (definition is null)
            {
                problems.Add(UnknownParameter(document, pair.Key));
                continue;
            }

            var values = ConvertValue(definition, pair.Value, problems);
            if (values is null)
            {
                continue;
            }

            CheckConstraints(definition, values, problems, warnings, options.RegexTimeout);
            converted[pair.Key] = values;
        }

        if (options.TargetParameterName is not null && document.FindParameter(options.TargetParameterName) is null)
        {
            problems.Add(new ParameterProblem(
                options.TargetParameterName,
                ParameterProblemKind.UnknownParameter,
                $"TargetParameterName '{options.TargetParameterName}' is not a parameter of {document.Name}. " +
                $"Defined parameters: {string.Join(", ", document.Parameters.Select(p => p.Name))}."));
        }
        else if (options.TargetParameterName is not null
            && document.FindParameter(options.TargetParameterName) is { } targetParameter
            && !(targetParameter.Type is "String" or "StringList"
                || targetParameter.Type.StartsWith("AWS::", StringComparison.Ordinal)
                || targetParameter.Type.StartsWith("List<AWS::", StringComparison.Ordinal)))
        {
            // Rate control hands each child one target value (an instance id, a resource id): only a String or
            // StringList parameter can take it; SSM would fail every child instead of refusing the start.
            problems.Add(new ParameterProblem(
                options.TargetParameterName,
                ParameterProblemKind.InvalidRateControl,
                $"TargetParameterName '{options.TargetParameterName}' is a {targetParameter.Type} parameter of {document.Name}; rate control fills it with one " +
                $"target (an instance id) per child execution, so it must be a String, StringList or AWS::* id parameter" +
                (document.InstanceParameterName is { } instanceParameter ? $" such as {instanceParameter}." : ".")));
        }

        foreach (var parameter in document.Parameters.Where(p => p.Required))
        {
            if (!given.ContainsKey(parameter.Name) && !string.Equals(parameter.Name, options.TargetParameterName, StringComparison.Ordinal))
            {
                problems.Add(new ParameterProblem(
                    parameter.Name,
                    ParameterProblemKind.MissingRequired,
                    $"Parameter '{parameter.Name}' ({parameter.Type}) is required by {document.Name}" +
                    (string.Equals(parameter.Name, document.InstanceParameterName, StringComparison.Ordinal) ? " (use -InstanceId)." : ".") +
                    (string.IsNullOrEmpty(parameter.Description) ? string.Empty : " " + parameter.Description)));
            }
        }

        return new ParameterValidationResult(document.Name, problems, warnings, converted);
    }

    /// <summary>
    /// PowerShell may hand over PSObject wrappers; the engine cannot reference System.Management.Automation, so the
    /// wrapper is recognised by name and its BaseObject taken (arrays are unwrapped item by item).
    /// </summary>
    internal static object? Unwrap(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var type = value.GetType();
        if (string.Equals(type.FullName, "System.Management.Automation.PSObject", StringComparison.Ordinal))
        {
            return Unwrap(type.GetProperty("BaseObject")?.GetValue(value));
        }

        if (value is object[] items)
        {
            return items.Select(Unwrap).ToArray();
        }

        return value;
    }

    private static void ApplyShortcut(
        RunbookDocument document, Dictionary<string, object?> given, List<ParameterProblem> problems, string? value, string? parameterName, string switchName)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (parameterName is null)
        {
            problems.Add(new ParameterProblem(
                switchName,
                ParameterProblemKind.NoInstanceParameter,
                $"{document.Name} has no parameter that {switchName} can fill; pass it in -Parameter instead. " +
                $"Defined parameters: {string.Join(", ", document.Parameters.Select(p => p.Name))}."));
            return;
        }

        if (given.TryGetValue(parameterName, out var existing) && existing is not null)
        {
            var existingText = System.Convert.ToString(existing, CultureInfo.InvariantCulture);
            if (!string.Equals(existingText, value, StringComparison.Ordinal))
            {
                problems.Add(new ParameterProblem(
                    parameterName,
                    ParameterProblemKind.Conflict,
                    $"Parameter '{parameterName}' is given twice with different values: {switchName} '{value}' and -Parameter '{existingText}'."));
            }

            return;
        }

        given[parameterName] = value;
    }

    private static ParameterProblem UnknownParameter(RunbookDocument document, string name)
    {
        var suggestion = ClosestName(name, document.Parameters.Select(p => p.Name));
        var defined = string.Join(", ", document.Parameters.Select(p => p.Name));
        var message = $"Parameter '{name}' is not defined by {document.Name}." +
            (suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?") +
            $" Defined parameters: {defined}.";
        return new ParameterProblem(name, ParameterProblemKind.UnknownParameter, message, suggestion);
    }

    /// <summary>Case-insensitive match first (SSM names are case-sensitive), else the nearest by edit distance.</summary>
    public static string? ClosestName(string name, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        var caseMatch = list.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        if (caseMatch is not null)
        {
            return caseMatch;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in list)
        {
            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Only suggest when it is plausibly a typo, not an unrelated name.
        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static List<string>? ConvertValue(RunbookParameter definition, object? value, List<ParameterProblem> problems)
    {
        var type = definition.Type;
        var name = definition.Name;
        if (value is null)
        {
            problems.Add(new ParameterProblem(name, ParameterProblemKind.WrongType, $"Parameter '{name}' ({type}) has no value ($null)."));
            return null;
        }

        switch (type)
        {
            case "String":
                if (value is bool flagValue)
                {
                    // $true for a String parameter whose allowed values are True/False: use the document's spelling.
                    var spelled = definition.AllowedValues.FirstOrDefault(a => string.Equals(a, flagValue ? "true" : "false", StringComparison.OrdinalIgnoreCase));
                    return new List<string> { spelled ?? (flagValue ? "True" : "False") };
                }

                return SingleScalar(definition, value, problems);
            case "StringList":
                return ScalarList(definition, value, problems);
            case "Integer":
                {
                    var single = SingleScalar(definition, value, problems);
                    if (single is null)
                    {
                        return null;
                    }

                    if (!long.TryParse(single[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                    {
                        problems.Add(new ParameterProblem(name, ParameterProblemKind.WrongType,
                            $"Parameter '{name}' is an Integer; '{single[0]}' is not a whole number."));
                        return null;
                    }

                    return new List<string> { number.ToString(CultureInfo.InvariantCulture) };
                }

            case "Boolean":
                {
                    var single = SingleScalar(definition, value, problems);
                    if (single is null)
                    {
                        return null;
                    }

                    if (!bool.TryParse(single[0], out var flag))
                    {
                        problems.Add(new ParameterProblem(name, ParameterProblemKind.WrongType,
                            $"Parameter '{name}' is a Boolean; '{single[0]}' is not true or false."));
                        return null;
                    }

                    return new List<string> { flag ? "true" : "false" };
                }

            case "StringMap":
                {
                    var json = MapJson(value);
                    if (json is null)
                    {
                        problems.Add(new ParameterProblem(name, ParameterProblemKind.WrongType,
                            $"Parameter '{name}' is a StringMap; give a hashtable (@{{Key='Value'}}) or a JSON object string."));
                        return null;
                    }

                    return new List<string> { json };
                }

            case "MapList":
                {
                    var items = value is string || value is IDictionary ? new[] { value } : value as IEnumerable;
                    var result = new List<string>();
                    foreach (var item in items?.Cast<object?>() ?? Enumerable.Empty<object?>())
                    {
                        var json = item is null ? null : MapJson(item);
                        if (json is null)
                        {
                            problems.Add(new ParameterProblem(name, ParameterProblemKind.WrongType,
                                $"Parameter '{name}' is a MapList; give an array of hashtables (@(@{{Key='Value'}})) or JSON object strings."));
                            return null;
                        }

                        result.Add(json);
                    }

                    return result;
                }

            default:
                // AWS::* ids and List<AWS::*> lists: strings whose format is checked with the constraints.
                return type.StartsWith("List<", StringComparison.Ordinal)
                    ? ScalarList(definition, value, problems)
                    : SingleScalar(definition, value, problems);
        }
    }

    private static List<string>? SingleScalar(RunbookParameter definition, object value, List<ParameterProblem> problems)
    {
        if (value is IDictionary || (value is IEnumerable && value is not string))
        {
            var items = value is IDictionary ? null : ((IEnumerable)value).Cast<object?>().ToList();
            if (items is { Count: 1 } && items[0] is not null && IsScalar(items[0]!))
            {
                return new List<string> { ScalarText(items[0]!) };
            }

            problems.Add(new ParameterProblem(definition.Name, ParameterProblemKind.WrongType,
                $"Parameter '{definition.Name}' is a {definition.Type} and takes one value, not {(value is IDictionary ? "a hashtable" : "a list")}."));
            return null;
        }

        return new List<string> { ScalarText(value) };
    }

    private static List<string>? ScalarList(RunbookParameter definition, object value, List<ParameterProblem> problems)
    {
        if (value is IDictionary)
        {
            problems.Add(new ParameterProblem(definition.Name, ParameterProblemKind.WrongType,
                $"Parameter '{definition.Name}' is a {definition.Type}; give a string or an array of strings, not a hashtable."));
            return null;
        }

        if (value is string || value is not IEnumerable)
        {
            return new List<string> { ScalarText(value) };
        }

        var result = new List<string>();
        foreach (var item in ((IEnumerable)value).Cast<object?>())
        {
            if (item is null || !IsScalar(item))
            {
                problems.Add(new ParameterProblem(definition.Name, ParameterProblemKind.WrongType,
                    $"Parameter '{definition.Name}' is a {definition.Type}; every item must be a string."));
                return null;
            }

            result.Add(ScalarText(item));
        }

        return result;
    }

    private static bool IsScalar(object value) => value is string || value is not (IEnumerable or IDictionary);

    private static string ScalarText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>A hashtable or a JSON object string, as the compact JSON text SSM expects for map values.</summary>
    private static string? MapJson(object value)
    {
        if (value is string text)
        {
            try
            {
                using var parsed = JsonDocument.Parse(text);
                return parsed.RootElement.ValueKind == JsonValueKind.Object ? parsed.RootElement.GetRawText() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (value is not IDictionary map)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer, map);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or byte:
                writer.WriteNumberValue(System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                writer.WriteNumberValue(System.Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                break;
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteJson(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(ScalarText(value));
                break;
        }
    }

    private static void CheckConstraints(
        RunbookParameter definition, List<string> values, List<ParameterProblem> problems, List<string> warnings, TimeSpan regexTimeout)
    {
        var name = definition.Name;
        var isList = definition.Type is "StringList" or "MapList" || definition.Type.StartsWith("List<", StringComparison.Ordinal);
        if (isList && definition.MinItems is int min && values.Count < min)
        {
            problems.Add(new ParameterProblem(name, ParameterProblemKind.TooFewItems,
                $"Parameter '{name}' needs at least {min} item(s); {values.Count} given."));
        }

        if (isList && definition.MaxItems is int max && values.Count > max)
        {
            problems.Add(new ParameterProblem(name, ParameterProblemKind.TooManyItems,
                $"Parameter '{name}' takes at most {max} item(s); {values.Count} given."));
        }

        if (definition.Type is "MapList" or "StringMap" or "Integer" or "Boolean")
        {
            CheckAllowedValues(definition, values, problems);
            return;
        }

        foreach (var value in values)
        {
            if (definition.MinChars is int minChars && value.Length < minChars)
            {
                problems.Add(new ParameterProblem(name, ParameterProblemKind.TooShort,
                    $"Parameter '{name}' value '{value}' is shorter than {minChars} characters."));
            }

            if (definition.MaxChars is int maxChars && value.Length > maxChars)
            {
                problems.Add(new ParameterProblem(name, ParameterProblemKind.TooLong,
                    $"Parameter '{name}' value is longer than {maxChars} characters ({value.Length})."));
            }

            var awsType = definition.Type.StartsWith("List<", StringComparison.Ordinal)
                ? definition.Type.Substring(5).TrimEnd('>')
                : definition.Type;
            var emptyAllowed = value.Length == 0 && definition.Default is string { Length: 0 };
            if (!emptyAllowed && AwsIdFormats.TryGetValue(awsType, out var format) && !Regex.IsMatch(value, format.Pattern, RegexOptions.CultureInvariant))
            {
                problems.Add(new ParameterProblem(name, ParameterProblemKind.PatternMismatch,
                    $"Parameter '{name}' is an {awsType}; '{value}' is not {format.Shape}."));
            }

            if (definition.AllowedPattern is { Length: > 0 } pattern)
            {
                CheckPattern(definition, value, pattern, problems, warnings, regexTimeout);
            }
        }

        CheckAllowedValues(definition, values, problems);
    }

    private static void CheckAllowedValues(RunbookParameter definition, List<string> values, List<ParameterProblem> problems)
    {
        if (definition.AllowedValues.Count == 0)
        {
            return;
        }

        foreach (var value in values)
        {
            if (definition.AllowedValues.Contains(value, StringComparer.Ordinal))
            {
                continue;
            }

            var caseMatch = definition.AllowedValues.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
            problems.Add(new ParameterProblem(definition.Name, ParameterProblemKind.NotAllowedValue,
                $"Parameter '{definition.Name}' does not allow '{value}'. Allowed values: {string.Join(", ", definition.AllowedValues)}." +
                (caseMatch is null ? string.Empty : $" (values are case-sensitive: use '{caseMatch}')"),
                caseMatch));
        }
    }

    private static void CheckPattern(
        RunbookParameter definition, string value, string pattern, List<ParameterProblem> problems, List<string> warnings, TimeSpan timeout)
    {
        bool matched;
        try
        {
            // SSM matches with Go's regexp (RE2): unanchored unless the pattern anchors itself, as here.
            matched = Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException)
        {
            warnings.Add($"Parameter '{definition.Name}': allowedPattern '{pattern}' is not a .NET regular expression; SSM will check it.");
            return;
        }
        catch (RegexMatchTimeoutException)
        {
            warnings.Add($"Parameter '{definition.Name}': allowedPattern took too long to evaluate; SSM will check it.");
            return;
        }

        if (!matched)
        {
            problems.Add(new ParameterProblem(definition.Name, ParameterProblemKind.PatternMismatch,
                $"Parameter '{definition.Name}' value '{value}' does not match the allowed pattern {pattern}."));
        }
    }
}
