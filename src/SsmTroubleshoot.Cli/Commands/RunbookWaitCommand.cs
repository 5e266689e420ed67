using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `runbook wait`: waits for automation executions (the engine's ExecutionWaiter: batched DescribeAutomationExecutions,
/// jittered backoff, one GetAutomationExecution per finished execution) and reports each result.
/// </summary>
internal static class RunbookWaitCommand
{
    private static readonly Regex ExecutionId = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Like Wait-AutomationExecution: finished and waiting-for-a-person executions are output; a failed run, a timeout
    /// or an unreadable execution is an error line; an execution whose report holds Error findings (a diagnostic
    /// runbook that found a problem, though it succeeded) gets a warning line naming the first. Exit code 0 all
    /// succeeded with no Error finding, 1 any did not (yet) or reported an Error finding, 3 any could not be read.
    /// </summary>
    internal static int Report(CliOutput output, System.Collections.Generic.IReadOnlyList<ExecutionWaitOutcome> outcomes, RunbookClient client, int? timeoutSeconds)
    {
        foreach (var outcome in outcomes)
        {
            var result = outcome.Result;
            switch (outcome.State)
            {
                case ExecutionWaitState.Finished when AutomationStatus.IsFailure(result.Status):
                    output.WriteError($"Execution {result.AutomationExecutionId} ({result.DocumentName}) ended {result.Status}"
                        + (result.FailedStep is null ? string.Empty : " at step " + result.FailedStep) + (result.FailureMessage is null ? "." : ": " + result.FailureMessage));
                    break;
                case ExecutionWaitState.NeedsHuman:
                    output.WriteWarning($"Execution {result.AutomationExecutionId} ({result.DocumentName}) is {result.Status} at step {result.CurrentStepName}: it waits for a person to approve or resume it.");
                    break;
                case ExecutionWaitState.TimedOut:
                    var state = result.Status is null
                        ? "had no status read"
                        : $"is still {result.Status}" + (result.CurrentStepName is null ? string.Empty : " at step " + result.CurrentStepName);
                    output.WriteError($"Execution {result.AutomationExecutionId} ({result.DocumentName ?? "unknown runbook"}) {state} after {timeoutSeconds} s; the automation goes on."
                        + (outcome.Error is null ? string.Empty : " The last poll failed: " + AwsFailureText.Describe(outcome.Error).Message));
                    break;
                case ExecutionWaitState.Failed:
                    var error = outcome.Error ?? new InvalidOperationException("unknown error.");
                    var kind = SsmTroubleshoot.Failures.FailureClassifier.Classify(error);
                    output.WriteError($"Execution {outcome.AutomationExecutionId} could not be read: "
                        + AwsFailure.Describe(error, "SSM", client.Endpoint)
                        + (kind is SsmTroubleshoot.Failures.FailureKind.NotFound or SsmTroubleshoot.Failures.FailureKind.InvalidArgument
                            ? $" Check the id and the region ({client.Region}): executions are regional."
                            : string.Empty));
                    break;
            }

            // Multi-account / rate-controlled: say which account/Region (or target) did not succeed.
            foreach (var child in result.Children.Where(c => !c.Succeeded))
            {
                output.WriteWarning($"Execution {result.AutomationExecutionId}: child {child.Location} is {child.Status}" + (string.IsNullOrEmpty(child.FailureMessage) ? "." : $": {child.FailureMessage}"));
            }

            var errors = ErrorFindings(outcome);
            if (errors.Count > 0)
            {
                output.WriteWarning($"Execution {result.AutomationExecutionId} ({result.DocumentName}) reports {errors.Count} error finding(s): "
                    + Describe(errors[0]) + (errors.Count > 1 ? $" (+{errors.Count - 1} more)" : string.Empty));
            }
        }

        output.WriteRows(
            outcomes.Where(o => o.State is ExecutionWaitState.Finished or ExecutionWaitState.NeedsHuman).Select(o => o.Result).ToList(),
            new Column<AutomationExecutionResult>("AutomationExecutionId", r => r.AutomationExecutionId),
            new Column<AutomationExecutionResult>("DocumentName", r => r.DocumentName),
            new Column<AutomationExecutionResult>("Status", r => r.Status),
            new Column<AutomationExecutionResult>("Duration", r => r.Duration is { } d ? d.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture) + "s" : null, AlignRight: true),
            new Column<AutomationExecutionResult>("FailedStep", r => r.FailedStep),
            new Column<AutomationExecutionResult>("Findings", r => string.Join(", ", r.Findings.GroupBy(f => f.Severity.ToString()).Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + g.Key))));

        // The per account/Region results (JSON carries them in each result's Children).
        var children = outcomes.Where(o => o.State is ExecutionWaitState.Finished or ExecutionWaitState.NeedsHuman).SelectMany(o => o.Result.Children).ToList();
        if (children.Count > 0 && !output.Json)
        {
            output.Out.WriteLine();
            output.WriteRows(
                children,
                new Column<AutomationChildResult>("ParentExecutionId", c => c.ParentAutomationExecutionId),
                new Column<AutomationChildResult>("AccountId", c => c.AccountId),
                new Column<AutomationChildResult>("Region", c => c.Region),
                new Column<AutomationChildResult>("Target", c => c.Target),
                new Column<AutomationChildResult>("Status", c => c.Status),
                new Column<AutomationChildResult>("FailureMessage", c => c.FailureMessage, Wrap: true));
        }

        // The report's Error and Warning findings in words, per execution (the counts above only say that there are some).
        foreach (var result in outcomes.Where(o => o.State is ExecutionWaitState.Finished or ExecutionWaitState.NeedsHuman).Select(o => o.Result))
        {
            var findings = result.Findings.Where(f => f.Severity is FindingSeverity.Error or FindingSeverity.Warning)
                .OrderByDescending(f => f.Severity).ToList();
            if (findings.Count == 0 || output.Json)
            {
                continue;
            }

            output.Out.WriteLine();
            output.Out.WriteLine($"Findings of {result.AutomationExecutionId} ({result.DocumentName}):");
            output.WriteRows(
                findings,
                new Column<RunbookFinding>("Severity", f => f.Severity),
                new Column<RunbookFinding>("Section", f => f.Section, AlignRight: true),
                new Column<RunbookFinding>("Check", f => f.Check ?? f.Tag),
                new Column<RunbookFinding>("Note", f => f.Message, Wrap: true));
        }

        if (outcomes.Any(o => o.State == ExecutionWaitState.Failed))
        {
            return ExitCodes.CouldNotRun;
        }

        return outcomes.All(o => o.State == ExecutionWaitState.Finished && o.Result.Succeeded && ErrorFindings(o).Count == 0) ? ExitCodes.Healthy : ExitCodes.ProblemsFound;
    }

    // A diagnostic runbook succeeds when it ran, whatever it found: its report's Error findings are the problems.
    private static System.Collections.Generic.List<RunbookFinding> ErrorFindings(ExecutionWaitOutcome outcome) =>
        outcome.State is ExecutionWaitState.Finished or ExecutionWaitState.NeedsHuman
            ? outcome.Result.Findings.Where(f => f.Severity == FindingSeverity.Error).ToList()
            : new System.Collections.Generic.List<RunbookFinding>();

    private static string Describe(RunbookFinding finding) =>
        (finding.Section is int section ? "section " + section.ToString(CultureInfo.InvariantCulture) + " " : string.Empty)
        + "[" + finding.Tag + "] " + (finding.Check is null ? string.Empty : finding.Check + ": ") + finding.Message;

    /// <summary>The wait as Wait-AutomationExecution tunes it: -PollIntervalSeconds is the first interval (growing to 30 s).</summary>
    internal static System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<ExecutionWaitOutcome>> WaitAsync(
        RunbookClient client, System.Collections.Generic.IReadOnlyList<string> ids, int? timeoutSeconds, bool stopOnWaiting, double? pollIntervalSeconds, CancellationToken cancellationToken)
    {
        var initial = TimeSpan.FromSeconds(pollIntervalSeconds ?? 2);
        return client.WaitAsync(
            ids,
            new ExecutionWaitOptions
            {
                Timeout = timeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null,
                StopOnWaiting = stopOnWaiting,
                InitialDelay = initial,
                MaxDelay = initial > TimeSpan.FromSeconds(30) ? initial : TimeSpan.FromSeconds(30),
                ThrottledMaxDelay = initial > TimeSpan.FromSeconds(60) ? initial : TimeSpan.FromSeconds(60),
                Region = client.Region,
            },
            null,
            cancellationToken);
    }

    /// <summary>--poll-interval-seconds: 0.05 to 60, as the cmdlets' -PollIntervalSeconds.</summary>
    internal static Option<double?> PollIntervalOption() => new("--poll-interval-seconds")
    {
        Description = "The first polling interval in seconds (default 2; it grows to 30).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[result.Tokens.Count - 1].Value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0.05 || value > 60)
            {
                result.AddError($"--poll-interval-seconds must be a number from 0.05 to 60, not '{text}'.");
                return null;
            }

            return value;
        },
    };

    /// <summary>--timeout-seconds of a wait: a positive whole number, or none (until they finish).</summary>
    internal static Option<int?> TimeoutOption() => new("--timeout-seconds")
    {
        Description = "Stop waiting after this many seconds (the automations go on); default: until they finish.",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[result.Tokens.Count - 1].Value;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                result.AddError($"--timeout-seconds '{text}' is not a positive whole number.");
                return null;
            }

            return value;
        },
    };

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var ids = new Argument<string[]>("automation-execution-id")
        {
            Description = "AutomationExecutionId(s) to wait for (as `runbook start`, aws ssm start-automation-execution or the console shows them).",
            Arity = ArgumentArity.OneOrMore,
        };
        ids.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !ExecutionId.IsMatch(t.Value)))
            {
                result.AddError($"'{token.Value}' is not an AutomationExecutionId (a GUID such as 4c1d0f6e-2b8a-4d5e-9f00-1a2b3c4d5e6f).");
            }
        });
        var timeout = TimeoutOption();
        var stopOnWaiting = new Option<bool>("--stop-on-waiting") { Description = "Return executions that stop at Waiting or PendingApproval instead of waiting for a person." };
        var pollInterval = PollIntervalOption();
        var command = new Command("wait", "Wait for automation executions to finish and show their status, failed step and report findings.")
        {
            ids,
            timeout,
            stopOnWaiting,
            pollInterval,
        };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            using var client = RunbookClient.Create(connection);
            var seconds = parse.GetValue(timeout);
            var outcomes = await WaitAsync(client, parse.GetValue(ids)!, seconds, parse.GetValue(stopOnWaiting), parse.GetValue(pollInterval), ct).ConfigureAwait(false);
            return Report(output, outcomes, client, seconds);
        });
        return command;
    }
}
