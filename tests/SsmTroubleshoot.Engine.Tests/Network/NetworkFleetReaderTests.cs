using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Engine.Tests.Emulator;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>
/// NetworkFleetReader.EvaluateAsync, the one engine entry the cmdlet and the CLI share for a region: which instances are
/// reported and in what order, what becomes a lookup failure, when a whole region fails, cancellation. The front ends'
/// tests keep binding, rendering, exit codes and error ids.
/// </summary>
public sealed class NetworkFleetReaderTests
{
    private const string Account = "123456789012";
    private const string Hybrid = "mi-0a1b2c3d4e5f60003";

    private static FleetTarget Target(AwsEmulator emu) => new(0, Task.FromResult<string?>(Account), "us-east-1", TestAws.Connect(emu));

    private static Task<NetworkFleetResult> Evaluate(AwsEmulator emu, NetworkFleetRequest request, bool regionFailureThrows = false, CancellationToken cancellationToken = default) =>
        NetworkFleetReader.EvaluateAsync(Target(emu), request, new NetworkEvaluationOptions(), regionFailureThrows, null, cancellationToken);

    [Fact]
    public async Task Ids_are_reported_in_input_order_an_unknown_one_is_a_not_found_gap_and_every_report_carries_account_and_region()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var a = NetworkFleet.AddInstance(world, vpc, 1, "web-1").InstanceId;
        var b = NetworkFleet.AddInstance(world, vpc, 2, "web-2").InstanceId;
        NetworkFleet.AddHybridNode(world, Hybrid);
        await using var emu = await AwsEmulator.StartAsync(world);
        const string Unknown = "i-0deadbeefdeadbeef";

        var result = await Evaluate(emu, new NetworkFleetRequest { InstanceIds = new[] { b, Unknown, Hybrid, a } });
        Assert.Equal(new[] { b, Hybrid, a }, result.InstanceIds);
        var gap = Assert.Single(result.Gaps, g => g.Operation == "ec2:DescribeInstances");
        Assert.Equal(Unknown, gap.ResourceId);
        Assert.True(gap.IsNotFound);
        var reports = result.Reports.ToList();
        Assert.Equal(new[] { b, Hybrid, a }, reports.Select(r => r.InstanceId));
        Assert.All(reports, r => Assert.Equal((Account, "us-east-1"), (r.AccountId, r.Region)));
        Assert.Equal(new[] { NetworkVerdict.Healthy, NetworkVerdict.Healthy, NetworkVerdict.Healthy }, reports.Select(r => r.Verdict));
        // EC2 refuses the whole batch for one unknown id (InvalidInstanceID.NotFound): asked once more without it.
        Assert.Equal(2, emu.Calls["ec2:DescribeInstances"]);
    }

    [Fact]
    public async Task Filters_select_by_tag_and_no_filter_takes_the_region_without_terminated_instances_unless_a_filter_names_the_state()
    {
        var world = NetworkFleet.Create();
        var (prod, dev, gone) = NetworkFleet.AddTaggedFleet(world);
        await using var emu = await AwsEmulator.StartAsync(world);

        async Task<string[]> Ids(params Ec2Filter[] filters) => (await Evaluate(emu, new NetworkFleetRequest { Filters = filters })).Reports.Select(r => r.InstanceId).ToArray();

        Assert.Equal(new[] { prod.InstanceId }, await Ids(new Ec2Filter("tag:Environment", new[] { "prod" })));
        Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, await Ids(new Ec2Filter("tag:Environment", new[] { "prod", "dev" })));
        Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, await Ids());
        Assert.Equal(new[] { gone.InstanceId }, await Ids(new Ec2Filter("instance-state-name", new[] { "terminated" })));
        Assert.Empty(await Ids(new Ec2Filter("tag:Environment", new[] { "staging" })));
    }

    [Fact]
    public async Task Refused_DescribeInstances_is_a_lookup_gap_per_id_with_hybrid_nodes_still_reported_or_one_region_failure_in_a_fan_out()
    {
        var world = NetworkFleet.Create();
        var id = NetworkFleet.AddInstance(world, NetworkFleet.AddVpc(world, 1), 1).InstanceId;
        NetworkFleet.AddHybridNode(world, Hybrid);
        world.Denies.Add(new Deny { Principal = "*", Action = "ec2:DescribeInstances" });
        await using var emu = await AwsEmulator.StartAsync(world);

        var result = await Evaluate(emu, new NetworkFleetRequest { InstanceIds = new[] { id, Hybrid } });
        var gap = Assert.Single(result.Gaps, g => g.Operation == "ec2:DescribeInstances");
        Assert.Equal((id, "UnauthorizedOperation", false), (gap.ResourceId, gap.ErrorCode, gap.IsNotFound));
        Assert.Equal(new[] { Hybrid }, result.Reports.Select(r => r.InstanceId));

        // A fan-out over regions reports the region once instead: every EC2 id asked about failed.
        var failure = await Assert.ThrowsAsync<FleetRegionException>(() => Evaluate(emu, new NetworkFleetRequest { InstanceIds = new[] { id, Hybrid } }, regionFailureThrows: true));
        Assert.Equal(("ec2:DescribeInstances", "UnauthorizedOperation", FailureKind.PermissionDenied), (failure.Operation, failure.ErrorCode, failure.Kind));

        var all = await Evaluate(emu, new NetworkFleetRequest());
        Assert.Empty(all.Reports);
        Assert.Contains(all.Gaps, g => g.Operation == "ec2:DescribeInstances" && g.ResourceId == "us-east-1" && !g.IsNotFound);
        await Assert.ThrowsAsync<FleetRegionException>(() => Evaluate(emu, new NetworkFleetRequest(), regionFailureThrows: true));
    }

    [Fact]
    public async Task Cancelling_while_a_describe_is_slow_ends_the_evaluation_at_once()
    {
        var world = NetworkFleet.Create();
        var id = NetworkFleet.AddInstance(world, NetworkFleet.AddVpc(world, 1), 1).InstanceId;
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("ec2:DescribeSubnets", new InjectedFault { Latency = TimeSpan.FromSeconds(20) });
        using var cancel = new CancellationTokenSource();
        var run = Evaluate(emu, new NetworkFleetRequest { InstanceIds = new[] { id } }, cancellationToken: cancel.Token);
        await emu.Calls.WaitForAsync("ec2:DescribeSubnets", TimeSpan.FromSeconds(10));

        Assert.Equal(1, emu.Calls["ec2:DescribeSubnets"]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "cancelling took " + watch.Elapsed);
    }

    [Fact]
    public void Over_a_fan_out_an_id_is_not_found_only_when_every_target_that_answered_says_so()
    {
        static DataGap NotFound(string id) => new() { ResourceId = id, Operation = "ec2:DescribeInstances", ErrorCode = "InvalidInstanceID.NotFound", Message = "not found" };
        var denied = new DataGap { ResourceId = "i-0000000000000000c", Operation = "ec2:DescribeInstances", ErrorCode = "UnauthorizedOperation", Message = "denied" };
        var ids = new[] { "i-0000000000000000c", "i-0000000000000000b", "i-0000000000000000a" };
        var east = new[] { NotFound("i-0000000000000000a"), NotFound("i-0000000000000000b"), denied };
        var west = new[] { NotFound("i-0000000000000000b"), NotFound("i-0000000000000000a") };

        Assert.Equal(new[] { "i-0000000000000000b", "i-0000000000000000a" }, NetworkFleetReader.NotFoundAnywhere(ids, new[] { east, west }));
        Assert.Equal(new[] { "i-0000000000000000b" }, NetworkFleetReader.NotFoundAnywhere(ids, new[] { east, west, new[] { NotFound("i-0000000000000000b") } }));
        Assert.Empty(NetworkFleetReader.NotFoundAnywhere(ids, Array.Empty<DataGap[]>())); // no target answered: nothing is known missing
        Assert.Empty(NetworkFleetReader.NotFoundAnywhere(null, new[] { east }));
    }
}
