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
    public void Every_signature_of_the_catalog_is_found_by_the_combined_search()
    {
        var catalog = LogRuleCatalog.BuiltIn;
        foreach (var signature in catalog.SignatureStrings)
        {
            var match = catalog.SignatureRegex.Match("prefix " + signature.ToUpperInvariant() + " suffix");
            Assert.True(match.Success, signature);
            Assert.NotEmpty(catalog.RulesForSignature(match.Value));
        }
    }
}
