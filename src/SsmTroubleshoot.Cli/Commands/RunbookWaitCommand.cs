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

    /// <summary>Writes the results (and what did not finish, to stderr); the exit code: 0 all succeeded, 1 any did not, 3 any could not be read.</summary>
    internal static int Report(CliOutput output, System.Collections.Generic.IReadOnlyList<ExecutionWaitOutcome> outcomes, AwsConnection connection)
    {
        foreach (var outcome in outcomes.Where(o => o.State != ExecutionWaitState.Finished))
        {
            var what = outcome.State switch
            {
                ExecutionWaitState.TimedOut => "still " + (outcome.Result.Status ?? "unknown") + " when --timeout-seconds ran out; it goes on.",
                ExecutionWaitState.NeedsHuman => "waits for a person (" + outcome.Result.Status + "): approve, resume or cancel it.",
                _ => "could not be read: " + (outcome.Error is null ? "unknown error." : AwsFailure.Describe(outcome.Error, "SSM", connection.EndpointFor("SSM"))),
            };
            output.WriteError(outcome.AutomationExecutionId + " " + what);
        }

        output.WriteRows(
            outcomes.Select(o => o.Result).ToList(),
            new Column<AutomationExecutionResult>("AutomationExecutionId", r => r.AutomationExecutionId),
            new Column<AutomationExecutionResult>("DocumentName", r => r.DocumentName),
            new Column<AutomationExecutionResult>("Status", r => r.Status),
            new Column<AutomationExecutionResult>("Duration", r => r.Duration is { } d ? d.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : null, AlignRight: true),
            new Column<AutomationExecutionResult>("FailedStep", r => r.FailedStep),
            new Column<AutomationExecutionResult>("Findings", r => r.Findings.Count, AlignRight: true),
            new Column<AutomationExecutionResult>("FailureMessage", r => r.FailureMessage));

        if (outcomes.Any(o => o.State == ExecutionWaitState.Failed))
        {
            return ExitCodes.CouldNotRun;
        }

        return outcomes.All(o => o.State == ExecutionWaitState.Finished && o.Result.Succeeded) ? ExitCodes.Healthy : ExitCodes.ProblemsFound;
    }

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
            Description = "AutomationExecutionId(s) to wait for (as Start-SSMAutomationExecution or the console shows them).",
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
        var stopOnWaiting = new Option<bool>("--stop-on-waiting") { Description = "Also stop at an execution that waits for approval or input (Waiting, PendingApproval...)." };
        var command = new Command("wait", "Wait for automation executions to finish and show their status, failed step and report findings.")
        {
            ids,
            timeout,
            stopOnWaiting,
        };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            using var ssm = new AwsClientFactory(connection).CreateSsm();
            var seconds = parse.GetValue(timeout);
            var outcomes = await new ExecutionWaiter(new SsmAutomationApi(ssm)).WaitAsync(
                parse.GetValue(ids)!,
                new ExecutionWaitOptions
                {
                    Timeout = seconds is null ? null : TimeSpan.FromSeconds(seconds.Value),
                    StopOnWaiting = parse.GetValue(stopOnWaiting),
                    Region = connection.Region.SystemName,
                },
                null,
                ct).ConfigureAwait(false);

            return Report(output, outcomes, connection);
        });
        return command;
    }
}
