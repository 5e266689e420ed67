using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Benchmarks.Corpus;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Issue #17's measure, in one go on the same cached file: Get-SsmAgentLogIssue's first scan in a fresh real pwsh
/// (the module imported by path, the cmdlet timed inside the host), its warm (third) scan in that process, and
/// `grep -E -c -i` and `rg -c -i` over the catalog's own signature strings.
///   logscan [sizesMB=256,1024] [--runs=3]
/// Needs pwsh from the repository's tool manifest (`dotnet tool restore`) and ripgrep (Debian's `ripgrep`: installed
/// here with apt-get when it is missing and this runs as root).
/// </summary>
internal static class LogScanBenchmark
{
    public static int Run(string[] args)
    {
        var sizes = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } list
            ? list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : new[] { 256, 1024 };
        var runs = args.FirstOrDefault(a => a.StartsWith("--runs=", StringComparison.Ordinal)) is { } r ? int.Parse(r.Substring(7), CultureInfo.InvariantCulture) : 3;
        var root = LabelledCorpus.RepositoryRoot();
        var manifest = Path.Combine(root, "out", "SsmTroubleshoot", "SsmTroubleshoot.psd1");
        if (!File.Exists(manifest))
        {
            Console.Error.WriteLine($"build the module first: dotnet build SsmTroubleshoot.sln -c Release ({manifest} is missing)");
            return 2;
        }

        var rg = EnsureRipgrep();
        var catalog = LogRuleCatalog.BuiltIn;
        var patternFile = Path.Combine(Path.GetTempPath(), "ssmt-signatures.ere");
        File.WriteAllLines(patternFile, catalog.SignatureStrings.Select(s => Regex.Replace(s, @"[.\[\]()*+?{}|^$\\]", @"\$0")));
        Console.WriteLine($"catalog: {catalog.Rules.Count} rules, {catalog.SignatureStrings.Count} signature strings; cores: {Environment.ProcessorCount}; runs: {runs} (medians)");
        Console.WriteLine($"tools: {FirstLine("grep", "--version")}; {(rg is null ? "ripgrep missing" : FirstLine(rg, "--version"))}; pwsh {FirstLine("dotnet", "tool run pwsh -NoProfile -Command $PSVersionTable.PSVersion.ToString()", root)}");

        foreach (var size in sizes)
        {
            var path = Path.Combine(Path.GetTempPath(), $"ssm-agent-bench-{size}MB.log");
            var target = (long)size * 1024 * 1024;
            if (!File.Exists(path) || Math.Abs(new FileInfo(path).Length - target) > 1024 * 1024)
            {
                LogBenchmark.Generate(path, target);
            }

            // Warm the page cache: every tool reads the same file from memory.
            Tool("cat", new[] { path }, toDevNull: true);
            var grep = Median(Enumerable.Range(0, runs).Select(_ => Tool("grep", new[] { "-E", "-c", "-i", "-f", patternFile, path }, env: ("LC_ALL", "C"))));
            var ripgrep = rg is null ? double.NaN : Median(Enumerable.Range(0, runs).Select(_ => Tool(rg, new[] { "-c", "-i", "-f", patternFile, path })));
            var fresh = Enumerable.Range(0, runs).Select(_ => FreshPwsh(root, manifest, path)).Where(f => f is not null).Select(f => f!.Value).ToArray();
            if (fresh.Length == 0)
            {
                return 1;
            }

            var first = Median(fresh.Select(f => f.First));
            var warm = Median(fresh.Select(f => f.Warm));
            var import = Median(fresh.Select(f => f.Import));
            var growth = fresh.Max(f => f.PeakGrowthMb);
            Console.WriteLine($"{size} MB: grep -E -c -i (LC_ALL=C) {grep:F2} s; rg -c -i {ripgrep:F2} s; Import-Module {import:F2} s; "
                + $"first scan {first:F2} s = {first / grep:F2}x grep; warm scan {warm:F2} s = {warm / ripgrep:F2}x rg; peak working-set growth during the scans {growth:F0} MB");
        }

        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    /// <summary>Wall time of one command; its output goes to a file (GNU grep stops at the first match when it sees /dev/null).</summary>
    private static double Tool(string file, string[] arguments, bool toDevNull = false, (string Name, string Value)? env = null)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        if (env is { } e)
        {
            start.Environment[e.Name] = e.Value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var sink = toDevNull ? Stream.Null : File.Create(Path.Combine(Path.GetTempPath(), "ssmt-bench-tool.out"));
        process.StandardOutput.BaseStream.CopyTo(sink);
        process.WaitForExit();
        var seconds = watch.Elapsed.TotalSeconds;
        sink.Dispose();
        return seconds;
    }

    private static (double Import, double First, double Warm, double PeakGrowthMb)? FreshPwsh(string root, string manifest, string path)
    {
        // Timed inside the host, as a user would with Measure-Command: the import, then three scans of the same file.
        var script = string.Join("; ",
            "$p = [Diagnostics.Process]::GetCurrentProcess()",
            "$w = [Diagnostics.Stopwatch]::StartNew()",
            $"Import-Module '{manifest}'",
            "$import = $w.Elapsed.TotalSeconds",
            "$p.Refresh(); $before = $p.WorkingSet64",
            "$t = foreach ($i in 1..3) { $w.Restart(); $null = @(Get-SsmAgentLogIssue -LiteralPath $env:SSMT_BENCH_LOG); $w.Elapsed.TotalSeconds }",
            "$p.Refresh()",
            "'RESULT {0} {1} {2} {3}' -f $import, $t[0], $t[2], (($p.PeakWorkingSet64 - $before) / 1MB)");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var a in new[] { "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SSMT_BENCH_LOG"] = path;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var m = Regex.Match(output, @"RESULT ([0-9.]+) ([0-9.]+) ([0-9.]+) (-?[0-9.]+)");
        if (!m.Success)
        {
            Console.Error.WriteLine("pwsh run failed (is `dotnet tool restore` done?): " + output + error.Result);
            return null;
        }

        double D(int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return (D(1), D(2), D(3), D(4));
    }

    private static string? EnsureRipgrep()
    {
        foreach (var candidate in new[] { "/usr/bin/rg", "/usr/local/bin/rg" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Console.WriteLine("ripgrep is missing: apt-get install -y ripgrep");
        try
        {
            Tool("apt-get", new[] { "update", "-qq" });
            Tool("apt-get", new[] { "install", "-y", "-qq", "ripgrep" });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No apt-get here: the rg ratio is left out.
        }

        return File.Exists("/usr/bin/rg") ? "/usr/bin/rg" : null;
    }

    private static string FirstLine(string file, string arguments, string? directory = null)
    {
        try
        {
            var start = new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = directory ?? Environment.CurrentDirectory };
            using var process = Process.Start(start)!;
            var line = process.StandardOutput.ReadLine() ?? string.Empty;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return line.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return file + " missing";
        }
    }
}
