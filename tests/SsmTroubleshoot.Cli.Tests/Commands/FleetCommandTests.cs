using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Scenarios;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`network` and `diagnose-node` over accounts and regions (--region a,b, --account-id, --role-name) on the emulator's AccountFleet.</summary>
public sealed class FleetCommandTests
{
    private static Task<CliResult> Run(AwsEmulator emu, params string[] args)
    {
        var list = new List<string>(args) { "--endpoint-url", emu.Endpoint.ToString(), "--access-key", "AKIAFLEETCLITEST0001", "--secret-key", "fleet-cli-secret" };
        return CliRun.RunAsync(list, null, CancellationToken.None);
    }

    [Theory]
    [InlineData("network")]
    [InlineData("diagnose-node")]
    public async Task Every_reachable_node_is_a_row_with_account_and_region_and_failures_are_lines_on_stderr(string command)
    {
        var home = AccountFleet.Create(AccountFleet.DefaultAccounts, new[] { "us-east-1", "eu-west-1" }, 1, 2);
        home.AssumeRoleDenied.Add("333333333333");
        await using var emu = await AwsEmulator.StartAsync(home);
        var result = await Run(emu, command, "--all", "--region", "us-east-1,eu-west-1", "--account-id", "111111111111,222222222222", "--account-id", "333333333333",
            "--role-name", AccountFleet.CrossAccountRole);

        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        var lines = CliRun.Lines(result.Output);
        Assert.Equal(new[] { "AccountId", "Region", "InstanceId" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));
        var rows = lines.Skip(2).Where(l => l.Length > 0 && char.IsDigit(l[0])).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => (p[0], p[1], p[2])).ToList();
        var expected = AccountFleet.Worlds(home).Where(w => w.AccountId != "333333333333")
            .OrderBy(w => w.AccountId).ThenBy(w => w.Region == "us-east-1" ? 0 : 1)
            .SelectMany(w => w.Instances.Select(i => (w.AccountId, w.Region, i.InstanceId))).ToList();
        Assert.Equal(expected, rows);
        Assert.Contains("Account 333333333333: sts:AssumeRole failed: AccessDenied", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, emu.Calls["sts:AssumeRole"]);
    }

    [Fact]
    public async Task Bad_fleet_options_are_usage_errors()
    {
        await using var emu = await AwsEmulator.StartAsync(AccountFleet.Create(new[] { "111111111111" }, new[] { "us-east-1" }, 1, 1));
        var noRole = await Run(emu, "network", "--all", "--region", "us-east-1", "--account-id", "111111111111");
        Assert.True(noRole.ExitCode == ExitCodes.UsageError, noRole.ToString());
        Assert.Contains("--account-id needs --role-name", noRole.Error, StringComparison.Ordinal);
        var badRegion = await Run(emu, "network", "--all", "--region", "us-east-1,nowhere");
        Assert.True(badRegion.ExitCode == ExitCodes.UsageError, badRegion.ToString());
        Assert.Equal(0, emu.Calls.Total);
    }
}
