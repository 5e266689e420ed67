using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Reliability;

/// <summary>
/// The cmdlets under bad servers and bad input (issue #19): bounded AWS calls, the same error category for the same
/// failure everywhere, no secret in an error, a wait that ends at its deadline saying why, no node lost, no pipe read.
/// </summary>
public sealed class ModuleReliabilityTests : IDisposable
{
    private const string Secret = "module-reliability-secret";
    private readonly PowerShellSession _session = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ssmts-module-reliability-" + Guid.NewGuid().ToString("N"));

    public ModuleReliabilityTests()
    {
        Directory.CreateDirectory(_folder);
        _session.SetVariable("secret", Secret);
        _session.SetVariable("folder", _folder);
    }

    public void Dispose()
    {
        _session.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Aws(AwsEmulator emu)
    {
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        return "-EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAMODULERELIABLE01 -SecretKey $secret";
    }

    [Fact]
    public async Task A_silent_endpoint_ends_at_the_call_timeout_as_OperationTimeout_naming_the_call()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("demo"));
        emu.Faults.Set("sts:GetCallerIdentity=silent");
        var watch = Stopwatch.StartNew();
        var result = _session.Run($"Get-SsmAwsContext {Aws(emu)} -CallTimeoutSeconds 1");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        var error = Assert.Single(result.AllErrors);
        Assert.Equal("AwsCallFailed", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("STS GetCallerIdentity at " + emu.Endpoint + " did not answer within 1 s", error.ErrorDetails!.Message, StringComparison.Ordinal);
        Assert.Contains("-CallTimeoutSeconds", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_has_the_same_category_in_every_cmdlet()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("demo"));
        emu.Faults.Set("*=error:1.0");
        var context = _session.Run($"Get-SsmAwsContext {Aws(emu)}");
        var network = _session.Run($"Test-ManagedInstanceNetwork -InstanceId i-0a1b2c3d4e5f60001 {Aws(emu)}");
        var wait = _session.Run($"Wait-AutomationExecution 00000000-0000-4000-8000-000000000000 -TimeoutSeconds 30 -PollIntervalSeconds 0.05 {Aws(emu)}");
        var errors = context.AllErrors.Concat(network.AllErrors).Concat(wait.AllErrors).ToList();
        Assert.True(errors.Count >= 3, string.Join("\n", errors.Select(e => e.ToString())));
        Assert.All(errors, e => Assert.Equal(ErrorCategory.ResourceUnavailable, e.CategoryInfo.Category));
        Assert.All(errors, e => Assert.DoesNotContain("inner exception", e.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_wait_whose_calls_never_answer_ends_at_its_timeout_and_says_why()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("automation"));
        emu.Faults.Set("ssm:DescribeAutomationExecutions=silent");
        var watch = Stopwatch.StartNew();
        var result = _session.Run($"Wait-AutomationExecution 00000000-0000-4000-8000-000000000000 -TimeoutSeconds 2 -PollIntervalSeconds 0.05 {Aws(emu)}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"took {watch.Elapsed}");
        var error = Assert.Single(result.AllErrors);
        Assert.Equal("AutomationExecutionLookupFailed", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("SSM DescribeAutomationExecutions", error.ErrorDetails!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not started", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_credentials_file_is_reported_without_the_secret_in_any_part_of_the_error()
    {
        const string Key = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
        var file = Path.Combine(_folder, "credentials");
        File.WriteAllText(file, "[bad]\naws_access_key_id = AKIABADPROFILE000001\naws_secret_access_key " + Key + "\n");
        var result = _session.Run("Get-SsmAwsContext -ProfileName bad -ProfileLocation $file -Region us-east-1", new() { ["file"] = file });
        var error = Assert.Single(result.AllErrors);
        Assert.Equal("AwsCredentialInvalid", ScriptResult.ErrorId(error));
        var everything = error + "\n" + error.ErrorDetails?.Message + "\n" + error.ErrorDetails?.RecommendedAction;
        for (var e = error.Exception; e is not null; e = e.InnerException)
        {
            everything += "\n" + e.Message;
        }

        Assert.DoesNotContain(Key, everything, StringComparison.Ordinal);
        Assert.Contains(file, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fleet_ids_that_cannot_be_described_come_back_as_rows_with_a_short_warning()
    {
        var world = new World();
        var ids = Enumerable.Range(0, 120).Select(i => $"i-0de0f00000{i:x7}").ToArray();
        foreach (var id in ids)
        {
            world.InstanceInformation.Add(new InstanceInformation { InstanceId = id, PingStatus = "Online", PlatformType = "Linux" });
        }

        world.Denies.Add(new Deny { Principal = "*", Action = "ssm:DescribeInstanceInformation" });
        await using var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("ids", ids);
        var result = _session.Run($"Get-SsmAgentLogIssue -InstanceId $ids {Aws(emu)}");
        Assert.Empty(result.AllErrors);
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).OrderBy(i => i, StringComparer.Ordinal));
        Assert.All(result.Output, o => Assert.Equal("Fleet.NotDescribed", ScriptResult.Prop(o, "RuleId")));
        Assert.All(result.Warnings, w => Assert.True(w.Message.Length < 800, w.Message));
        Assert.Contains(result.Warnings, w => w.Message.Contains("AccessDeniedException", StringComparison.Ordinal));
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    [Fact]
    public void A_named_pipe_in_the_log_folder_is_skipped_with_a_warning_and_refused_by_name()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }

        File.WriteAllText(Path.Combine(_folder, "errors.log"), "2024-06-11 07:43:10 ERROR [ssm-agent-worker] error when calling AWS APIs. error details - RequestError: send request failed\n"
            + "caused by: dial tcp 52.46.141.158:443: i/o timeout\n");
        var pipe = Path.Combine(_folder, "amazon-ssm-agent.log");
        Assert.Equal(0, MakeFifo(pipe, Convert.ToUInt32("644", 8)));

        var inFolder = _session.Run("Get-SsmAgentLogIssue -Path $folder");
        Assert.Empty(inFolder.AllErrors);
        Assert.Contains(inFolder.Warnings, w => w.Message.Contains("named pipe", StringComparison.Ordinal));
        Assert.NotEmpty(inFolder.Output);

        var byName = _session.Run("Get-SsmAgentLogIssue -LiteralPath $pipe", new() { ["pipe"] = pipe });
        Assert.Equal("LogPathNotRegularFile", ScriptResult.ErrorId(Assert.Single(byName.AllErrors)));
    }

    [Fact]
    public void A_period_that_reaches_before_year_one_is_refused_in_words()
    {
        var result = _session.Run("Get-SsmAgentLogIssue -Path $folder -Last ([timespan]::FromDays(3000000))");
        var error = Assert.Single(result.AllErrors);
        Assert.Equal("LogTimeRangeInvalid", ScriptResult.ErrorId(error));
        Assert.Contains("before the year 1", error.ToString(), StringComparison.Ordinal);
    }
}
