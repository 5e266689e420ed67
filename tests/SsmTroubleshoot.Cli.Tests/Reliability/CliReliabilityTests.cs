using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Reliability;

/// <summary>
/// The command line under bad input and bad servers (issue #19): words and exit code 2 for values out of range, no
/// secret echoed, nothing hanging, no terminal escape passed through, AWS failures naming the call and the fix.
/// </summary>
public sealed class CliReliabilityTests
{
    private const string Secret = "reliability-cli-secret-value";
    private const string Problem = "2024-06-11 07:43:10 ERROR [ssm-agent-worker] [MessageService] error when calling AWS APIs. error details - RequestError: send request failed\n"
        + "caused by: Post \"https://ec2messages.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n";

    private static List<string> Aws(AwsEmulator emu, params string[] args)
    {
        var list = new List<string>(args);
        list.AddRange(new[] { "--endpoint-url", emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIARELIABILITYCLI01", "--secret-key", Secret });
        return list;
    }

    [Theory]
    [InlineData("99999999d", "longer than any date range")]
    [InlineData("3000000d", "before the year 1")]
    public async Task Durations_out_of_range_are_usage_errors_in_words(string last, string words)
    {
        var result = await CliRun.RunAsync("logs", "--last", last, RepoPaths.SampleLog);
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains(words, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_secret_option_never_echoes_its_value()
    {
        var result = await CliRun.RunAsync("context", "--secret-keys", "SuperSecretValue42", "--region", "us-east-1");
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains("--secret-keys", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SuperSecretValue42", result.Output + result.Error, StringComparison.Ordinal);

        var glued = await CliRun.RunAsync("context", "--secret-keys=SuperSecretValue42", "--region", "us-east-1");
        Assert.True(glued.ExitCode == ExitCodes.UsageError, glued.ToString());
        Assert.DoesNotContain("SuperSecretValue42", glued.Output + glued.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credentials_file_with_a_malformed_line_is_reported_without_the_secret()
    {
        using var folder = new TempFolder();
        var file = folder.Write("credentials", "[bad]\naws_access_key_id = AKIABADPROFILE000001\naws_secret_access_key wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n");
        var result = await CliRun.RunAsync("context", "--profile", "bad", "--profile-location", file, "--region", "us-east-1");
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.DoesNotContain("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_access_key_without_its_secret_is_a_usage_error()
    {
        var result = await CliRun.RunAsync("context", "--access-key", "AKIAONLYTHEKEY000001", "--region", "us-east-1");
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains("--access-key and --secret-key must be given together", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_sequences_in_log_lines_are_shown_escaped_not_sent_to_the_terminal()
    {
        using var folder = new TempFolder();
        var log = folder.Write("amazon-ssm-agent.log",
            "2024-06-11 07:43:10 ERROR [ssm-agent-worker] \u001b]0;pwned\u0007\u001b[2J\u009b31m hidden\r overwrite error when calling AWS APIs. error details - RequestError: send request failed\n"
            + "caused by: dial tcp 52.46.141.158:443: i/o timeout\n");
        var result = await CliRun.RunAsync("logs", log, "--as-entry", "--include-unclassified");
        var everything = result.Output + result.Error;
        Assert.DoesNotContain('\u001b', everything);
        Assert.DoesNotContain('\u0007', everything);
        Assert.DoesNotContain('\u009b', everything);
        Assert.Contains(@"\u001B]0;pwned\u0007", everything, StringComparison.Ordinal);

        var json = await CliRun.RunAsync("logs", log, "--as-entry", "--include-unclassified", "--json");
        Assert.DoesNotContain('\u001b', json.Output);
        Assert.NotEmpty(json.Json().EnumerateArray());
    }

    [Fact]
    public async Task A_multi_member_gzip_is_read_whole_and_is_not_could_not_run()
    {
        static byte[] Gzip(string text)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(text));
            }

            return buffer.ToArray();
        }

        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "amazon-ssm-agent.log.1.gz");
        File.WriteAllBytes(path, Gzip("2024-06-11 06:00:00 INFO [ssm-agent-worker] start\n").Concat(Gzip(Problem)).ToArray());
        var result = await CliRun.RunAsync("logs", path);
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        Assert.Contains("EndpointUnreachable", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("corrupt", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    [Fact]
    public async Task A_named_pipe_among_the_logs_does_not_hang_the_command()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }

        using var folder = new TempFolder();
        folder.Write("errors.log", Problem);
        var pipe = Path.Combine(folder.Path, "amazon-ssm-agent.log");
        Assert.Equal(0, MakeFifo(pipe, Convert.ToUInt32("644", 8)));

        var watch = Stopwatch.StartNew();
        var inFolder = await CliRun.RunAsync("logs", folder.Path);
        Assert.True(inFolder.ExitCode == ExitCodes.ProblemsFound, inFolder.ToString());
        Assert.Contains("named pipe", inFolder.Error, StringComparison.Ordinal);

        var byName = await CliRun.RunAsync("logs", pipe);
        Assert.True(byName.ExitCode == ExitCodes.CouldNotRun, byName.ToString());
        Assert.Contains("not a regular file", byName.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_silent_endpoint_ends_at_the_call_timeout_with_the_call_named()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("demo"));
        emu.Faults.Set("sts:GetCallerIdentity=silent");
        var watch = Stopwatch.StartNew();
        var result = await CliRun.RunAsync(Aws(emu, "context", "--call-timeout-seconds", "1"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Contains("STS GetCallerIdentity at " + emu.Endpoint + " did not answer within 1 s", result.Error, StringComparison.Ordinal);
        Assert.Contains("--call-timeout-seconds", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_on_an_unanswering_endpoint_ends_at_its_timeout_and_says_why()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("automation"));
        emu.Faults.Set("ssm:DescribeAutomationExecutions=silent");
        var watch = Stopwatch.StartNew();
        var result = await CliRun.RunAsync(Aws(emu, "runbook", "wait", "00000000-0000-4000-8000-000000000000", "--timeout-seconds", "2", "--poll-interval-seconds", "0.1"), null, CancellationToken.None);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"took {watch.Elapsed}");
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.Contains("could not be read", result.Error, StringComparison.Ordinal);
        Assert.Contains("DescribeAutomationExecutions", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not started", result.Error, StringComparison.Ordinal);

        emu.Faults.Set("ssm:DescribeAutomationExecutions=throttle:1.0");
        var throttled = await CliRun.RunAsync(Aws(emu, "runbook", "wait", "00000000-0000-4000-8000-000000000000", "--timeout-seconds", "6", "--poll-interval-seconds", "0.1"), null, CancellationToken.None);
        Assert.True(throttled.ExitCode == ExitCodes.CouldNotRun, throttled.ToString());
        Assert.Contains("ThrottlingException", throttled.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not started", throttled.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_runbook_parameter_suggests_the_name_once()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("automation"));
        var result = await CliRun.RunAsync(Aws(emu, "runbook", "start", "AWSSupport-TroubleshootSSH", "--instance-id", "i-0a1b2c3d4e5f60001", "--parameter", "Actoin=CheckAll"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Equal(1, CountOf(result.Error, "Did you mean"));
    }

    [Fact]
    public async Task Checks_that_cannot_be_evaluated_exit_3_with_a_note()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var id = NetworkFleet.AddInstance(world, vpc, 1, "web-1").InstanceId;
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("ec2:DescribeRouteTables=html:502");

        var result = await CliRun.RunAsync(Aws(emu, "network", "--instance-id", id), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.Contains(id + ":", result.Error, StringComparison.Ordinal);
        Assert.Contains("could not be evaluated", result.Error, StringComparison.Ordinal);
        Assert.Contains("502", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", result.Output + result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(result.Error.Contains("Grant ec2:DescribeRouteTables", StringComparison.Ordinal), result.Error);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
