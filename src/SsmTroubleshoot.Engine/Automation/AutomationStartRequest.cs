using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Automation;

/// <summary>One rate-control target: tag:Key, tag-key, ResourceGroup or ParameterValues with its values.</summary>
public sealed class AutomationTarget
{
    public AutomationTarget(string key, IReadOnlyList<string> values)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        Values = values ?? Array.Empty<string>();
    }

    public string Key { get; }

    public IReadOnlyList<string> Values { get; }

    /// <summary>Parses "tag:Env=Prod,Test" or "ResourceGroup=MyGroup" (the console and CLI spelling).</summary>
    public static AutomationTarget Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("A target needs the form Key=Value[,Value...], for example tag:Environment=Prod.");
        }

        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new FormatException($"Target '{text}' needs the form Key=Value[,Value...], for example tag:Environment=Prod or ResourceGroup=MyGroup.");
        }

        var values = text.Substring(equals + 1).Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        return new AutomationTarget(text.Substring(0, equals).Trim(), values);
    }

    public override string ToString() => $"{Key}={string.Join(",", Values)}";
}

/// <summary>One TargetLocation: the accounts/OUs and Regions a multi-account execution fans out to.</summary>
public sealed class AutomationTargetLocation
{
    public IReadOnlyList<string> Accounts { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> ExcludeAccounts { get; init; } = Array.Empty<string>();

    /// <summary>Default AWS-SystemsManager-AutomationExecutionRole when null.</summary>
    public string? ExecutionRoleName { get; init; }

    public string? TargetLocationMaxConcurrency { get; init; }

    public string? TargetLocationMaxErrors { get; init; }

    /// <summary>The property names a location is read from (a hashtable's keys, an object's properties).</summary>
    public static IReadOnlyList<string> KnownKeys { get; } = new[]
    {
        "Accounts", "Regions", "ExcludeAccounts", "ExecutionRoleName", "TargetLocationMaxConcurrency", "TargetLocationMaxErrors",
    };

    /// <summary>
    /// Builds a location from name/value pairs: a hashtable's entries, a PSObject's or an AWS.Tools TargetLocation's
    /// properties. Lists may be arrays or comma-separated text. Unknown names are refused when they carry a value,
    /// so a misspelt "Region" does not silently start nothing; an SDK object's unset extras (null, empty, false) pass.
    /// </summary>
    public static AutomationTargetLocation FromProperties(IEnumerable<KeyValuePair<string, object?>> properties, string source)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in properties)
        {
            var value = ParameterValidator.Unwrap(pair.Value);
            if (KnownKeys.Contains(pair.Key, StringComparer.OrdinalIgnoreCase))
            {
                values[pair.Key] = value;
            }
            else if (HasValue(value))
            {
                throw new FormatException($"{source}: '{pair.Key}' is not a target location setting. Allowed: {string.Join(", ", KnownKeys)}.");
            }
        }

        IReadOnlyList<string> List(string key) => values.TryGetValue(key, out var v) && v is not null
            ? v is string text
                ? text.Split(',').Select(x => x.Trim()).Where(x => x.Length > 0).ToList()
                : v is System.Collections.IEnumerable items
                    ? items.Cast<object?>().Select(i => ParameterValidator.Unwrap(i)?.ToString()?.Trim() ?? string.Empty).Where(x => x.Length > 0).ToList()
                    : new[] { v.ToString() ?? string.Empty }
            : Array.Empty<string>();
        string? Text(string key) => values.TryGetValue(key, out var v) && v is not null && v.ToString() is { Length: > 0 } text ? text : null;

        return new AutomationTargetLocation
        {
            Accounts = List("Accounts"),
            Regions = List("Regions"),
            ExcludeAccounts = List("ExcludeAccounts"),
            ExecutionRoleName = Text("ExecutionRoleName"),
            TargetLocationMaxConcurrency = Text("TargetLocationMaxConcurrency"),
            TargetLocationMaxErrors = Text("TargetLocationMaxErrors"),
        };
    }

    /// <summary>
    /// The CLI spelling: "Accounts=111122223333,444455556666;Regions=us-east-1,eu-west-1;ExecutionRoleName=Role;
    /// TargetLocationMaxConcurrency=2;TargetLocationMaxErrors=10%".
    /// </summary>
    public static AutomationTargetLocation Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("A target location needs the form Accounts=id[,id];Regions=region[,region][;ExecutionRoleName=name].");
        }

        var pairs = new List<KeyValuePair<string, object?>>();
        foreach (var part in text.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"Target location part '{part}' needs the form Name=Value (Accounts=111122223333;Regions=us-east-1).");
            }

            pairs.Add(new KeyValuePair<string, object?>(part.Substring(0, equals).Trim(), part.Substring(equals + 1).Trim()));
        }

        return FromProperties(pairs, $"Target location '{text}'");
    }

    private static bool HasValue(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        string text => text.Length > 0,
        System.Collections.IEnumerable items => items.Cast<object?>().Any(),
        _ => true,
    };
}

/// <summary>A StartAutomationExecution request in engine terms (no SDK types), checked against the API limits.</summary>
public sealed class AutomationStartRequest
{
    public const int MaxTargets = 5;
    public const int MaxTargetMaps = 300;
    public const int MaxTargetLocations = 100;
    public const int MaxTagsAtStart = 5;
    public const int MaxParameterKeys = 200;

    public string DocumentName { get; init; } = string.Empty;

    public string? DocumentVersion { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>36-character UUID for idempotency; the starter generates one when null.</summary>
    public string? ClientToken { get; init; }

    /// <summary>Auto (default) or Interactive.</summary>
    public string? Mode { get; init; }

    public IReadOnlyList<AutomationTarget> Targets { get; init; } = Array.Empty<AutomationTarget>();

    public string? TargetParameterName { get; init; }

    public IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<string>>> TargetMaps { get; init; } =
        Array.Empty<IReadOnlyDictionary<string, IReadOnlyList<string>>>();

    public string? MaxConcurrency { get; init; }

    public string? MaxErrors { get; init; }

    public IReadOnlyList<AutomationTargetLocation> TargetLocations { get; init; } = Array.Empty<AutomationTargetLocation>();

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>StartAutomationExecution's published constraints, checked locally so a bad request fails before any call.</summary>
public static class StartRequestValidator
{
    private static readonly Regex DocumentNamePattern = new("^[a-zA-Z0-9_\\-.:/]{3,128}$", RegexOptions.CultureInvariant);
    private static readonly Regex DocumentVersionPattern = new("^([$]LATEST|[$]DEFAULT|[1-9][0-9]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex UuidPattern = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);
    private static readonly Regex MaxConcurrencyPattern = new("^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$", RegexOptions.CultureInvariant);
    private static readonly Regex MaxErrorsPattern = new("^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$", RegexOptions.CultureInvariant);
    private static readonly Regex AccountOrOuPattern = new("^([0-9]{12}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$", RegexOptions.CultureInvariant);
    private static readonly Regex RegionPattern = new("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant);

    // IAM role names: 1-64 of letters, digits and + = , . @ _ - (no paths: TargetLocation takes a name, not an ARN).
    private static readonly Regex RoleNamePattern = new("^[A-Za-z0-9+=,.@_/-]{1,64}$", RegexOptions.CultureInvariant);

    // The keys StartAutomationExecution resolves for rate control.
    private static readonly Regex TargetKeyPattern = new("^(tag:.{1,128}|tag-key|ResourceGroup|ParameterValues|InstanceIds|resource-groups:Name|resource-groups:ResourceTypeFilters)$", RegexOptions.CultureInvariant);

    public static IReadOnlyList<ParameterProblem> Validate(AutomationStartRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var problems = new List<ParameterProblem>();
        void Add(string field, string message) => problems.Add(new ParameterProblem(field, KindOf(field), message));

        if (!DocumentNamePattern.IsMatch(request.DocumentName ?? string.Empty))
        {
            Add("DocumentName", $"DocumentName '{request.DocumentName}' must be 3-128 characters of letters, digits, _ - . : / (a name or an ARN).");
        }

        if (request.DocumentVersion is not null && !DocumentVersionPattern.IsMatch(request.DocumentVersion))
        {
            Add("DocumentVersion", $"DocumentVersion '{request.DocumentVersion}' must be a positive number, $LATEST or $DEFAULT.");
        }

        if (request.Parameters.Count > AutomationStartRequest.MaxParameterKeys)
        {
            Add("Parameters", $"At most {AutomationStartRequest.MaxParameterKeys} parameters can be passed; {request.Parameters.Count} given.");
        }

        if (request.ClientToken is not null && !UuidPattern.IsMatch(request.ClientToken))
        {
            Add("ClientToken", $"ClientToken '{request.ClientToken}' must be a 36-character UUID.");
        }

        if (request.Mode is not null && request.Mode is not ("Auto" or "Interactive"))
        {
            Add("Mode", $"Mode '{request.Mode}' is not allowed. Allowed values: Auto, Interactive.");
        }

        ValidateTargets(request, Add);
        ValidateRate("MaxConcurrency", request.MaxConcurrency, MaxConcurrencyPattern, "a number from 1 or a percentage from 1% to 100%", Add);
        ValidateRate("MaxErrors", request.MaxErrors, MaxErrorsPattern, "a number from 0 or a percentage from 0% to 100%", Add);
        if ((request.MaxConcurrency is not null || request.MaxErrors is not null)
            && request.Targets.Count == 0 && request.TargetMaps.Count == 0)
        {
            Add("MaxConcurrency", "MaxConcurrency and MaxErrors apply only to rate-controlled executions: give -Target (with -TargetParameterName) too.");
        }

        ValidateLocations(request.TargetLocations, Add);
        ValidateTags(request.Tags, Add);
        return problems;
    }

    /// <summary>Which stable error a field's problem becomes: target locations and rate control are told apart from the rest.</summary>
    private static ParameterProblemKind KindOf(string field) =>
        field.StartsWith("TargetLocations", StringComparison.Ordinal) ? ParameterProblemKind.InvalidTargetLocation
        : field is "Targets" or "TargetMaps" or "TargetParameterName" or "MaxConcurrency" or "MaxErrors" ? ParameterProblemKind.InvalidRateControl
        : ParameterProblemKind.InvalidRequest;

    /// <summary>Known Region names (the same list -Region is checked against): a typo would start children nowhere.</summary>
    public static bool IsKnownRegion(string name) =>
        RegionPattern.IsMatch(name)
        && Amazon.RegionEndpoint.EnumerableAllRegions.Any(r => string.Equals(r.SystemName, name, StringComparison.Ordinal));

    private static void ValidateTargets(AutomationStartRequest request, Action<string, string> add)
    {
        if (request.Targets.Count > AutomationStartRequest.MaxTargets)
        {
            add("Targets", $"At most {AutomationStartRequest.MaxTargets} targets are allowed; {request.Targets.Count} given.");
        }

        if (request.Targets.Count > 0 && request.TargetMaps.Count > 0)
        {
            add("Targets", "Targets and TargetMaps cannot be used together.");
        }

        if (request.TargetMaps.Count > AutomationStartRequest.MaxTargetMaps)
        {
            add("TargetMaps", $"At most {AutomationStartRequest.MaxTargetMaps} target maps are allowed; {request.TargetMaps.Count} given.");
        }

        if (request.Targets.Count > 0 && string.IsNullOrEmpty(request.TargetParameterName))
        {
            add("TargetParameterName", "Targets need TargetParameterName: the runbook parameter each target fills (usually InstanceId).");
        }

        if (request.TargetParameterName is { } name && (name.Length < 1 || name.Length > 50))
        {
            add("TargetParameterName", $"TargetParameterName must be 1-50 characters; '{name}' has {name.Length}.");
        }

        if (!string.IsNullOrEmpty(request.TargetParameterName) && request.Targets.Count == 0 && request.TargetMaps.Count == 0)
        {
            add("TargetParameterName", "TargetParameterName needs Targets: give -Target too (tag:Key=Value or ResourceGroup=Name).");
        }

        if (!string.IsNullOrEmpty(request.TargetParameterName) && request.Parameters.ContainsKey(request.TargetParameterName!))
        {
            add(request.TargetParameterName!, $"Parameter '{request.TargetParameterName}' is filled by the targets; do not pass it as a parameter too.");
        }

        foreach (var target in request.Targets)
        {
            if (target.Key.Length < 1 || target.Key.Length > 163)
            {
                add("Targets", $"Target key '{target.Key}' must be 1-163 characters.");
            }

            else if (!TargetKeyPattern.IsMatch(target.Key))
            {
                add("Targets", $"Target key '{target.Key}' is not one Automation resolves. Use tag:<TagKey>, tag-key, ResourceGroup, ParameterValues or resource-groups:Name.");
            }

            if (target.Values.Count == 0)
            {
                add("Targets", $"Target '{target.Key}' has no values; give at least one (tag:Environment=Prod).");
            }

            if (target.Values.Count > 50)
            {
                add("Targets", $"Target '{target.Key}' has {target.Values.Count} values; at most 50 are allowed.");
            }
        }
    }

    private static void ValidateRate(string field, string? value, Regex pattern, string shape, Action<string, string> add)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < 1 || value.Length > 7 || !pattern.IsMatch(value))
        {
            add(field, $"{field} '{value}' must be {shape}.");
        }
    }

    private static void ValidateLocations(IReadOnlyList<AutomationTargetLocation> locations, Action<string, string> add)
    {
        if (locations.Count > AutomationStartRequest.MaxTargetLocations)
        {
            add("TargetLocations", $"At most {AutomationStartRequest.MaxTargetLocations} target locations are allowed; {locations.Count} given.");
        }

        for (var i = 0; i < locations.Count; i++)
        {
            var location = locations[i];
            var where = $"TargetLocations[{i}]";
            if (location.Accounts.Count is < 1 or > 50)
            {
                add(where, $"{where} needs 1-50 accounts or organizational units; {location.Accounts.Count} given.");
            }

            if (location.Regions.Count is < 1 or > 50)
            {
                add(where, $"{where} needs 1-50 Regions; {location.Regions.Count} given.");
            }

            if (location.ExcludeAccounts.Count > 5000)
            {
                add(where, $"{where} excludes {location.ExcludeAccounts.Count} accounts; at most 5000 are allowed.");
            }

            foreach (var account in location.Accounts.Concat(location.ExcludeAccounts).Where(a => !AccountOrOuPattern.IsMatch(a)))
            {
                add(where, $"{where}: '{account}' is not a 12-digit account id, an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx).");
            }

            foreach (var region in location.Regions.Where(r => !IsKnownRegion(r)))
            {
                add(where, $"{where}: '{region}' is not a known AWS Region (a Region code such as us-east-1 or eu-west-1).");
            }

            if (location.ExecutionRoleName is { } role && !RoleNamePattern.IsMatch(role))
            {
                add(where, $"{where}: ExecutionRoleName '{role}' is not an IAM role name (1-64 letters, digits and + = , . @ _ -; a name, not an ARN).");
            }

            foreach (var duplicate in location.Regions.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                add(where, $"{where}: Region '{duplicate.Key}' is listed more than once.");
            }

            ValidateRate($"{where}.TargetLocationMaxConcurrency", location.TargetLocationMaxConcurrency, MaxConcurrencyPattern, "a number from 1 or a percentage from 1% to 100%", add);
            ValidateRate($"{where}.TargetLocationMaxErrors", location.TargetLocationMaxErrors, MaxErrorsPattern, "a number from 0 or a percentage from 0% to 100%", add);
        }
    }

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags, Action<string, string> add)
    {
        if (tags.Count > AutomationStartRequest.MaxTagsAtStart)
        {
            add("Tags", $"At most {AutomationStartRequest.MaxTagsAtStart} tags can be set when starting an automation; {tags.Count} given (add more later with AddTagsToResource).");
        }

        foreach (var tag in tags)
        {
            if (tag.Key.Length is < 1 or > 128 || tag.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                add("Tags", $"Tag key '{tag.Key}' must be 1-128 characters and must not start with 'aws:'.");
            }

            if ((tag.Value ?? string.Empty).Length > 256)
            {
                add("Tags", $"Tag '{tag.Key}' value is longer than 256 characters.");
            }
        }
    }
}
