using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`runbook wait` against a loopback SSM that speaks the automation operations' wire protocol.</summary>
public sealed class RunbookWaitCommandTests : IDisposable
{
    private const string Tmi = "AWSSupport-TroubleshootManagedInstance";
    private const string Ok = "0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d01";
    private const string Broken = "0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d02";
    private const string Slow = "0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d03";
    private readonly LoopbackSsmAutomation _ssm = new();

    public void Dispose() => _ssm.Dispose();

    private List<string> Args(params string[] args)
    {
        var list = new List<string> { "runbook", "wait" };
        list.AddRange(args);
        list.AddRange(new[] { "--endpoint-url", _ssm.Endpoint, "--region", "us-east-1", "--access-key", "AKIACLITEST000000001", "--secret-key", "cli-test-secret" });
        return list;
    }

    [Fact]
    public async Task Finished_executions_are_reported_and_a_failed_one_exits_1()
    {
        _ssm.Add(new LoopbackExecution(Ok, Tmi, "Success"));
        _ssm.Add(new LoopbackExecution(Broken, Tmi, "InProgress", "Failed") { FailedStep = "evalSecurityGroups", FailureMessage = "Step fails when it is verifying the security groups." });
        var result = await CliRun.RunAsync(Args(Ok, Broken, "--poll-interval-seconds", "0.1", "--json"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        var rows = result.Json().EnumerateArray().ToList();
        Assert.Equal(new[] { Ok, Broken }, rows.Select(r => r.GetProperty("AutomationExecutionId").GetString()));
        Assert.Equal(new[] { "Success", "Failed" }, rows.Select(r => r.GetProperty("Status").GetString()));
        Assert.True(rows[0].GetProperty("Succeeded").GetBoolean());
        Assert.Equal("evalSecurityGroups", rows[1].GetProperty("FailedStep").GetString());
        Assert.Equal("us-east-1", rows[1].GetProperty("Region").GetString());
        Assert.Equal(2, rows[1].GetProperty("Steps").GetArrayLength());
        Assert.Contains("AmazonSSM.DescribeAutomationExecutions", _ssm.Targets);
        Assert.Contains("AmazonSSM.GetAutomationExecution", _ssm.Targets);
        Assert.DoesNotContain("cli-test-secret", result.Output + result.Error);
        Assert.Contains("ERROR: Execution " + Broken + " (" + Tmi + ") ended Failed at step evalSecurityGroups: Step fails when it is verifying the security groups.", result.Error);

        var table = await CliRun.RunAsync(Args(Ok), null, CancellationToken.None);
        Assert.Equal(ExitCodes.Healthy, table.ExitCode);
        var lines = CliRun.Lines(table.Output);
        Assert.Equal(new[] { "AutomationExecutionId", "DocumentName", "Status", "Duration", "FailedStep", "Findings", "FailureMessage" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^" + Ok + @"\s+" + Tmi + @"\s+Success\s+00:01:05\s+0$", lines[2]);
        Console.WriteLine(table.Output);
    }

    [Fact]
    public async Task A_wait_that_runs_out_of_time_exits_1_and_says_the_automation_goes_on()
    {
        _ssm.Add(new LoopbackExecution(Slow, Tmi, "InProgress"));
        var result = await CliRun.RunAsync(Args(Slow, "--timeout-seconds", "1", "--json"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        Assert.Contains("ERROR: Execution " + Slow + " (" + Tmi + ") is still InProgress after 1 s; the automation goes on.", result.Error);
        Assert.Equal("[]", result.Output.Replace("\n", string.Empty).Replace(" ", string.Empty));
    }

    [Theory]
    [InlineData("not-an-id", "'not-an-id' is not an AutomationExecutionId")]
    [InlineData("--timeout-seconds", "--timeout-seconds")]
    [InlineData("--poll-interval-seconds", "--poll-interval-seconds must be a number from 0.05 to 60")]
    public async Task Bad_ids_and_timeouts_are_usage_errors(string first, string message)
    {
        var args = first.StartsWith("--") ? Args(Ok, first, "0") : Args(first);
        var result = await CliRun.RunAsync(args, null, CancellationToken.None);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(_ssm.Targets);
    }
}
