using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Logs;
using Xunit;
using Xunit.Abstractions;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// Every ERROR and WARN message the agent can print in the paths that decide whether a node is managed (the templates
/// extracted from its source by tools/agent-messages, five agent versions) is accounted for: a rule of the catalog
/// recognises it, a benign or unrelated entry of the catalog says why it is not reported, or it is a carrier — a
/// wrapper whose wrapped error decides (tools/agent-messages/accounting/*.json, each with its reason).
/// </summary>
public sealed class AgentMessageCoverageTests
{
    private readonly ITestOutputHelper _output;

    public AgentMessageCoverageTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_ERROR_and_WARN_template_in_scope_is_accounted_for()
    {
        var coverage = AgentMessageCoverage.Compute();
        _output.WriteLine(coverage.Summary());
        if (Environment.GetEnvironmentVariable("SSMT_COVERAGE_REPORT") is { Length: > 0 } report)
        {
            // For whoever extends the catalog: every template with what accounts for it (empty: nothing yet).
            File.WriteAllLines(report, coverage.Templates
                .OrderBy(t => t.Families.FirstOrDefault(), StringComparer.Ordinal).ThenBy(t => t.Location, StringComparer.Ordinal)
                .Select(t => string.Join("\t", t.Accounting.Length == 0 ? "UNACCOUNTED" : t.Accounting, string.Join(",", t.Families), t.Kind == "log" ? t.Level : t.Kind, t.Platform,
                    t.Version + ":" + t.Location, t.Template)));
        }

        Assert.True(coverage.Templates.Count > 300, $"only {coverage.Templates.Count} templates in scope: is the extraction data there?");
        var missing = coverage.Unaccounted.Select(t => $"{t.Level} {t.Location}: {t.Template}").ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {coverage.Templates.Count} templates are not accounted for:\n" + string.Join("\n", missing.Take(200)));
    }

    [Fact]
    public void Each_scope_family_holds_templates_in_each_version_it_names()
    {
        var coverage = AgentMessageCoverage.Compute();
        foreach (var family in coverage.Scope.Select(s => s.Family).Distinct())
        {
            Assert.True(coverage.Templates.Any(t => t.Families.Contains(family)), $"family {family} matches no ERROR/WARN template");
        }
    }

    [Fact]
    public void Carrier_entries_each_account_for_a_template_and_give_a_reason()
    {
        var coverage = AgentMessageCoverage.Compute();
        Assert.All(coverage.Carriers, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason), $"carrier '{c.Pattern}' has no reason"));
        var unused = coverage.Carriers.Where(c => !coverage.Templates.Any(t => t.Carrier == c)).Select(c => $"'{c.Pattern}' ({c.File})").ToArray();
        Assert.True(unused.Length == 0, "carriers that account for no template (a rule claims them now): remove " + string.Join(", ", unused));
    }

    [Fact]
    public void INFO_templates_that_signal_trouble_are_recognised()
    {
        // The agent reports these at INFO; each means the node is not talking to Systems Manager.
        var catalog = LogRuleCatalog.BuiltIn;
        foreach (var (line, category) in new[]
        {
            ("2024-06-11 08:00:00 INFO [ssm-agent-worker] Entering SSM Agent hibernate - AccessDeniedException: User: arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0 is not authorized to perform: ssm:UpdateInstanceInformation", "IamAccessDenied"),
            ("2024-06-11 08:00:00 INFO [ssm-agent-worker] Backing off health check to every 600 seconds for 1800 seconds.", "Hibernation"),
            ("2024-06-11 08:00:00 INFO [CredentialRefresher] Sleeping for 27m13s before retrying retrieve credentials", "NoCredentials"),
            // Found by going through every INFO/DEBUG template of the five versions with a failure word in it (each checked in the agent's source).
            ("2024-06-11 08:00:00 INFO [ssm-document-worker] [pluginName=aws:configurePackage] Failed to install AmazonCloudWatchAgent 1.300032.2, successfully rolled back to AmazonCloudWatchAgent 1.247359.1", "DocumentPlugin"),
            ("2024-06-11 08:00:00 INFO [ssm-document-worker] [pluginName=aws:softwareInventory] Unable to upload inventory data to SSM", "DocumentPlugin"),
            ("2024-06-11 08:00:00 INFO [ssm-document-worker] [pluginName=aws:domainJoin] Domain join failed.", "DocumentPlugin"),
        })
        {
            var session = new AgentLogAnalyzer(catalog, new LogScanOptions()).BeginText(null, null);
            session.Add(line);
            Assert.Equal(category, Assert.Single(session.Complete()).Category);
        }
    }
}

/// <summary>One extracted log call: level, file:line, the template as written in the agent's source.</summary>
internal sealed record AgentTemplate(string Version, string Level, string Platform, string Component, string Location, string Template)
{
    internal List<string> Families { get; } = new();

    internal string Accounting { get; set; } = string.Empty;

    internal CarrierEntry? Carrier { get; set; }

    /// <summary>`log` (a log call) or `errtext` (an error value created in the path, printed inside a carrier).</summary>
    internal string Kind { get; init; } = "log";
}

internal sealed record ScopeEntry(string Family, string Version, string Path);

internal sealed record CarrierEntry(string Pattern, Regex Regex, string Reason, string File);

/// <summary>Loads the extraction data and decides, for each ERROR/WARN template in scope, what accounts for it.</summary>
internal sealed class AgentMessageCoverage
{
    private static readonly Regex s_verb = new(@"%[-+# 0]*(\d+|\*)?(\.(\d+|\*))?[vTtbcdoOqxXUeEfFgGsp]|%\[\d+\][a-z]", RegexOptions.CultureInvariant);
    private static readonly Lazy<AgentMessageCoverage> s_computed = new(() => Build(LogRuleCatalog.BuiltIn));

    internal IReadOnlyList<AgentTemplate> Templates { get; private init; } = Array.Empty<AgentTemplate>();

    internal IReadOnlyList<ScopeEntry> Scope { get; private init; } = Array.Empty<ScopeEntry>();

    internal IReadOnlyList<CarrierEntry> Carriers { get; private init; } = Array.Empty<CarrierEntry>();

    internal IEnumerable<AgentTemplate> Unaccounted => Templates.Where(t => t.Accounting.Length == 0);

    internal static string ToolDirectory => Path.Combine(SsmTroubleshoot.Benchmarks.Corpus.LabelledCorpus.RepositoryRoot(), "tools", "agent-messages");

    internal static AgentMessageCoverage Compute() => s_computed.Value;

    /// <summary>The text the agent would print for a template, every format verb standing for a neutral value.</summary>
    internal static string Instantiate(AgentTemplate template)
    {
        var text = template.Template.Replace("\\t", "\t").Replace("\\n", "\n");
        text = s_verb.Replace(text, "X").Replace("%%", "%");
        var level = template.Level.ToUpperInvariant() switch
        {
            "CRITICAL" => "CRITICAL",
            "ERROR" => "ERROR",
            "WARN" => "WARN",
            "INFO" => "INFO",
            _ => "DEBUG",
        };
        // No bracketed component: the Go package path is not what the agent prints, and rules must recognise the message itself.
        return $"2024-01-01 00:00:00 {level} {text}\n";
    }

    /// <summary>The template's fixed words once verbs and punctuation are gone: none means a pure carrier.</summary>
    internal static bool HasNoWords(string template) =>
        !Regex.IsMatch(s_verb.Replace(template, " "), "[A-Za-z]{3,}", RegexOptions.CultureInvariant);

    internal string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Templates.Count} distinct ERROR/WARN templates in scope ({string.Join(", ", Templates.Select(t => t.Version).Distinct())}).");
        foreach (var group in Templates.GroupBy(t => t.Accounting.Split(':')[0]).OrderByDescending(g => g.Count()))
        {
            sb.AppendLine($"  {(group.Key.Length == 0 ? "UNACCOUNTED" : group.Key)}: {group.Count()}");
        }

        foreach (var family in Scope.Select(s => s.Family).Distinct())
        {
            var inFamily = Templates.Where(t => t.Families.Contains(family)).ToArray();
            sb.AppendLine($"  family {family}: {inFamily.Length} templates, {inFamily.Count(t => t.Accounting.StartsWith("rule", StringComparison.Ordinal))} by rules");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Error texts (fmt.Errorf / errors.New in the same paths) reach the log inside a carrier such as `Error: %v`, so a
    /// carrier is only sound when they are accounted for too. SSMT_ERRTEXT=0 leaves them out (to look at log calls alone).
    /// </summary>
    internal static readonly bool IncludeErrorTexts = Environment.GetEnvironmentVariable("SSMT_ERRTEXT") != "0";

    internal static AgentMessageCoverage Build(LogRuleCatalog catalog)
    {
        var directory = ToolDirectory;
        var scope = LoadScope(Path.Combine(directory, "scope.tsv"));
        var carriers = LoadCarriers(Path.Combine(directory, "accounting"));
        var templates = new Dictionary<(string, string), AgentTemplate>();
        foreach (var file in Directory.GetFiles(Path.Combine(directory, "templates"), "*.tsv").OrderBy(f => f, StringComparer.Ordinal))
        {
            var version = Path.GetFileNameWithoutExtension(file);
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var cols = line.Split('\t');
                if (cols.Length < 6 || !((cols[0] == "log" && cols[1] is "Error" or "Critical" or "Warn") || (cols[0] == "errtext" && IncludeErrorTexts)))
                {
                    continue;
                }

                var path = cols[4].Substring(0, cols[4].LastIndexOf(':') is var colon and > 0 ? colon : cols[4].Length);
                var families = scope.Where(s => VersionMatches(s.Version, version) && Matches(s.Path, path, cols[2])).Select(s => s.Family).Distinct().ToArray();
                if (families.Length == 0)
                {
                    continue;
                }

                var level = cols[0] == "errtext" || cols[1] == "Critical" ? "Error" : cols[1];
                var template = string.Join("\t", cols.Skip(5));
                if (!templates.TryGetValue((level, template), out var known))
                {
                    known = new AgentTemplate(version, level, cols[2], cols[3], cols[4], template) { Kind = cols[0] };
                    templates.Add((level, template), known);
                }

                foreach (var family in families.Where(f => !known.Families.Contains(f)))
                {
                    known.Families.Add(family);
                }
            }
        }

        foreach (var template in templates.Values)
        {
            template.Accounting = Account(template, catalog, carriers, out var carrier);
            template.Carrier = carrier;
        }

        return new AgentMessageCoverage { Templates = templates.Values.ToArray(), Scope = scope, Carriers = carriers };
    }

    private static string Account(AgentTemplate template, LogRuleCatalog catalog, IReadOnlyList<CarrierEntry> carriers, out CarrierEntry? carrier)
    {
        carrier = null;
        var text = Instantiate(template);
        var entries = new List<SsmAgentLogEntry>();
        var session = new AgentLogAnalyzer(catalog, new LogScanOptions()).BeginText(null, entries.Add);
        session.Add(text);
        session.Complete();
        if (entries.Count > 0)
        {
            return "rule:" + entries[0].RuleId;
        }

        var flat = text.TrimEnd('\n');
        foreach (var exemption in catalog.Exemptions)
        {
            if (exemption.Regex.IsMatch(flat))
            {
                return (exemption.Kind == LogExemptionKind.Benign ? "benign:" : "unrelated:") + exemption.Pattern;
            }
        }

        carrier = carriers.FirstOrDefault(c => c.Regex.IsMatch(template.Template));
        if (carrier is not null)
        {
            return "carrier:" + carrier.Pattern;
        }

        return HasNoWords(template.Template) ? "carrier:(no fixed words)" : string.Empty;
    }

    /// <summary>scope.tsv's version column: `*`, an exact version, a `3.*`-style prefix, or a comma list of these.</summary>
    private static bool VersionMatches(string column, string version) =>
        column.Split(',').Select(v => v.Trim()).Any(v => v == "*" || v == version || (v.EndsWith("*", StringComparison.Ordinal) && version.StartsWith(v.TrimEnd('*'), StringComparison.Ordinal)));

    /// <summary>A path prefix, a glob (`*` within one directory, `**/` any directories) or `platform=os` (the row's platform column).</summary>
    private static bool Matches(string pattern, string path, string platform)
    {
        if (pattern.StartsWith("platform=", StringComparison.Ordinal))
        {
            return platform.Split(',').Contains(pattern.Substring("platform=".Length));
        }

        if (pattern.IndexOf('*') < 0)
        {
            return path.StartsWith(pattern, StringComparison.Ordinal);
        }

        var regex = "^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?").Replace(@"\*", "[^/]*") + "$";
        return Regex.IsMatch(path, regex, RegexOptions.CultureInvariant);
    }

    private static List<ScopeEntry> LoadScope(string path) =>
        File.ReadLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Where(c => c.Length >= 3 && c[0] != "family")
            .Select(c => new ScopeEntry(c[0].Trim(), c[1].Trim(), c[2].Trim()))
            .ToList();

    private static List<CarrierEntry> LoadCarriers(string directory)
    {
        var list = new List<CarrierEntry>();
        if (!Directory.Exists(directory))
        {
            return list;
        }

        foreach (var file in Directory.GetFiles(directory, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            foreach (var item in doc.RootElement.GetProperty("carriers").EnumerateArray())
            {
                var pattern = item.GetProperty("pattern").GetString()!;
                list.Add(new CarrierEntry(pattern, new Regex(pattern, RegexOptions.CultureInvariant), item.GetProperty("reason").GetString() ?? string.Empty, Path.GetFileName(file)));
            }
        }

        return list;
    }
}
