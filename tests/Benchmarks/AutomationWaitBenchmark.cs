using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Waiting on many concurrent executions: API calls per minute per execution (issue 6 target: under 1), through the
/// real SDK client and ExecutionWaiter against the loopback emulator. Executions are started with
/// StartAutomationExecution and run TroubleshootManagedInstance's 9 steps for 3-20 minutes each (seeded); time is
/// simulated (the waiter's sleeps advance the emulator's automation clock), so a 20-minute wait runs in seconds.
/// Usage: wait [executions=100] [throttlePercent=0]
/// </summary>
internal static class AutomationWaitBenchmark
{
    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var throttlePercent = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        return RunAsync(count, throttlePercent).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int throttlePercent)
    {
        var start = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
        var now = start;
        var random = new Random(42);
        var world = World.LoadScenario("automation");
        world.Clock = () => now;
        world.AutomationScripts.Clear();
        var instances = Enumerable.Range(0, count).Select(i => $"i-0b{i:x15}").ToList();
        foreach (var instance in instances)
        {
            // 9 steps lasting 3-20 minutes in all.
            var length = 3 + (random.NextDouble() * 17);
            world.AutomationScripts.Add(new AutomationScript { InstanceId = instance, StepMilliseconds = (int)(length * 60_000 / 9) });
        }

        await using var emu = await AwsEmulator.StartAsync(world);
        using var client = new AmazonSimpleSystemsManagementClient(
            new BasicAWSCredentials("AKIABENCHMARK0000001", "benchmark-secret"),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = emu.Endpoint.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var api = new SsmAutomationApi(client);
        var ids = new List<string>();
        foreach (var instance in instances)
        {
            ids.Add(await api.StartAsync(
                new StartAutomationExecutionRequest
                {
                    DocumentName = "AWSSupport-TroubleshootManagedInstance",
                    Parameters = new Dictionary<string, List<string>> { ["InstanceId"] = new() { instance } },
                },
                CancellationToken.None));
        }

        emu.Calls.Reset();
        if (throttlePercent > 0)
        {
            emu.Faults.Set("*", new InjectedFault { ThrottleRate = throttlePercent / 100.0 });
        }

        var waiter = new ExecutionWaiter(
            api,
            (delay, ct) =>
            {
                emu.World.Mutate(_ => now += delay);
                return Task.CompletedTask;
            },
            () => new DateTimeOffset(now));

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var outcomes = await waiter.WaitAsync(ids, new ExecutionWaitOptions(), null, CancellationToken.None);
        wall.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        var minutes = (now - start).TotalMinutes;
        var calls = emu.Calls.Snapshot().Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value);
        var total = calls.Values.Sum();
        var finished = outcomes.Count(o => o.State == ExecutionWaitState.Finished && o.Result.Succeeded);
        var lastEnd = world.AutomationScripts.Max(s => s.StepMilliseconds) * 9 / 60_000.0;
        Console.WriteLine($"executions: {count} (loopback emulator), succeeded: {finished}, simulated wait: {minutes:F1} min (last execution ends at {lastEnd:F1} min)");
        Console.WriteLine($"API calls: {total} ({string.Join(", ", calls.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}), throttle rate: {throttlePercent}%");
        Console.WriteLine($"calls per execution per minute: {total / minutes / count:F3} (target < 1)");
        Console.WriteLine($"engine + SDK + emulator cost: {wall.ElapsedMilliseconds} ms wall, {cpu.TotalMilliseconds:F0} ms CPU");
        return finished == count && total / minutes / count < 1 ? 0 : 1;
    }
}
