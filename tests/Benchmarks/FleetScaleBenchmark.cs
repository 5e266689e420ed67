using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Network;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Test-ManagedInstanceNetwork -All over accounts x regions (issue 16): the engine path of the cmdlet (FleetScope with
/// sts:AssumeRole per account, then one batched fetch and evaluation per account and region) through the real SDK
/// clients against the emulator with added latency per call. Goals: calls grow with VPCs and targets, not nodes;
/// 5,000 nodes in 40 VPCs over 3 accounts x 3 regions at 25 ms per call in under 10 s.
/// Usage: fleet-scale [nodes=5000] [vpcs=40] [latencyMs=25] [targetsAtOnce=4] [callsPerTarget=8]
/// </summary>
internal static class FleetScaleBenchmark
{
    public static int Run(string[] args)
    {
        int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
        return RunAsync(Arg(0, 5000), Arg(1, 40), Arg(2, 25), Arg(3, FleetScopeOptions.DefaultThrottleLimit), Arg(4, 8)).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int nodeCount, int vpcCount, int latencyMs, int targetsAtOnce, int callsPerTarget)
    {
        var accounts = AccountFleet.DefaultAccounts;
        var regions = AccountFleet.DefaultRegions;
        var worlds = accounts.Length * regions.Length;

        // VPCs spread as evenly as they go (40 over 9: 5,5,5,5,4,4,4,4,4); nodes evenly over the VPCs.
        var vpcs = Enumerable.Range(0, worlds).Select(i => vpcCount / worlds + (i < vpcCount % worlds ? 1 : 0)).ToArray();
        var home = AccountFleet.Create(accounts, regions, vpcs, nodesPerVpc: nodeCount / vpcCount);
        var nodes = AccountFleet.Worlds(home).Sum(w => w.Instances.Count);
        await using var emu = await AwsEmulator.StartAsync(home);
        emu.Faults.Set("*", new InjectedFault { Latency = TimeSpan.FromMilliseconds(latencyMs) });
        var environment = new DictionaryEnvironment();
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = "AKIABENCHMARK0000001", SecretKey = "benchmark-secret", Region = regions[0],
            EndpointUrl = emu.Endpoint.ToString(), Environment = environment, Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);

        var scope = new FleetScope(connection, new FleetScopeOptions
        {
            Regions = regions, AccountIds = accounts, RoleName = AccountFleet.CrossAccountRole, ThrottleLimit = targetsAtOnce,
        });
        var request = new NetworkFleetRequest { ThrottleLimit = callsPerTarget };
        var reports = new ConcurrentBag<(string? Account, string Region, NetworkVerdict Verdict)>();
        var failures = new ConcurrentBag<FleetFailure>();
        var watch = Stopwatch.StartNew();
        await scope.RunAsync(
            async (target, ct) =>
            {
                var result = await NetworkFleetReader.EvaluateAsync(target, request, new NetworkEvaluationOptions(), true, null, ct).ConfigureAwait(false);
                foreach (var report in result.Reports)
                {
                    reports.Add((report.AccountId, report.Region!, report.Verdict));
                }

                return result.InstanceIds.Count;
            },
            outcome =>
            {
                if (outcome.Failure is { } failure)
                {
                    failures.Add(failure);
                }
            },
            CancellationToken.None);
        watch.Stop();

        Console.WriteLine($"fleet-scale: {nodes} nodes in {vpcCount} VPCs over {accounts.Length} accounts x {regions.Length} regions, {latencyMs} ms added per call, "
            + $"{targetsAtOnce} (account, region) pairs at once, {callsPerTarget} calls in flight per pair");
        Console.WriteLine($"  wall time: {watch.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"  reports: {reports.Count} ({string.Join(", ", reports.GroupBy(r => r.Verdict).Select(g => $"{g.Key} {g.Count()}"))}), "
            + $"every one with AccountId and Region: {reports.All(r => r.Account is not null && r.Region is not null)}; failures: {failures.Count}");
        Console.WriteLine($"  API calls: {emu.Calls.Total} ({emu.Calls.Total / (double)nodes:F3} per node)");
        foreach (var (operation, count) in emu.Calls.Snapshot().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"    {operation,-36} {count,4}");
        }

        var perVpc = emu.Calls.Snapshot().Where(p => p.Key.StartsWith("ec2:", StringComparison.Ordinal)).Max(p => p.Value);
        var met = watch.Elapsed < TimeSpan.FromSeconds(10) && reports.Count == nodes && failures.IsEmpty;
        Console.WriteLine($"  most calls of one EC2 operation: {perVpc} (VPCs: {vpcCount}, pairs: {worlds})");
        Console.WriteLine("  goals (every node reported, under 10 s): " + (met ? "met" : "NOT met"));
        return met ? 0 : 1;
    }
}
