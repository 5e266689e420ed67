using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// The self-contained single-file ssmtroubleshoot: publishes it per runtime (default linux-x64; --rids linux-x64,linux-arm64,win-x64),
/// reports each file's size, and for the runtime of this machine the median start-up of `--version` and of `logs` on the
/// shipped sample over --runs fresh processes. --extra passes MSBuild properties (e.g. -p:PublishTrimmed=true) to compare.
/// </summary>
internal static class CliSizeBenchmark
{
    public static int Run(string[] args)
    {
        var rids = new List<string> { "linux-x64" };
        var runs = 11;
        var extra = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rids": rids = args[++i].Split(',').ToList(); break;
                case "--runs": runs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--extra": extra.Add(args[++i]); break;
                default: Console.Error.WriteLine("usage: cli-size [--rids linux-x64,linux-arm64,win-x64] [--runs 11] [--extra -p:Name=Value]..."); return 2;
            }
        }

        var root = Corpus.LabelledCorpus.RepositoryRoot();
        var project = Path.Combine(root, "src", "SsmTroubleshoot.Cli", "SsmTroubleshoot.Cli.csproj");
        var sample = Path.Combine(root, "examples", "amazon-ssm-agent.log");
        var here = RuntimeInformation.RuntimeIdentifier.StartsWith("linux", StringComparison.Ordinal)
            ? "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()
            : null;
        var failed = false;
        foreach (var rid in rids)
        {
            var output = Path.Combine(Path.GetTempPath(), "ssmts-cli-size-" + rid + "-" + Guid.NewGuid().ToString("N"));
            var publishArgs = new List<string> { "publish", project, "-c", "Release", "-r", rid, "--self-contained", "-p:PublishSingleFile=true", "-o", output, "-nologo", "-v", "q" };
            publishArgs.AddRange(extra);
            var watch = Stopwatch.StartNew();
            var (code, text) = Exec("dotnet", publishArgs, root);
            if (code != 0)
            {
                Console.WriteLine($"{rid}: publish failed (exit {code}): {text.Trim().Split('\n').LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? text.Trim()}");
                failed = true;
                continue;
            }

            var exe = Path.Combine(output, rid.StartsWith("win", StringComparison.Ordinal) ? "ssmtroubleshoot.exe" : "ssmtroubleshoot");
            var files = Directory.GetFiles(output);
            var size = new FileInfo(exe).Length;
            Console.WriteLine($"{rid}: {size / 1024.0 / 1024.0:F1} MB single file ({files.Length} file(s) in the folder, published in {watch.Elapsed.TotalSeconds:F0} s{(extra.Count > 0 ? ", " + string.Join(" ", extra) : string.Empty)})");
            if (rid == here)
            {
                var version = Median(runs, () => Exec(exe, new[] { "--version" }, root));
                var logs = Median(runs, () => Exec(exe, new[] { "logs", sample }, root), expected: 1);
                Console.WriteLine($"{rid}: start-up, median of {runs}: --version {version * 1000:F0} ms; logs examples/amazon-ssm-agent.log {logs * 1000:F0} ms");
            }

            Directory.Delete(output, recursive: true);
        }

        return failed ? 1 : 0;
    }

    private static double Median(int runs, Func<(int Code, string Text)> run, int expected = 0)
    {
        run(); // The first run pays for extracting nothing (compressed single file decompresses in memory) but warms the disk cache.
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var (code, text) = run();
            times.Add(watch.Elapsed.TotalSeconds);
            if (code != expected)
            {
                throw new InvalidOperationException($"exit {code}, expected {expected}: {text}");
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static (int Code, string Text) Exec(string file, IEnumerable<string> args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
