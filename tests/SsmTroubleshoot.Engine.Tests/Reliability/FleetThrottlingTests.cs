using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Reliability;

/// <summary>
/// Fleet log collection under throttling and failing calls: it backs off instead of giving up, a call that keeps
/// failing costs only its own nodes, and every node asked about comes back (issue #19, item 1).
/// </summary>
public sealed class FleetThrottlingTests
{
    private const string Problem = "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\n"
        + "caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n";

    private static readonly AgentLogAnalyzer Analyzer = new(LogRuleCatalog.BuiltIn, new LogScanOptions());

    // No real waiting in tests: the back-off schedule still runs, its pauses are skipped.
    private static readonly Func<TimeSpan, CancellationToken, Task> NoDelay = (_, ct) =>
    {
        ct.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    };

    private static FleetCollectorOptions Fast() => new()
    {
        InitialPollDelay = TimeSpan.FromMilliseconds(1),
        MaxPollDelay = TimeSpan.FromMilliseconds(5),
        Timeout = TimeSpan.FromSeconds(60),
        Retry = new AwsRetryPolicy { MaxThrottledRetries = 12, InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
    };

    internal static World Fleet(int count, int offlineEvery = 0)
    {
        var world = new World();
        for (var i = 0; i < count; i++)
        {
            var id = $"i-0ce0d00000{i:x7}";
            world.InstanceInformation.Add(new InstanceInformation
            {
                InstanceId = id,
                PlatformType = i % 5 == 0 ? "Windows" : "Linux",
                PingStatus = offlineEvery > 0 && i % offlineEvery == 3 ? "ConnectionLost" : "Online",
            });
            world.CommandOutputs.Add(new CommandOutput { InstanceId = id, StandardOutput = i % 4 == 0 ? Problem : "2024-06-11 08:00:00 INFO [ssm-agent-worker] fine\n" });
        }

        return world;
    }

    private static async Task<FleetLogResult> CollectAsync(AwsEmulator emulator, IReadOnlyList<string> ids, FleetCollectorOptions? options = null)
    {
        using var ssm = TestAws.Factory(emulator, maxErrorRetry: 0).CreateSsm();
        var collector = new FleetLogCollector(new SsmRunCommandApi(ssm), options ?? Fast(), NoDelay);
        return await collector.CollectAsync(new FleetLogRequest { InstanceIds = ids, SinceUtc = DateTime.UtcNow.AddDays(-1) }, Analyzer, null, CancellationToken.None);
    }

    private static void AssertEveryNodeAccountedFor(IReadOnlyList<string> ids, FleetLogResult result, IEnumerable<string> collected)
    {
        var seen = new HashSet<string>(collected, StringComparer.Ordinal);
        seen.UnionWith(result.Issues.Select(i => i.InstanceId!));
        Assert.Empty(ids.Except(seen));
        Assert.Equal(ids.Count, result.Nodes);
    }

    [Fact]
    public async Task Thirty_percent_throttling_on_every_call_loses_no_node()
    {
        var world = Fleet(240, offlineEvery: 40);
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToList();
        await using var emulator = await AwsEmulator.StartAsync(world);
        emulator.Faults.Set("*=throttle:0.3");

        var result = await CollectAsync(emulator, ids);

        var offline = world.InstanceInformation.Count(i => i.PingStatus != "Online");
        Assert.Equal(ids.Count - offline, result.Collected);
        Assert.Equal(offline, result.Issues.Count(i => i.Category == FleetLogCollector.OfflineCategory));
        Assert.DoesNotContain(result.Issues, i => i.Category == FleetLogCollector.FailedCategory);
        Assert.True(result.Throttled > 20, $"{result.Throttled} throttled answers");
        var unreachable = result.Issues.Where(i => i.Category == "EndpointUnreachable").Select(i => i.InstanceId!).ToHashSet();
        Assert.Equal(ids.Where((id, i) => i % 4 == 0 && world.InstanceInformation[i].PingStatus == "Online").ToHashSet(), unreachable);
        AssertEveryNodeAccountedFor(ids, result, ids.Where((_, i) => world.InstanceInformation[i].PingStatus == "Online"));
        Assert.Contains(result.Notes, n => n.StartsWith("AWS throttled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_whose_describe_keeps_being_throttled_becomes_rows_and_the_others_are_collected()
    {
        var world = Fleet(120);
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToList();
        await using var emulator = await AwsEmulator.StartAsync(world);

        // The first batch's describe is throttled past every retry (1 + 2 attempts), the rest go through.
        emulator.Faults.Set("ssm:DescribeInstanceInformation=throttle:3x");
        var options = new FleetCollectorOptions
        {
            InitialPollDelay = TimeSpan.FromMilliseconds(1),
            MaxPollDelay = TimeSpan.FromMilliseconds(5),
            FetchConcurrency = 1,
            Retry = new AwsRetryPolicy { MaxThrottledRetries = 2, InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) },
        };
        var result = await CollectAsync(emulator, ids, options);

        var undescribed = result.Issues.Where(i => i.RuleId == "Fleet.NotDescribed").ToList();
        Assert.Equal(50, undescribed.Count);
        Assert.All(undescribed, i => Assert.Contains("ThrottlingException", i.Sample, StringComparison.Ordinal));
        Assert.All(undescribed, i => Assert.Contains("SSM DescribeInstanceInformation", i.Sample, StringComparison.Ordinal));
        Assert.Equal(70, result.Collected);
        AssertEveryNodeAccountedFor(ids, result, ids.Skip(50));

        // The warning names a few ids and how many more, never all of them.
        var warning = Assert.Single(result.Warnings, w => w.StartsWith("DescribeInstanceInformation failed", StringComparison.Ordinal));
        Assert.Contains("and 47 more", warning, StringComparison.Ordinal);
        Assert.True(warning.Length < 600, warning);
    }

    [Fact]
    public async Task Outputs_that_cannot_be_read_cost_only_their_nodes()
    {
        var world = Fleet(30);
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToList();
        await using var emulator = await AwsEmulator.StartAsync(world);
        emulator.Faults.Set("ssm:GetCommandInvocation=error:0.2");
        var options = new FleetCollectorOptions
        {
            InitialPollDelay = TimeSpan.FromMilliseconds(1),
            MaxPollDelay = TimeSpan.FromMilliseconds(5),
            Retry = new AwsRetryPolicy { MaxTransientRetries = 0, InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) },
        };

        var result = await CollectAsync(emulator, ids, options);

        var unread = result.Issues.Where(i => i.RuleId == "Fleet.NotRead").Select(i => i.InstanceId!).ToList();
        Assert.NotEmpty(unread);
        Assert.Equal(ids.Count - unread.Count, result.Collected);
        Assert.All(result.Issues.Where(i => i.RuleId == "Fleet.NotRead"), i => Assert.Contains("InternalServerError", i.Sample, StringComparison.Ordinal));
        AssertEveryNodeAccountedFor(ids, result, ids.Except(unread));
    }

    [Fact]
    public async Task A_denied_listing_is_given_up_after_a_few_rounds_with_its_nodes_reported()
    {
        var world = Fleet(8);
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToList();
        world.Denies.Add(new Deny { Principal = "*", Action = "ssm:ListCommandInvocations" });
        await using var emulator = await AwsEmulator.StartAsync(world);

        var result = await CollectAsync(emulator, ids);

        Assert.Equal(0, result.Collected);
        var rows = result.Issues.Where(i => i.RuleId == "Fleet.NotListed").ToList();
        Assert.Equal(ids.Count, rows.Count);
        Assert.Contains("ssm:ListCommandInvocations", rows[0].Remediation, StringComparison.Ordinal);
        Assert.InRange(emulator.Calls["ssm:ListCommandInvocations"], 2, 2 * 5 * 2);
        AssertEveryNodeAccountedFor(ids, result, Array.Empty<string>());
    }

    [Fact]
    public async Task The_backoff_grows_with_throttling_and_resets()
    {
        var delays = new List<TimeSpan>();
        var retry = new AwsRetry(new AwsRetryPolicy { MaxThrottledRetries = 4, InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(20) },
            (d, _) =>
            {
                delays.Add(d);
                return Task.CompletedTask;
            },
            () => 0);
        var attempts = 0;
        var value = await retry.RunAsync(_ =>
        {
            if (++attempts < 5)
            {
                throw new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementException("Rate exceeded") { ErrorCode = "ThrottlingException" };
            }

            return Task.FromResult(42);
        }, CancellationToken.None);

        Assert.Equal(42, value);
        Assert.Equal(new[] { 2.5, 5, 10, 20 }, delays.Select(d => d.TotalSeconds));
        Assert.Equal(4, retry.Throttled);

        var backoff = new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 1.5, 0.5, () => 0);
        Assert.Equal(new[] { 2, 3, 4.5, 9 }, new[] { backoff.Next(), backoff.Next(), backoff.Next(), backoff.Next(true) }.Select(d => d.TotalSeconds));
        backoff.Reset();
        Assert.Equal(2, backoff.Next().TotalSeconds);
    }
}
