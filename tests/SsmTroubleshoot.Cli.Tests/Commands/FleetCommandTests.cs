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
    public async Task Logs_of_nodes_over_accounts_and_regions_are_headed_by_where_they_were_read()
    {
        var home = AccountFleet.Create(AccountFleet.DefaultAccounts, new[] { "us-east-1", "eu-west-1" }, 1, 1);
        home.AssumeRoleDenied.Add("333333333333");
        const string header = "#SsmTroubleshoot-collect v1 total=400 sent=400 files=1 dir=/var/log/amazon/ssm\n";
        var ids = new List<string>();
        foreach (var world in AccountFleet.Worlds(home))
        {
            var node = world.InstanceInformation[0].InstanceId;
            ids.Add(node);
            world.CommandOutputs.Add(new SsmTroubleshoot.Emulator.Model.CommandOutput { InstanceId = node, StandardOutput = header + SsmTroubleshoot.Engine.Tests.Logs.AgentLogSamples.ByCategory["IamAccessDenied"] });
        }

        await using var emu = await AwsEmulator.StartAsync(home);
        var args = new List<string> { "logs", "--instance-id" };
        args.AddRange(ids);
        args.AddRange(new[] { "i-0fedcba987654321", "--since", "2024-06-01", "--region", "us-east-1,eu-west-1", "--account-id", "111111111111,222222222222,333333333333",
            "--role-name", AccountFleet.CrossAccountRole, "--max-errors", "2" });
        var result = await Run(emu, args.ToArray());

        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        foreach (var world in AccountFleet.Worlds(home).Where(w => w.AccountId != "333333333333"))
        {
            Assert.True(result.Output.Contains("Log: " + world.InstanceInformation[0].InstanceId + " (" + world.AccountId + " " + world.Region + ")", StringComparison.Ordinal), result.ToString());
            Assert.Contains("Log: " + world.InstanceInformation[0].InstanceId + " (" + world.AccountId + " " + world.Region + ")", result.Output, StringComparison.Ordinal);
            Assert.Equal("2", Assert.Single(world.Commands).MaxErrors);
        }

        // The denied account is a line on stderr; its nodes and the unknown id: registration unknown, one row each.
        Assert.Contains("Account 333333333333: sts:AssumeRole failed: AccessDenied", result.Error, StringComparison.Ordinal);
        Assert.Contains("4 of 7 node(s) collected in 3 account(s) x us-east-1, eu-west-1", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, CliRun.Lines(result.Output).Count(l => l.Contains("CollectionFailed: 1 entry", StringComparison.Ordinal)));
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
