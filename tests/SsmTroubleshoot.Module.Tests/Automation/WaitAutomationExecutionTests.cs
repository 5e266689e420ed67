using System;
using System.Collections;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Automation;

/// <summary>Wait-AutomationExecution against executions that progress on the emulator's clock.</summary>
public sealed class WaitAutomationExecutionTests : AutomationTestBase
{
    private string[] Start(params string[] instances)
    {
        var result = Session.Run("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId $ids @aws", new() { ["ids"] = instances });
        Assert.Empty(result.AllErrors);
        return result.Output.Select(o => (string)ScriptResult.Prop(o, "AutomationExecutionId")!).ToArray();
    }

    [Fact]
    public void Twenty_executions_are_polled_in_batches_of_ten_and_fetched_once_each()
    {
        // The emulator's clock is held while the 20 start, shows them half-way (4 of 9 steps of 50 ms) to the first
        // poll round and finished from the second: every round sees all 20 in the same state, so the call count does
        // not depend on how fast this machine started them.
        var started = DateTime.UtcNow;
        Emu.World.Clock = () => started;
        var ids = Start(Enumerable.Range(1, 20).Select(Instance).ToArray());
        Emu.Calls.Reset();
        Emu.World.Clock = () => Emu.Calls["ssm:DescribeAutomationExecutions"] <= 2 ? started.AddMilliseconds(220) : started.AddHours(1);
        var result = Session.Run("$ids | Wait-AutomationExecution -TimeoutSeconds 60 @fast @aws", new() { ["ids"] = ids });
        Assert.Empty(result.AllErrors);
        Assert.Equal(ids, result.Output.Select(o => (string)ScriptResult.Prop(o, "AutomationExecutionId")!));
        Assert.All(result.Output, o => Assert.Equal("Success", ScriptResult.Prop(o, "Status")));

        // Two rounds of two Describe calls of 10 ids each (one call per execution would be 40), then one Get each.
        Assert.Equal(4, Emu.Calls["ssm:DescribeAutomationExecutions"]);
        Assert.Equal(20, Emu.Calls["ssm:GetAutomationExecution"]);

        // Progress: one activity per execution with steps done / total, completed at the end.
        Assert.Equal(20, result.Progress.Select(p => p.ActivityId).Distinct().Count());
        Assert.Contains(result.Progress, p => p.StatusDescription.Contains("/9 steps", StringComparison.Ordinal));
        Assert.All(result.Progress.GroupBy(p => p.ActivityId), g => Assert.Equal(ProgressRecordType.Completed, g.Last().RecordType));
    }

    [Fact]
    public void Throttling_while_waiting_slows_down_and_still_finishes()
    {
        var ids = Start(Healthy);
        Emu.Faults.Set("ssm:DescribeAutomationExecutions", new InjectedFault { ThrottleFirst = 3 });
        Emu.Faults.Set("ssm:GetAutomationExecution", new InjectedFault { ThrottleFirst = 1 });
        var watch = Stopwatch.StartNew();
        var result = Session.Run("Wait-AutomationExecution $ids -TimeoutSeconds 60 @fast @aws", new() { ["ids"] = ids });
        Assert.Empty(result.AllErrors);
        Assert.Equal("Success", ScriptResult.Prop(Assert.Single(result.Output), "Status"));
        Assert.True(Emu.Calls["ssm:DescribeAutomationExecutions"] >= 4);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
    }

    [Fact]
    public void Timeout_writes_one_OperationTimeout_error_per_unfinished_execution()
    {
        Script(new AutomationScript { InstanceId = Instance(1), Outcome = "Running", StepMilliseconds = 50 });
        Script(new AutomationScript { InstanceId = Instance(2), Outcome = "Running", StepMilliseconds = 50 });
        var ids = Start(Instance(1), Instance(2), Healthy);
        var result = Session.Run("Wait-AutomationExecution $ids -TimeoutSeconds 2 @fast @aws", new() { ["ids"] = ids });
        Assert.Equal(ids[2], ScriptResult.Prop(Assert.Single(result.Output), "AutomationExecutionId"));
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("AutomationWaitTimeout", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(ErrorCategory.OperationTimeout, e.CategoryInfo.Category);
            Assert.Contains("InProgress", e.Exception.Message, StringComparison.Ordinal);
        });
        Assert.Equal(ids.Take(2), result.Errors.Select(e => (string)e.TargetObject));
    }

    [Fact]
    public void Failed_execution_is_output_with_its_failed_step_and_writes_an_error()
    {
        var ids = Start(Broken);
        var result = Session.Run("Wait-AutomationExecution $ids @fast @aws", new() { ["ids"] = ids });
        var failed = Assert.Single(result.Output);
        Assert.Equal("Failed", ScriptResult.Prop(failed, "Status"));
        Assert.Equal("getInstanceInformation", ScriptResult.Prop(failed, "FailedStep"));
        Assert.Contains("not reachable", (string)ScriptResult.Prop(failed, "FailureMessage")!, StringComparison.Ordinal);
        var error = Assert.Single(result.Errors);
        Assert.Equal("AutomationExecutionFailed", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Equal(ids[0], error.TargetObject);

        var stopping = Session.Run("try { Wait-AutomationExecution $ids -ErrorAction Stop @fast @aws; 'continued' } catch { 'stopped' }", new() { ["ids"] = ids });
        Assert.Equal("stopped", stopping.Output.Last().ToString());
        Assert.DoesNotContain(stopping.Output, o => o.ToString() == "continued");
    }

    [Fact]
    public void Cancelled_and_timed_out_executions_get_their_categories()
    {
        Script(new AutomationScript { InstanceId = Instance(1), Outcome = "Cancelled", AtStep = 2, StepMilliseconds = 50 });
        Script(new AutomationScript { InstanceId = Instance(2), Outcome = "TimedOut", AtStep = 4, StepMilliseconds = 50 });
        var ids = Start(Instance(1), Instance(2));
        var result = Session.Run("Wait-AutomationExecution $ids @fast @aws", new() { ["ids"] = ids });
        Assert.Equal(new[] { "Cancelled", "TimedOut" }, result.Output.Select(o => ScriptResult.Prop(o, "Status")));
        Assert.Equal(new[] { ErrorCategory.OperationStopped, ErrorCategory.OperationTimeout }, result.Errors.Select(e => e.CategoryInfo.Category));
    }

    [Fact]
    public void StopOnWaiting_returns_an_execution_waiting_for_approval_with_a_warning()
    {
        Script(new AutomationScript { InstanceId = Instance(3), Outcome = "Waiting", AtStep = 2, StepMilliseconds = 50 });
        var ids = Start(Instance(3));
        var result = Session.Run("Wait-AutomationExecution $ids -StopOnWaiting -TimeoutSeconds 30 @fast @aws", new() { ["ids"] = ids });
        Assert.Empty(result.Errors);
        Assert.Equal("Waiting", ScriptResult.Prop(Assert.Single(result.Output), "Status"));
        Assert.Contains("approve", Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_C_returns_at_once_and_the_automation_goes_on()
    {
        Script(new AutomationScript { InstanceId = Instance(4), Outcome = "Running" });
        var ids = Start(Instance(4));
        using var ps = PowerShell.Create();
        ps.Runspace = Session.Runspace;
        ps.AddScript("Wait-AutomationExecution $ids @fast @aws");
        Session.SetVariable("ids", ids);
        var async = ps.BeginInvoke();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Emu.Calls["ssm:DescribeAutomationExecutions"] == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        var watch = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(async.IsCompleted);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString());
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Equal(0, Emu.Calls["ssm:StopAutomationExecution"]);
    }

    [Fact]
    public void Accepts_bare_ids_and_ExecutionId_property_and_reports_unknown_ones()
    {
        var ids = Start(Healthy);
        var unknown = Guid.NewGuid().ToString();
        var result = Session.Run("[pscustomobject]@{ ExecutionId = $ids[0] }, $unknown, 'not-an-id' | Wait-AutomationExecution -TimeoutSeconds 30 @fast @aws", new() { ["ids"] = ids, ["unknown"] = unknown });
        Assert.Equal(ids[0], ScriptResult.Prop(Assert.Single(result.Output), "AutomationExecutionId"));
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal("AutomationExecutionLookupFailed", e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(ErrorCategory.ObjectNotFound, result.Errors.Single(e => (string)e.TargetObject == unknown).CategoryInfo.Category);
    }

    [Fact]
    public void Long_step_lists_are_paged_and_report_findings_are_parsed()
    {
        Script(new AutomationScript { InstanceId = Instance(5), StepCount = 130, StepMilliseconds = 2 });
        var ids = Start(Instance(5), Healthy);
        var result = Session.Run("Wait-AutomationExecution $ids -TimeoutSeconds 30 @fast @aws", new() { ["ids"] = ids });
        Assert.Empty(result.AllErrors);
        Assert.Equal(130, ((ICollection)ScriptResult.Prop(result.Output[0], "Steps")!).Count);
        Assert.True(Emu.Calls["ssm:DescribeAutomationStepExecutions"] >= 3);

        var findings = Session.Run("$r = Wait-AutomationExecution $ids[1] @fast @aws; $r.Findings | Where-Object Severity -eq 'Error'", new() { ["ids"] = ids });
        var error = Assert.Single(findings.Output);
        Assert.Equal(5, ScriptResult.Prop(error, "Section"));
        Assert.Equal("ERROR", ScriptResult.Prop(error, "Tag"));
    }

    [Fact]
    public void A_published_report_reports_the_missing_instance_profile_as_an_error_finding()
    {
        // The automation scenario gives i-0a1b2c3d4e5f60003 a published TroubleshootManagedInstance report
        // (Engine.Tests' TestData/captured/tmi-no-instance-profile.txt), not the canned one.
        var ids = Start("i-0a1b2c3d4e5f60003");
        var result = Session.Run("$r = Wait-AutomationExecution $ids -TimeoutSeconds 30 @fast @aws; $r; $r.Findings", new() { ["ids"] = ids });
        Assert.Empty(result.AllErrors);
        Assert.Equal("Success", ScriptResult.Prop(result.Output[0], "Status"));

        var findings = result.Output.Skip(1).ToList();
        Assert.Equal(9, findings.Count);
        Assert.Equal(
            new[] { "Info", "Info", "Info", "Warning", "Warning", "Ok", "Ok", "Info", "Error" },
            findings.Select(f => ScriptResult.Prop(f, "Severity")!.ToString()));
        var error = findings[^1];
        Assert.Equal(5, ScriptResult.Prop(error, "Section"));
        Assert.Equal("ERROR", ScriptResult.Prop(error, "Tag"));
        Assert.Equal("FinalOutput.Message", ScriptResult.Prop(error, "Source"));
        Assert.Equal("Checks EC2 instance IAM profile and required permissions", ScriptResult.Prop(error, "SectionTitle"));
        Assert.Equal("No EC2 instance IAM profile attached to the instance: 'i-078f9468a15e81c8d'.", ScriptResult.Prop(error, "Message"));
    }

    [Fact]
    public void EC2Rescue_results_of_TroubleshootSSH_are_findings_that_name_the_module()
    {
        Script(new AutomationScript
        {
            DocumentName = "AWSSupport-TroubleshootSSH",
            InstanceId = Instance(7),
            StepMilliseconds = 20,
            ReportFiles = new() { ["troubleshootSSH.Output"] = "captured/ec2rl-openssh-doc.txt" },
        });
        var result = Session.Run($"$global:ssh = Invoke-SawRunbook AWSSupport-TroubleshootSSH -InstanceId {Instance(7)} -Parameter @{{ Action = 'CheckAll' }} -Wait @fast @aws; $ssh.Findings");
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "Ok", "Warning", "Error", "Error" }, result.Output.Select(f => ScriptResult.Prop(f, "Severity")!.ToString()));
        Assert.All(result.Output, f => Assert.Equal("module run/openssh", ScriptResult.Prop(f, "Check")));
        Assert.All(result.Output, f => Assert.Equal("troubleshootSSH.Output", ScriptResult.Prop(f, "Source")));

        var table = Session.Render("$ssh.Findings");
        Assert.Contains("module run/openssh: Improper configuration of one or more OpenSSH components.", table, StringComparison.Ordinal);
    }

    [Fact]
    public void A_multi_account_run_is_validated_started_and_followed_to_the_end_per_account_and_Region()
    {
        // Bad inputs are refused with their ids before anything starts.
        var bad = Session.Run("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId $ids -TargetLocation @{ Accounts = '111122223333', '4444'; Regions = 'eu-west-1', 'eu-wst-1' } -Wait @fast @aws", new() { ["ids"] = new[] { Healthy } });
        Assert.Equal(new[] { "RunbookTargetLocationInvalid", "RunbookTargetLocationInvalid" }, bad.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Empty(Emu.World.AutomationExecutions);

        var result = Session.Run("""
            Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId $ids -Wait -TimeoutSeconds 60 @fast @aws `
                -TargetLocation @{ Accounts = '111122223333', '444455556666'; Regions = 'eu-west-1', 'us-east-1'; ExecutionRoleName = 'SawExecution' }
            """, new() { ["ids"] = new[] { Healthy } });
        var parent = Assert.Single(result.Output);
        Assert.Equal("Failed", ScriptResult.Prop(parent, "Status"));
        Assert.Equal("4 child executions: 3 Success, 1 Failed", ScriptResult.Prop(parent, "ChildSummary"));
        var children = ((System.Collections.IEnumerable)ScriptResult.Prop(parent, "Children")!).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(
            new[] { "111122223333/eu-west-1 Success", "111122223333/us-east-1 Success", "444455556666/eu-west-1 Success", "444455556666/us-east-1 Failed" },
            children.Select(c => $"{c.Properties["AccountId"].Value}/{c.Properties["Region"].Value} {c.Properties["Status"].Value}"));
        var failed = children.Single(c => (string)c.Properties["Status"].Value == "Failed");
        Assert.Contains("could not be assumed", (string)failed.Properties["FailureMessage"].Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f-]{36}$", (string)failed.Properties["AutomationExecutionId"].Value);
        var succeeded = children.First();
        Assert.True(((System.Collections.IDictionary)succeeded.Properties["Outputs"].Value).Count > 0); // the child's own outputs

        // The parent failed: one error for it, one warning naming the failed account/Region, progress while waiting.
        Assert.Equal("AutomationExecutionFailed", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains(result.Warnings, w => w.Message.Contains("child 444455556666/us-east-1 is Failed", StringComparison.Ordinal));
        Assert.NotEmpty(result.Progress);

        // Wait-AutomationExecution on the parent's id alone gives the same per account/Region results.
        var again = Session.Run("Wait-AutomationExecution $id @fast @aws", new() { ["id"] = ScriptResult.Prop(parent, "AutomationExecutionId") });
        Assert.Equal(4, ((System.Collections.ICollection)ScriptResult.Prop(Assert.Single(again.Output), "Children")!).Count);
    }

    [Fact]
    public void A_rate_controlled_run_by_tag_reports_one_child_per_instance()
    {
        var result = Session.Run("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -TargetParameterName InstanceId -Target 'tag:Team=web' -MaxConcurrency 1 -MaxErrors 1 -Wait -TimeoutSeconds 60 @fast @aws");
        var parent = Assert.Single(result.Output);
        var children = ((System.Collections.IEnumerable)ScriptResult.Prop(parent, "Children")!).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(
            new[] { Healthy + " Success", Broken + " Failed" },
            children.Select(c => $"{c.Properties["Target"].Value} {c.Properties["Status"].Value}").OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal("Failed", ScriptResult.Prop(parent, "Status"));
        Assert.Contains(result.Warnings, w => w.Message.Contains("child " + Broken + " is Failed", StringComparison.Ordinal));
    }
}
