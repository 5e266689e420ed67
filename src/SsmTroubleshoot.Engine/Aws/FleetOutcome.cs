using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Aws;

/// <summary>One (account, region) of a fleet: the connection to use there.</summary>
public sealed class FleetTarget
{
    private readonly Task<string?> _accountId;

    internal FleetTarget(int ordinal, Task<string?> accountId, string region, AwsConnection connection)
    {
        Ordinal = ordinal;
        _accountId = accountId;
        Region = region;
        Connection = connection;
    }

    /// <summary>Position in account-major, region-minor order: results are written in this order.</summary>
    public int Ordinal { get; }

    /// <summary>
    /// The account: known at once for an assumed role; for the caller's own account sts:GetCallerIdentity runs alongside
    /// the region's work (a slow STS does not hold it up). Null only when STS would not say.
    /// </summary>
    public Task<string?> GetAccountIdAsync() => _accountId;

    /// <summary>The account once <see cref="GetAccountIdAsync"/> has completed, else null.</summary>
    public string? AccountId => _accountId.Status == TaskStatus.RanToCompletion ? _accountId.Result : null;

    public string Region { get; }

    public AwsConnection Connection { get; }
}

public enum FleetFailureStage
{
    /// <summary>sts:AssumeRole into the account failed: none of its regions were read.</summary>
    AssumeRole = 0,

    /// <summary>Reading one region of one account failed.</summary>
    Region,
}

/// <summary>Why an account, or one region of an account, gave no results.</summary>
public sealed class FleetFailure
{
    internal FleetFailure(FleetFailureStage stage, string? accountId, string? region, string operation, Exception exception)
    {
        Stage = stage;
        AccountId = accountId;
        Region = region;
        Operation = operation;
        Exception = exception;
        var regional = exception as FleetRegionException;
        Kind = regional?.Kind ?? FailureClassifier.Classify(exception);
        ErrorCode = regional?.ErrorCode ?? FindServiceException(exception)?.ErrorCode;
        Message = regional?.Message ?? AwsFailureText.Describe(exception).Detail;
        IsRegionNotEnabled = stage == FleetFailureStage.Region && (ErrorCode is "UnrecognizedClientException" or "AuthFailure" or "InvalidClientTokenId" or "OptInRequired"
            || Message.IndexOf("not enabled", StringComparison.OrdinalIgnoreCase) >= 0);
    }

    public FleetFailureStage Stage { get; }

    public string? AccountId { get; }

    /// <summary>Null for an <see cref="FleetFailureStage.AssumeRole"/> failure (all regions of the account).</summary>
    public string? Region { get; }

    /// <summary>sts:AssumeRole, or the call of the region that failed when known.</summary>
    public string Operation { get; }

    public FailureKind Kind { get; }

    public string? ErrorCode { get; }

    public string Message { get; }

    /// <summary>The region is opted out (or unknown) for the account: credentials are not recognised there.</summary>
    public bool IsRegionNotEnabled { get; }

    public Exception Exception { get; }

    public override string ToString() => (AccountId ?? "?") + (Region is null ? string.Empty : "/" + Region) + ": " + Message;

    private static AmazonServiceException? FindServiceException(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AmazonServiceException service)
            {
                return service;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
            {
                return FindServiceException(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }
}

/// <summary>A region-wide failure a per-target function reports without an SDK exception (e.g. a describe call that left a gap).</summary>
public sealed class FleetRegionException : Exception
{
    public FleetRegionException(string operation, string? errorCode, FailureKind kind, string message)
        : base(message)
    {
        Operation = operation;
        ErrorCode = errorCode;
        Kind = kind;
    }

    public string Operation { get; }

    public string? ErrorCode { get; }

    public FailureKind Kind { get; }
}

/// <summary>What one target (or, for a failed AssumeRole, every region of one account) came to.</summary>
public sealed class FleetOutcome<T>
{
    internal FleetOutcome(int ordinal, int span, FleetTarget? target, T? value, FleetFailure? failure)
    {
        Ordinal = ordinal;
        Span = span;
        Target = target;
        Value = value;
        Failure = failure;
    }

    /// <summary>The first target position this outcome fills.</summary>
    public int Ordinal { get; }

    /// <summary>How many target positions it fills: the account's region count for an AssumeRole failure, else 1.</summary>
    public int Span { get; }

    /// <summary>Null for an AssumeRole failure.</summary>
    public FleetTarget? Target { get; }

    public T? Value { get; }

    public FleetFailure? Failure { get; }
}

/// <summary>Puts outcomes that complete in any order back into target order, so a command writes them deterministically.</summary>
public sealed class FleetOutcomeOrder<T>
{
    private readonly SortedDictionary<int, FleetOutcome<T>> _pending = new();
    private int _next;

    /// <summary>Adds one outcome; returns those now due, in order.</summary>
    public IReadOnlyList<FleetOutcome<T>> Add(FleetOutcome<T> outcome)
    {
        _pending[outcome.Ordinal] = outcome;
        var due = new List<FleetOutcome<T>>();
        while (_pending.TryGetValue(_next, out var next))
        {
            _pending.Remove(_next);
            due.Add(next);
            _next += next.Span;
        }

        return due;
    }
}
