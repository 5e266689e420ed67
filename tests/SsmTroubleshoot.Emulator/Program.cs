using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Emulator;

/// <summary>Runs the emulator for people: dotnet run --project tests/SsmTroubleshoot.Emulator -- --scenario file --port n</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        string? scenario = null;
        var port = 0;
        var faults = new System.Collections.Generic.List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--scenario" when i + 1 < args.Length:
                    scenario = args[++i];
                    break;
                case "--fault" when i + 1 < args.Length:
                    faults.Add(args[++i]);
                    break;
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535:
                    port = p;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine("usage: SsmTroubleshoot.Emulator [--scenario <file.json>] [--port <n>] [--fault <service:Operation|*>=<fault>]...");
                    Console.Error.WriteLine("  faults (comma-separated): throttle:0.3 | throttle:2x | error:0.1 | drop:1x | latency:250ms | silent | trickle:20 | html:502");
                    return 2;
            }
        }

        World world;
        try
        {
            world = scenario is null ? new World()
                : scenario == "accounts" ? Scenarios.AccountFleet.CreateScenario() // built in code: 3 accounts x 3 regions
                : World.Load(ResolveScenario(scenario));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"emulator: cannot load scenario '{scenario}': {ex.Message}");
            return 2;
        }

        // Check the faults before listening: a typo must not start an emulator that silently behaves well.
        try
        {
            foreach (var fault in faults)
            {
                new FaultInjector().Set(fault);
            }

            foreach (var (operation, spec) in world.Faults ?? new System.Collections.Generic.Dictionary<string, string>())
            {
                new FaultInjector().Set(operation + "=" + spec);
            }
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine("emulator: " + ex.Message);
            return 2;
        }

        await using var emulator = await AwsEmulator.StartAsync(world, port).ConfigureAwait(false);
        foreach (var fault in faults)
        {
            emulator.Faults.Set(fault);
        }

        Console.WriteLine($"AWS emulator listening on {emulator.Endpoint} (EC2, IAM, STS, SSM) with scenario {scenario ?? "(empty)"}");
        foreach (var fault in faults)
        {
            Console.WriteLine("Fault: " + fault);
        }
        foreach (var line in EmulatorBanner.Lines(emulator.Endpoint.ToString(), world.Region))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine("Press Ctrl+C to stop.");
        using var stop = new CancellationTokenSource();
        // SIGINT (Ctrl+C) and SIGTERM (kill, container stop) both end the emulator cleanly.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    /// <summary>A path, or the name of a shipped scenario ("demo").</summary>
    private static string ResolveScenario(string scenario)
    {
        if (File.Exists(scenario))
        {
            return scenario;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "scenarios", scenario.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetFileName(scenario) : scenario + ".json");
        return File.Exists(shipped) ? shipped : scenario;
    }
}
