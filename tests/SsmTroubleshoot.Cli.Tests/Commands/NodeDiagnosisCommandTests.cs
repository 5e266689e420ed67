using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`diagnose-node` (Get-SsmNodeDiagnosis) against the tour scenario.</summary>
public sealed class NodeDiagnosisCommandTests
{
    private static Task<CliResult> Run(AwsEmulator emu, params string[] args)
    {
        var list = new List<string> { "diagnose-node" };
        list.AddRange(args);
        list.AddRange(new[] { "--endpoint-url", emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIADIAGNOSECLITEST1", "--secret-key", "diagnose-cli-secret" });
        return CliRun.RunAsync(list, null, CancellationToken.None);
    }

    [Fact]
    public async Task One_line_per_node_and_the_fleet_view()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("tour"));
        var table = await Run(emu, "--instance-id", "i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60009", "i-0deadbeefdeadbeef");
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("i-0deadbeefdeadbeef was not found", table.Error);
        Assert.Contains("NetworkPath", table.Output);
        Assert.Contains("AgentNotRegistered", table.Output);

        var groups = await Run(emu, "--filter", "tag:Environment=prod", "--group-by-root-cause", "--json");
        Assert.Equal(1, groups.ExitCode);
        Assert.Contains("\"RootCause\": \"NetworkPath\"", groups.Output.Replace("\"rootCause\"", "\"RootCause\""), System.StringComparison.OrdinalIgnoreCase);

        var detailed = await Run(emu, "--instance-id", "i-0a1b2c3d4e5f60002", "--detailed");
        Assert.Contains("Next step:   ssmtroubleshoot runbook start AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2 --instance-id i-0a1b2c3d4e5f60002 --parameter ServiceEndpoint=ssm.us-east-1.amazonaws.com", detailed.Output);
        Assert.Contains("Console output", detailed.Output);
    }

    [Fact]
    public async Task A_healthy_node_exits_zero_and_no_selector_is_a_usage_error()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("tour"));
        Assert.Equal(0, (await Run(emu, "--instance-id", "i-0a1b2c3d4e5f60001")).ExitCode);
        Assert.Equal(2, (await Run(emu)).ExitCode);
    }
}

/// <summary>`runbook start` runs the same ExecuteEC2Rescue pre-checks as Invoke-SawRunbook.</summary>
public sealed class RunbookPreCheckCommandTests
{
    [Fact]
    public async Task A_subnet_in_another_zone_is_refused_and_nothing_starts()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("tour"));
        var result = await CliRun.RunAsync(new List<string>
        {
            "runbook", "start", "AWSSupport-ExecuteEC2Rescue", "--instance-id", "i-0a1b2c3d4e5f60002", "--parameter", "SubnetId=subnet-0a1b2c3d4e5f60001", "--force",
            "--endpoint-url", emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIAPRECHECKCLITEST1", "--secret-key", "precheck-secret",
        }, null, CancellationToken.None);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is in us-east-1a, but i-0a1b2c3d4e5f60002 is in us-east-1b", result.Error);
        Assert.Equal(0, emu.Calls["ssm:StartAutomationExecution"]);
    }
}
