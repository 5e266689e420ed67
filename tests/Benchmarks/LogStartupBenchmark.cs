using System;
using System.Diagnostics;
using System.Threading;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>Where a fresh process's first scan spends its time: catalog load, a first small scan, the big scan cold and warm.</summary>
internal static class LogStartupBenchmark
{
    public static int Run(string[] args)
    {
        var path = args.Length > 0 ? args[0] : "/tmp/ssm-agent-bench-256MB.log";
        var small = System.IO.Path.Combine(Corpus.LabelledCorpus.RepositoryRoot(), "examples", "amazon-ssm-agent.log");
        var w = Stopwatch.StartNew();
        var catalog = LogRuleCatalog.BuiltIn;
        var load = w.Elapsed.TotalSeconds;
        w.Restart();
        new AgentLogAnalyzer(catalog, new LogScanOptions()).ScanFile(small, null, null, CancellationToken.None);
        var first = w.Elapsed.TotalSeconds;
        var big = new double[3];
        for (var i = 0; i < 3; i++)
        {
            w.Restart();
            new AgentLogAnalyzer(catalog, new LogScanOptions()).ScanFile(path, null, null, CancellationToken.None);
            big[i] = w.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"catalog load {load:F3} s; first small scan {first:F3} s; big scan {big[0]:F2} / {big[1]:F2} / {big[2]:F2} s");
        return 0;
    }
}
