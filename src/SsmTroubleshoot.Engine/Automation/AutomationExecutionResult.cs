using System;
using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.Automation;

/// <summary>Where a runbook uploaded its logs.</summary>
public sealed class S3LogLocation
{
    public S3LogLocation(string bucket, string? prefix, string source)
    {
        Bucket = bucket;
        Prefix = string.IsNullOrEmpty(prefix) ? null : prefix;
        Source = source;
    }

    public string Bucket { get; }

    public string? Prefix { get; }

    /// <summary>Where the location came from ("parameter LogDestination", "output getLogs.Location").</summary>
    public string Source { get; }

    public string Uri => Prefix is null ? $"s3://{Bucket}/" : $"s3://{Bucket}/{Prefix.TrimStart('/')}";

    public override string ToString() => Uri;
}

/// <summary>One step of a finished execution.</summary>
public sealed class AutomationStepResult
{
    public AutomationStepResult(
        string stepName,
        string? action,
        string? status,
        DateTime? startTime,
        DateTime? endTime,
        string? failureMessage,
        IReadOnlyDictionary<string, IReadOnlyList<string>> outputs)
    {
        StepName = stepName;
        Action = action;
        Status = status;
        StartTime = startTime;
        EndTime = endTime;
        FailureMessage = failureMessage;
        Outputs = outputs;
    }

    public string StepName { get; }

    public string? Action { get; }

    public string? Status { get; }

    public DateTime? StartTime { get; }

    public DateTime? EndTime { get; }

    public TimeSpan? Duration => StartTime is { } s && EndTime is { } e && e >= s ? e - s : null;

    public string? FailureMessage { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outputs { get; }

    public override string ToString() => $"{StepName} {Status}";
}

/// <summary>
/// One child of a multi-account/multi-Region run (AccountId and Region set) or of a rate-controlled run (Target set):
/// where it ran, how it ended, its outputs or failure.
/// </summary>
public sealed class AutomationChildResult
{
    public AutomationChildResult(
        string parentAutomationExecutionId,
        string? automationExecutionId,
        string? accountId,
        string? region,
        string? target,
        string? status,
        DateTime? startTime,
        DateTime? endTime,
        string? failureMessage,
        IReadOnlyDictionary<string, IReadOnlyList<string>> outputs)
    {
        ParentAutomationExecutionId = parentAutomationExecutionId;
        AutomationExecutionId = automationExecutionId;
        AccountId = accountId;
        Region = region;
        Target = target;
        Status = status;
        StartTime = startTime;
        EndTime = endTime;
        FailureMessage = failureMessage;
        Outputs = outputs;
    }

    public string ParentAutomationExecutionId { get; }

    /// <summary>The child's own execution id, when the service names it.</summary>
    public string? AutomationExecutionId { get; }

    public string? AccountId { get; }

    public string? Region { get; }

    /// <summary>Rate control: the target value this child ran on (an instance id).</summary>
    public string? Target { get; }

    public string? Status { get; }

    public AutomationOutcome Outcome => AutomationStatus.OutcomeOf(Status);

    public bool Succeeded => AutomationStatus.IsSuccess(Status);

    public DateTime? StartTime { get; }

    public DateTime? EndTime { get; }

    public string? FailureMessage { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outputs { get; }

    /// <summary>"111122223333/eu-west-1", or the target.</summary>
    public string Location => AccountId is not null ? $"{AccountId}/{Region}" : Target ?? AutomationExecutionId ?? string.Empty;

    public override string ToString() => $"{Location} {Status}";
}

/// <summary>What Wait-AutomationExecution returns for one execution.</summary>
public sealed class AutomationExecutionResult
{
    private static readonly string[] FailedStepStatuses = { AutomationStatus.Failed, AutomationStatus.TimedOut, AutomationStatus.Cancelled };

    internal AutomationExecutionResult(
        string automationExecutionId,
        string? documentName,
        string? documentVersion,
        string? region,
        string? status,
        bool isFinished,
        DateTime? startTime,
        DateTime? endTime,
        string? currentStepName,
        IReadOnlyDictionary<string, IReadOnlyList<string>> parameters,
        IReadOnlyDictionary<string, IReadOnlyList<string>> outputs,
        IReadOnlyList<AutomationStepResult> steps,
        string? failedStep,
        string? failureMessage,
        S3LogLocation? logLocation,
        IReadOnlyList<RunbookFinding> findings)
    {
        AutomationExecutionId = automationExecutionId;
        DocumentName = documentName;
        DocumentVersion = documentVersion;
        Region = region;
        Status = status;
        IsFinished = isFinished;
        StartTime = startTime;
        EndTime = endTime;
        CurrentStepName = currentStepName;
        Parameters = parameters;
        Outputs = outputs;
        Steps = steps;
        FailedStep = failedStep;
        FailureMessage = failureMessage;
        LogLocation = logLocation;
        Findings = findings;
    }

    public string AutomationExecutionId { get; }

    public string? DocumentName { get; }

    public string? DocumentVersion { get; }

    public string? Region { get; }

    public string? Status { get; }

    public AutomationOutcome Outcome => AutomationStatus.OutcomeOf(Status);

    public bool Succeeded => AutomationStatus.IsSuccess(Status);

    /// <summary>False when the wait timed out or stopped at Waiting/PendingApproval.</summary>
    public bool IsFinished { get; }

    public DateTime? StartTime { get; }

    public DateTime? EndTime { get; }

    public TimeSpan? Duration => StartTime is { } s && EndTime is { } e && e >= s ? e - s : null;

    public string? CurrentStepName { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outputs { get; }

    public IReadOnlyList<AutomationStepResult> Steps { get; }

    public string? FailedStep { get; }

    public string? FailureMessage { get; }

    public S3LogLocation? LogLocation { get; }

    public IReadOnlyList<RunbookFinding> Findings { get; }

    /// <summary>Per account/Region (multi-account) or per target (rate control) results; empty for a plain run.</summary>
    public IReadOnlyList<AutomationChildResult> Children { get; internal set; } = Array.Empty<AutomationChildResult>();

    /// <summary>"4 child executions: 3 Success, 1 Failed", or null for a plain run.</summary>
    public string? ChildSummary => Children.Count == 0
        ? null
        : $"{Children.Count} child executions: " + string.Join(", ", Children.GroupBy(c => c.Status ?? "Unknown").OrderByDescending(g => g.Key == AutomationStatus.Success).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>Builds the result of a finished execution from GetAutomationExecution plus all its steps.</summary>
    public static AutomationExecutionResult FromExecution(
        AutomationExecutionDetail execution, IReadOnlyList<AutomationStepDetail> steps, string? region = null)
    {
        if (execution is null)
        {
            throw new ArgumentNullException(nameof(execution));
        }

        steps ??= execution.StepExecutions;
        var stepResults = steps
            .Select(s => new AutomationStepResult(s.StepName, s.Action, s.StepStatus, s.ExecutionStartTime, s.ExecutionEndTime, s.FailureMessage, s.Outputs))
            .ToList();

        // The step that failed the run: the last failed critical one (non-critical failures do not fail an execution).
        var failed = steps.Where(s => FailedStepStatuses.Contains(s.StepStatus, StringComparer.Ordinal)).ToList();
        var failedStep = failed.LastOrDefault(s => s.IsCritical != false) ?? failed.LastOrDefault();
        var failureMessage = !string.IsNullOrEmpty(execution.FailureMessage) ? execution.FailureMessage : failedStep?.FailureMessage;

        var findings = FindingsOf(execution.DocumentName, execution.Outputs, steps);
        var log = LogLocationResolver.Resolve(execution.DocumentName, execution.Parameters, execution.Outputs, steps);

        // A multi-account parent runs one step per account x Region, each naming its TargetLocation.
        var children = steps
            .Where(s => s.TargetLocation is { Accounts.Count: > 0, Regions.Count: > 0 })
            .Select(s => new AutomationChildResult(
                execution.AutomationExecutionId,
                s.Outputs.TryGetValue("ExecutionId", out var ids) && ids.Count > 0 ? ids[0] : null,
                s.TargetLocation!.Accounts[0],
                s.TargetLocation.Regions[0],
                null,
                s.StepStatus,
                s.ExecutionStartTime,
                s.ExecutionEndTime,
                s.FailureMessage,
                s.Outputs.Where(o => o.Key != "ExecutionId").ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal)))
            .ToList();
        return new AutomationExecutionResult(
            execution.AutomationExecutionId,
            execution.DocumentName,
            execution.DocumentVersion,
            region,
            execution.Status,
            AutomationStatus.IsTerminal(execution.Status),
            execution.ExecutionStartTime,
            execution.ExecutionEndTime,
            execution.CurrentStepName,
            execution.Parameters,
            execution.Outputs,
            stepResults,
            failedStep?.StepName,
            failureMessage,
            log,
            findings)
        {
            Children = children,
        };
    }

    /// <summary>What DescribeAutomationExecutions told of an execution the wait could not fetch in full (timeout, errors).</summary>
    public static AutomationExecutionResult FromSummary(string automationExecutionId, AutomationExecutionSummary? summary, string? region = null) =>
        new(
            automationExecutionId,
            summary?.DocumentName,
            summary?.DocumentVersion,
            region,
            summary?.Status,
            AutomationStatus.IsTerminal(summary?.Status),
            summary?.ExecutionStartTime,
            summary?.ExecutionEndTime,
            summary?.CurrentStepName,
            new Dictionary<string, IReadOnlyList<string>>(),
            new Dictionary<string, IReadOnlyList<string>>(),
            Array.Empty<AutomationStepResult>(),
            null,
            summary?.FailureMessage,
            null,
            Array.Empty<RunbookFinding>());

    /// <summary>Report outputs named by the catalog, looked up in the execution outputs, then in the step's outputs.</summary>
    internal static IReadOnlyList<RunbookFinding> FindingsOf(
        string? documentName, IReadOnlyDictionary<string, IReadOnlyList<string>> outputs, IReadOnlyList<AutomationStepDetail> steps)
    {
        var catalog = RunbookCatalog.Find(documentName);
        var names = catalog?.ReportOutputs ?? new[] { "FinalOutput.Message", "generateReport.EvalReport" };
        var findings = new List<RunbookFinding>();
        foreach (var name in names)
        {
            var text = ReportText(name, outputs, steps);
            if (text is not null)
            {
                findings.AddRange(ReportParser.Parse(text, name));
            }
        }

        return findings;
    }

    internal static string? ReportText(string outputName, IReadOnlyDictionary<string, IReadOnlyList<string>> outputs, IReadOnlyList<AutomationStepDetail> steps)
    {
        if (outputs.TryGetValue(outputName, out var values) && values.Count > 0)
        {
            return string.Join("\n", values);
        }

        var dot = outputName.IndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        var stepName = outputName.Substring(0, dot);
        var key = outputName.Substring(dot + 1);
        var step = steps.LastOrDefault(s => string.Equals(s.StepName, stepName, StringComparison.Ordinal) && s.Outputs.ContainsKey(key));
        return step is null ? null : string.Join("\n", step.Outputs[key]);
    }
}

/// <summary>Finds the S3 location a runbook wrote logs to: s3:// values in outputs first, then bucket/prefix parameters.</summary>
public static class LogLocationResolver
{
    private static readonly string[] BucketParameters = { "LogDestination", "S3BucketName", "S3Bucket", "BucketName", "LogBucket", "S3LogBucket" };
    private static readonly string[] PrefixParameters = { "S3Prefix", "S3KeyPrefix", "LogPrefix", "S3LogPrefix" };

    public static S3LogLocation? Resolve(
        string? documentName,
        IReadOnlyDictionary<string, IReadOnlyList<string>> parameters,
        IReadOnlyDictionary<string, IReadOnlyList<string>> outputs,
        IReadOnlyList<AutomationStepDetail> steps)
    {
        foreach (var output in outputs)
        {
            var fromOutput = output.Value.Select(ParseS3Uri).FirstOrDefault(l => l is not null);
            if (fromOutput is not null)
            {
                return new S3LogLocation(fromOutput.Value.Bucket, fromOutput.Value.Prefix, $"output {output.Key}");
            }
        }

        foreach (var step in steps)
        {
            foreach (var output in step.Outputs)
            {
                var fromStep = output.Value.Select(ParseS3Uri).FirstOrDefault(l => l is not null);
                if (fromStep is not null)
                {
                    return new S3LogLocation(fromStep.Value.Bucket, fromStep.Value.Prefix, $"output {step.StepName}.{output.Key}");
                }
            }
        }

        var catalog = RunbookCatalog.Find(documentName);
        var bucketNames = (catalog?.LogParameters.Take(1) ?? Enumerable.Empty<string>()).Concat(BucketParameters);
        foreach (var name in bucketNames)
        {
            if (First(parameters, name) is { Length: > 0 } bucket)
            {
                var prefixNames = (catalog?.LogParameters.Skip(1) ?? Enumerable.Empty<string>()).Concat(PrefixParameters);
                var prefix = prefixNames.Select(p => First(parameters, p)).FirstOrDefault(p => !string.IsNullOrEmpty(p));
                return new S3LogLocation(bucket, prefix, $"parameter {name}");
            }
        }

        return null;
    }

    /// <summary>"s3://bucket/prefix" -> (bucket, prefix); anything else -> null.</summary>
    public static (string Bucket, string? Prefix)? ParseS3Uri(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var t = text.Trim();
        if (!t.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || t.Length <= 5 || t.IndexOfAny(new[] { ' ', '\n' }) >= 0)
        {
            return null;
        }

        var rest = t.Substring(5);
        var slash = rest.IndexOf('/');
        return slash < 0 ? (rest, null) : (rest.Substring(0, slash), rest.Substring(slash + 1));
    }

    private static string? First(IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
