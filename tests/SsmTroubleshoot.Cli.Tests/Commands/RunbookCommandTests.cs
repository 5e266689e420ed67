using System;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Cli.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`runbook catalog|find|show`: the built-in catalog, offline.</summary>
public sealed class RunbookCommandTests
{
    [Fact]
    public async Task Catalog_lists_every_runbook_with_its_impact_and_disruptions()
    {
        var result = await CliRun.RunAsync("runbook", "catalog");
        Console.WriteLine(result.Output);
        Assert.Equal(ExitCodes.Healthy, result.ExitCode);
        var lines = CliRun.Lines(result.Output);
        Assert.Equal(new[] { "Name", "Impact", "Disruptions", "Purpose" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2 + RunbookCatalog.All.Count, lines.Count);
        Assert.Matches(@"^AWSSupport-ExecuteEC2Rescue\s+High\s+StopsInstance, CreatesAmi, InstanceStoreDataLost, PublicIpMayChange, CreatesResources\s+Runs EC2Rescue", lines.Single(l => l.StartsWith("AWSSupport-ExecuteEC2Rescue ")));
        Assert.Matches(@"^AWSSupport-TroubleshootManagedInstance\s+None\s+Checks why", lines.Single(l => l.StartsWith("AWSSupport-TroubleshootManagedInstance ")));
        Assert.Matches(@"^AWSSupport-TroubleshootSSH\s+High if Action=FixAll \+1 more\s+ChangesConfiguration", lines.Single(l => l.StartsWith("AWSSupport-TroubleshootSSH ")));
    }

    [Fact]
    public async Task Catalog_json_has_the_catalog_property_names()
    {
        var result = await CliRun.RunAsync("runbook", "catalog", "--json");
        Assert.Equal(ExitCodes.Healthy, result.ExitCode);
        var entries = result.Json().EnumerateArray().ToList();
        Assert.Equal(RunbookCatalog.All.Select(r => r.Name), entries.Select(e => e.GetProperty("Name").GetString()));
        var rescue = entries.Single(e => e.GetProperty("Name").GetString() == "AWSSupport-ExecuteEC2Rescue");
        Assert.Equal("UnreachableInstanceId", rescue.GetProperty("InstanceParameterName").GetString());
        Assert.True(rescue.GetProperty("CanDisrupt").GetBoolean());
        var stop = rescue.GetProperty("Disruptions")[0];
        Assert.Equal("StopsInstance", stop.GetProperty("Kind").GetString());
        Assert.Equal("Stops the instance.", stop.GetProperty("Description").GetString());
        Assert.False(stop.GetProperty("IsConditional").GetBoolean());
        Assert.True(stop.GetProperty("AffectsInstance").GetBoolean());
    }

    [Fact]
    public async Task Find_offline_matches_names_and_purposes_and_nothing_found_says_so_on_stderr_and_exits_4()
    {
        var rescue = await CliRun.RunAsync("runbook", "find", "root volume", "--offline", "--json");
        Assert.Equal(ExitCodes.Healthy, rescue.ExitCode);
        Assert.Equal(new[] { "AWSSupport-ExecuteEC2Rescue", "AWSSupport-StartEC2RescueWorkflow" }, rescue.Json().EnumerateArray().Select(e => e.GetProperty("Name").GetString()));

        var both = await CliRun.RunAsync("runbook", "find", "Session Manager", "--offline", "--json");
        Assert.Equal(new[] { "AWSSupport-TroubleshootSessionManager" }, both.Json().EnumerateArray().Select(e => e.GetProperty("Name").GetString()));

        var none = await CliRun.RunAsync("runbook", "find", "kubernetes", "--offline");
        Assert.Equal(ExitCodes.NothingFound, none.ExitCode);
        Assert.Equal(string.Empty, none.Output);
        Assert.Contains("ERROR: No runbook of the built-in catalog matches 'kubernetes'", none.Error);

        var all = await CliRun.RunAsync("runbook", "find", "--offline", "--json");
        Assert.Equal(RunbookCatalog.All.Count, all.Json().GetArrayLength());

        var extra = await CliRun.RunAsync("runbook", "find", "a", "b", "--offline");
        Assert.Equal(ExitCodes.UsageError, extra.ExitCode);
    }

    [Fact]
    public async Task Show_details_one_runbook_with_or_without_the_prefix()
    {
        var result = await CliRun.RunAsync("runbook", "show", "TroubleshootSSH");
        Console.WriteLine(result.Output);
        Assert.Equal(ExitCodes.Healthy, result.ExitCode);
        var lines = CliRun.Lines(result.Output);
        Assert.Matches(@"^Name\s+: AWSSupport-TroubleshootSSH$", lines[0]);
        Assert.Contains(lines, l => l.Contains("ChangesConfiguration: Changes SSH configuration on the instance. (when Action=FixAll)"));
        Assert.Contains(lines, l => l.StartsWith("Impact") && l.EndsWith(": High if Action=FixAll +1 more"));

        var json = await CliRun.RunAsync("runbook", "show", "arn:aws:ssm:us-east-1::document/AWSSupport-ExecuteEC2Rescue", "--json");
        Assert.Equal("AWSSupport-ExecuteEC2Rescue", json.Json().GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Show_of_an_unknown_runbook_is_a_usage_error_with_suggestions()
    {
        var result = await CliRun.RunAsync("runbook", "show", "AWSSupport-Troubleshoot");
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("'AWSSupport-Troubleshoot' is not in the built-in runbook catalog. Did you mean: AWSSupport-TroubleshootManagedInstance", result.Error);
        Assert.Equal(string.Empty, result.Output);
    }
}
