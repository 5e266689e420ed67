using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Base of the automation cmdlets: one SSM client per region for the whole invocation, the runbook-aware error
/// records, and the wait that Invoke-SawRunbook -Wait and Wait-AutomationExecution share.
/// </summary>
public abstract class AutomationCmdlet : AwsCmdlet
{
    private readonly Dictionary<string, RunbookClient> _clients = new(StringComparer.Ordinal);

    /// <summary>The SSM client for the region this record resolves to (credentials and region resolved once per region).</summary>
    protected RunbookClient Client()
    {
        var key = Region ?? string.Empty;
        if (!_clients.TryGetValue(key, out var client))
        {
            client = RunbookClient.Create(ResolveAwsConnection());
            _clients[key] = client;
        }

        return client;
    }

    /// <summary>A failed document lookup or start: AWSPremiumSupport-* access denied / not found explains the support plan.</summary>
    protected ErrorRecord RunbookError(Exception exception, string documentName, object? target, string fallbackErrorId)
    {
        var kind = FailureClassifier.Classify(exception);
        var advice = RunbookStarter.Advice(documentName, kind);
        var premium = RunbookCatalog.IsPremiumSupportRunbook(documentName) && kind is FailureKind.PermissionDenied or FailureKind.NotFound;
        var errorId = premium ? ErrorIds.PremiumSupportRequired
            : kind == FailureKind.NotFound ? ErrorIds.RunbookNotFound
            : kind == FailureKind.PermissionDenied ? ErrorIds.RunbookAccessDenied
            : fallbackErrorId;
        var record = ErrorRecords.FromException(exception, errorId, target, advice);
        if (premium)
        {
            record.ErrorDetails = new ErrorDetails($"{documentName} is not available to this account ({exception.Message}). {advice}") { RecommendedAction = advice };
        }

        return record;
    }

    /// <summary>
    /// Waits for the executions, writing progress from this (the pipeline) thread, then writes one result per finished
    /// execution, an error for each failed, timed-out or cancelled one, and one OperationTimeout error per unfinished one.
    /// </summary>
    protected void WaitAndWrite(RunbookClient client, IReadOnlyList<string> ids, int? timeoutSeconds, bool stopOnWaiting, double? pollIntervalSeconds)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var initial = TimeSpan.FromSeconds(pollIntervalSeconds ?? 2);
        var options = new ExecutionWaitOptions
        {
            Timeout = timeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            StopOnWaiting = stopOnWaiting,
            InitialDelay = initial,
            MaxDelay = initial > TimeSpan.FromSeconds(30) ? initial : TimeSpan.FromSeconds(30),
            ThrottledMaxDelay = initial > TimeSpan.FromSeconds(60) ? initial : TimeSpan.FromSeconds(60),
            Region = client.Region,
        };

        WriteVerbose($"Waiting for {ids.Count} execution(s) in {client.Region}" + (timeoutSeconds is null ? "." : $" for at most {timeoutSeconds} s."));
        var activities = new HashSet<int>();
        // Ctrl+C stops waiting at once; the automations go on in AWS. Only the latest progress of each execution is written.
        var outcomes = Pump<IReadOnlyList<ExecutionWaitOutcome>, AutomationProgress>(
            (progress, ct) => client.WaitAsync(ids, options, progress, ct),
            p =>
            {
                activities.Add(p.Index + 1);
                WriteProgress(ProgressRecordOf(p));
            },
            latestBy: p => p.AutomationExecutionId);

        foreach (var activity in activities)
        {
            WriteProgress(new ProgressRecord(activity, "Automation execution", "Done") { RecordType = ProgressRecordType.Completed });
        }

        foreach (var outcome in outcomes)
        {
            var result = outcome.Result;
            switch (outcome.State)
            {
                case ExecutionWaitState.Finished:
                    WriteObject(result);
                    if (result.ChildSummary is { } summary)
                    {
                        // Multi-account / rate-controlled: the per account/Region results are in .Children; say which did not succeed.
                        WriteVerbose($"Execution {result.AutomationExecutionId}: {summary}.");
                        foreach (var child in result.Children.Where(c => !c.Succeeded))
                        {
                            WriteWarning($"Execution {result.AutomationExecutionId}: child {child.Location} is {child.Status}" +
                                (string.IsNullOrEmpty(child.FailureMessage) ? "." : $": {child.FailureMessage}"));
                        }
                    }
                    if (AutomationStatus.IsFailure(result.Status))
                    {
                        WriteError(ExecutionFailed(result));
                    }

                    break;
                case ExecutionWaitState.NeedsHuman:
                    WriteObject(result);
                    WriteWarning($"Execution {result.AutomationExecutionId} ({result.DocumentName}) is {result.Status} at step {result.CurrentStepName}: it waits for a person to approve or resume it.");
                    break;
                case ExecutionWaitState.TimedOut:
                    WriteError(ErrorRecords.Create(
                        TimedOutMessage(result, outcome.Error, timeoutSeconds),
                        ErrorIds.AutomationWaitTimeout,
                        ErrorCategory.OperationTimeout,
                        result.AutomationExecutionId,
                        "Wait again with Wait-AutomationExecution (a larger -TimeoutSeconds) or look at the execution in the console."));
                    break;
                default:
                    WriteFailure(outcome.Error ?? new InvalidOperationException("The execution could not be read."), ErrorIds.AutomationExecutionLookupFailed, outcome.AutomationExecutionId,
                        "Check the execution id and the Region (executions are regional), and that ssm:DescribeAutomationExecutions and ssm:GetAutomationExecution are allowed.");
                    break;
            }
        }
    }

    /// <summary>What a timed-out wait says: the last status seen (never "not started" when nothing was read), and the call failure that kept it from being read.</summary>
    internal static string TimedOutMessage(AutomationExecutionResult result, Exception? lastError, int? timeoutSeconds)
    {
        var state = result.Status is null
            ? "had no status read"
            : $"is still {result.Status}{(result.CurrentStepName is null ? string.Empty : " at step " + result.CurrentStepName)}";
        var why = lastError is null ? string.Empty : $" The last poll failed: {Aws.AwsFailureText.Describe(lastError).Message}";
        return $"Execution {result.AutomationExecutionId} ({result.DocumentName ?? "unknown runbook"}) {state} after {timeoutSeconds} s; the automation goes on.{why}";
    }

    /// <summary>Hashtable values as the validator wants them: PowerShell wrappers removed, arrays and nested tables included.</summary>
    internal static IDictionary? Unwrap(IDictionary? table)
    {
        if (table is null)
        {
            return null;
        }

        var copy = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in table)
        {
            copy[Unwrap(entry.Key)?.ToString() ?? string.Empty] = Unwrap(entry.Value);
        }

        return copy;
    }

    internal static object? Unwrap(object? value)
    {
        value = PSValues.BaseOf(value);
        return value switch
        {
            IDictionary table => Unwrap(table),
            string => value,
            IEnumerable list => list.Cast<object?>().Select(Unwrap).ToArray(),
            _ => value,
        };
    }

    private static ErrorRecord ExecutionFailed(AutomationExecutionResult result)
    {
        var category = result.Outcome switch
        {
            AutomationOutcome.TimedOut => ErrorCategory.OperationTimeout,
            AutomationOutcome.Cancelled => ErrorCategory.OperationStopped,
            _ => ErrorCategory.InvalidResult,
        };
        var where = result.FailedStep is null ? string.Empty : $" at step {result.FailedStep}";
        var why = string.IsNullOrEmpty(result.FailureMessage) ? string.Empty : ": " + result.FailureMessage;
        return ErrorRecords.Create(
            $"Execution {result.AutomationExecutionId} of {result.DocumentName} ended {result.Status}{where}{why}",
            ErrorIds.AutomationExecutionFailed,
            category,
            result.AutomationExecutionId,
            "Read the failed step's message and the runbook's logs (LogLocation); Export-SawSupportCase collects what AWS Support asks for.");
    }

    private static ProgressRecord ProgressRecordOf(AutomationProgress p)
    {
        var steps = p.StepsTotal is int total ? $" ({p.StepsDone}/{total} steps)" : string.Empty;
        var current = p.CurrentStepName is null ? string.Empty : $", step {p.CurrentStepName}";
        return new ProgressRecord(p.Index + 1, $"{p.DocumentName ?? "Automation"} {p.AutomationExecutionId}", $"{p.Status ?? "Pending"}{current}{steps}")
        {
            PercentComplete = p.PercentComplete,
        };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }

        base.Dispose(disposing);
    }
}
