using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Reliability;

/// <summary>The built program stops on SIGTERM even when the command is stuck in a read that ignores cancellation (issue #19, item 2).</summary>
public sealed class ProcessSignalTests
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private const int SigTerm = 15;

    [Fact]
    public async Task Sigterm_ends_a_command_blocked_on_standard_input_with_exit_130()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }

        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var program = Path.Combine(RepoPaths.Root, "src", "SsmTroubleshoot.Cli", "bin", testBin.Parent!.Name, testBin.Name, "ssmtroubleshoot.dll");
        program = File.Exists(program) ? program : Path.Combine(testBin.FullName, "ssmtroubleshoot.dll");
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
        start.ArgumentList.Add("-"); // reads standard input, which stays open and silent
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // started and blocked in the read
        Assert.False(process.HasExited, "exited before the signal"); // (stderr is read only after the exit: it stays open until then)
        var signalled = Stopwatch.StartNew();
        Assert.Equal(0, Kill(process.Id, SigTerm));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ssmtroubleshoot ignored SIGTERM.");
        }

        Assert.True(process.ExitCode == 130, "exit " + process.ExitCode + "\n" + await error);
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(15), $"exited {signalled.Elapsed} after the signal");
        Assert.Contains("Cancelled.", await error, StringComparison.Ordinal);
    }
}
