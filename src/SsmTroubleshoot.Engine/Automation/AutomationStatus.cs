using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Automation;

/// <summary>What an AutomationExecutionStatus value means for someone waiting on it.</summary>
public enum AutomationOutcome
{
    /// <summary>Not finished (includes values this build does not know: rely on the timeout).</summary>
    Running = 0,

    /// <summary>Not finished, but stuck until a person approves or resumes it (Waiting, PendingApproval).</summary>
    NeedsHuman,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,

    /// <summary>Terminal but neither success nor failure (Exited: the runbook stopped itself).</summary>
    Ended,
}

/// <summary>The 19 AutomationExecutionStatus values and how a waiter treats each.</summary>
public static class AutomationStatus
{
    public const string Pending = "Pending";
    public const string InProgress = "InProgress";
    public const string Waiting = "Waiting";
    public const string Success = "Success";
    public const string TimedOut = "TimedOut";
    public const string Cancelling = "Cancelling";
    public const string Cancelled = "Cancelled";
    public const string Failed = "Failed";
    public const string PendingApproval = "PendingApproval";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string Scheduled = "Scheduled";
    public const string RunbookInProgress = "RunbookInProgress";
    public const string PendingChangeCalendarOverride = "PendingChangeCalendarOverride";
    public const string ChangeCalendarOverrideApproved = "ChangeCalendarOverrideApproved";
    public const string ChangeCalendarOverrideRejected = "ChangeCalendarOverrideRejected";
    public const string CompletedWithSuccess = "CompletedWithSuccess";
    public const string CompletedWithFailure = "CompletedWithFailure";
    public const string Exited = "Exited";

    private static readonly Dictionary<string, AutomationOutcome> Outcomes = new(StringComparer.Ordinal)
    {
        [Pending] = AutomationOutcome.Running,
        [InProgress] = AutomationOutcome.Running,
        [Waiting] = AutomationOutcome.NeedsHuman,
        [Cancelling] = AutomationOutcome.Running,
        [PendingApproval] = AutomationOutcome.NeedsHuman,
        [Approved] = AutomationOutcome.Running,
        [Scheduled] = AutomationOutcome.Running,
        [RunbookInProgress] = AutomationOutcome.Running,
        [PendingChangeCalendarOverride] = AutomationOutcome.Running,
        [ChangeCalendarOverrideApproved] = AutomationOutcome.Running,
        [Success] = AutomationOutcome.Succeeded,
        [CompletedWithSuccess] = AutomationOutcome.Succeeded,
        [Failed] = AutomationOutcome.Failed,
        [CompletedWithFailure] = AutomationOutcome.Failed,
        [Rejected] = AutomationOutcome.Failed,
        [ChangeCalendarOverrideRejected] = AutomationOutcome.Failed,
        [Cancelled] = AutomationOutcome.Cancelled,
        [TimedOut] = AutomationOutcome.TimedOut,
        [Exited] = AutomationOutcome.Ended,
    };

    /// <summary>All 19 values the API documents.</summary>
    public static IReadOnlyCollection<string> All => Outcomes.Keys;

    public static bool IsKnown(string? status) => status is not null && Outcomes.ContainsKey(status);

    /// <summary>Unknown or missing values map to Running: an SDK model that lags must not end a wait early.</summary>
    public static AutomationOutcome OutcomeOf(string? status) =>
        status is not null && Outcomes.TryGetValue(status, out var outcome) ? outcome : AutomationOutcome.Running;

    public static bool IsTerminal(string? status) =>
        OutcomeOf(status) is not (AutomationOutcome.Running or AutomationOutcome.NeedsHuman);

    public static bool NeedsHuman(string? status) => OutcomeOf(status) == AutomationOutcome.NeedsHuman;

    public static bool IsSuccess(string? status) => OutcomeOf(status) == AutomationOutcome.Succeeded;

    /// <summary>Failed, TimedOut, Cancelled and their kin: the cmdlet writes an error for these.</summary>
    public static bool IsFailure(string? status) =>
        OutcomeOf(status) is AutomationOutcome.Failed or AutomationOutcome.Cancelled or AutomationOutcome.TimedOut;
}
