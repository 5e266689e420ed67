using System;
using System.Management.Automation;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>The one mapping from exceptions to ErrorRecords: stable id, category by failure kind, remediation.</summary>
internal static class ErrorRecords
{
    /// <summary>
    /// An ErrorRecord for a failure. AWS failures are worded by <see cref="AwsFailureText"/> (the call, the service's
    /// code, the fix for that code); every message is scrubbed of secrets. The caller's <paramref name="recommendedAction"/>
    /// is used where the code alone cannot say what to do (denied, not found, invalid input, anything not from AWS).
    /// <paramref name="category"/> replaces the one the failure kind gives where the cmdlet knows better (a read or
    /// write error of a file, a configuration problem); <paramref name="message"/> the exception's own text.
    /// </summary>
    internal static ErrorRecord FromException(Exception exception, string errorId, object? target, string? recommendedAction = null,
        ErrorCategory? category = null, string? message = null)
    {
        var kind = FailureClassifier.Classify(exception);
        var record = new ErrorRecord(exception, errorId, category ?? ToCategory(kind), target);
        var custom = message;
        var advice = recommendedAction;
        if (exception is AwsConfigurationException { Problem: AwsConfigurationProblem.SsoLoginRequired or AwsConfigurationProblem.SsoRoleDenied } configuration)
        {
            // Credentials that could not refresh mid-run (an SSO sign-in that expired): their own fix, not the call's.
            message = configuration.Message;
            advice = configuration.RecommendedAction;
        }
        else if (IsAwsFailure(exception, kind))
        {
            var description = AwsFailureText.Describe(exception);
            message = description.Message;
            // Throttling, authentication, time-outs and transport failures have one fix whatever the cmdlet; for denied,
            // missing or invalid things the cmdlet knows better (which permissions, which name), when it says anything.
            if (description.RecommendedAction is { } fix
                && (advice is null || kind is not (FailureKind.NotFound or FailureKind.InvalidArgument or FailureKind.NotConfigured or FailureKind.PermissionDenied)))
            {
                advice = fix;
            }
        }
        else
        {
            message = SecretScrubber.Scrub(custom ?? exception.Message);
        }

        if (!string.IsNullOrEmpty(advice) || !string.Equals(message, exception.Message, StringComparison.Ordinal))
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = advice };
        }

        return record;
    }

    private static bool IsAwsFailure(Exception exception, FailureKind kind) =>
        AwsCallInfo.Of(exception) is not null
        || kind is FailureKind.Throttled or FailureKind.AuthenticationFailed or FailureKind.ServiceError
        || exception.GetType().FullName?.StartsWith("Amazon.", StringComparison.Ordinal) == true;

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
        FailureKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        FailureKind.ServiceError => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };
}
