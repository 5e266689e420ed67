using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// Entries that differ only in their timestamp share one verdict (the scan's regular expressions run once per distinct
/// message): that must never change what a scan reports.
/// </summary>
public sealed class EntryVerdictTests : IDisposable
{
    private static readonly string[] Timestamps = { "2019-12-31 23:59:59.9999", "2024-01-01 00:00:00", "2031-07-04 12:34:56,789" };

    private readonly string _dir = Directory.CreateTempSubdirectory("ssmlogs-verdicts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every message the agent can print (its templates instantiated), then the hand-written samples, each one entry.</summary>
    private static IEnumerable<string> Messages() =>
        AgentMessageCoverage.Compute().Templates.Select(AgentMessageCoverage.Instantiate)
            .Concat(AgentLogSamples.ByCategory.Values)
            .Concat(new[] { AgentLogSamples.Benign })
            .Concat(new[] { "amazon-ssm-agent.log", "hibernate.log" }.Select(name => File.ReadAllText(Path.Combine(AgentMessageCoverage.ToolDirectory, "..", "..", "examples", "logs", name))));

    private static string WithTimestamp(string entries, string timestamp) =>
        string.Join("\n", entries.Split('\n').Select(line => AgentLogSyntax.TimestampEnd(line, 0, line.Length) is > 0 and var end ? timestamp + line.Substring(end) : line));

    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, bool remember, LogRuleCatalog? catalog = null)
    {
        var entries = new List<SsmAgentLogEntry>();
        var scanner = new EntryScanner(catalog ?? LogRuleCatalog.BuiltIn, new LogScanOptions { IncludeUnclassified = true }, "test.log", entries.Add) { RememberVerdicts = remember };
        scanner.Feed(text.EndsWith("\n", StringComparison.Ordinal) ? text : text + "\n");
        return (scanner.Complete(), entries);
    }

    private static IEnumerable<string> Describe(IReadOnlyList<SsmAgentLogIssue> issues) =>
        issues.Select(i => $"{i.Category} {i.RuleId} x{i.Count} at {string.Join(",", i.LineNumbers)} id={i.InstanceId} endpoint={i.Endpoint} cause={i.LikelyCause}");

    private static IEnumerable<string> Describe(List<SsmAgentLogEntry> entries) =>
        entries.Select(e => $"{e.LineNumber} {e.Level} {e.Category} {e.RuleId} id={e.InstanceId} endpoint={e.Endpoint} cause={e.LikelyCause} {e.Message}");

    [Fact]
    public void No_built_in_pattern_looks_at_the_timestamp()
    {
        // The same messages under three timestamps, each judged afresh: every verdict must come out the same.
        var messages = string.Concat(Messages());
        var scans = Timestamps.Select(t => Scan(WithTimestamp(messages, t), remember: false)).ToArray();
        Assert.True(scans[0].Entries.Count > 1000, $"only {scans[0].Entries.Count} entries were classified");
        foreach (var scan in scans.Skip(1))
        {
            Assert.Equal(scans[0].Entries.Select(e => $"{e.LineNumber} {e.Category} {e.RuleId} {e.Level}"), scan.Entries.Select(e => $"{e.LineNumber} {e.Category} {e.RuleId} {e.Level}"));
        }

        Assert.True(LogRuleCatalog.BuiltIn.TimestampBlind);
    }

    [Fact]
    public void Remembered_verdicts_report_exactly_what_fresh_ones_do()
    {
        // Every message three times under other timestamps, in shuffled order, so most entries reuse a verdict and
        // context-dependent ones (hybrid identity, sessions failing around a drop) meet their context before and after.
        var random = new Random(7);
        var entries = Messages().SelectMany(m => Timestamps.Select(t => WithTimestamp(m, t))).OrderBy(_ => random.Next()).ToArray();
        var text = string.Concat(entries);
        var remembered = Scan(text, remember: true);
        var fresh = Scan(text, remember: false);
        Assert.True(fresh.Entries.Count > 3000, $"only {fresh.Entries.Count} entries were classified");
        Assert.Equal(Describe(fresh.Issues), Describe(remembered.Issues));
        Assert.Equal(Describe(fresh.Entries), Describe(remembered.Entries));
    }

    [Fact]
    public void With_custom_rules_a_pattern_may_look_at_the_timestamp()
    {
        const string rule = """
            { "rules": [ { "id": "acme.new-year", "category": "AcmeNewYear", "severity": "Low", "signatures": ["Health ping"],
              "patterns": ["^2024-01-01 .* Health ping"], "cause": "c", "remediation": "r", "nextStep": "n" } ] }
            """;
        var path = Path.Combine(_dir, "rules.json");
        File.WriteAllText(path, rule);
        var catalog = LogRuleCatalog.WithCustomRules(new[] { path });
        Assert.False(catalog.TimestampBlind);
        var text = "2024-01-01 00:00:00 WARN [HealthCheck] Health ping sent\n2024-01-02 00:00:00 WARN [HealthCheck] Health ping sent\n"
            + "2024-01-01 00:05:00 WARN [HealthCheck] Health ping sent\n";
        var issue = Assert.Single(Scan(text, remember: true, catalog).Issues, i => i.Category == "AcmeNewYear");
        Assert.Equal(new long[] { 1, 3 }, issue.LineNumbers);
    }

    [Fact]
    public void A_timestamp_ends_after_its_fraction()
    {
        Assert.Equal(19, AgentLogSyntax.TimestampEnd("2024-06-11 07:42:05 INFO x", 0, 26));
        Assert.Equal(24, AgentLogSyntax.TimestampEnd("2024-06-11 07:42:05.1234 INFO x", 0, 31));
        Assert.Equal(23, AgentLogSyntax.TimestampEnd("2024-06-11 07:42:05,123 INFO x", 0, 30));
        Assert.Equal(23, AgentLogSyntax.TimestampEnd("2019-05-01T15:12:31.123+00:00 ERROR x", 0, 37)); // ISO 8601 headers share verdicts too
        Assert.Equal(19, AgentLogSyntax.TimestampEnd("2019-05-01T15:12:31 ERROR x", 0, 27));
        Assert.Equal(-1, AgentLogSyntax.TimestampEnd("caused by: Post \"https://ssm\"", 0, 29));
        Assert.Equal(-1, AgentLogSyntax.TimestampEnd("2024-06-11", 0, 10));
    }
}
