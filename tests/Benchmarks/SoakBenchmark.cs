using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Fleet log collection under sustained throttling (issue #19): N nodes (default 2,000) through the emulator's Run
/// Command with a share of every SSM call throttled (default 30 %), per-call latency, invocations InProgress for two
/// polls, the SDK's default retries and the collector's default back-off. Passes only if every node asked about
/// comes back, collected or as a row saying why. Usage: soak [nodes] [throttleRate] [latencyMs] [runs]
/// </summary>
internal static class SoakBenchmark
{
    public static int Run(string[] args)
    {
        var nodes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var rate = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.3;
        var latency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
        var failures = 0;
        for (var run = 1; run <= runs; run++)
        {
            failures += RunOnceAsync(run, nodes, rate, latency).GetAwaiter().GetResult() ? 0 : 1;
        }

        Console.WriteLine(failures == 0 ? $"PASS: every node accounted for in {runs} run(s)." : $"FAIL: {failures} of {runs} run(s) lost nodes or failed.");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<bool> RunOnceAsync(int run, int nodes, double rate, int latencyMs)
    {
        var world = FleetLogBenchmark.Fleet(nodes, pollsInProgress: 2);
        world.FaultSeed = 1000 + run; // each run throttles other calls
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("*", new InjectedFault { ThrottleRate = rate, Latency = TimeSpan.FromMilliseconds(latencyMs) });
        var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = "AKIABENCHSOAK0000001",
            SecretKey = "bench-secret",
            Region = "us-east-1",
            EndpointUrl = emu.Endpoint.ToString(),
            Environment = new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_EC2_METADATA_DISABLED"] = "true" }),
        }, CancellationToken.None);
        var analyzer = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions());
        var ids = world.InstanceInformation.Select(i => i.InstanceId).ToArray();
        var watch = Stopwatch.StartNew();
        FleetLogResult result;
        try
        {
            result = await FleetLogCollector.CollectAsync(connection, new FleetLogRequest { InstanceIds = ids, SinceUtc = DateTime.UtcNow.AddHours(-24) }, analyzer, null, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Console.WriteLine($"run {run}: FAILED after {watch.Elapsed.TotalSeconds:F1} s: {AwsFailureText.Describe(ex).Message}");
            return false;
        }

        watch.Stop();
        var reported = new HashSet<string>(result.Issues.Select(i => i.InstanceId!), StringComparer.Ordinal);
        var online = world.InstanceInformation.Where(i => i.PingStatus == "Online").Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
        var missing = ids.Where(id => !reported.Contains(id) && !online.Contains(id)).ToList();
        var unexplained = result.Nodes - result.Collected - result.Issues.Where(i => i.Category is FleetLogCollector.OfflineCategory or FleetLogCollector.FailedCategory).Select(i => i.InstanceId).Distinct().Count();
        var calls = emu.Calls.Snapshot().Where(c => c.Key.StartsWith("ssm:", StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
        var failedRows = result.Issues.Where(i => i.Category == FleetLogCollector.FailedCategory).GroupBy(i => i.RuleId).Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine($"run {run}: {nodes} nodes, {rate:P0} of calls throttled, {latencyMs} ms per call: wall time {watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  {result.Collected} collected; {result.Issues.Count(i => i.Category == FleetLogCollector.OfflineCategory)} AgentOffline; CollectionFailed: "
            + (failedRows.Any() ? string.Join(", ", failedRows) : "none") + $"; accounted for: {result.Nodes - Math.Max(0, unexplained)} of {result.Nodes}");
        Console.WriteLine($"  throttled answers waited out by the collector: {result.Throttled} (beyond the SDK's own retries); calls made again: {result.Retries}");
        Console.WriteLine("  calls: " + string.Join(", ", calls.Select(c => $"{c.Key} {c.Value}")) + $"; total {calls.Sum(c => c.Value)}");
        var ok = result.Nodes == nodes && missing.Count == 0 && unexplained <= 0;
        if (!ok)
        {
            Console.WriteLine($"  LOST: {missing.Count} node(s) without a row, {unexplained} unexplained");
        }

        return ok;
    }
}
