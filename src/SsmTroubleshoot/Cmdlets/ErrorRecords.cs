using System;
using System.Management.Automation;
using SsmTroubleshoot.Common;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>The one mapping from exceptions to ErrorRecords: stable id, category by failure kind, remediation.</summary>
internal static class ErrorRecords
{
    internal static ErrorRecord FromException(Exception exception, string errorId, object? target, string? recommendedAction = null)
    {
        var record = new ErrorRecord(exception, errorId, ToCategory(FailureClassifier.Classify(exception)), target);
        if (!string.IsNullOrEmpty(recommendedAction))
        {
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
        }

        return record;
    }

    internal static ErrorRecord Create(string message, string errorId, ErrorCategory category, object? target, string? recommendedAction = null)
    {
        var record = new ErrorRecord(new InvalidOperationException(message), errorId, category, target);
        if (!string.IsNullOrEmpty(recommendedAction))
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
        }

        return record;
    }

    internal static ErrorCategory ToCategory(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.NotFound => ErrorCategory.ObjectNotFound,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.Throttled => ErrorCategory.LimitsExceeded,
        FailureKind.Timeout => ErrorCategory.OperationTimeout,
        FailureKind.Unreachable => ErrorCategory.ConnectionError,
        FailureKind.NotConfigured => ErrorCategory.NotSpecified,
        FailureKind.Cancelled => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };
}
