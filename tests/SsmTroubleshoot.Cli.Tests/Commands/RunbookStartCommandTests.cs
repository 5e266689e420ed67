using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`runbook start` against a loopback SSM serving the real AWSSupport documents (engine test data).</summary>
public sealed class RunbookStartCommandTests : IDisposable
{
    private const string Instance = "i-0123456789abcdef0";
    private readonly LoopbackSsmAutomation _ssm = new();

    public void Dispose() => _ssm.Dispose();

    private List<string> Args(params string[] args)
    {
        var list = new List<string> { "runbook", "start" };
        list.AddRange(args);
        list.AddRange(new[] { "--endpoint-url", _ssm.Endpoint, "--region", "eu-west-1", "--access-key", "AKIACLITEST000000001", "--secret-key", "cli-test-secret" });
        return list;
    }

    private IEnumerable<string> StartCalls => _ssm.Targets.Where(t => t == "AmazonSSM.StartAutomationExecution");

    [Fact]
    public async Task A_read_only_runbook_starts_with_the_instance_in_its_parameter_and_can_be_waited_for()
    {
        var started = await CliRun.RunAsync(Args("TroubleshootManagedInstance", "--instance-id", Instance, "--json"), null, CancellationToken.None);
        Assert.True(started.ExitCode == ExitCodes.Healthy, started.ToString());
        var execution = Assert.Single(started.Json().EnumerateArray());
        Assert.Equal("AWSSupport-TroubleshootManagedInstance", execution.GetProperty("DocumentName").GetString());
        Assert.Equal("eu-west-1", execution.GetProperty("Region").GetString());
        Assert.Equal(Instance, execution.GetProperty("Parameters").GetProperty("InstanceId")[0].GetString());
        Assert.StartsWith("https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/", execution.GetProperty("ConsoleUrl").GetString());
        var request = Assert.Single(_ssm.Starts);
        Assert.Equal("AWSSupport-TroubleshootManagedInstance", request["DocumentName"]!.GetValue<string>());
        Assert.Equal(Instance, request["Parameters"]!["InstanceId"]![0]!.GetValue<string>());
        Assert.Contains("Started AWSSupport-TroubleshootManagedInstance on " + Instance + ": " + execution.GetProperty("AutomationExecutionId").GetString(), started.Error);

        var waited = await CliRun.RunAsync(Args("AWSSupport-TroubleshootManagedInstance", "--instance-id", Instance, "--wait", "--json"), null, CancellationToken.None);
        Assert.True(waited.ExitCode == ExitCodes.Healthy, waited.ToString());
        var result = Assert.Single(waited.Json().EnumerateArray());
        Assert.Equal("Success", result.GetProperty("Status").GetString());
        Assert.True(result.GetProperty("Succeeded").GetBoolean());
    }

    [Fact]
    public async Task A_disruptive_runbook_needs_yes_and_what_if_starts_nothing()
    {
        var refused = await CliRun.RunAsync(Args("ExecuteEC2Rescue", "--instance-id", Instance), null, CancellationToken.None);
        Assert.Equal(ExitCodes.UsageError, refused.ExitCode);
        Assert.Contains("Stops the instance.", refused.Error);
        Assert.Contains("Add --force", refused.Error);
        Assert.Empty(StartCalls);

        var whatIf = await CliRun.RunAsync(Args("ExecuteEC2Rescue", "--instance-id", Instance, "--parameter", "LogDestination=my-rescue-logs", "--what-if"), null, CancellationToken.None);
        Assert.Equal(ExitCodes.Healthy, whatIf.ExitCode);
        Assert.StartsWith("What if: AWSSupport-ExecuteEC2Rescue on " + Instance + ": Stops the instance.", whatIf.Output);
        Assert.Contains("  UnreachableInstanceId = " + Instance, whatIf.Output);
        Assert.Contains("  LogDestination = my-rescue-logs", whatIf.Output);
        Assert.Empty(StartCalls);

        var confirmed = await CliRun.RunAsync(Args("ExecuteEC2Rescue", "--instance-id", Instance, "i-0fedcba9876543210", "--force", "--tag", "Ticket=CASE-123", "--json"), null, CancellationToken.None);
        Assert.True(confirmed.ExitCode == ExitCodes.Healthy, confirmed.ToString());
        Assert.Equal(2, confirmed.Json().GetArrayLength());
        Assert.Equal(new[] { Instance, "i-0fedcba9876543210" }, _ssm.Starts.Select(s => s["Parameters"]!["UnreachableInstanceId"]![0]!.GetValue<string>()));
        Assert.All(_ssm.Starts, s => Assert.Equal("Ticket", s["Tags"]![0]!["Key"]!.GetValue<string>()));

        // --yes is the same switch, for people who expect it.
        var yes = await CliRun.RunAsync(Args("ExecuteEC2Rescue", "--instance-id", Instance, "--yes"), null, CancellationToken.None);
        Assert.Equal(ExitCodes.Healthy, yes.ExitCode);
    }

    [Theory]
    [InlineData(new[] { "TroubleshootManagedInstance" }, "InstanceId")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Instance, "--parameter", "NoSuchParameter=1" }, "NoSuchParameter")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Instance, "--parameter", "justtext" }, "is not Name=Value")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Instance, "i-0fedcba9876543210", "--client-token", "abc" }, "--client-token names one execution")]
    public async Task Parameters_that_do_not_fit_the_document_are_usage_errors(string[] args, string message)
    {
        var result = await CliRun.RunAsync(Args(args), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.Empty(StartCalls);
    }

    [Fact]
    public async Task An_unknown_document_could_not_run()
    {
        var result = await CliRun.RunAsync(Args("AWSSupport-NoSuchRunbook", "--instance-id", Instance), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.Contains("Reading runbook AWSSupport-NoSuchRunbook", result.Error);
        Assert.Contains("does not exist", result.Error);
    }
}
