using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class RunbookCatalogTests
{
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> P(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)new[] { p.Value });

    [Fact]
    public void Catalog_holds_the_seven_runbooks_with_their_instance_parameter()
    {
        var expected = new Dictionary<string, string>
        {
            ["AWSSupport-TroubleshootManagedInstance"] = "InstanceId",
            ["AWSSupport-ExecuteEC2Rescue"] = "UnreachableInstanceId",
            ["AWSSupport-StartEC2RescueWorkflow"] = "InstanceId",
            ["AWSSupport-TroubleshootSSH"] = "InstanceId",
            ["AWSSupport-TroubleshootRDP"] = "InstanceId",
            ["AWSSupport-TroubleshootSessionManager"] = "InstanceId",
            ["AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2"] = "Source",
        };

        Assert.Equal(expected.Keys.OrderBy(k => k), RunbookCatalog.All.Select(r => r.Name).OrderBy(k => k));
        foreach (var pair in expected)
        {
            Assert.Equal(pair.Value, RunbookCatalog.Find(pair.Key)!.InstanceParameterName);
        }
    }

    [Fact]
    public void ExecuteEC2Rescue_always_stops_the_instance_and_is_high_impact()
    {
        var rescue = RunbookCatalog.Find("awssupport-executeec2rescue")!;
        var kinds = rescue.ActiveDisruptions(null).Select(d => d.Kind).ToList();
        Assert.Contains(DisruptionKind.StopsInstance, kinds);
        Assert.Contains(DisruptionKind.CreatesAmi, kinds);
        Assert.Contains(DisruptionKind.InstanceStoreDataLost, kinds);
        Assert.Contains(DisruptionKind.PublicIpMayChange, kinds);
        Assert.Equal(RunbookImpact.High, rescue.ImpactFor(null));
        var text = rescue.DescribeEffects("i-0123456789abcdef0", null);
        Assert.Contains("Stops the instance", text);
        Assert.Contains("instance store", text);
        Assert.Contains("i-0123456789abcdef0", text);
    }

    [Fact]
    public void TroubleshootManagedInstance_is_read_only_and_medium_impact()
    {
        var tmi = RunbookCatalog.Find("AWSSupport-TroubleshootManagedInstance")!;
        Assert.False(tmi.CanDisrupt);
        Assert.Empty(tmi.ActiveDisruptions(P(("InstanceId", "i-0123456789abcdef0"))));
        Assert.Equal(RunbookImpact.Medium, tmi.ImpactFor(null));
        Assert.Contains("FinalOutput.Message", tmi.ReportOutputs);
        Assert.Contains("does not stop", tmi.DescribeEffects(null, null));
    }

    [Theory]
    [InlineData("AWSSupport-TroubleshootSSH", "AllowOffline", "True", RunbookImpact.High)]
    [InlineData("AWSSupport-TroubleshootSSH", "AllowOffline", "False", RunbookImpact.Medium)]
    [InlineData("AWSSupport-TroubleshootSSH", "Action", "FixAll", RunbookImpact.High)]
    [InlineData("AWSSupport-TroubleshootSSH", "Action", "CheckAll", RunbookImpact.Medium)]
    [InlineData("AWSSupport-TroubleshootRDP", "AllowOffline", "true", RunbookImpact.High)]
    [InlineData("AWSSupport-TroubleshootRDP", "Action", "Custom", RunbookImpact.Medium)]
    [InlineData("AWSSupport-TroubleshootRDP", "Firewall", "Check", RunbookImpact.Medium)]
    [InlineData("AWSSupport-TroubleshootRDP", "Firewall", "Disable", RunbookImpact.High)]
    [InlineData("AWSSupport-TroubleshootRDP", "RDPPortAction", "Modify", RunbookImpact.High)]
    public void Conditional_disruptions_follow_the_parameters(string runbook, string parameter, string value, RunbookImpact impact)
    {
        var entry = RunbookCatalog.Find(runbook)!;
        Assert.True(entry.CanDisrupt);
        Assert.Equal(impact, entry.ImpactFor(P((parameter, value))));
        Assert.Equal(RunbookImpact.Medium, entry.ImpactFor(null));
    }

    [Fact]
    public void Offline_ssh_fix_says_it_stops_and_images_the_instance()
    {
        var ssh = RunbookCatalog.Find("AWSSupport-TroubleshootSSH")!;
        var active = ssh.ActiveDisruptions(P(("AllowOffline", "True"))).Select(d => d.Kind).ToList();
        Assert.Contains(DisruptionKind.StopsInstance, active);
        Assert.Contains(DisruptionKind.CreatesAmi, active);
        Assert.DoesNotContain(DisruptionKind.ChangesConfiguration, active);
    }

    [Fact]
    public void Custom_rdp_changes_are_named_in_the_confirmation()
    {
        var rdp = RunbookCatalog.Find("AWSSupport-TroubleshootRDP")!;
        var parameters = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Firewall"] = new[] { "Disable" },
            ["NLASettingAction"] = new[] { "Check" },
            ["RDPServiceAction"] = new[] { "Restart" },
        };
        var text = rdp.DescribeEffects("i-0123456789abcdef0", parameters);
        Assert.Contains("Disables the Windows Firewall", text);
        Assert.Contains("restarts the RDP service", text);
        Assert.DoesNotContain("Network Level Authentication", text);
        Assert.DoesNotContain("Stops the instance", text);
    }

    [Fact]
    public void Reachability_analysis_creates_billed_resources_but_is_not_high_impact()
    {
        var analyze = RunbookCatalog.Find("AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2")!;
        Assert.Contains(analyze.ActiveDisruptions(null), d => d.Kind == DisruptionKind.CreatesResources);
        Assert.Equal(RunbookImpact.Medium, analyze.ImpactFor(null));
        Assert.Contains("generateReport.EvalReport", analyze.ReportOutputs);
    }

    [Fact]
    public void StartEC2RescueWorkflow_creates_amis_only_when_asked()
    {
        var workflow = RunbookCatalog.Find("AWSSupport-StartEC2RescueWorkflow")!;
        Assert.DoesNotContain(workflow.ActiveDisruptions(null), d => d.Kind == DisruptionKind.CreatesAmi);
        Assert.Contains(workflow.ActiveDisruptions(P(("CreatePreEC2RescueBackup", "True"))), d => d.Kind == DisruptionKind.CreatesAmi);
        Assert.Equal(new[] { "S3BucketName", "S3Prefix" }, workflow.LogParameters);
    }

    [Fact]
    public void Completion_accepts_names_with_or_without_the_prefix()
    {
        Assert.Equal(new[] { "AWSSupport-TroubleshootManagedInstance" }, RunbookCatalog.Complete("TroubleshootM"));
        Assert.Equal(4, RunbookCatalog.Complete("awssupport-trouble").Count);
        Assert.Equal(7, RunbookCatalog.Complete(string.Empty).Count);
        Assert.Empty(RunbookCatalog.Complete("Nope"));
    }

    [Theory]
    [InlineData("AWSPremiumSupport-DiagnoseDisk", true, true)]
    [InlineData("AWSSupport-TroubleshootSSH", true, false)]
    [InlineData("arn:aws:ssm:us-east-1:123456789012:document/AWSPremiumSupport-X", true, true)]
    [InlineData("AWS-RestartEC2Instance", false, false)]
    [InlineData(null, false, false)]
    public void Support_and_premium_names_are_recognised(string? name, bool support, bool premium)
    {
        Assert.Equal(support, RunbookCatalog.IsSupportRunbook(name));
        Assert.Equal(premium, RunbookCatalog.IsPremiumSupportRunbook(name));
    }

    [Fact]
    public void Find_accepts_an_arn()
    {
        Assert.NotNull(RunbookCatalog.Find("arn:aws:ssm:eu-west-1::document/AWSSupport-TroubleshootRDP"));
        Assert.Null(RunbookCatalog.Find("AWS-RunShellScript"));
    }
}
