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

    private static readonly Regex s_contextName = new("^[A-Za-z][A-Za-z0-9-]{0,63}$", RegexOptions.CultureInvariant);

    private readonly int[][] _rulesBySignatureIndex;

    private LogRuleCatalog(IReadOnlyList<SsmAgentLogRule> rules, IReadOnlyList<LogRuleExemption> exemptions, IReadOnlyList<LevelEscalation> escalations,
        IReadOnlyList<LogContext> contexts, IReadOnlyList<string> categories, bool timestampBlind)
    {
        TimestampBlind = timestampBlind;
        Rules = rules;
        Exemptions = exemptions.ToArray();
        Escalations = escalations.ToArray();
        Contexts = contexts.ToArray();
        Categories = categories;
        var signatures = rules.SelectMany(r => r.Signatures).Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(s => s, StringComparer.OrdinalIgnoreCase).ToArray();
        SignatureStrings = signatures;
        Matcher = new SignatureMatcher(signatures);
        // One pass over the rules (a search of every rule for every signature was ~1.5 million comparisons at load).
        var bySignature = new Dictionary<string, List<int>>(signatures.Length, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < rules.Count; i++)
        {
            foreach (var signature in rules[i].Signatures)
            {
                if (!bySignature.TryGetValue(signature, out var list))
                {
                    bySignature[signature] = list = new List<int>();
                }

                if (list.Count == 0 || list[list.Count - 1] != i)
                {
                    list.Add(i);
                }
            }
        }

        _rulesBySignatureIndex = signatures.Select(signature => bySignature[signature].ToArray()).ToArray();
        UnsignedRules = Enumerable.Range(0, rules.Count).Where(i => rules[i].Signatures.Count == 0).ToArray();
        // INFO/DEBUG entries are the bulk of a log; only the few rules that look at them need a scan of every line.
        var lowLevel = rules.Where(r => r.MinimumLevel < AgentLogLevel.Warn).ToArray();
        EveryEntryMatters = lowLevel.Any(r => r.Signatures.Count == 0);
        var lowSignatures = lowLevel.SelectMany(r => r.Signatures).Concat(Escalations.SelectMany(e => e.Signatures))
            .Concat(Contexts.SelectMany(c => c.Signatures)).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(s => s.Length).ToArray();
        LowLevelMatcher = lowSignatures.Length == 0 ? null : new SignatureMatcher(lowSignatures);
    }

    /// <summary>
    /// No pattern looks at an entry's timestamp (the built-in catalog; a test holds it to that), so entries that differ
    /// only in their timestamp get one verdict. A catalog with custom rules keys verdicts by the whole text.
    /// </summary>
    internal bool TimestampBlind { get; }

    /// <summary>The built-in catalog (immutable, loaded once).</summary>
    public static LogRuleCatalog BuiltIn => s_builtIn.Value;

    /// <summary>Rules in evaluation order: the first rule that matches an entry decides its category.</summary>
    public IReadOnlyList<SsmAgentLogRule> Rules { get; }

    /// <summary>Every category a rule can produce, in catalog order (Unknown not included).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>
    /// The categories a user's -Category/--category names select (wildcards * and ?, case-insensitive; Unknown when
    /// <paramref name="allowUnknown"/>), or the first name that selects none: the front ends turn that into their error
    /// listing <see cref="CategorySelection.Valid"/>. Null or empty names: no selection (every category).
    /// </summary>
    public CategorySelection SelectCategories(IEnumerable<string>? names, bool allowUnknown)
    {
        var valid = allowUnknown ? Categories.Concat(new[] { UnknownCategory }).ToArray() : Categories.ToArray();
        var requested = (names ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToList();
        if (requested.Count == 0)
        {
            return new CategorySelection(null, null, valid);
        }

        var selected = new List<string>();
        foreach (var name in requested)
        {
            var pattern = Common.Wildcard.HasWildcard(name) ? Common.Wildcard.ToRegex(name) : null;
            var matched = valid.Where(v => pattern?.IsMatch(v) ?? string.Equals(v, name, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (matched.Length == 0)
            {
                return new CategorySelection(null, name, valid);
            }

            selected.AddRange(matched);
        }

        return new CategorySelection(selected.Distinct(StringComparer.Ordinal).ToArray(), null, valid);
    }

    /// <summary>All distinct signature strings (what the benchmark hands to grep).</summary>
    public IReadOnlyList<string> SignatureStrings { get; }

    /// <summary>
    /// Entries that match a rule's wording yet are not a problem of the node being managed: known-harmless noise
    /// (<see cref="LogExemptionKind.Benign"/>) and real errors of something else (<see cref="LogExemptionKind.Unrelated"/>).
    /// </summary>
    public IReadOnlyList<LogRuleExemption> Exemptions { get; }

    /// <summary>Facts about a log that change how some entries are judged (which identity the agent chose, ...).</summary>
    public IReadOnlyList<LogContext> Contexts { get; }

    /// <summary>Wordings that make an entry count as more severe than the level it was logged at.</summary>
    internal LevelEscalation[] Escalations { get; }

    /// <summary>The signatures of rules that also apply below WARN: the only search run over every line (one automaton pass).</summary>
    internal SignatureMatcher? LowLevelMatcher { get; }

    /// <summary>Adds the positions of low-level signatures in the first <paramref name="length"/> characters of <paramref name="text"/>, in order.</summary>
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimize)]
    internal void FindLowLevelSignatures(char[] text, int length, List<int> positions)
    {
        // Start positions; HasMatch only needs them ordered within an entry, so the rare out-of-order start
        // (a short signature ending inside a longer one) is sorted back.
        if (LowLevelMatcher is null)
        {
            return;
        }

        var first = positions.Count;
        LowLevelMatcher.FindPositions(text, length, positions);
        for (var i = first + 1; i < positions.Count; i++)
        {
            if (positions[i] < positions[i - 1])
            {
                positions.Sort(first, positions.Count - first, null);
                break;
            }
        }
    }

    /// <summary>A rule below WARN without signatures: then every entry has to be classified.</summary>
    internal bool EveryEntryMatters { get; }

    /// <summary>Rules without signatures: tried on every entry at WARN or above.</summary>
    internal int[] UnsignedRules { get; }

    /// <summary>Every signature at once (Aho-Corasick): what classifies an entry's candidate rules.</summary>
    internal SignatureMatcher Matcher { get; }

    /// <summary>The rules that list signature number <paramref name="signatureIndex"/> of <see cref="SignatureStrings"/>.</summary>
    internal int[] RulesForSignatureIndex(int signatureIndex) => _rulesBySignatureIndex[signatureIndex];

    /// <summary>The built-in catalog plus the rules of each file, validated; throws <see cref="LogRuleException"/>.</summary>
    public static LogRuleCatalog WithCustomRules(IEnumerable<string> rulePaths)
    {
        if (rulePaths is null)
        {
            throw new ArgumentNullException(nameof(rulePaths));
        }

        var builtIn = BuiltIn;
        var rules = new List<SsmAgentLogRule>();
        var exemptions = new List<LogRuleExemption>();
        var escalations = new List<LevelEscalation>();
        var contexts = new List<LogContext>();
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

            var file = Parse(json, path, compile: false);
            rules.AddRange(file.Rules);
            exemptions.AddRange(file.Exemptions);
            escalations.AddRange(file.Escalations);
            contexts.AddRange(file.Contexts);
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
        exemptions.AddRange(builtIn.Exemptions);
        escalations.AddRange(builtIn.Escalations);
        contexts.AddRange(builtIn.Contexts);
        CheckContextNames(rules, exemptions, contexts);
        var categories = builtIn.Categories.Concat(rules.Select(r => r.Category)).Distinct(StringComparer.Ordinal).ToArray();
        return new LogRuleCatalog(rules, exemptions, escalations, contexts, categories, timestampBlind: false);
    }

    /// <summary>Parses catalog JSON (the built-in or a -RulePath file) with field-level validation.</summary>
    internal static ParsedCatalog Parse(string json, string source, bool compile)
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

            CheckFields(root, "$", source, "schemaVersion", "description", "rules", "benign", "unrelated", "escalations", "contexts");
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

            var exemptions = new List<LogRuleExemption>();
            exemptions.AddRange(ParseExemptions(root, "benign", LogExemptionKind.Benign, source, compile));
            exemptions.AddRange(ParseExemptions(root, "unrelated", LogExemptionKind.Unrelated, source, compile));

            var escalations = new List<LevelEscalation>();
            if (root.TryGetProperty("escalations", out var escalationsElement))
            {
                if (escalationsElement.ValueKind != JsonValueKind.Array)
                {
                    throw new LogRuleException(source, "escalations", null, "'escalations' must be an array of objects with 'signatures', 'pattern', 'level' and 'reason'.");
                }

                index = 0;
                foreach (var element in escalationsElement.EnumerateArray())
                {
                    var field = $"escalations[{index}]";
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        throw new LogRuleException(source, field, null, "must be an object with 'signatures', 'pattern', 'level' and 'reason'.");
                    }

                    CheckFields(element, field, source, "signatures", "pattern", "level", "reason");
                    RequiredString(element, "reason", field, source);
                    var signatures = StringArray(element, "signatures", field, source, required: true);
                    if (signatures.Count == 0 || signatures.Any(x => x.Length < 4))
                    {
                        throw new LogRuleException(source, $"{field}.signatures", null, "at least one signature of 4 characters or more is required.");
                    }

                    escalations.Add(new LevelEscalation(
                        signatures,
                        CompilePattern(RequiredString(element, "pattern", field, source), $"{field}.pattern", source, compile),
                        ParseEnum<AgentLogLevel>(element, "level", field, source, null)));
                    index++;
                }
            }

            var contexts = new List<LogContext>();
            if (root.TryGetProperty("contexts", out var contextsElement))
            {
                if (contextsElement.ValueKind != JsonValueKind.Array)
                {
                    throw new LogRuleException(source, "contexts", null, "'contexts' must be an array of objects with 'name', 'signatures', 'pattern' and 'reason'.");
                }

                index = 0;
                foreach (var element in contextsElement.EnumerateArray())
                {
                    var field = $"contexts[{index}]";
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        throw new LogRuleException(source, field, null, "must be an object with 'name', 'signatures', 'pattern' and 'reason'.");
                    }

                    CheckFields(element, field, source, "name", "signatures", "pattern", "reason");
                    var name = RequiredString(element, "name", field, source);
                    if (!s_contextName.IsMatch(name) || name.StartsWith(LogContext.CategoryPrefix, StringComparison.OrdinalIgnoreCase)
                        || name.StartsWith(LogContext.NodePrefix, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new LogRuleException(source, $"{field}.name", null,
                            $"'{name}' is not a valid context name (letters, digits, '-'; '{LogContext.CategoryPrefix}' and '{LogContext.NodePrefix}' are built in).");
                    }

                    var signatures = StringArray(element, "signatures", field, source, required: true);
                    if (signatures.Count == 0 || signatures.Any(x => x.Length < 4))
                    {
                        throw new LogRuleException(source, $"{field}.signatures", null, "at least one signature of 4 characters or more is required.");
                    }

                    contexts.Add(new LogContext(name, signatures,
                        CompilePattern(RequiredString(element, "pattern", field, source), $"{field}.pattern", source, compile),
                        RequiredString(element, "reason", field, source)));
                    index++;
                }
            }

            return new ParsedCatalog(rules, exemptions, escalations, contexts);
        }
    }

    private static IEnumerable<LogRuleExemption> ParseExemptions(JsonElement root, string name, LogExemptionKind kind, string source, bool compile)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            yield break;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new LogRuleException(source, name, null, $"'{name}' must be an array of objects with 'pattern' and 'reason'.");
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var field = $"{name}[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new LogRuleException(source, field, null, "must be an object with 'pattern' and 'reason'.");
            }

            CheckFields(item, field, source, "pattern", "reason", "unless", "when");
            var reason = RequiredString(item, "reason", field, source);
            var pattern = RequiredString(item, "pattern", field, source);
            yield return new LogRuleExemption(kind, pattern, CompilePattern(pattern, $"{field}.pattern", source, compile), reason,
                OptionalString(item, "unless", field, source), source)
            {
                When = OptionalString(item, "when", field, source),
            };
            index++;
        }
    }

    /// <summary>Every 'requires'/'unless' must name a declared context, a category:Name or a node:kind fact.</summary>
    private static void CheckContextNames(IReadOnlyList<SsmAgentLogRule> rules, IReadOnlyList<LogRuleExemption> exemptions, IReadOnlyList<LogContext> contexts)
    {
        var declared = new HashSet<string>(contexts.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        bool Known(string condition) => condition.Split('|').All(n => KnownName(n.Trim()));
        bool KnownName(string name) => declared.Contains(name)
            || (name.StartsWith(LogContext.CategoryPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > LogContext.CategoryPrefix.Length)
            || LogContext.NodeFacts.Contains(name, StringComparer.OrdinalIgnoreCase);
        foreach (var rule in rules.Where(r => r.Requires is not null && !Known(r.Requires)))
        {
            throw new LogRuleException(rule.Source, $"rule {rule.Id}.requires", null,
                $"'{rule.Requires}' is not a context: declare it under 'contexts', or use category:<Name> or {string.Join("/", LogContext.NodeFacts)}.");
        }

        foreach (var exemption in exemptions)
        {
            foreach (var (name, condition) in new[] { ("unless", exemption.Unless), ("when", exemption.When) })
            {
                if (condition is not null && !Known(condition))
                {
                    throw new LogRuleException(exemption.Source, name, null,
                        $"'{condition}' is not a context: declare it under 'contexts', or use category:<Name> or {string.Join("/", LogContext.NodeFacts)}.");
                }
            }
        }
    }

    private static SsmAgentLogRule ParseRule(JsonElement element, string field, string source, bool compile)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new LogRuleException(source, field, null, "each rule must be a JSON object.");
        }

        CheckFields(element, field, source, "id", "category", "severity", "minimumLevel", "signatures", "patterns", "exclude",
            "cause", "remediation", "helpUri", "nextStep", "symptom", "likelyCause", "requires");
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
        if (!compile)
        {
            // A user's file: each pattern is parsed here, so a bad one is reported with its field. Built-in patterns are
            // parsed by a test instead, and only when a scan first needs them (RulePattern): parsing all of them here
            // cost every first scan about 0.1 s.
            for (var i = 0; i < patterns.Count; i++)
            {
                CompilePattern(patterns[i], $"{field}.patterns[{i}]", source, compile: false);
            }

            for (var i = 0; i < exclude.Count; i++)
            {
                CompilePattern(exclude[i], $"{field}.exclude[{i}]", source, compile: false);
            }
        }

        var helpUri = OptionalString(element, "helpUri", field, source);
        if (helpUri is not null && (!Uri.TryCreate(helpUri, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")))
        {
            throw new LogRuleException(source, $"{field}.helpUri", null, $"'{helpUri}' is not an absolute http(s) URL.");
        }

        var symptom = OptionalBoolean(element, "symptom", field, source, false);

        // false: what the rule finds is never named as another issue's LikelyCause (another agent's own failure).
        var likelyCause = OptionalBoolean(element, "likelyCause", field, source, true);

        return new SsmAgentLogRule(id, category, severity, level, signatures, patterns, exclude,
            RequiredString(element, "cause", field, source), RequiredString(element, "remediation", field, source), helpUri,
            RequiredString(element, "nextStep", field, source), source, compile)
        {
            IsSymptom = symptom,
            CanBeLikelyCause = likelyCause,
            Requires = OptionalString(element, "requires", field, source),
        };
    }

    private static bool OptionalBoolean(JsonElement element, string name, string field, string source, bool fallback)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new LogRuleException(source, $"{field}.{name}", null, $"'{name}' must be true or false."),
        };
    }

    /// <summary>
    /// The embedded rule files: catalog.json (root causes, tried first), then the family files by name, then
    /// generic.json (wordings of last resort: a plugin step failed, an update failed, the agent hibernates).
    /// </summary>
    internal static IReadOnlyList<string> BuiltInResourceNames
    {
        get
        {
            const string prefix = "SsmTroubleshoot.Logs.Rules.";
            return typeof(LogRuleCatalog).Assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
                .OrderBy(n => n == prefix + "catalog.json" ? 0 : n == prefix + "generic.json" ? 2 : 1)
                .ThenBy(n => n, StringComparer.Ordinal)
                .ToArray();
        }
    }

    private static LogRuleCatalog LoadBuiltIn()
    {
        var assembly = typeof(LogRuleCatalog).Assembly;
        var rules = new List<SsmAgentLogRule>();
        var exemptions = new List<LogRuleExemption>();
        var escalations = new List<LevelEscalation>();
        var contexts = new List<LogContext>();
        foreach (var name in BuiltInResourceNames)
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The built-in rule resource {name} is missing from the engine assembly.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // Compiled once per process: rule patterns run on every problem entry of logs that can reach gigabytes.
            var parsed = Parse(reader.ReadToEnd(), BuiltInSource, compile: true);
            var rootFile = name.EndsWith(".catalog.json", StringComparison.Ordinal);
            foreach (var rule in parsed.Rules)
            {
                rule.IsRootCause = rootFile;
            }

            foreach (var exemption in parsed.Exemptions)
            {
                exemption.HidesRootCauses = rootFile;
            }

            rules.AddRange(parsed.Rules);
            exemptions.AddRange(parsed.Exemptions);
            escalations.AddRange(parsed.Escalations);
            contexts.AddRange(parsed.Contexts);
        }

        if (rules.Count == 0)
        {
            throw new InvalidOperationException("The built-in rule catalog resource is missing from the engine assembly.");
        }

        var duplicate = rules.GroupBy(r => r.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"The built-in rule id '{duplicate.Key}' is defined twice.");
        }

        CheckContextNames(rules, exemptions, contexts);
        var categories = rules.Select(r => r.Category).Distinct(StringComparer.Ordinal).ToArray();
        return new LogRuleCatalog(rules, exemptions, escalations, contexts, categories, timestampBlind: true);
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

    private static RulePattern CompilePattern(string pattern, string field, string source, bool compile)
    {
        try
        {
            return new RulePattern(pattern, SsmAgentLogRule.PatternOptions, SsmAgentLogRule.MatchTimeout, compile);
        }
        catch (ArgumentException ex)
        {
            throw new LogRuleException(source, field, null, $"invalid regular expression: {ex.Message}", ex);
        }
    }

    // System.Text.Json appends " Path: $ | LineNumber: 3 | BytePositionInLine: 4." (zero-based) when it knows them: the
    // message already gives the line counted from 1, so the parser's own numbers are cut off (one line number, not two).
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return cut > 0 ? message.Substring(0, cut) : message;
    }
}

/// <summary>The content of one catalog file.</summary>
internal sealed record ParsedCatalog(List<SsmAgentLogRule> Rules, List<LogRuleExemption> Exemptions, List<LevelEscalation> Escalations, List<LogContext> Contexts);

/// <summary>Why an entry that looks like a problem is not reported.</summary>
public enum LogExemptionKind
{
    /// <summary>Harmless: the agent logs it in normal operation.</summary>
    Benign,

    /// <summary>A real error, but of something other than the node being managed (a user's script, an optional feature).</summary>
    Unrelated,
}

/// <summary>A known wording that is not reported, with the reason; <see cref="Unless"/> names the context that makes it a problem after all.</summary>
public sealed class LogRuleExemption
{
    internal LogRuleExemption(LogExemptionKind kind, string pattern, RulePattern regex, string reason, string? unless, string source)
    {
        Kind = kind;
        Pattern = pattern;
        Regex = regex;
        Reason = reason;
        Unless = unless;
        Source = source;
    }

    public LogExemptionKind Kind { get; }

    public string Pattern { get; }

    public string Reason { get; }

    /// <summary>A context (declared, category:Name or node:hybrid/node:ec2) under which the exemption does not apply.</summary>
    public string? Unless { get; }

    /// <summary>A context the source must show for the exemption to apply (the wording is harmless only then).</summary>
    public string? When { get; internal init; }

    public string Source { get; }

    /// <summary>
    /// Whether the exemption also hides an entry that a root-cause rule (catalog.json: network, IMDS, DNS, TLS, proxy,
    /// IAM, credentials, clock, throttling) recognised. A family file's exemption never does: a benign wording that
    /// wraps an i/o timeout is still evidence of the time-out. -RulePath files keep full power.
    /// </summary>
    public bool HidesRootCauses { get; internal set; } = true;

    internal RulePattern Regex { get; }

    internal RulePattern[] RegexArray => _regexArray ??= new[] { Regex };

    /// <summary>How a time-out names this exemption (made once: it is asked for on every classified entry).</summary>
    internal Func<string> Owner => _owner ??= () => $"The {Kind.ToString().ToLowerInvariant()} exemption '{Pattern}' ({Source})";

    private RulePattern[]? _regexArray;
    private Func<string>? _owner;
}

/// <summary>
/// A fact about one log, learnt from any of its entries (an INFO line naming the identity the agent chose, say):
/// rules that 'require' it and exemptions 'unless' it are judged once the whole source has been read.
/// </summary>
public sealed class LogContext
{
    /// <summary>category:Name holds when the source has an entry of that category.</summary>
    public const string CategoryPrefix = "category:";

    /// <summary>node:hybrid / node:ec2 hold when the log's instance id is an mi- / i- id.</summary>
    public const string NodePrefix = "node:";

    internal static readonly string[] NodeFacts = { "node:hybrid", "node:ec2" };

    internal LogContext(string name, IReadOnlyList<string> signatures, RulePattern pattern, string reason)
    {
        Name = name;
        Signatures = signatures;
        Pattern = pattern;
        Reason = reason;
    }

    public string Name { get; }

    public IReadOnlyList<string> Signatures { get; }

    public string Reason { get; }

    internal RulePattern Pattern { get; }

    internal RulePattern[] PatternArray => _patternArray ??= new[] { Pattern };

    internal Func<string> Owner => _owner ??= () => $"The context '{Name}'";

    private RulePattern[]? _patternArray;
    private Func<string>? _owner;
}

/// <summary>An entry matching <see cref="Pattern"/> is classified as if logged at <see cref="Level"/> (the agent logs some failures at INFO).</summary>
internal sealed record LevelEscalation(IReadOnlyList<string> Signatures, RulePattern Pattern, AgentLogLevel Level)
{
    internal RulePattern[] PatternArray { get; } = new[] { Pattern };
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
