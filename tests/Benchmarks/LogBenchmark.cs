using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Get-SsmAgentLogIssue's summary run against `grep -c -i -E` over the catalog's own signature strings, on one
/// generated agent log (mostly benign lines, ~2% problem entries, multi-line ones included).
///   logs [sizeMB=512] [path=/tmp/ssm-agent-bench-{size}MB.log]
/// </summary>
internal static class LogBenchmark
{
    public static int Run(string[] args)
    {
        var sizeMb = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 512;
        var path = args.Length > 1 ? args[1] : $"/tmp/ssm-agent-bench-{sizeMb}MB.log";
        var target = (long)sizeMb * 1024 * 1024;
        if (!File.Exists(path) || Math.Abs(new FileInfo(path).Length - target) > 1024 * 1024)
        {
            var g = Stopwatch.StartNew();
            var problems = Generate(path, target);
            Console.WriteLine($"generated {path}: {new FileInfo(path).Length / 1048576.0:F0} MB, {problems} problem entries, {g.Elapsed.TotalSeconds:F1} s");
        }

        var fileMb = new FileInfo(path).Length / 1048576.0;
        var catalog = LogRuleCatalog.BuiltIn;
        var pattern = string.Join("|", catalog.SignatureStrings.Select(EscapeEre));
        Console.WriteLine($"file: {fileMb:F0} MB; catalog: {catalog.Rules.Count} rules, {catalog.SignatureStrings.Count} signature strings; cores: {Environment.ProcessorCount}");

        // Warm the page cache so both sides read from memory.
        Grep(pattern, path, "C");

        var engineRuns = new double[3];
        var engineCpu = new double[3];
        long peakHeap = 0;
        LogSourceResult? result = null;
        for (var i = 0; i < engineRuns.Length; i++)
        {
            GC.Collect();
            using var sampler = new HeapSampler();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            result = new AgentLogAnalyzer(catalog, new LogScanOptions()).ScanFile(path, null, null, CancellationToken.None);
            engineRuns[i] = watch.Elapsed.TotalSeconds;
            engineCpu[i] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            peakHeap = Math.Max(peakHeap, sampler.Stop());
        }

        if (args.Contains("--engine-only"))
        {
            Console.WriteLine($"engine: {string.Join(", ", engineRuns.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} s; {result!.Classified} entries classified, {result.Issues.Count} issues");
            return 0;
        }

        var peakRss = PeakRssBytes();
        var grepC = Enumerable.Range(0, 3).Select(_ => Grep(pattern, path, "C")).ToArray();
        var grepUtf8 = Enumerable.Range(0, 3).Select(_ => Grep(pattern, path, "C.UTF-8")).ToArray();
        var cmdletCold = CmdletRun(path);
        var cmdletRuns = Enumerable.Range(0, 3).Select(_ => CmdletRun(path)).ToArray();
        var cmdlet = cmdletRuns.OrderBy(r => r.Seconds).ElementAt(1);
        var cmdletCpu = Median(cmdletRuns.Select(r => r.Cpu).ToArray());

        var fresh = FreshProcessRuns(path);
        var engine = Median(engineRuns);
        var grepFast = Median(grepC.Select(g => g.Seconds).ToArray());
        var grepLocale = Median(grepUtf8.Select(g => g.Seconds).ToArray());
        Console.WriteLine($"engine summary run (median of 3): {engine:F2} s = {fileMb / engine:F0} MB/s; {result!.Lines} lines, {result.Classified} classified entries, {result.Issues.Count} issues");
        foreach (var issue in result.Issues)
        {
            Console.WriteLine($"    {issue.Category,-26} {issue.Count,8}");
        }

        Console.WriteLine($"Get-SsmAgentLogIssue -Path (hosted runspace, same process): first run {cmdletCold.Seconds:F2} s (this process's engine, already warm), then median of 3 {cmdlet.Seconds:F2} s, {cmdlet.Issues} issues");
        if (fresh is { } f)
        {
            // This process already holds the engine in its default context (warm); a user's pwsh loads the module's own copy cold.
            Console.WriteLine($"Get-SsmAgentLogIssue -Path in a fresh process (the module's private load context, as in pwsh): first scan {f.First:F2} s, second {f.Second:F2} s, third {f.Third:F2} s");
        }

        // CPU seconds (user + system, all threads) say the same as wall time on an idle machine and stay comparable on a busy one.
        Console.WriteLine($"CPU time (median of 3): engine {Median(engineCpu):F2} s, cmdlet {cmdletCpu:F2} s, grep(C) {Median(grepC.Select(g => g.Cpu).ToArray()):F2} s, grep(UTF-8) {Median(grepUtf8.Select(g => g.Cpu).ToArray()):F2} s");
        Console.WriteLine($"grep -c -i -E (LC_ALL=C, median of 3): {grepFast:F2} s, {grepC[0].Count} matching lines");
        Console.WriteLine($"grep -c -i -E (LC_ALL=C.UTF-8, median of 3): {grepLocale:F2} s");
        Console.WriteLine($"ratio engine/grep(C): {engine / grepFast:F2}  (engine/grep(UTF-8): {engine / grepLocale:F2}; < 1 means faster than grep)");
        Console.WriteLine($"peak GC heap during a scan: {peakHeap / 1048576.0:F1} MB; process peak RSS (runtime included, before PowerShell loads): {peakRss / 1048576.0:F0} MB");
        return 0;
    }

    private static double Median(double[] values) => values.OrderBy(v => v).ElementAt(values.Length / 2);

    private static string EscapeEre(string literal) => Regex.Replace(literal, @"[.\[\]()*+?{}|^$\\]", @"\$0");

    private static (double Seconds, long Count, double Cpu) Grep(string pattern, string path, string locale)
    {
        var start = new ProcessStartInfo("grep") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("-i");
        start.ArgumentList.Add("-E");
        start.ArgumentList.Add(pattern);
        start.ArgumentList.Add(path);
        start.Environment["LC_ALL"] = locale;
        var childCpu = ChildrenCpuSeconds();
        var watch = Stopwatch.StartNew();
        using var grep = Process.Start(start)!;
        var output = grep.StandardOutput.ReadToEnd();
        grep.WaitForExit();
        return (watch.Elapsed.TotalSeconds, long.Parse(output.Trim(), CultureInfo.InvariantCulture), ChildrenCpuSeconds() - childCpu);
    }

    private static (double Seconds, int Issues, double Cpu) CmdletRun(string path)
    {
        var manifest = Path.Combine(FindRoot(), "out", "SsmTroubleshoot", "SsmTroubleshoot.psd1");
        var state = InitialSessionState.CreateDefault2();
        state.ThrowOnRunspaceOpenError = true;
        state.ImportPSModule(manifest);
        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Get-SsmAgentLogIssue").AddParameter("Path", path);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var output = ps.Invoke();
        return (watch.Elapsed.TotalSeconds, output.Count, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    // getrusage(RUSAGE_CHILDREN): the CPU time of reaped child processes (Process.TotalProcessorTime is gone once grep exits).
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.ByValArray, SizeConst = 14)]
        public long[] Rest;
    }

    private static double ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux() || getrusage(-1, out var usage) != 0)
        {
            return double.NaN;
        }

        return usage.UserSeconds + usage.SystemSeconds + ((usage.UserMicroseconds + usage.SystemMicroseconds) / 1e6);
    }

    /// <summary>The cmdlet three times in a new process (tests/SsmTroubleshoot.IsolationHost): what a user's first scan costs.</summary>
    private static (double First, double Second, double Third)? FreshProcessRuns(string path)
    {
        var root = FindRoot();
        var host = new[] { "Release", "Debug" }
            .Select(c => Path.Combine(root, "tests", "SsmTroubleshoot.IsolationHost", "bin", c, "net10.0", "SsmTroubleshoot.IsolationHost.dll"))
            .FirstOrDefault(File.Exists);
        if (host is null)
        {
            Console.WriteLine("(fresh-process run skipped: build tests/SsmTroubleshoot.IsolationHost first)");
            return null;
        }

        var script = "$t = foreach ($i in 1..3) { $w = [Diagnostics.Stopwatch]::StartNew(); $null = @(Get-SsmAgentLogIssue -LiteralPath $env:SSM_BENCH_LOG); $w.Elapsed.TotalSeconds }; [pscustomobject]@{ T = ($t -join ';') }";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { host, "after", Path.Combine(root, "out", "SsmTroubleshoot", "SsmTroubleshoot.psd1"), script })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SSM_BENCH_LOG"] = path;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var times = Regex.Match(output, @"OUT: T=([0-9.;]+)");
        if (!times.Success)
        {
            Console.WriteLine("(fresh-process run failed: " + output.Trim() + ")");
            return null;
        }

        var t = times.Groups[1].Value.Split(';').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (t[0], t[1], t[2]);
    }

    private static long PeakRssBytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return Process.GetCurrentProcess().PeakWorkingSet64;
        }

        var line = File.ReadLines(status).First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"\d+").Value, CultureInfo.InvariantCulture) * 1024;
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

    /// <summary>Samples the GC heap size while a scan runs: the memory the scan itself holds.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _peak;

        internal HeapSampler()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    _peak = Math.Max(_peak, GC.GetGCMemoryInfo().HeapSizeBytes);
                    _peak = Math.Max(_peak, GC.GetTotalMemory(false));
                    Thread.Sleep(5);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        internal long Stop()
        {
            _stop = true;
            _thread.Join();
            return _peak;
        }

        public void Dispose() => Stop();
    }

    internal static long Generate(string path, long target)
    {
        var random = new Random(20240611);
        var time = new DateTime(2024, 6, 11, 0, 0, 0);
        long problems = 0;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var written = 0L;
        var builder = new StringBuilder(512);
        while (written < target)
        {
            time = time.AddTicks(random.Next(1, 2_000_000));
            var id = Guid.NewGuid().ToString();
            var problem = random.Next(100) < 2;
            var template = problem ? GeneratedLogLines.Problems[random.Next(GeneratedLogLines.Problems.Length)]
                : random.Next(1000) == 0 ? GeneratedLogLines.RareBenign[random.Next(GeneratedLogLines.RareBenign.Length)]
                : GeneratedLogLines.Routine[random.Next(GeneratedLogLines.Routine.Length)];
            problems += problem ? 1 : 0;

            builder.Clear();
            builder.Append(time.ToString("yyyy-MM-dd HH:mm:ss.ffff", CultureInfo.InvariantCulture)).Append(' ')
                .Append(string.Format(CultureInfo.InvariantCulture, template, id, "i-0123456789abcdef0")).Append('\n');
            writer.Write(builder);
            written += builder.Length;
        }

        return problems;
    }
}
