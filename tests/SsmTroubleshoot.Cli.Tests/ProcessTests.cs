using System;
using System.Diagnostics;
using System.IO;
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
        start.ArgumentList.Add("logs");
        start.ArgumentList.Add(Path.Combine("examples", "amazon-ssm-agent.log"));
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";

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

        var stdout = await output;
        Assert.True(process.ExitCode == 1, "exit " + process.ExitCode + "\n" + stdout + "\n" + await error);
        Assert.Equal(string.Empty, await error);
        var lines = CliRun.Lines(stdout);
        Assert.Equal("Log: " + RepoPaths.SampleLog, lines[0].Trim());
        Assert.StartsWith("Severity Category", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("Critical ProxyTls "));

        // Piped output is not cut to a terminal width: the whole next step is there.
        Assert.Contains(lines, l => l.EndsWith("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId i-0123456789abcdef0"));
    }
}
