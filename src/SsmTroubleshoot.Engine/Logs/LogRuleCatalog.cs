using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Logs;

/// <summary>
/// The rule catalog: data (the embedded catalog.json plus any -RulePath files), never code. Custom rules come
/// first so an organisation's own wording wins over the built-in one.
/// </summary>
public sealed class LogRuleCatalog
{
    /// <summary>The category of ERROR/WARN entries that match no rule (reported with -IncludeUnclassified).</summary>
    public const string UnknownCategory = "Unknown";

    internal const string BuiltInSource = "BuiltIn";

    private static readonly Lazy<LogRuleCatalog> s_builtIn = new(LoadBuiltIn);

    private static readonly Regex s_categoryName = new("^[A-Za-z][A-Za-z0-9]{0,63}$", RegexOptions.CultureInvariant);

    private readonly Dictionary<string, int[]> _rulesBySignature;

    private LogRuleCatalog(IReadOnlyList<SsmAgentLogRule> rules, IReadOnlyList<Regex> benign, IReadOnlyList<string> categories)
    {
        Rules = rules;
        Benign = benign.ToArray();
        Categories = categories;
        var signatures = rules.SelectMany(r => r.Signatures).Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray();
        SignatureStrings = signatures;
        // Longest first: at one position the longest signature wins, and the shorter ones it contains are implied below.
        SignatureRegex = new Regex(string.Join("|", signatures.Select(Regex.Escape)),
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        _rulesBySignature = new Dictionary<string, int[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var signature in signatures)
        {
            var implied = new SortedSet<int>();
            for (var i = 0; i < rules.Count; i++)
            {
                if (rules[i].Signatures.Any(s => signature.IndexOf(s, StringComparison.OrdinalIgnoreCase) >= 0))
                {
                    implied.Add(i);
                }
            }

            _rulesBySignature[signature] = implied.ToArray();
        }

        UnsignedRules = Enumerable.Range(0, rules.Count).Where(i => rules[i].Signatures.Count == 0).ToArray();
    }

    /// <summary>The built-in catalog (immutable, loaded once).</summary>
    public static LogRuleCatalog BuiltIn => s_builtIn.Value;

    /// <summary>Rules in evaluation order: the first rule that matches an entry decides its category.</summary>
    public IReadOnlyList<SsmAgentLogRule> Rules { get; }

    /// <summary>Every category a rule can produce, in catalog order (Unknown not included).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>All distinct signature strings (what the benchmark hands to grep).</summary>
    public IReadOnlyList<string> SignatureStrings { get; }

    internal Regex[] Benign { get; }

    internal Regex SignatureRegex { get; }

    /// <summary>Rules without signatures: tried on every entry at WARN or above.</summary>
    internal int[] UnsignedRules { get; }

    internal int[] RulesForSignature(string matchedText) =>
        _rulesBySignature.TryGetValue(matchedText, out var rules) ? rules : Array.Empty<int>();

    /// <summary>The built-in catalog plus the rules of each file, validated; throws <see cref="LogRuleException"/>.</summary>
    public static LogRuleCatalog WithCustomRules(IEnumerable<string> rulePaths)
    {
        if (rulePaths is null)
        {
            throw new ArgumentNullException(nameof(rulePaths));
        }

        var builtIn = BuiltIn;
        var rules = new List<SsmAgentLogRule>();
        var benign = new List<Regex>();
        foreach (var path in rulePaths)
        {
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new LogRuleException(path, null, null, ex.Message, ex);
            }

            var (fileRules, fileBenign) = Parse(json, path, compile: false);
            rules.AddRange(fileRules);
            benign.AddRange(fileBenign);
        }

        var ids = new HashSet<string>(builtIn.Rules.Select(r => r.Id), StringComparer.OrdinalIgnoreCase);
        foreach (var rule in rules)
        {
            if (!ids.Add(rule.Id))
            {
                throw new LogRuleException(rule.Source, "id", null, $"rule id '{rule.Id}' is already defined; ids must be unique.");
            }
        }

        rules.AddRange(builtIn.Rules);
        benign.AddRange(builtIn.Benign);
        var categories = builtIn.Categories.Concat(rules.Select(r => r.Category)).Distinct(StringComparer.Ordinal).ToArray();
        return new LogRuleCatalog(rules, benign, categories);
    }

    /// <summary>Parses catalog JSON (the built-in or a -RulePath file) with field-level validation.</summary>
    internal static (List<SsmAgentLogRule> Rules, List<Regex> Benign) Parse(string json, string source, bool compile)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber + 1;
            throw new LogRuleException(source, null, line, $"invalid JSON at line {line}, position {ex.BytePositionInLine + 1}: {FirstSentence(ex.Message)}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new LogRuleException(source, "$", null, "the file must hold a JSON object with a 'rules' array.");
            }

            CheckFields(root, "$", source, "schemaVersion", "rules", "benign");
            if (root.TryGetProperty("schemaVersion", out var version) && (version.ValueKind != JsonValueKind.Number || version.GetInt32() != 1))
            {
                throw new LogRuleException(source, "schemaVersion", null, "schemaVersion must be 1.");
            }

            if (!root.TryGetProperty("rules", out var rulesElement) || rulesElement.ValueKind != JsonValueKind.Array)
            {
                throw new LogRuleException(source, "rules", null, "'rules' is required and must be an array of rule objects.");
            }

            var rules = new List<SsmAgentLogRule>();
            var index = 0;
            foreach (var element in rulesElement.EnumerateArray())
            {
                rules.Add(ParseRule(element, $"rules[{index}]", source, compile));
                index++;
            }

            var benign = new List<Regex>();
            if (root.TryGetProperty("benign", out var benignElement))
            {
                if (benignElement.ValueKind != JsonValueKind.Array)
                {
                    throw new LogRuleException(source, "benign", null, "'benign' must be an array of objects with 'pattern' and 'reason'.");
                }

                index = 0;
                foreach (var element in benignElement.EnumerateArray())
                {
                    var field = $"benign[{index}]";
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        throw new LogRuleException(source, field, null, "must be an object with 'pattern' and 'reason'.");
                    }

                    CheckFields(element, field, source, "pattern", "reason");
                    RequiredString(element, "reason", field, source);
                    benign.Add(CompilePattern(RequiredString(element, "pattern", field, source), $"{field}.pattern", source, compile));
                    index++;
                }
            }

            return (rules, benign);
        }
    }

    private static SsmAgentLogRule ParseRule(JsonElement element, string field, string source, bool compile)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new LogRuleException(source, field, null, "each rule must be a JSON object.");
        }

        CheckFields(element, field, source, "id", "category", "severity", "minimumLevel", "signatures", "patterns", "exclude",
            "cause", "remediation", "helpUri", "nextStep");
        var id = RequiredString(element, "id", field, source);
        if (!Regex.IsMatch(id, "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"))
        {
            throw new LogRuleException(source, $"{field}.id", null, $"'{id}' is not a valid id (letters, digits, '.', '_', '-').");
        }

        var category = RequiredString(element, "category", field, source);
        if (!s_categoryName.IsMatch(category) || string.Equals(category, UnknownCategory, StringComparison.OrdinalIgnoreCase))
        {
            throw new LogRuleException(source, $"{field}.category", null,
                $"'{category}' is not a valid category (a letter then letters or digits; '{UnknownCategory}' is reserved).");
        }

        var severity = ParseEnum<SsmAgentLogSeverity>(element, "severity", field, source, null);
        var level = ParseEnum<AgentLogLevel>(element, "minimumLevel", field, source, AgentLogLevel.Warn);
        var signatures = StringArray(element, "signatures", field, source, required: false);
        if (signatures.Any(s => s.Length < 4))
        {
            throw new LogRuleException(source, $"{field}.signatures", null, "each signature must be at least 4 characters (short ones match everything).");
        }

        var patterns = StringArray(element, "patterns", field, source, required: true);
        if (patterns.Count == 0)
        {
            throw new LogRuleException(source, $"{field}.patterns", null, "at least one pattern is required.");
        }

        var exclude = StringArray(element, "exclude", field, source, required: false);
        for (var i = 0; i < patterns.Count; i++)
        {
            CompilePattern(patterns[i], $"{field}.patterns[{i}]", source, compile: false);
        }

        for (var i = 0; i < exclude.Count; i++)
        {
            CompilePattern(exclude[i], $"{field}.exclude[{i}]", source, compile: false);
        }

        var helpUri = OptionalString(element, "helpUri", field, source);
        if (helpUri is not null && (!Uri.TryCreate(helpUri, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")))
        {
            throw new LogRuleException(source, $"{field}.helpUri", null, $"'{helpUri}' is not an absolute http(s) URL.");
        }

        return new SsmAgentLogRule(id, category, severity, level, signatures, patterns, exclude,
            RequiredString(element, "cause", field, source), RequiredString(element, "remediation", field, source), helpUri,
            RequiredString(element, "nextStep", field, source), source, compile);
    }

    private static LogRuleCatalog LoadBuiltIn()
    {
        var assembly = typeof(LogRuleCatalog).Assembly;
        using var stream = assembly.GetManifestResourceStream("SsmTroubleshoot.Logs.Rules.catalog.json")
            ?? throw new InvalidOperationException("The built-in rule catalog resource is missing from the engine assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var (rules, benign) = Parse(reader.ReadToEnd(), BuiltInSource, compile: false);
        var categories = rules.Select(r => r.Category).Distinct(StringComparer.Ordinal).ToArray();
        return new LogRuleCatalog(rules, benign, categories);
    }

    private static void CheckFields(JsonElement element, string field, string source, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new LogRuleException(source, $"{field}.{property.Name}", null,
                    $"unknown field '{property.Name}' (expected one of: {string.Join(", ", known)}).");
            }
        }
    }

    private static string RequiredString(JsonElement element, string name, string field, string source) =>
        OptionalString(element, name, field, source)
        ?? throw new LogRuleException(source, $"{field}.{name}", null, $"'{name}' is required and must be a non-empty string.");

    private static string? OptionalString(JsonElement element, string name, string field, string source)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new LogRuleException(source, $"{field}.{name}", null, $"'{name}' must be a non-empty string.");
        }

        return value.GetString();
    }

    private static IReadOnlyList<string> StringArray(JsonElement element, string name, string field, string source, bool required)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required
                ? throw new LogRuleException(source, $"{field}.{name}", null, $"'{name}' is required and must be an array of strings.")
                : Array.Empty<string>();
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new LogRuleException(source, $"{field}.{name}", null, $"'{name}' must be an array of strings.");
        }

        var list = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
            {
                throw new LogRuleException(source, $"{field}.{name}[{i}]", null, "must be a non-empty string.");
            }

            list.Add(item.GetString()!);
            i++;
        }

        return list;
    }

    private static T ParseEnum<T>(JsonElement element, string name, string field, string source, T? fallback)
        where T : struct, Enum
    {
        var text = OptionalString(element, name, field, source);
        if (text is null)
        {
            return fallback ?? throw new LogRuleException(source, $"{field}.{name}", null,
                $"'{name}' is required (one of: {string.Join(", ", Enum.GetNames(typeof(T)))}).");
        }

        if (!Enum.TryParse<T>(text, ignoreCase: true, out var parsed) || !Enum.IsDefined(typeof(T), parsed) || int.TryParse(text, out _))
        {
            throw new LogRuleException(source, $"{field}.{name}", null,
                $"'{text}' is not valid (one of: {string.Join(", ", Enum.GetNames(typeof(T)))}).");
        }

        return parsed;
    }

    private static Regex CompilePattern(string pattern, string field, string source, bool compile)
    {
        try
        {
            return new Regex(pattern, SsmAgentLogRule.PatternOptions | (compile ? RegexOptions.Compiled : RegexOptions.None), SsmAgentLogRule.MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new LogRuleException(source, field, null, $"invalid regular expression: {ex.Message}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message.Substring(0, cut) : message;
    }
}

/// <summary>A rule file that cannot be used: names the file, the field (JSON path) and, for syntax errors, the line.</summary>
public sealed class LogRuleException : FormatException
{
    public LogRuleException(string source, string? field, long? line, string problem, Exception? inner = null)
        : base(Compose(source, field, problem), inner)
    {
        RuleSource = source;
        Field = field;
        Line = line;
    }

    public string RuleSource { get; }

    public string? Field { get; }

    public long? Line { get; }

    private static string Compose(string source, string? field, string problem) =>
        field is null ? $"Rule file '{source}': {problem}" : $"Rule file '{source}', field {field}: {problem}";
}
