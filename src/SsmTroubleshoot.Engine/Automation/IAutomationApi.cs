using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Automation;

/// <summary>
/// The SSM Automation calls the waiter needs. Implementations throw the SDK's service exceptions
/// (AmazonServiceException with its ErrorCode) so <see cref="Failures.FailureClassifier"/> can tell throttling apart.
/// </summary>
public interface IAutomationApi
{
    /// <summary>DescribeAutomationExecutions with one ExecutionId filter of at most 10 values.</summary>
    Task<IReadOnlyList<AutomationExecutionSummary>> DescribeExecutionsAsync(
        IReadOnlyList<string> automationExecutionIds, CancellationToken cancellationToken);

    /// <summary>GetAutomationExecution: the full execution, steps possibly truncated.</summary>
    Task<AutomationExecutionDetail> GetExecutionAsync(string automationExecutionId, CancellationToken cancellationToken);

    /// <summary>One page of DescribeAutomationStepExecutions.</summary>
    Task<AutomationStepPage> DescribeStepExecutionsAsync(
        string automationExecutionId, string? nextToken, CancellationToken cancellationToken);

    /// <summary>DescribeAutomationExecutions with the ParentExecutionId filter, every page: a rate-controlled run's children.</summary>
    Task<IReadOnlyList<AutomationExecutionSummary>> DescribeChildExecutionsAsync(
        string parentAutomationExecutionId, CancellationToken cancellationToken);
}

/// <summary>One row of DescribeAutomationExecutions (AutomationExecutionMetadata).</summary>
public sealed class AutomationExecutionSummary
{
    public string AutomationExecutionId { get; init; } = string.Empty;

    public string? DocumentName { get; init; }

    public string? DocumentVersion { get; init; }

    public string? Status { get; init; }

    public string? CurrentStepName { get; init; }

    public string? CurrentAction { get; init; }

    public DateTime? ExecutionStartTime { get; init; }

    public DateTime? ExecutionEndTime { get; init; }

    public string? FailureMessage { get; init; }

    /// <summary>Set on the child executions of a rate-controlled or multi-account run.</summary>
    public string? ParentAutomationExecutionId { get; init; }

    /// <summary>A rate-controlled child's target (the value put in TargetParameterName, usually an instance id).</summary>
    public string? Target { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outputs { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>GetAutomationExecution's AutomationExecution, reduced to what the tools use.</summary>
public sealed class AutomationExecutionDetail
{
    public string AutomationExecutionId { get; init; } = string.Empty;

    public string? DocumentName { get; init; }

    public string? DocumentVersion { get; init; }

    public string? Status { get; init; }

    public string? CurrentStepName { get; init; }

    public DateTime? ExecutionStartTime { get; init; }

    public DateTime? ExecutionEndTime { get; init; }

    public string? FailureMessage { get; init; }

    public string? Mode { get; init; }

    public string? ExecutedBy { get; init; }

    public string? ParentAutomationExecutionId { get; init; }

    /// <summary>Set when the execution was started with rate control (Targets): its children carry the work.</summary>
    public string? TargetParameterName { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outputs { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyList<AutomationStepDetail> StepExecutions { get; init; } = Array.Empty<AutomationStepDetail>();

    /// <summary>True when <see cref="StepExecutions"/> is partial and DescribeAutomationStepExecutions must be paged.</summary>
    public bool StepExecutionsTruncated { get; init; }
}

/// <summary>One StepExecution as the API returns it.</summary>
public sealed class AutomationStepDetail
{
    public string StepName { get; init; } = string.Empty;

    public string? Action { get; init; }

    public string? StepExecutionId { get; init; }

    public string? StepStatus { get; init; }

    public DateTime? ExecutionStartTime { get; init; }

    public DateTime? ExecutionEndTime { get; init; }

    public string? FailureMessage { get; init; }

    public string? FailureType { get; init; }

    public bool? IsCritical { get; init; }

    /// <summary>A multi-account/multi-Region parent's step: the account and Region its child execution ran in.</summary>
    public AutomationTargetLocation? TargetLocation { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outputs { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>One page of DescribeAutomationStepExecutions.</summary>
public sealed class AutomationStepPage
{
    public IReadOnlyList<AutomationStepDetail> Steps { get; init; } = Array.Empty<AutomationStepDetail>();

    public string? NextToken { get; init; }
}
