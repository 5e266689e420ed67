using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Network;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>
/// `network` (Test-ManagedInstanceNetwork) against the loopback AWS emulator, on the NetworkFleet worlds the module
/// tests use: healthy fleets, a broken security group, an unknown id, filters, usage errors, a refused DescribeInstances.
/// </summary>
public sealed class NetworkCommandTests
{
    private const string Secret = "network-cli-test-secret";

    private static List<string> Args(AwsEmulator emu, params string[] args)
    {
        var list = new List<string> { "network" };
        list.AddRange(args);
        list.AddRange(new[] { "--endpoint-url", emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIANETWORKCLITEST01", "--secret-key", Secret });
        return list;
    }

    private static Task<CliResult> Run(AwsEmulator emu, params string[] args) => CliRun.RunAsync(Args(emu, args), null, CancellationToken.None);

    /// <summary>web-1 healthy; web-2 with a security group without egress and ConnectionLost (the module's view test).</summary>
    private static (World World, FleetVpc Vpc, string Healthy, string Broken) MixedFleet()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var healthy = NetworkFleet.AddInstance(world, vpc, 1, "web-1").InstanceId;
        var broken = NetworkFleet.AddInstance(world, vpc, 2, "web-2");
        broken.SecurityGroupIds = new() { "sg-0ffffffe" };
        world.SecurityGroups.Add(new SecurityGroup { GroupId = "sg-0ffffffe", GroupName = "locked", VpcId = vpc.VpcId });
        world.InstanceInformation.Single(i => i.InstanceId == broken.InstanceId).PingStatus = "ConnectionLost";
        return (world, vpc, healthy, broken.InstanceId);
    }

    [Fact]
    public async Task Healthy_fleet_over_two_vpcs_exits_0_with_one_line_per_instance()
    {
        var world = NetworkFleet.Create();
        var nat = NetworkFleet.AddVpc(world, 1);
        var endpoints = NetworkFleet.AddVpc(world, 2, interfaceEndpoints: true);
        var a = NetworkFleet.AddInstance(world, nat, 1, "web-1").InstanceId;
        var b = NetworkFleet.AddInstance(world, endpoints, 1, "db-1").InstanceId;
        await using var emu = await AwsEmulator.StartAsync(world);

        var result = await Run(emu, "--instance-id", a, b);
        Assert.True(result.ExitCode == ExitCodes.Healthy, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        var lines = CliRun.Lines(result.Output);
        Assert.Equal(new[] { "InstanceId", "Name", "VpcId", "PingStatus", "Verdict", "FailedChecks" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($@"^{a}\s+web-1\s+{nat.VpcId}\s+Online\s+Healthy$", lines[2]);
        Assert.Matches($@"^{b}\s+db-1\s+{endpoints.VpcId}\s+Online\s+Healthy$", lines[3]);
        Assert.Equal(4, lines.Count);

        // One batched DescribeInstances for the fleet, whatever its size.
        Assert.Equal(1, emu.Calls["ec2:DescribeInstances"]);
        Assert.DoesNotContain(Secret, result.Output + result.Error);
        Console.WriteLine(result.Output);
    }

    [Fact]
    public async Task Mixed_fleet_with_an_unknown_id_exits_1_names_it_on_stderr_and_reports_the_rest_in_input_order()
    {
        var (world, vpc, healthy, broken) = MixedFleet();
        await using var emu = await AwsEmulator.StartAsync(world);
        const string Unknown = "i-0deadbeefdeadbeef";

        var result = await Run(emu, "--instance-id", broken, Unknown, healthy);
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        Assert.Equal("ERROR: Instance " + Unknown + " was not found in us-east-1. Check the instance id and the region (--region).", result.Error.Trim());
        var lines = CliRun.Lines(result.Output);
        Assert.Matches($@"^{broken}\s+web-2\s+{vpc.VpcId}\s+ConnectionLost\s+Unhealthy\s+SecurityGroupEgress.ssm, SecurityGroupEgress.ec2messages, SecurityGroupEgress.ssmmessages$", lines[2]);
        Assert.Matches($@"^{healthy}\s+web-1\s+{vpc.VpcId}\s+Online\s+Healthy$", lines[3]);
        Assert.Equal(4, lines.Count);
        Console.WriteLine(result.Output);

        // An unknown id alone is still "problems found", not "could not run".
        var alone = await Run(emu, "--instance-id", Unknown, "--json");
        Assert.True(alone.ExitCode == ExitCodes.ProblemsFound, alone.ToString());
        Assert.Equal(0, alone.Json().GetArrayLength());
    }

    [Fact]
    public async Task Json_is_the_reports_with_the_cmdlets_property_names_and_the_checks_nested()
    {
        var (world, _, healthy, broken) = MixedFleet();
        await using var emu = await AwsEmulator.StartAsync(world);

        var result = await Run(emu, "--instance-id", healthy, broken, "--json");
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        var reports = result.Json().EnumerateArray().ToList();
        Assert.Equal(2, reports.Count);
        Assert.Equal(typeof(ManagedInstanceNetworkReport).GetProperties().Select(p => p.Name).OrderBy(n => n), reports[0].EnumerateObject().Select(p => p.Name).OrderBy(n => n));
        Assert.Equal(healthy, reports[0].GetProperty("InstanceId").GetString());
        Assert.Equal("Healthy", reports[0].GetProperty("Verdict").GetString());
        Assert.Equal("Online", reports[0].GetProperty("PingStatus").GetString());
        Assert.Equal(0, reports[0].GetProperty("FailedChecks").GetArrayLength());
        Assert.Equal("Unhealthy", reports[1].GetProperty("Verdict").GetString());
        Assert.Equal(new[] { "SecurityGroupEgress.ssm", "SecurityGroupEgress.ec2messages", "SecurityGroupEgress.ssmmessages" },
            reports[1].GetProperty("FailedChecks").EnumerateArray().Select(e => e.GetString()));

        var checks = reports[1].GetProperty("Checks").EnumerateArray().ToList();
        Assert.Equal(typeof(NetworkCheck).GetProperties().Select(p => p.Name).OrderBy(n => n), checks[0].EnumerateObject().Select(p => p.Name).OrderBy(n => n));
        Assert.Equal(5 + (6 * 3), checks.Count);
        var egress = checks.Single(c => c.GetProperty("CheckId").GetString() == "SecurityGroupEgress.ssm");
        Assert.Equal("Failed", egress.GetProperty("Status").GetString());
        Assert.Equal("ssm", egress.GetProperty("Service").GetString());
        Assert.Equal(broken, egress.GetProperty("InstanceId").GetString());
        Assert.Contains("sg-0ffffffe", egress.GetProperty("Detail").GetString());
        Assert.NotEqual(string.Empty, egress.GetProperty("Remediation").GetString());
    }

    [Fact]
    public async Task Detailed_gives_the_check_rows_grouped_by_instance_and_as_flat_json()
    {
        var (world, _, _, broken) = MixedFleet();
        await using var emu = await AwsEmulator.StartAsync(world);

        var table = await Run(emu, "--instance-id", broken, "--detailed");
        Assert.True(table.ExitCode == ExitCodes.ProblemsFound, table.ToString());
        var lines = CliRun.Lines(table.Output);
        Assert.Equal("Instance: " + broken, lines[0]);
        Assert.Matches(@"^Status\s+CheckId\s+Detail$", lines[1]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Info\s+PingStatus\s+.*ConnectionLost"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Failed\s+SecurityGroupEgress\.ssm\s+.*sg-0ffffffe"));
        Console.WriteLine(table.Output);

        // The table, then what to change for each check that did not pass.
        var firstFix = lines.FindIndex(l => l.StartsWith("  Remediation: ", StringComparison.Ordinal));
        Assert.Equal(3 + 5 + (6 * 3), firstFix - 1);
        var egress = lines.IndexOf("Failed SecurityGroupEgress.ssm");
        Assert.True(egress > firstFix - 2, table.Output);
        Assert.StartsWith("  Remediation: ", lines[egress + 1]);

        var json = await Run(emu, "--instance-id", broken, "--detailed", "--include-optional-service", "--json");
        Assert.True(json.ExitCode == ExitCodes.ProblemsFound, json.ToString());
        var rows = json.Json().EnumerateArray().ToList();
        Assert.Equal(5 + (6 * 7), rows.Count);
        Assert.All(rows, r => Assert.Equal(broken, r.GetProperty("InstanceId").GetString()));
        Assert.Contains(rows, r => r.GetProperty("CheckId").GetString() == "NaclIngress.monitoring");
    }

    [Fact]
    public async Task Detailed_on_a_narrow_terminal_wraps_the_detail_under_its_column_instead_of_cutting_it()
    {
        var (world, _, _, broken) = MixedFleet();
        await using var emu = await AwsEmulator.StartAsync(world);
        using var output = new System.IO.StringWriter();
        using var error = new System.IO.StringWriter();
        var exit = await CliApp.RunAsync(Args(emu, "--instance-id", broken, "--detailed"), new CliHost(output, error, width: 100), CancellationToken.None);
        Assert.True(exit == ExitCodes.ProblemsFound, error.ToString());
        var lines = CliRun.Lines(output.ToString());
        Assert.All(lines, l => Assert.True(l.Length <= 100, l));
        Assert.DoesNotContain("…", output.ToString());

        // The NACL rows are longer than the terminal: their text goes on under the Detail column, word by word, complete.
        var json = await Run(emu, "--instance-id", broken, "--detailed", "--json");
        var detail = json.Json().EnumerateArray().Single(r => r.GetProperty("CheckId").GetString() == "NaclEgress.ssm").GetProperty("Detail").GetString()!;
        var start = lines.FindIndex(l => l.StartsWith("Passed  NaclEgress.ssm ", StringComparison.Ordinal));
        var column = lines[1].IndexOf("Detail", StringComparison.Ordinal);
        var pieces = new List<string> { lines[start].Substring(column) };
        for (var i = start + 1; i < lines.Count && lines[i].StartsWith(new string(' ', column), StringComparison.Ordinal); i++)
        {
            pieces.Add(lines[i].Substring(column));
        }

        Assert.True(pieces.Count > 2, string.Join("\n", lines));
        Assert.Equal(detail, string.Join(" ", pieces));
        Console.WriteLine(output.ToString());
    }

    [Fact]
    public async Task Filter_parses_name_equals_values_and_all_takes_the_region_and_no_match_is_a_warning()
    {
        // Which instances a filter selects (live states, instance-state-name) is NetworkFleetReaderTests' in Engine.Tests.
        var world = NetworkFleet.Create();
        var (prod, dev, _) = NetworkFleet.AddTaggedFleet(world); // the terminated one is left out by --all
        await using var emu = await AwsEmulator.StartAsync(world);

        static string[] Ids(CliResult r) => r.Json().EnumerateArray().Select(e => e.GetProperty("InstanceId").GetString()!).ToArray();

        var two = await Run(emu, "--filter", "tag:Environment=prod,dev", "--json");
        Assert.True(two.ExitCode == ExitCodes.Healthy, two.ToString());
        Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, Ids(two));

        var all = await Run(emu, "--all", "--json");
        Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, Ids(all));

        var none = await Run(emu, "--filter", "tag:Environment=staging");
        Assert.True(none.ExitCode == ExitCodes.Healthy, none.ToString());
        Assert.Equal(string.Empty, none.Output);
        Assert.Contains("WARNING: No instance of us-east-1 matches the filter.", none.Error);
    }

    [Theory]
    [InlineData(new string[0], "Say which instances: --instance-id")]
    [InlineData(new[] { "--instance-id", "i-0123456789abcdef0", "--all" }, "Give only one of --instance-id, --filter and --all")]
    [InlineData(new[] { "--instance-id", "i-123" }, "--instance-id 'i-123' is not an instance id")]
    [InlineData(new[] { "--instance-id", "web-1" }, "--instance-id 'web-1' is not an instance id")]
    [InlineData(new[] { "--filter", "tag:Environment" }, "filter 'tag:Environment' has no value")]
    [InlineData(new[] { "--filter", "=prod" }, "has no name")]
    [InlineData(new[] { "--filter", "vpc-id=vpc-1,", }, "has no value (or an empty one)")]
    [InlineData(new[] { "--all", "--throttle-limit", "0" }, "--throttle-limit 0 is outside 1-64")]
    public async Task Bad_selectors_are_usage_errors_that_exit_2_before_any_call(string[] args, string message)
    {
        await using var emu = await AwsEmulator.StartAsync(NetworkFleet.Create());
        var result = await Run(emu, args);
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal(0, emu.Calls.Total);
    }

    [Fact]
    public async Task Refused_DescribeInstances_could_not_run_and_hybrid_nodes_are_still_reported()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var id = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        NetworkFleet.AddHybridNode(world, "mi-0a1b2c3d4e5f60003");
        world.Denies.Add(new Deny { Principal = "*", Action = "ec2:DescribeInstances" });
        await using var emu = await AwsEmulator.StartAsync(world);

        var result = await Run(emu, "--instance-id", id, "mi-0a1b2c3d4e5f60003", "--json");
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.StartsWith("ERROR: ec2:DescribeInstances failed for " + id + ": UnauthorizedOperation", result.Error);
        Assert.Contains("Grant ec2:DescribeInstances.", result.Error);
        Assert.Equal("mi-0a1b2c3d4e5f60003", Assert.Single(result.Json().EnumerateArray()).GetProperty("InstanceId").GetString());

        var all = await Run(emu, "--all");
        Assert.True(all.ExitCode == ExitCodes.CouldNotRun, all.ToString());
        Assert.StartsWith("ERROR: ec2:DescribeInstances failed in us-east-1: UnauthorizedOperation", all.Error);
        Assert.DoesNotContain("WARNING", all.Error);
        Assert.DoesNotContain(Secret, result.Error + all.Error);
    }

    [Fact]
    public async Task Cancelling_a_run_waiting_on_a_slow_describe_exits_130_at_once()
    {
        var world = NetworkFleet.Create();
        var id = NetworkFleet.AddInstance(world, NetworkFleet.AddVpc(world, 1), 1).InstanceId;
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("ec2:DescribeSubnets", new InjectedFault { Latency = TimeSpan.FromSeconds(20) });
        using var cancel = new CancellationTokenSource();
        var run = CliRun.RunAsync(Args(emu, "--instance-id", id), null, cancel.Token);
        await emu.Calls.WaitForAsync("ec2:DescribeSubnets", TimeSpan.FromSeconds(10));

        Assert.Equal(1, emu.Calls["ec2:DescribeSubnets"]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await cancel.CancelAsync();
        var result = await run;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "cancelling took " + watch.Elapsed);
        Assert.True(result.ExitCode == ExitCodes.Cancelled, result.ToString());
        Assert.Equal("Cancelled.", result.Error.Trim());
        Assert.Equal(string.Empty, result.Output);
    }
}
