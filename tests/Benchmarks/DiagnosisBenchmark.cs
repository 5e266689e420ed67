using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Diagnosis;
using SsmTroubleshoot.Emulator;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Get-SsmNodeDiagnosis's engine (NodeDiagnosisReader through the real SDK clients) over the network benchmark's fleet
/// (1,000 instances in 10 VPCs with mixed faults, every 7th ConnectionLost) with added latency per call: wall time
/// and API calls per operation, without and with the agent logs through Run Command.
/// Usage: diagnosis [instances=1000] [vpcs=10] [latencyMs=25] [throttleLimit=8]
/// </summary>
internal static class DiagnosisBenchmark
{
    public static int Run(string[] args)
    {
        int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
        return RunAsync(Arg(0, 1000), Arg(1, 10), Arg(2, 25), Arg(3, 8)).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int instanceCount, int vpcCount, int latencyMs, int throttleLimit)
    {
        foreach (var includeAgentLog in new[] { false, true })
        {
            var (world, ids) = NetworkBenchmark.BuildFleet(instanceCount, vpcCount);
            await using var emu = await AwsEmulator.StartAsync(world);
            emu.Faults.Set("*", new InjectedFault { Latency = TimeSpan.FromMilliseconds(latencyMs) });
            var environment = new DictionaryEnvironment();
            environment["AWS_EC2_METADATA_DISABLED"] = "true";
            var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
            {
                AccessKey = "AKIABENCHMARK0000001", SecretKey = "benchmark-secret", Region = world.Region,
                EndpointUrl = emu.Endpoint.ToString(), Environment = environment, Timeout = TimeSpan.FromSeconds(30),
            }, CancellationToken.None);

            var watch = Stopwatch.StartNew();
            var result = await NodeDiagnosisReader.DiagnoseAsync(connection, new NodeDiagnosisRequest
            {
                InstanceIds = ids, ThrottleLimit = throttleLimit, IncludeAgentLog = includeAgentLog,
            }, null, DateTime.UtcNow, CancellationToken.None);
            watch.Stop();

            Console.WriteLine($"diagnosis{(includeAgentLog ? " -IncludeAgentLog" : string.Empty)}: {instanceCount} instances (+1 unknown id) in {vpcCount} VPCs, {latencyMs} ms added per call, throttle limit {throttleLimit}");
            Console.WriteLine($"  wall time: {watch.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"  API calls: {emu.Calls.Total}");
            foreach (var (operation, count) in emu.Calls.Snapshot().OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"    {operation,-36} {count,4}");
            }

            Console.WriteLine("  verdicts: " + string.Join(", ", result.Diagnoses.GroupBy(d => d.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
            Console.WriteLine("  fleet view:");
            foreach (var group in NodeDiagnosisGroup.Group(result.Diagnoses).Take(12))
            {
                Console.WriteLine($"    {group.Count,4} {group.RootCause,-20} {group.Summary}");
            }

            foreach (var warning in result.Warnings.Take(3))
            {
                Console.WriteLine("  warning: " + warning);
            }
        }

        return 0;
    }
}
