using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class AutomationExecutionResultTests
{
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Map(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)new[] { p.Value });

    [Fact]
    public void Log_location_prefers_an_s3_uri_in_the_outputs()
    {
        var location = LogLocationResolver.Resolve(
            "AWSSupport-ExecuteEC2Rescue",
            Map(("LogDestination", "param-bucket")),
            Map(("uploadLogs.Location", "s3://out-bucket/ec2rescue/i-0123/")),
            Array.Empty<AutomationStepDetail>());

        Assert.Equal("out-bucket", location!.Bucket);
        Assert.Equal("ec2rescue/i-0123/", location.Prefix);
        Assert.Equal("output uploadLogs.Location", location.Source);
    }

    [Fact]
    public void Log_location_from_step_outputs_then_bucket_and_prefix_parameters()
    {
        var steps = new[]
        {
            new AutomationStepDetail { StepName = "collect", Outputs = Map(("LogUri", "s3://step-bucket")) },
        };
        Assert.Equal("s3://step-bucket/", LogLocationResolver.Resolve(null, Map(), Map(), steps)!.Uri);

        var workflow = LogLocationResolver.Resolve(
            "AWSSupport-StartEC2RescueWorkflow",
            Map(("S3BucketName", "logs"), ("S3Prefix", "AWSSupport-EC2Rescue")),
            Map(),
            Array.Empty<AutomationStepDetail>());
        Assert.Equal("s3://logs/AWSSupport-EC2Rescue", workflow!.Uri);

        Assert.Null(LogLocationResolver.Resolve("AWSSupport-TroubleshootSSH", Map(("S3BucketName", string.Empty)), Map(), Array.Empty<AutomationStepDetail>()));
        Assert.Null(LogLocationResolver.ParseS3Uri("https://bucket.s3.amazonaws.com/key"));
        Assert.Null(LogLocationResolver.ParseS3Uri("s3://bucket/has space"));
    }

    [Fact]
    public void Non_critical_failed_steps_are_not_the_failed_step()
    {
        var detail = new AutomationExecutionDetail
        {
            AutomationExecutionId = Ids.Of(1),
            DocumentName = "AWSSupport-TroubleshootSSH",
            Status = AutomationStatus.Failed,
            StepExecutions = new[]
            {
                new AutomationStepDetail { StepName = "assertManaged", StepStatus = "Failed", IsCritical = false, FailureMessage = "not managed" },
                new AutomationStepDetail { StepName = "runOffline", StepStatus = "TimedOut", FailureMessage = "Step timed out" },
                new AutomationStepDetail { StepName = "cleanup", StepStatus = "Success" },
            },
        };

        var result = AutomationExecutionResult.FromExecution(detail, detail.StepExecutions);

        Assert.Equal("runOffline", result.FailedStep);
        Assert.Equal("Step timed out", result.FailureMessage);
        Assert.Equal(AutomationOutcome.Failed, result.Outcome);
        Assert.Null(result.Duration);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Findings_come_from_execution_outputs_too()
    {
        var detail = new AutomationExecutionDetail
        {
            AutomationExecutionId = Ids.Of(2),
            DocumentName = "AWSSupport-TroubleshootSessionManager",
            Status = AutomationStatus.Success,
            Outputs = Map(("generateReport.EvalReport", TestFiles.Read("eval-report.txt"))),
        };

        var result = AutomationExecutionResult.FromExecution(detail, detail.StepExecutions);

        Assert.Equal(4, result.Findings.Count);
        Assert.All(result.Findings, f => Assert.Equal("generateReport.EvalReport", f.Source));
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void EC2Rescue_results_of_ExecuteEC2Rescue_and_TroubleshootSSH_become_findings()
    {
        var rescue = new AutomationExecutionDetail
        {
            AutomationExecutionId = Ids.Of(3),
            DocumentName = "AWSSupport-ExecuteEC2Rescue",
            Status = AutomationStatus.Success,
            Outputs = Map(("getEC2RescueForLinuxResult.Output", TestFiles.ReadCaptured("ec2rl-summary-from-source.txt"))),
        };
        var rescued = AutomationExecutionResult.FromExecution(rescue, rescue.StepExecutions);
        Assert.Equal(
            new[] { ("module run/openssh", FindingSeverity.Error), ("module run/arpcache", FindingSeverity.Warning) },
            rescued.Findings.Select(f => (f.Check!, f.Severity)));
        Assert.All(rescued.Findings, f => Assert.Equal("getEC2RescueForLinuxResult.Output", f.Source));

        // TroubleshootSSH's output is read from its step when the execution outputs do not carry it.
        var ssh = new AutomationExecutionDetail
        {
            AutomationExecutionId = Ids.Of(4),
            DocumentName = "AWSSupport-TroubleshootSSH",
            Status = AutomationStatus.Success,
            StepExecutions = new[]
            {
                new AutomationStepDetail { StepName = "troubleshootSSH", StepStatus = "Success", Outputs = Map(("Output", TestFiles.ReadCaptured("ec2rl-openssh-doc.txt"))) },
            },
        };
        var checkedSsh = AutomationExecutionResult.FromExecution(ssh, ssh.StepExecutions);
        Assert.Equal(4, checkedSsh.Findings.Count);
        Assert.Equal(2, checkedSsh.Findings.Count(f => f.Severity == FindingSeverity.Error));
        Assert.All(checkedSsh.Findings, f => Assert.Equal("troubleshootSSH.Output", f.Source));
    }
}
