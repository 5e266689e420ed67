using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Fleet;

/// <summary>The collector over the real SDK client and the loopback emulator's Run Command.</summary>
public sealed class FleetLogCollectorTests
{
    private static readonly AgentLogAnalyzer Analyzer = new(LogRuleCatalog.BuiltIn, new LogScanOptions());
    private static readonly DateTime Since = new(2024, 6, 11, 0, 0, 0, DateTimeKind.Utc);

    private static FleetCollectorOptions Fast(TimeSpan? timeout = null) => new()
    {
        InitialPollDelay = TimeSpan.FromMilliseconds(1),
        MaxPollDelay = TimeSpan.FromMilliseconds(5),
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    private static async Task<(FleetLogResult Result, AwsEmulator Emulator)> CollectAsync(World world, FleetLogRequest request, FleetCollectorOptions options,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        var emulator = await AwsEmulator.StartAsync(world);
        using var ssm = TestAws.Factory(emulator).CreateSsm();
        var collector = new FleetLogCollector(new SsmRunCommandApi(ssm), options, delay);
        var result = await collector.CollectAsync(request, Analyzer, null, CancellationToken.None);
        return (result, emulator);
    }

    private static World LargeFleet(int count, Func<int, string> ping)
    {
        var world = new World();
        for (var i = 0; i < count; i++)
        {
            var id = $"i-0aa0000000000{i:x4}";
            world.InstanceInformation.Add(new InstanceInformation { InstanceId = id, PingStatus = ping(i), PlatformType = i % 5 == 0 ? "Windows" : "Linux" });
            world.CommandOutputs.Add(new CommandOutput { InstanceId = id, StandardOutput = i % 10 == 1 ? AgentLogSamples.ByCategory["NoCredentials"] : AgentLogSamples.Benign });
        }

        return world;
    }

    [Fact]
    public async Task Large_fleet_is_batched_fifty_ids_per_call_per_platform_and_every_node_is_accounted_for()
    {
        var world = LargeFleet(120, i => i % 40 == 7 ? "ConnectionLost" : "Online");
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToArray();
        var (result, emulator) = await CollectAsync(world, new FleetLogRequest { InstanceIds = ids, SinceUtc = Since, MaxConcurrency = "25", MaxErrors = "10%" }, Fast());
        await using (emulator)
        {
            Assert.Equal(3, emulator.Calls["ssm:DescribeInstanceInformation"]);

            // 24 Windows and 96 Linux (three offline): 1 + 2 SendCommands, never more than 50 ids each.
            Assert.Equal(3, emulator.Calls["ssm:SendCommand"]);
            Assert.All(emulator.World.Commands, c => Assert.InRange(c.InstanceIds.Count, 1, 50));
            Assert.All(emulator.World.Commands, c => Assert.Equal(("25", "10%"), (c.MaxConcurrency, c.MaxErrors)));
            Assert.Equal(117, emulator.World.Commands.Sum(c => c.InstanceIds.Count));
            Assert.Equal(117, result.Collected);
            Assert.Equal(120, result.Nodes);

            var offline = result.Issues.Where(i => i.Category == FleetLogCollector.OfflineCategory).Select(i => i.InstanceId!).OrderBy(i => i, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { ids[7], ids[47], ids[87] }, offline);
            var credentials = result.Issues.Where(i => i.Category == "NoCredentials").Select(i => i.InstanceId!).ToHashSet();
            Assert.Equal(ids.Where((_, i) => i % 10 == 1 && i % 40 != 7).ToHashSet(), credentials);
        }
    }

    [Fact]
    public async Task Invocations_in_progress_are_polled_with_growing_delays_until_they_end()
    {
        var world = FleetWorlds.Mixed();
        world.CommandOutputs.ForEach(o => o.PollsInProgress = 3);
        var delays = new List<TimeSpan>();
        var options = new FleetCollectorOptions { InitialPollDelay = TimeSpan.FromSeconds(1), MaxPollDelay = TimeSpan.FromSeconds(10) };
        var (result, emulator) = await CollectAsync(world, new FleetLogRequest { InstanceIds = FleetWorlds.All, SinceUtc = Since }, options,
            (delay, _) => { delays.Add(delay); return Task.CompletedTask; });
        await using (emulator)
        {
            Assert.Equal(3, delays.Count);
            // The shared back-off: 1 s, 1.5 s, 2.25 s, each cut by up to 40 % of jitter.
            Assert.InRange(delays[0].TotalSeconds, 0.6, 1.0);
            Assert.InRange(delays[2].TotalSeconds, 1.35, 2.25);
            Assert.True(delays[2] > delays[0]);
            Assert.Equal(8, emulator.Calls["ssm:ListCommandInvocations"]); // 4 rounds x 2 commands
            Assert.Contains(result.Issues, i => i.InstanceId == FleetWorlds.WindowsProxy && i.Category == "ProxyTls");
        }
    }

    [Fact]
    public async Task Invocations_still_running_at_the_timeout_are_reported_not_dropped()
    {
        var world = FleetWorlds.Mixed();
        world.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.WindowsProxy).PollsInProgress = 100_000;
        var (result, emulator) = await CollectAsync(world, new FleetLogRequest { InstanceIds = FleetWorlds.All, SinceUtc = Since }, Fast(TimeSpan.FromMilliseconds(300)));
        await using (emulator)
        {
            var row = Assert.Single(result.Issues, i => i.InstanceId == FleetWorlds.WindowsProxy);
            Assert.Equal((FleetLogCollector.FailedCategory, "Fleet.NotFinished"), (row.Category, row.RuleId));
            Assert.Contains(result.Warnings, w => w.StartsWith(FleetWorlds.WindowsProxy, StringComparison.Ordinal) && w.Contains("InProgress"));
            Assert.Contains(result.Issues, i => i.InstanceId == FleetWorlds.LinuxBroken && i.Category == "IamAccessDenied");
        }
    }

    [Fact]
    public async Task Undeliverable_and_timed_out_invocations_become_rows_without_reading_their_output()
    {
        var world = FleetWorlds.Mixed();
        world.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.LinuxHealthy).Status = "Undeliverable";
        world.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.WindowsProxy).Status = "TimedOut";
        var (result, emulator) = await CollectAsync(world, new FleetLogRequest { InstanceIds = FleetWorlds.All, SinceUtc = Since }, Fast());
        await using (emulator)
        {
            var undeliverable = Assert.Single(result.Issues, i => i.InstanceId == FleetWorlds.LinuxHealthy);
            Assert.Equal(("Fleet.Undeliverable", SsmAgentLogSeverity.Critical), (undeliverable.RuleId, undeliverable.Severity));
            Assert.StartsWith("Test-ManagedInstanceNetwork -InstanceId " + FleetWorlds.LinuxHealthy, undeliverable.NextStep, StringComparison.Ordinal);
            var timedOut = Assert.Single(result.Issues, i => i.InstanceId == FleetWorlds.WindowsProxy);
            Assert.Equal("Fleet.CollectionFailed", timedOut.RuleId);
            Assert.Contains("TimedOut (ExecutionTimedOut)", timedOut.Sample, StringComparison.Ordinal);

            // Output is read for the success and the plain failure only.
            Assert.Equal(2, emulator.Calls["ssm:GetCommandInvocation"]);
        }
    }

    [Fact]
    public async Task Filters_go_to_describe_instance_information_and_an_empty_selection_sends_nothing()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["tag:Environment"] = new[] { "staging" } };
        var (result, emulator) = await CollectAsync(FleetWorlds.Mixed(), new FleetLogRequest { Filters = filters, SinceUtc = Since }, Fast());
        await using (emulator)
        {
            Assert.Empty(result.Issues);
            Assert.Equal(0, result.Nodes);
            Assert.Equal(0, emulator.Calls["ssm:SendCommand"]);
        }
    }

    [Fact]
    public async Task Cancellation_stops_the_wait()
    {
        var world = FleetWorlds.Mixed();
        world.CommandOutputs.ForEach(o => o.PollsInProgress = 100_000);
        await using var emulator = await AwsEmulator.StartAsync(world);
        using var ssm = TestAws.Factory(emulator).CreateSsm();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var collector = new FleetLogCollector(new SsmRunCommandApi(ssm), Fast());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            collector.CollectAsync(new FleetLogRequest { InstanceIds = FleetWorlds.All, SinceUtc = Since }, Analyzer, null, cancel.Token));
    }

    [Fact]
    public async Task A_refused_send_becomes_rows_for_its_nodes_and_the_other_platform_is_still_collected()
    {
        var world = FleetWorlds.Mixed();
        var emulator = await AwsEmulator.StartAsync(world);
        await using (emulator)
        {
            // Windows batch refused past its retries (1 + 2 transient ones); the Linux batch goes through.
            emulator.Faults.Set("ssm:SendCommand", new InjectedFault { ServerErrorFirst = 3 });
            using var ssm = TestAws.Factory(emulator).CreateSsm();
            var collector = new FleetLogCollector(new SsmRunCommandApi(ssm), new FleetCollectorOptions
            {
                InitialPollDelay = TimeSpan.FromMilliseconds(1),
                MaxPollDelay = TimeSpan.FromMilliseconds(5),
                FetchConcurrency = 1, // sends in plan order: PowerShell first, so the first (faulted) calls are the Windows batch
                Retry = new AwsRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) },
            });
            var result = await collector.CollectAsync(new FleetLogRequest { InstanceIds = FleetWorlds.All, SinceUtc = Since }, Analyzer, null, CancellationToken.None);
            var refused = Assert.Single(result.Issues, i => i.InstanceId == FleetWorlds.WindowsProxy);
            Assert.Equal(("Fleet.NotSent", FleetLogCollector.FailedCategory), (refused.RuleId, refused.Category));
            Assert.Contains(result.Warnings, w => w.StartsWith("SendCommand AWS-RunPowerShellScript to 1 node(s) failed", StringComparison.Ordinal));
            Assert.Contains(result.Issues, i => i.InstanceId == FleetWorlds.LinuxBroken && i.Category == "IamAccessDenied");
            Assert.Single(emulator.World.Commands);
        }
    }
}
