using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Automation;

/// <summary>Progress of one execution, as Write-Progress shows it.</summary>
public sealed class AutomationProgress
{
    public AutomationProgress(string automationExecutionId, string? documentName, string? status, string? currentStepName, int? stepsDone, int? stepsTotal, int index = 0)
    {
        Index = index;
        AutomationExecutionId = automationExecutionId;
        DocumentName = documentName;
        Status = status;
        CurrentStepName = currentStepName;
        StepsDone = stepsDone;
        StepsTotal = stepsTotal;
    }

    public string AutomationExecutionId { get; }

    /// <summary>Position of the execution in the waited list (0-based): a stable Write-Progress ActivityId is Index + 1.</summary>
    public int Index { get; }

    public string? DocumentName { get; }

    public string? Status { get; }

    public string? CurrentStepName { get; }

    public int? StepsDone { get; }

    public int? StepsTotal { get; }

    public bool IsFinished => AutomationStatus.IsTerminal(Status);

    /// <summary>0-100, or -1 when the step count is unknown and the execution still runs (Write-Progress's "unknown").</summary>
    public int PercentComplete
    {
        get
        {
            if (IsFinished)
            {
                return 100;
            }

            if (StepsDone is int done && StepsTotal is int total && total > 0)
            {
                return Math.Min(99, done * 100 / total);
            }

            return -1;
        }
    }

    public override string ToString() =>
        $"{AutomationExecutionId} {Status} {CurrentStepName} {(StepsTotal is null ? string.Empty : $"{StepsDone}/{StepsTotal}")}".TrimEnd();
}
