using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Automation;

/// <summary>Find-SawRunbook and Get-SawRunbook against the emulator's documents.</summary>
public sealed class RunbookDiscoveryTests : AutomationTestBase
{
    [Fact]
    public void Find_lists_the_support_runbooks_with_catalog_facts_and_hides_premium_ones_by_default()
    {
        var result = Session.Run("Find-SawRunbook @aws");
        Assert.Empty(result.AllErrors);
        var names = result.Output.Select(o => (string)ScriptResult.Prop(o, "Name")!).ToList();
        Assert.Equal(7, names.Count);
        Assert.All(names, n => Assert.StartsWith("AWSSupport-", n, StringComparison.Ordinal));
        var rescue = result.Output.Single(o => (string)ScriptResult.Prop(o, "Name")! == "AWSSupport-ExecuteEC2Rescue");
        Assert.Equal("SsmTroubleshoot.Automation.RunbookSummary", rescue.TypeNames[0]);
        Assert.Equal("Run EC2Rescue on an unreachable instance", ScriptResult.Prop(rescue, "DisplayName"));
        Assert.StartsWith("Yes: StopsInstance", (string)ScriptResult.Prop(rescue, "Disruption")!, StringComparison.Ordinal);
        Assert.Contains("EC2Rescue", (string)ScriptResult.Prop(rescue, "Purpose")!, StringComparison.Ordinal);
        Assert.Equal(2, Emu.Calls["ssm:ListDocuments"]); // one prefix each, a page each
    }

    [Fact]
    public void Keyword_and_IncludePremiumSupport_filter()
    {
        var ssh = Session.Run("Find-SawRunbook -Keyword ssh @aws");
        Assert.Equal(new[] { "AWSSupport-TroubleshootSSH" }, ssh.Output.Select(o => ScriptResult.Prop(o, "Name")));
        var purpose = Session.Run("Find-SawRunbook 'root volume' @aws");
        Assert.Contains("AWSSupport-ExecuteEC2Rescue", purpose.Output.Select(o => (string)ScriptResult.Prop(o, "Name")!));
        var premium = Session.Run("Find-SawRunbook -IncludePremiumSupport @aws");
        Assert.Equal(8, premium.Output.Count);
        Assert.Equal(true, ScriptResult.Prop(premium.Output.Single(o => ((string)ScriptResult.Prop(o, "Name")!).StartsWith("AWSPremiumSupport-", StringComparison.Ordinal)), "IsPremiumSupport"));
    }

    [Fact]
    public void Find_without_permission_stops_with_RunbookListFailed()
    {
        Emu.World.Mutate(w => w.Denies.Add(new SsmTroubleshoot.Emulator.Model.Deny { Principal = "*", Action = "ssm:ListDocuments" }));
        var result = Session.Run("Find-SawRunbook @aws");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        Assert.Equal("RunbookListFailed", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
    }

    [Fact]
    public void Get_shows_parameters_steps_and_outputs_and_binds_from_Find()
    {
        var result = Session.Run("Find-SawRunbook -Keyword ManagedInstance @aws | Get-SawRunbook @aws");
        Assert.Empty(result.AllErrors);
        var document = Assert.Single(result.Output);
        Assert.Equal("SsmTroubleshoot.Automation.RunbookDocument", document.TypeNames[0]);
        Assert.Equal(9, ((ICollection)ScriptResult.Prop(document, "Steps")!).Count);
        Assert.Equal("InstanceId", ScriptResult.Prop(document, "InstanceParameterName"));
        Assert.Equal(new[] { "FinalOutput.Message" }, ((IEnumerable)ScriptResult.Prop(document, "Outputs")!).Cast<object>().Select(o => o.ToString()));

        var text = Session.Render("Get-SawRunbook AWSSupport-TroubleshootSSH @aws");
        Assert.Contains("Action (String, default 'CheckAll') one of: CheckAll, FixAll", text, StringComparison.Ordinal);
        Assert.Contains("InstanceId (String, required) pattern:", text, StringComparison.Ordinal);
        Assert.Contains("1. ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_errors_are_per_name_and_premium_ones_explain_the_plan()
    {
        var result = Session.Run("Get-SawRunbook AWSSupport-NoSuchRunbook, AWSPremiumSupport-TroubleshootEC2DiskUsage, AWSSupport-TroubleshootRDP @aws");
        Assert.Single(result.Output);
        Assert.Equal(new[] { "RunbookNotFound", "PremiumSupportRequired" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("Enterprise Support", result.Errors[1].ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_completes_from_the_catalog()
    {
        var result = Session.Run("$line = 'Invoke-SawRunbook -Name AWSSupport-Troubleshoot'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText }");
        Assert.Empty(result.AllErrors);
        var texts = result.Output.Select(o => o.BaseObject.ToString()).ToList();
        Assert.Contains("AWSSupport-TroubleshootSSH", texts);
        Assert.Contains("AWSSupport-TroubleshootManagedInstance", texts);
        Assert.DoesNotContain("AWSSupport-ExecuteEC2Rescue", texts);
    }
}
