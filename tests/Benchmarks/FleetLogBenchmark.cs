using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Fleet log collection through the emulator's Run Command: API calls per operation and wall time for N nodes
/// (default 500; 80% Linux, 20% Windows, 2% offline, 1% failing, ~20 KB of log window each). Two runs: the
/// emulator answering at once with invocations already done, and a realistic one (per-call latency, invocations
/// InProgress for two polls, the default 1 s → 10 s poll pacing).
/// A third run sends to a Linux-only fleet by tag (-Filter @{ 'tag:Role' = 'web' }): one tag-targeted SendCommand that
/// Run Command paces itself, against batches of 50 ids for the same nodes.
/// Usage: fleetlogs [nodes] [latencyMs]
/// </summary>
internal static class FleetLogBenchmark
{
    public static int Run(string[] args)
    {
        var nodes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var latency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        return RunAsync(nodes, latency).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int nodes, int latencyMs)
    {
        Console.WriteLine($"{nodes} nodes; fast run (no latency, invocations done at the first poll):");
        await MeasureAsync(Fleet(nodes, pollsInProgress: 0), TimeSpan.Zero, new FleetCollectorOptions { InitialPollDelay = TimeSpan.FromMilliseconds(1) });
        Console.WriteLine($"{nodes} nodes; realistic run ({latencyMs} ms per call, invocations InProgress for 2 polls, default pacing):");
        await MeasureAsync(Fleet(nodes, pollsInProgress: 2), TimeSpan.FromMilliseconds(latencyMs), new FleetCollectorOptions());
        var tag = new System.Collections.Generic.Dictionary<string, System.Collections.Generic.IReadOnlyList<string>> { ["tag:Role"] = new[] { "web" } };
        Console.WriteLine($"{nodes} Linux nodes tagged Role=web, realistic run, by id (batches of 50):");
        await MeasureAsync(Fleet(nodes, pollsInProgress: 2, linuxOnly: true), TimeSpan.FromMilliseconds(latencyMs), new FleetCollectorOptions());
        Console.WriteLine($"{nodes} Linux nodes tagged Role=web, realistic run, by tag (one tag-targeted SendCommand):");
        await MeasureAsync(Fleet(nodes, pollsInProgress: 2, linuxOnly: true), TimeSpan.FromMilliseconds(latencyMs), new FleetCollectorOptions(), tag);
        return 0;
    }

    private static async Task MeasureAsync(World world, TimeSpan latency, FleetCollectorOptions options,
        System.Collections.Generic.IReadOnlyDictionary<string, System.Collections.Generic.IReadOnlyList<string>>? filters = null)
    {
        await using var emu = await AwsEmulator.StartAsync(world);
        if (latency > TimeSpan.Zero)
        {
            emu.Faults.Set("*", new InjectedFault { Latency = latency });
        }

        var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = "AKIABENCHFLEET000001",
            SecretKey = "bench-secret",
            Region = "us-east-1",
            EndpointUrl = emu.Endpoint.ToString(),
            Environment = new DictionaryEnvironment(new System.Collections.Generic.Dictionary<string, string> { ["AWS_EC2_METADATA_DISABLED"] = "true" }),
        }, CancellationToken.None);
        using var ssm = new AwsClientFactory(connection).CreateSsm();
        var collector = new FleetLogCollector(new SsmRunCommandApi(ssm), options);
        var analyzer = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions());
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToArray();
        var watch = Stopwatch.StartNew();
        var request = filters is null
            ? new FleetLogRequest { InstanceIds = ids, SinceUtc = DateTime.UtcNow.AddHours(-24) }
            : new FleetLogRequest { Filters = filters, SinceUtc = DateTime.UtcNow.AddHours(-24), MaxConcurrency = "10%" };
        var result = await collector.CollectAsync(request, analyzer, null, CancellationToken.None);
        watch.Stop();
        var calls = emu.Calls.Snapshot().Where(c => c.Key.StartsWith("ssm:", StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
        Console.WriteLine($"  wall time {watch.Elapsed.TotalSeconds:F2} s; {result.Collected} collected, {result.Issues.Count} issue rows "
            + $"({result.Issues.Count(i => i.Category == FleetLogCollector.OfflineCategory)} AgentOffline, {result.Issues.Count(i => i.Category == FleetLogCollector.FailedCategory)} CollectionFailed)");
        Console.WriteLine("  calls: " + string.Join(", ", calls.Select(c => $"{c.Key} {c.Value}")) + $"; total {calls.Sum(c => c.Value)}");
    }

    internal static World Fleet(int count, int pollsInProgress, bool linuxOnly = false)
    {
        var world = new World();
        var benign = new StringBuilder();
        for (var i = 0; benign.Length < 20_000; i++)
        {
            benign.Append(CultureInfo.InvariantCulture, $"2024-06-11 07:{i / 60 % 60:00}:{i % 60:00} INFO [ssm-agent-worker] [MessagingDeliveryService] Sending reply {{\"additionalInfo\":{{\"agent\":{{\"lang\":\"en-US\"}}}}}}\n");
        }

        var failing = "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\n"
            + "caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n";
        for (var i = 0; i < count; i++)
        {
            var id = $"i-0be0c00000{i:x7}";
            world.InstanceInformation.Add(new InstanceInformation
            {
                InstanceId = id,
                PlatformType = i % 5 == 0 && !linuxOnly ? "Windows" : "Linux",
                PingStatus = i % 50 == 3 ? "ConnectionLost" : "Online",
            });
            world.Instances.Add(new Instance { InstanceId = id, Tags = new System.Collections.Generic.Dictionary<string, string> { ["Role"] = "web" } });
            world.CommandOutputs.Add(new CommandOutput
            {
                InstanceId = id,
                StandardOutput = "#SsmTroubleshoot-collect v1 total=20000 sent=20000 files=1 dir=/var/log/amazon/ssm\n" + benign + (i % 7 == 0 ? failing : string.Empty),
                Status = i % 100 == 11 ? "Failed" : "Success",
                PollsInProgress = pollsInProgress,
            });
        }

        return world;
    }
}
