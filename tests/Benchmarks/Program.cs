using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>Runs one named benchmark and prints its numbers for README.</summary>
internal static class Program
{
    private static readonly Dictionary<string, Func<string[], int>> Benchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["import"] = ImportBenchmark.Run,
        ["endpoints"] = EndpointBenchmark.Run,
        ["wait"] = AutomationWaitBenchmark.Run,
        ["emulator"] = EmulatorBenchmark.Run,
        ["logs"] = LogBenchmark.Run,
        ["logscan"] = LogScanBenchmark.Run,
        ["logstartup"] = LogStartupBenchmark.Run,
        ["network"] = NetworkBenchmark.Run,
        ["diagnosis"] = DiagnosisBenchmark.Run,
        ["fleetlogs"] = FleetLogBenchmark.Run,
        ["soak"] = SoakBenchmark.Run,
        ["fleet-scale"] = FleetScaleBenchmark.Run,
        ["corpus"] = CorpusBenchmark.Run,
        ["cli-size"] = CliSizeBenchmark.Run,
    };

    private static int Main(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine("usage: Benchmarks <" + string.Join("|", Benchmarks.Keys) + "> [options]");
            return 2;
        }

        return run(args[1..]);
    }
}
