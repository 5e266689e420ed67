using System;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

public sealed class LogRuleCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ssmrules-engine-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string ValidRule = """
        {
          "schemaVersion": 1,
          // An organisation's own agent wrapper logs this when its egress proxy rotates.
          "rules": [
            {
              "id": "acme.egress-rotation",
              "category": "AcmeEgress",
              "severity": "Medium",
              "signatures": ["ACME-EGRESS-"],
              "patterns": ["ACME-EGRESS-\\d+ rotated"],
              "cause": "The ACME egress proxy rotated.",
              "remediation": "Wait a minute.",
              "helpUri": "https://wiki.example.com/egress",
              "nextStep": "Nothing",
            },
          ],
        }
        """;

    [Fact]
    public void Custom_rules_join_the_catalog_first_and_classify()
    {
        var catalog = LogRuleCatalog.WithCustomRules(new[] { Write(ValidRule) });
        Assert.Equal("acme.egress-rotation", catalog.Rules[0].Id);
        Assert.Contains("AcmeEgress", catalog.Categories);
        Assert.Equal(LogRuleCatalog.BuiltIn.Rules.Count + 1, catalog.Rules.Count);
        var session = new AgentLogAnalyzer(catalog, new LogScanOptions()).BeginText(null, null);
        session.Add("2024-06-11 07:00:00 WARN [Wrapper] ACME-EGRESS-7 rotated");
        Assert.Equal("AcmeEgress", Assert.Single(session.Complete()).Category);
    }

    [Theory]
    [InlineData("{ \"rules\": [ { \"id\": \"x\" ", null, "invalid JSON at line 1")]
    [InlineData("{ \"rules\": {} }", "rules", "must be an array")]
    [InlineData("{ \"rulez\": [] }", "$.rulez", "unknown field 'rulez'")]
    [InlineData("{ \"rules\": [ { \"id\": \"a\", \"category\": \"C\", \"severity\": \"Huge\", \"patterns\": [\"x\"], \"cause\": \"c\", \"remediation\": \"r\", \"nextStep\": \"n\" } ] }", "rules[0].severity", "'Huge' is not valid")]
    [InlineData("{ \"rules\": [ { \"id\": \"a\", \"category\": \"C\", \"severity\": \"Low\", \"patterns\": [\"(unclosed\"], \"cause\": \"c\", \"remediation\": \"r\", \"nextStep\": \"n\" } ] }", "rules[0].patterns[0]", "invalid regular expression")]
    [InlineData("{ \"rules\": [ { \"id\": \"a\", \"category\": \"C\", \"severity\": \"Low\", \"patterns\": [\"x\"], \"remediation\": \"r\", \"nextStep\": \"n\" } ] }", "rules[0].cause", "'cause' is required")]
    [InlineData("{ \"rules\": [ { \"id\": \"a\", \"category\": \"Unknown\", \"severity\": \"Low\", \"patterns\": [\"x\"], \"cause\": \"c\", \"remediation\": \"r\", \"nextStep\": \"n\" } ] }", "rules[0].category", "reserved")]
    [InlineData("{ \"rules\": [ { \"id\": \"throttling\", \"category\": \"C\", \"severity\": \"Low\", \"patterns\": [\"x\"], \"cause\": \"c\", \"remediation\": \"r\", \"nextStep\": \"n\" } ] }", "id", "already defined")]
    [InlineData("{ \"rules\": [ { \"id\": \"a\", \"category\": \"C\", \"severity\": \"Low\", \"patterns\": [\"x\"], \"cause\": \"c\", \"remediation\": \"r\", \"nextStep\": \"n\", \"helpUri\": \"not a url\" } ] }", "rules[0].helpUri", "not an absolute")]
    [InlineData("{ \"rules\": [], \"escalations\": [ { \"signatures\": [\"abcd\"], \"pattern\": \"x\", \"level\": \"Loud\", \"reason\": \"r\" } ] }", "escalations[0].level", "'Loud' is not valid")]
    [InlineData("{ \"rules\": [ { \"id\": \"a\", \"category\": \"C\", \"severity\": \"Low\", \"patterns\": [\"x\"], \"cause\": \"c\", \"remediation\": \"r\", \"nextStep\": \"n\", \"likelyCause\": \"no\" } ] }", "rules[0].likelyCause", "must be true or false")]
    public void Bad_rule_files_name_the_file_the_field_and_the_problem(string json, string? field, string problem)
    {
        var path = Write(json);
        var ex = Assert.Throws<LogRuleException>(() => LogRuleCatalog.WithCustomRules(new[] { path }));
        Assert.Equal(field, ex.Field);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        if (field is null)
        {
            Assert.Equal(1, ex.Line);
        }
    }

    [Fact]
    public void Every_signature_is_found_in_any_case_with_the_signatures_it_contains_or_overlaps()
    {
        var catalog = LogRuleCatalog.BuiltIn;
        var found = new System.Collections.Generic.List<int>();
        for (var i = 0; i < catalog.SignatureStrings.Count; i++)
        {
            found.Clear();
            catalog.Matcher.FindAll("prefix " + catalog.SignatureStrings[i].ToUpperInvariant() + " suffix", found);
            Assert.Contains(i, found);
            Assert.NotEmpty(catalog.RulesForSignatureIndex(i));
        }

        // "dial tcp: lookup " overlaps "dial tcp " only partly, and "Rate exceeded" sits inside a longer text.
        var matcher = new SignatureMatcher(new[] { "dial tcp: lookup ", "tcp: look", "Rate exceeded", "ThrottlingException: Rate" });
        found.Clear();
        matcher.FindAll("caused by: dial tcp: lookup x; ThrottlingException: Rate exceeded", found);
        Assert.Equal(new[] { 0, 1, 2, 3 }, found.Distinct().OrderBy(x => x));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(4096)]
    [InlineData(32 * 1024 + 3)]
    public void Positions_are_found_wherever_they_are_including_across_the_middle_of_a_long_text(int length)
    {
        // Long texts are walked in two halves at once: every occurrence, also one that straddles the middle, must be
        // found exactly once, as a plain search finds it.
        var signatures = new[] { "i/o timeout", "no such host", "Entering SSM Agent hibernate", "x509:", "ssmmessages" };
        var matcher = new SignatureMatcher(signatures);
        var random = new Random(length);
        for (var round = 0; round < 50; round++)
        {
            var text = new System.Text.StringBuilder();
            while (text.Length < length)
            {
                text.Append(random.Next(8) == 0 ? signatures[random.Next(signatures.Length)].ToUpperInvariant() : "abcdefghij klmnop\n"[random.Next(18)].ToString());
            }

            var middle = text.Length / 2;
            var planted = signatures[round % signatures.Length];
            if (text.Length > planted.Length + 2)
            {
                // One occurrence across the middle at every possible offset, round after round.
                var at = Math.Max(0, Math.Min(text.Length - planted.Length, middle - (round % planted.Length)));
                text.Remove(at, planted.Length).Insert(at, planted);
            }

            var s = text.ToString();
            var expected = new System.Collections.Generic.List<int>();
            for (var i = 0; i < s.Length; i++)
            {
                if (signatures.Any(sig => i + sig.Length <= s.Length && string.Compare(s, i, sig, 0, sig.Length, StringComparison.OrdinalIgnoreCase) == 0))
                {
                    expected.Add(i);
                }
            }

            var positions = new System.Collections.Generic.List<int>();
            matcher.FindPositions(s.ToCharArray(), s.Length, positions);
            Assert.Equal(expected, positions.OrderBy(p => p));
        }
    }

    [Fact]
    public void Only_rules_that_look_below_warn_make_info_lines_worth_reading()
    {
        var catalog = LogRuleCatalog.BuiltIn;
        var positions = new System.Collections.Generic.List<int>();
        var throttling = "2024-06-11 07:40:00 INFO [HealthCheck] ThrottlingException: Rate exceeded";
        catalog.FindLowLevelSignatures(throttling.ToCharArray(), throttling.Length, positions);
        Assert.Empty(positions); // throttling is a WARN+ rule
        var backOff = "2024-06-11 07:58:00 INFO Backing off health check to every 600 seconds";
        catalog.FindLowLevelSignatures(backOff.ToCharArray(), backOff.Length, positions);
        Assert.Single(positions);
    }

    [Fact]
    public void The_routine_info_and_debug_lines_of_a_healthy_node_hold_no_low_level_signature()
    {
        // A low-level signature in a line every healthy agent writes makes every such line worth reading: a 'broken pipe'
        // signature once did that to 101,000 lines per 256 MB of the benchmark's log (the scan 30 % slower).
        var catalog = LogRuleCatalog.BuiltIn;
        foreach (var template in SsmTroubleshoot.Benchmarks.GeneratedLogLines.Routine.Where(t => t.StartsWith("INFO", StringComparison.Ordinal) || t.StartsWith("DEBUG", StringComparison.Ordinal)))
        {
            var line = "2024-06-11 07:40:00 " + template;
            var positions = new System.Collections.Generic.List<int>();
            catalog.FindLowLevelSignatures(line.ToCharArray(), line.Length, positions);
            Assert.True(positions.Count == 0, $"a low-level signature at {string.Join(",", positions)} in: {line}");
        }
    }
}
