using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests;

/// <summary>The built program as an operator runs it: a separate process, real stdout/stderr and exit code.</summary>
public sealed class ProcessTests
{
    /// <summary>The CLI's own build output for this configuration (bin/Debug/net10.0 next to bin/Debug/net10.0), else the copy beside the tests.</summary>
    private static string ProgramPath()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var own = Path.Combine(RepoPaths.Root, "src", "SsmTroubleshoot.Cli", "bin", configuration, framework, "ssmtroubleshoot.dll");
        return File.Exists(own) ? own : Path.Combine(testBin.FullName, "ssmtroubleshoot.dll");
    }

    [Fact]
    public async Task The_built_program_reads_the_shipped_sample_and_exits_1()
    {
        var (exitCode, stdout, stderr) = await RunAsync(null, "logs", Path.Combine("examples", "amazon-ssm-agent.log"));
        Assert.True(exitCode == 1, "exit " + exitCode + "\n" + stdout + "\n" + stderr);
        Assert.Equal(string.Empty, stderr);
        var lines = CliRun.Lines(stdout);
        Assert.Equal("Log: " + RepoPaths.SampleLog, lines[0].Trim());
        Assert.StartsWith("Severity Category", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("Critical ProxyTls "));

        // Piped output is not cut to a terminal width: the whole next step is on its line, in CLI words.
        Assert.Contains(lines, l => l.EndsWith("ssmtroubleshoot runbook start AWSSupport-TroubleshootManagedInstance --instance-id i-0123456789abcdef0"));
        Assert.DoesNotContain('\u001b', stdout);
    }

    [Fact]
    public async Task Columns_80_fits_every_line_in_80_characters_and_wraps_the_long_text_whole()
    {
        var (exitCode, stdout, stderr) = await RunAsync("80", "logs", Path.Combine("examples", "amazon-ssm-agent.log"));
        Assert.True(exitCode == 1, "exit " + exitCode + "\n" + stdout + "\n" + stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, l.Length + ": " + l));

        // Wrapped, not cut: the remediation's words are all there, under its label.
        var issue = new SsmTroubleshoot.Logs.AgentLogAnalyzer(SsmTroubleshoot.Logs.LogRuleCatalog.BuiltIn, new SsmTroubleshoot.Logs.LogScanOptions())
            .ScanFile(RepoPaths.SampleLog, null, null, System.Threading.CancellationToken.None).Issues.First(i => i.Category == "ProxyTls");
        var text = string.Join(" ", lines.Select(l => l.Trim()));
        Assert.Contains("Remediation: " + issue.Remediation, text);
        Assert.Contains(lines, l => l.StartsWith(new string(' ', 15), StringComparison.Ordinal) && l.Trim().Length > 0);
    }

    [Fact]
    public async Task The_emulator_banner_tells_how_to_point_the_cli_at_it_and_both_ways_work()
    {
        await using var emu = await SsmTroubleshoot.Emulator.AwsEmulator.StartAsync(SsmTroubleshoot.Emulator.Model.World.LoadScenario("tour"));
        var endpoint = emu.Endpoint.ToString();
        var banner = SsmTroubleshoot.Emulator.EmulatorBanner.Lines(endpoint, emu.World.Region);

        // The options line, as printed, run as printed.
        var options = banner.Single(l => l.TrimStart().StartsWith("ssmtroubleshoot ", StringComparison.Ordinal)).Trim().Split(' ').Skip(1).Append("--json").ToArray();
        Assert.Contains("--endpoint-url", options);
        var (exitCode, stdout, stderr) = await RunAsync(null, options);
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("\"Endpoint\": \"" + endpoint + "\"", stdout);

        // The environment line: its variables set, no AWS option on the command line.
        var exports = banner.Single(l => l.TrimStart().StartsWith("export ", StringComparison.Ordinal)).Trim().Substring("export ".Length).Split(' ')
            .Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);
        Assert.Equal(new[] { "AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_SECRET_ACCESS_KEY" }, exports.Keys.OrderBy(k => k, StringComparer.Ordinal));
        (exitCode, stdout, stderr) = await RunAsync(null, exports, "context", "--json");
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("\"Region\": \"" + emu.World.Region + "\"", stdout);
        Assert.Contains("\"Account\": \"123456789012\"", stdout);
        Assert.Contains(banner, l => l.Contains("-EndpointUrl " + endpoint, StringComparison.Ordinal));
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string? columns, params string[] args) =>
        RunAsync(columns, new System.Collections.Generic.Dictionary<string, string>(), args);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string? columns, System.Collections.Generic.IDictionary<string, string> environment, params string[] args)
    {
        var program = ProgramPath();
        Assert.True(File.Exists(program), program + " was not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment.Remove("COLUMNS");
        if (columns is not null)
        {
            start.Environment["COLUMNS"] = columns;
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ssmtroubleshoot did not exit within 60 s.");
        }

        return (process.ExitCode, await output, await error);
    }
}
