using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class ExecutionWaiterTests
{
    private const string Tmi = "AWSSupport-TroubleshootManagedInstance";

    private static string[] Running(int polls, string final) =>
        Enumerable.Repeat(AutomationStatus.InProgress, polls - 1).Append(final).ToArray();

    [Fact]
    public async Task Twenty_executions_are_polled_ten_per_call_and_fetched_once_each()
    {
        var api = new FakeAutomationApi();
        var ids = Enumerable.Range(1, 20).Select(Ids.Of).ToList();
        foreach (var id in ids)
        {
            api.Add(new FakeExecution(id, Tmi, Running(3, AutomationStatus.Success)));
        }

        var time = new FakeTime();
        var outcomes = await time.Waiter(api).WaitAsync(ids);

        Assert.Equal(ids, outcomes.Select(o => o.AutomationExecutionId));
        Assert.All(outcomes, o => Assert.Equal(ExecutionWaitState.Finished, o.State));
        Assert.All(outcomes, o => Assert.True(o.Result.Succeeded));
        Assert.All(api.DescribeCalls, c => Assert.Equal(10, c.Count));
        Assert.Equal(6, api.DescribeCalls.Count); // 3 polls x 2 batches
        Assert.Equal(ids.OrderBy(i => i), api.GetCalls.OrderBy(i => i));
        Assert.Empty(api.StepCalls);
    }

    [Fact]
    public async Task Backoff_grows_from_two_to_thirty_seconds()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, Running(14, AutomationStatus.Success)));
        var time = new FakeTime();

        await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) });

        Assert.Equal(13, time.Delays.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), time.Delays[0]);
        Assert.Equal(TimeSpan.FromSeconds(3), time.Delays[1]);
        for (var i = 1; i < time.Delays.Count; i++)
        {
            Assert.True(time.Delays[i] >= time.Delays[i - 1]);
        }

        Assert.Equal(TimeSpan.FromSeconds(30), time.Delays.Max());
        Assert.Equal(TimeSpan.FromSeconds(30), time.Delays[^1]);
    }

    [Fact]
    public async Task Jitter_shortens_delays_by_up_to_half()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, Running(3, AutomationStatus.Success)));
        var time = new FakeTime();

        await time.Waiter(api, random: 0.999999).WaitAsync(new[] { Ids.Of(1) });

        Assert.InRange(time.Delays[0].TotalSeconds, 1.0, 1.01);
        Assert.InRange(time.Delays[1].TotalSeconds, 1.5, 1.51);
    }

    [Fact]
    public async Task Throttling_slows_the_polling_and_is_not_a_failure()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, Running(4, AutomationStatus.Success)));
        api.ThrottleDescribeCalls.UnionWith(new[] { 2, 3 });
        var time = new FakeTime();

        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }));

        Assert.Equal(ExecutionWaitState.Finished, outcome.State);
        Assert.Null(outcome.Error);
        Assert.Equal(6, api.DescribeCalls.Count);
        // Without throttling the second and third waits would be 3 s and 4.5 s.
        Assert.Equal(TimeSpan.FromSeconds(5), time.Delays[1]);
        Assert.Equal(TimeSpan.FromSeconds(10), time.Delays[2]);
        Assert.True(time.Delays[3] > TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Throttled_final_fetch_is_retried()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.Failed) { FailureMessage = "Step failed" });
        api.ThrottleGetCalls.Add(1);
        var time = new FakeTime();

        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }));

        Assert.Equal(ExecutionWaitState.Finished, outcome.State);
        Assert.Equal(AutomationStatus.Failed, outcome.Result.Status);
        Assert.Equal("Step failed", outcome.Result.FailureMessage);
        Assert.Equal(2, api.GetCalls.Count);
        Assert.Single(api.DescribeCalls);
    }

    [Fact]
    public async Task Timeout_returns_timed_out_outcomes_with_the_last_status()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.InProgress));
        api.Add(new FakeExecution(Ids.Of(2), Tmi, Running(2, AutomationStatus.Success)));
        var time = new FakeTime();

        var outcomes = await time.Waiter(api).WaitAsync(new[] { Ids.Of(1), Ids.Of(2) }, new ExecutionWaitOptions { Timeout = TimeSpan.FromSeconds(60) });

        Assert.Equal(ExecutionWaitState.TimedOut, outcomes[0].State);
        Assert.Equal(AutomationStatus.InProgress, outcomes[0].Result.Status);
        Assert.False(outcomes[0].Result.IsFinished);
        Assert.Equal(ExecutionWaitState.Finished, outcomes[1].State);
        Assert.Equal(TimeSpan.FromSeconds(60), time.Elapsed); // the last wait is cut to the deadline, then one final poll
    }

    [Fact]
    public async Task Cancellation_returns_at_once()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.InProgress));
        var waiter = new ExecutionWaiter(api);
        using var cts = new CancellationTokenSource();
        var options = new ExecutionWaitOptions { InitialDelay = TimeSpan.FromMinutes(10) };

        var clock = Stopwatch.StartNew();
        var wait = waiter.WaitAsync(new[] { Ids.Of(1) }, options, null, cts.Token);
        cts.CancelAfter(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        Assert.Single(api.DescribeCalls);
    }

    [Fact]
    public async Task Truncated_steps_are_paged()
    {
        var api = new FakeAutomationApi();
        var execution = api.Add(new FakeExecution(Ids.Of(1), "AWSSupport-ExecuteEC2Rescue", AutomationStatus.Failed) { EmbeddedSteps = 2, StepPageSize = 100 });
        for (var i = 0; i < 250; i++)
        {
            execution.Steps.Add(new AutomationStepDetail { StepName = "step" + i, Action = "aws:sleep", StepStatus = AutomationStatus.Success });
        }

        execution.Steps[200] = new AutomationStepDetail
        {
            StepName = "runEC2RescueForLinux", Action = "aws:executeAutomation", StepStatus = AutomationStatus.Failed, FailureMessage = "Rescue instance failed", IsCritical = true,
        };
        var time = new FakeTime();

        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }));

        Assert.Equal(250, outcome.Result.Steps.Count);
        Assert.Equal(new string?[] { null, "page-100", "page-200" }, api.StepCalls.Select(c => c.Token));
        Assert.Equal("runEC2RescueForLinux", outcome.Result.FailedStep);
        Assert.Equal("Rescue instance failed", outcome.Result.FailureMessage);
    }

    [Fact]
    public async Task Unknown_status_counts_as_not_finished()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, "SomeFutureStatus", "SomeFutureStatus", AutomationStatus.Success));
        var time = new FakeTime();

        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }));

        Assert.Equal(3, api.DescribeCalls.Count);
        Assert.Equal(AutomationStatus.Success, outcome.Result.Status);
    }

    [Fact]
    public async Task Waiting_for_a_human_stops_only_when_asked()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.InProgress, AutomationStatus.Waiting));
        var time = new FakeTime();

        var stopped = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }, new ExecutionWaitOptions { StopOnWaiting = true }));
        Assert.Equal(ExecutionWaitState.NeedsHuman, stopped.State);
        Assert.Equal(AutomationOutcome.NeedsHuman, stopped.Result.Outcome);

        var waited = Assert.Single(await new FakeTime().Waiter(api).WaitAsync(new[] { Ids.Of(1) }, new ExecutionWaitOptions { Timeout = TimeSpan.FromMinutes(2) }));
        Assert.Equal(ExecutionWaitState.TimedOut, waited.State);
        Assert.Equal(AutomationStatus.Waiting, waited.Result.Status);
    }

    [Fact]
    public async Task Unknown_execution_fails_after_a_few_polls_without_stopping_the_others()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(2), Tmi, Running(8, AutomationStatus.Success)));
        var time = new FakeTime();

        var outcomes = await time.Waiter(api).WaitAsync(new[] { Ids.Of(1), Ids.Of(2) });

        Assert.Equal(ExecutionWaitState.Failed, outcomes[0].State);
        Assert.Equal(Failures.FailureKind.NotFound, Failures.FailureClassifier.Classify(outcomes[0].Error!));
        Assert.Equal(ExecutionWaitState.Finished, outcomes[1].State);
        Assert.Equal(1, api.GetCalls.Count(id => id == Ids.Of(1)));
    }

    [Fact]
    public async Task Malformed_ids_fail_without_any_call_and_duplicates_are_merged()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.Success));
        var time = new FakeTime();

        var outcomes = await time.Waiter(api).WaitAsync(new[] { "not-an-id", Ids.Of(1), Ids.Of(1) });

        Assert.Equal(2, outcomes.Count);
        Assert.Equal(ExecutionWaitState.Failed, outcomes[0].State);
        Assert.IsType<ArgumentException>(outcomes[0].Error);
        Assert.DoesNotContain(api.DescribeCalls, c => c.Contains("not-an-id"));
    }

    [Fact]
    public async Task Access_denied_fails_the_batch_at_once()
    {
        var api = new FakeAutomationApi
        {
            DescribeFault = _ => new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementException("denied") { ErrorCode = "AccessDeniedException" },
        };
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.InProgress));
        var time = new FakeTime();

        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }));

        Assert.Equal(ExecutionWaitState.Failed, outcome.State);
        Assert.Single(api.DescribeCalls);
    }

    [Fact]
    public async Task Transient_errors_are_retried_then_reported()
    {
        var api = new FakeAutomationApi
        {
            DescribeFault = call => call <= 2 ? new System.Net.Http.HttpRequestException("connection reset") : null,
        };
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.Success));
        var outcome = Assert.Single(await new FakeTime().Waiter(api).WaitAsync(new[] { Ids.Of(1) }));
        Assert.Equal(ExecutionWaitState.Finished, outcome.State);

        var broken = new FakeAutomationApi { DescribeFault = _ => new System.Net.Http.HttpRequestException("connection reset") };
        broken.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.Success));
        var failed = Assert.Single(await new FakeTime().Waiter(broken).WaitAsync(new[] { Ids.Of(1) }));
        Assert.Equal(ExecutionWaitState.Failed, failed.State);
        Assert.Equal(6, broken.DescribeCalls.Count);
    }

    [Fact]
    public async Task Progress_reports_steps_done_of_total_and_is_written_on_the_calling_thread()
    {
        var api = new FakeAutomationApi();
        var execution = api.Add(new FakeExecution(Ids.Of(1), Tmi, Running(3, AutomationStatus.Success)));
        foreach (var name in new[] { "a", "b", "c" })
        {
            execution.Steps.Add(new AutomationStepDetail { StepName = name, Action = "aws:sleep", StepStatus = AutomationStatus.Success });
        }

        var time = new FakeTime();
        var options = new ExecutionWaitOptions { DocumentSteps = doc => doc == Tmi ? new[] { "a", "b", "c" } : null };
        var seen = new List<(AutomationProgress Record, int Thread)>();
        var callerThread = 0;

        var outcomes = await Task.Run(() =>
        {
            callerThread = Environment.CurrentManagedThreadId;
            return Common.ProgressPump.Run<IReadOnlyList<ExecutionWaitOutcome>, AutomationProgress>(
                (progress, ct) => time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }, options, progress, ct),
                record => seen.Add((record, Environment.CurrentManagedThreadId)),
                null, TimeSpan.FromMilliseconds(100), CancellationToken.None, latestBy: p => p.AutomationExecutionId);
        });

        Assert.Equal(ExecutionWaitState.Finished, Assert.Single(outcomes).State);
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Equal(callerThread, s.Thread));
        var last = seen[^1].Record;
        Assert.Equal(3, last.StepsTotal);
        Assert.Equal(3, last.StepsDone);
        Assert.Equal(100, last.PercentComplete);
        Assert.Equal(0, last.Index);
    }

    [Fact]
    public async Task Findings_and_log_location_come_with_the_result()
    {
        var api = new FakeAutomationApi();
        var tmi = api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.Success));
        tmi.Steps.Add(new AutomationStepDetail
        {
            StepName = "FinalOutput", Action = "aws:executeScript", StepStatus = AutomationStatus.Success,
            Outputs = new Dictionary<string, IReadOnlyList<string>> { ["Message"] = new[] { TestFiles.Read("tmi-report-v1.txt") } },
        });
        var rescue = api.Add(new FakeExecution(Ids.Of(2), "AWSSupport-ExecuteEC2Rescue", AutomationStatus.Failed));
        rescue.Parameters["LogDestination"] = new[] { "rescue-logs-bucket" };
        var time = new FakeTime();

        var outcomes = await time.Waiter(api).WaitAsync(new[] { Ids.Of(1), Ids.Of(2) }, new ExecutionWaitOptions { Region = "eu-west-1" });

        var findings = outcomes[0].Result.Findings;
        Assert.Equal(9, findings.Count);
        Assert.Contains(findings, f => f.Section == 5 && f.Severity == FindingSeverity.Error);
        Assert.Equal("eu-west-1", outcomes[0].Result.Region);
        Assert.Equal("s3://rescue-logs-bucket/", outcomes[1].Result.LogLocation!.Uri);
        Assert.Equal("parameter LogDestination", outcomes[1].Result.LogLocation!.Source);
    }

    [Fact]
    public async Task Hundred_executions_cost_less_than_one_call_per_execution_per_minute()
    {
        var api = new FakeAutomationApi();
        var ids = Enumerable.Range(1, 100).Select(Ids.Of).ToList();
        foreach (var id in ids)
        {
            api.Add(new FakeExecution(id, Tmi, Running(40, AutomationStatus.Success)));
        }

        var time = new FakeTime();
        var outcomes = await time.Waiter(api, random: 0.5).WaitAsync(ids);

        Assert.All(outcomes, o => Assert.Equal(ExecutionWaitState.Finished, o.State));
        var callsPerExecutionPerMinute = api.TotalCalls / time.Elapsed.TotalMinutes / ids.Count;
        Assert.True(callsPerExecutionPerMinute < 1, $"{api.TotalCalls} calls in {time.Elapsed.TotalMinutes:F1} min");
    }

    [Fact]
    public void Ctrl_C_during_a_pumped_wait_returns_at_once()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.InProgress));
        var waiter = new ExecutionWaiter(api);
        var options = new ExecutionWaitOptions { InitialDelay = TimeSpan.FromMinutes(10) };
        using var cts = new CancellationTokenSource();
        var written = 0;
        var clock = new Stopwatch();

        // Ctrl+C right after the first progress line: the waiter is then in its 10-minute sleep.
        Assert.ThrowsAny<OperationCanceledException>(() => Common.ProgressPump.Run<IReadOnlyList<ExecutionWaitOutcome>, AutomationProgress>(
            (progress, ct) => waiter.WaitAsync(new[] { Ids.Of(1) }, options, progress, ct),
            _ =>
            {
                written++;
                clock.Start();
                cts.Cancel();
            },
            null, TimeSpan.FromMilliseconds(100), cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        // Progress already queued when Ctrl+C came may still be written (a busy machine queues more than one line);
        // what matters is that the wait ends at once and polls no more.
        Assert.True(written >= 1);
        Assert.Single(api.DescribeCalls);
    }

    [Fact]
    public async Task A_finished_execution_whose_fetch_stays_throttled_is_reported_finished_at_the_deadline()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, AutomationStatus.Success));
        api.ThrottleGetCalls.UnionWith(Enumerable.Range(1, 100));
        var time = new FakeTime();

        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { Ids.Of(1) }, new ExecutionWaitOptions { Timeout = TimeSpan.FromMinutes(1) }));

        Assert.Equal(ExecutionWaitState.Finished, outcome.State);
        Assert.True(outcome.Result.IsFinished);
        Assert.True(outcome.Result.Succeeded);
        Assert.Empty(outcome.Result.Steps); // only what Describe said
        Assert.Single(api.DescribeCalls);
        Assert.True(api.GetCalls.Count > 1);
    }

    [Fact]
    public async Task A_multi_account_parent_reports_one_child_per_account_and_Region_from_its_steps()
    {
        var api = new FakeAutomationApi();
        var parent = api.Add(new FakeExecution(Ids.Of(1), Tmi, Running(1, AutomationStatus.Failed)));
        parent.Steps.Add(new AutomationStepDetail
        {
            StepName = "111122223333-eu-west-1", StepStatus = AutomationStatus.Success,
            TargetLocation = new AutomationTargetLocation { Accounts = new[] { "111122223333" }, Regions = new[] { "eu-west-1" } },
            Outputs = new Dictionary<string, IReadOnlyList<string>> { ["ExecutionId"] = new[] { Ids.Of(2) }, ["FinalOutput.Message"] = new[] { "ok" } },
        });
        parent.Steps.Add(new AutomationStepDetail
        {
            StepName = "444455556666-eu-west-1", StepStatus = AutomationStatus.Failed, FailureMessage = "role not assumable",
            TargetLocation = new AutomationTargetLocation { Accounts = new[] { "444455556666" }, Regions = new[] { "eu-west-1" } },
        });

        var outcome = Assert.Single(await new FakeTime().Waiter(api).WaitAsync(new[] { Ids.Of(1) }));

        var children = outcome.Result.Children;
        Assert.Equal(new[] { "111122223333/eu-west-1 Success", "444455556666/eu-west-1 Failed" }, children.Select(c => c.ToString()));
        Assert.Equal(Ids.Of(2), children[0].AutomationExecutionId);
        Assert.Equal(new[] { "FinalOutput.Message" }, children[0].Outputs.Keys); // the id is not an output of the child
        Assert.Equal("role not assumable", children[1].FailureMessage);
        Assert.Equal("2 child executions: 1 Success, 1 Failed", outcome.Result.ChildSummary);
        Assert.Empty(api.Children); // no ParentExecutionId listing needed
    }

    [Fact]
    public async Task A_rate_controlled_parent_lists_its_children_by_ParentExecutionId_once_it_ended()
    {
        var api = new FakeAutomationApi();
        api.Add(new FakeExecution(Ids.Of(1), Tmi, Running(1, AutomationStatus.Success)) { TargetParameterName = "InstanceId" });
        api.Add(new FakeExecution(Ids.Of(5), Tmi, AutomationStatus.Success)); // a plain run: no children asked for
        api.Children[Ids.Of(1)] = new List<AutomationExecutionSummary>
        {
            new() { AutomationExecutionId = Ids.Of(2), Status = AutomationStatus.Success, Target = "i-0123456789abcdef0", ParentAutomationExecutionId = Ids.Of(1) },
            new() { AutomationExecutionId = Ids.Of(3), Status = AutomationStatus.TimedOut, Target = "i-0123456789abcdef1", FailureMessage = "timed out", ParentAutomationExecutionId = Ids.Of(1) },
        };

        var outcomes = await new FakeTime().Waiter(api).WaitAsync(new[] { Ids.Of(1), Ids.Of(5) }, new ExecutionWaitOptions { Region = "eu-west-1" });

        var children = outcomes[0].Result.Children;
        Assert.Equal(new[] { "i-0123456789abcdef0 Success", "i-0123456789abcdef1 TimedOut" }, children.Select(c => c.ToString()));
        Assert.All(children, c => Assert.Equal("eu-west-1", c.Region));
        Assert.Equal("timed out", children[1].FailureMessage);
        Assert.Empty(outcomes[1].Result.Children);
        Assert.Null(outcomes[1].Result.ChildSummary);
    }
}
