using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Logs;

public sealed class GetSsmAgentLogRuleTests : IClassFixture<LogSessionFixture>
{
    private readonly LogSessionFixture _fx;

    public GetSsmAgentLogRuleTests(LogSessionFixture fixture) => _fx = fixture;

    [Fact]
    public void Lists_the_catalog_covering_every_category_with_help()
    {
        var result = _fx.Session.Run("Get-SsmAgentLogRule");
        Assert.Empty(result.AllErrors);
        Assert.True(result.Output.Count >= 17);
        Assert.All(result.Output, r =>
        {
            Assert.Equal("SsmTroubleshoot.Logs.SsmAgentLogRule", r.TypeNames[0]);
            Assert.StartsWith("https://docs.aws.amazon.com/", (string)ScriptResult.Prop(r, "HelpUri")!, StringComparison.Ordinal);
            Assert.Equal("BuiltIn", ScriptResult.Prop(r, "Source"));
        });
        Assert.Equal(AgentLogSamples.ByCategory.Count, result.Output.Select(r => ScriptResult.Prop(r, "Category")).Distinct().Count());
    }

    [Fact]
    public void Category_filter_and_RulePath_rules_come_first()
    {
        var path = _fx.Write("rulelist/extra.json", """
            { "rules": [ { "id": "acme.proxy", "category": "ProxyMisconfiguration", "severity": "Low", "minimumLevel": "Error",
                           "signatures": ["acme-proxy"], "patterns": ["acme-proxy down"], "cause": "c", "remediation": "r", "nextStep": "n" } ] }
            """);
        var result = _fx.Session.Run("Get-SsmAgentLogRule -Category ProxyMisconfiguration -RulePath $p", new() { ["p"] = path });
        Assert.Empty(result.AllErrors);
        Assert.Equal("acme.proxy", ScriptResult.Prop(result.Output[0], "Id"));
        Assert.Equal(path, ScriptResult.Prop(result.Output[0], "Source"));
        Assert.All(result.Output, r => Assert.Equal("ProxyMisconfiguration", ScriptResult.Prop(r, "Category")));
        Assert.True(result.Output.Count >= 3);

        var bad = _fx.Session.Run("Get-SsmAgentLogRule -Category NoSuchCategory");
        Assert.Equal("LogCategoryInvalid", ScriptResult.ErrorId(Assert.Single(bad.AllErrors)));
    }

    [Fact]
    public void Default_view_lists_id_category_severity_and_level()
    {
        var lines = _fx.Session.Render("Get-SsmAgentLogRule -Category NoCredentials").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.Matches(@"^Id\s+Category\s+Severity\s+MinimumLevel\s+Source$", lines[0]);
        Assert.Matches(@"^iam\.instance-management-role-missing\s+NoCredentials\s+Critical\s+Warn\s+BuiltIn$", lines[2]);
        Assert.Matches(@"^iam\.no-credentials\s+NoCredentials\s+Critical\s+Warn\s+BuiltIn$", lines[3]);
    }
}
