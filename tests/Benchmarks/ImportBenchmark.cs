using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Module import time in a fresh runspace: median over many runs. The first import in a process also pays for
/// loading the assemblies (cold); later ones show what each new runspace (a new pwsh tab, a job) pays (warm).
/// </summary>
internal static class ImportBenchmark
{
    public static int Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30;
        var manifest = Path.Combine(FindRoot(), "out", "SsmTroubleshoot", "SsmTroubleshoot.psd1");

        // Baseline: a runspace without the module, so the module's own cost can be told apart.
        var baseline = Measure(null);
        var cold = Measure(manifest);
        var warm = Enumerable.Range(0, runs).Select(_ => Measure(manifest)).OrderBy(x => x).ToArray();
        var baselines = Enumerable.Range(0, runs).Select(_ => Measure(null)).OrderBy(x => x).ToArray();
        Console.WriteLine($"first runspace without module: {baseline:F0} ms (PowerShell engine start)");
        Console.WriteLine($"first import (cold, assemblies loaded): {cold:F0} ms");
        Console.WriteLine($"import in a new runspace, median of {runs}: {Median(warm):F1} ms (runspace alone: {Median(baselines):F1} ms, module share: {Median(warm) - Median(baselines):F1} ms)");
        return 0;
    }

    private static double Median(double[] sorted) => sorted[sorted.Length / 2];

    private static double Measure(string? manifest)
    {
        var watch = Stopwatch.StartNew();
        var state = InitialSessionState.CreateDefault2();
        state.ThrowOnRunspaceOpenError = true;
        if (manifest is not null)
        {
            state.ImportPSModule(manifest);
        }

        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Get-Command").AddParameter("Module", "SsmTroubleshoot").Invoke();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SsmTroubleshoot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
