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

/// <summary>Which accounts and regions a fleet command covers, and how many of them run at once.</summary>
public sealed class FleetScopeOptions
{
    public const int DefaultThrottleLimit = 4;

    /// <summary>More targets at once only multiplies the calls in flight (each target has its own throttle limit).</summary>
    public const int MaxThrottleLimit = 32;

    /// <summary>Regions to cover; empty: the connection's region.</summary>
    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();

    /// <summary>Accounts to cover through <see cref="RoleName"/>; empty: the caller's own account with its own credentials.</summary>
    public IReadOnlyList<string> AccountIds { get; init; } = Array.Empty<string>();

    /// <summary>The role assumed in each of <see cref="AccountIds"/> (arn:&lt;partition&gt;:iam::&lt;account&gt;:role/&lt;RoleName&gt;).</summary>
    public string? RoleName { get; init; }

    public string? ExternalId { get; init; }

    /// <summary>Null: SsmTroubleshoot-&lt;unix time&gt;, like the AWS CLI's botocore-session-&lt;unix time&gt;.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>Targets (account, region) worked on at once.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    private static readonly Regex AccountPattern = new("^[0-9]{12}$", RegexOptions.CultureInvariant);
    private static readonly Regex RoleNamePattern = new(@"^[\w+=,.@-]{1,64}$", RegexOptions.CultureInvariant);
    private static readonly Regex SessionNamePattern = new(@"^[\w+=,.@-]{2,64}$", RegexOptions.CultureInvariant);
    private static readonly Regex ExternalIdPattern = new(@"^[\w+=,.@:/-]{2,1224}$", RegexOptions.CultureInvariant);

    public static bool IsAccountId(string? value) => value is not null && AccountPattern.IsMatch(value);

    /// <summary>IAM's role name rule: 1-64 of letters, digits and +=,.@_-.</summary>
    public static bool IsRoleName(string? value) => value is not null && RoleNamePattern.IsMatch(value);

    public static bool IsRoleSessionName(string? value) => value is not null && SessionNamePattern.IsMatch(value);

    public static bool IsExternalId(string? value) => value is not null && ExternalIdPattern.IsMatch(value);

    public static string DefaultRoleSessionName(DateTimeOffset now) => "SsmTroubleshoot-" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The first problem with these options, or null: callers turn it into their own error (InvalidArgument).</summary>
    public string? Validate()
    {
        foreach (var account in AccountIds)
        {
            if (!IsAccountId(account))
            {
                return "'" + account + "' is not an AWS account id (12 digits).";
            }
        }

        if (AccountIds.Count > 0 && string.IsNullOrEmpty(RoleName))
        {
            return "-AccountId needs -RoleName: the role to assume in each account.";
        }

        if (RoleName is not null && !IsRoleName(RoleName))
        {
            return "'" + RoleName + "' is not an IAM role name (1-64 letters, digits and +=,.@_-).";
        }

        if (RoleName is not null && AccountIds.Count == 0)
        {
            return "-RoleName needs -AccountId: the accounts to assume it in.";
        }

        if (RoleSessionName is not null && !IsRoleSessionName(RoleSessionName))
        {
            return "'" + RoleSessionName + "' is not a role session name (2-64 letters, digits and +=,.@_-).";
        }

        if (ExternalId is not null && !IsExternalId(ExternalId))
        {
            return "The external id must be 2-1224 letters, digits and +=,.@:/_-.";
        }

        if (ThrottleLimit is < 1 or > MaxThrottleLimit)
        {
            return "The throttle limit must be from 1 to " + MaxThrottleLimit.ToString(CultureInfo.InvariantCulture) + ".";
        }

        return null;
    }

    /// <summary>The partition of a region: the role ARN and the STS endpoint must be in it.</summary>
    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : region.StartsWith("us-isob-", StringComparison.Ordinal) ? "aws-iso-b"
        : region.StartsWith("us-isof-", StringComparison.Ordinal) ? "aws-iso-f"
        : region.StartsWith("eu-isoe-", StringComparison.Ordinal) ? "aws-iso-e"
        : region.StartsWith("us-iso-", StringComparison.Ordinal) ? "aws-iso"
        : "aws";
}

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

/// <summary>
/// Runs a per-(account, region) function over a fleet with bounded concurrency: assumes the role in each account once
/// (credentials that refresh themselves in long runs), reads the caller's account id once (cached), then runs each
/// region. A failure is an outcome of its account or region, never the end of the others; cancellation ends them all.
/// </summary>
public sealed class FleetScope
{
    // The caller's account by endpoint and access key id: sts:GetCallerIdentity once per identity per process.
    private static readonly ConcurrentDictionary<string, Task<string?>> CallerAccounts = new(StringComparer.Ordinal);

    private readonly AwsConnection _connection;
    private readonly FleetScopeOptions _options;
    private readonly Action<string>? _log;
    private readonly string _sessionName;

    public FleetScope(AwsConnection connection, FleetScopeOptions? options = null, Action<string>? log = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _options = options ?? new FleetScopeOptions();
        var problem = _options.Validate();
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _log = log;
        Regions = _options.Regions.Count == 0
            ? new[] { connection.Region.SystemName }
            : _options.Regions.Select(r => AwsConnectionResolver.Region(r, "-Region").SystemName).Distinct(StringComparer.Ordinal).ToArray();
        AccountIds = _options.AccountIds.Distinct(StringComparer.Ordinal).ToArray();
        _sessionName = _options.RoleSessionName ?? FleetScopeOptions.DefaultRoleSessionName(DateTimeOffset.UtcNow);
    }

    public IReadOnlyList<string> Regions { get; }

    /// <summary>The caller's connection (its first region): what messages about the caller's own calls name.</summary>
    public AwsConnection Connection => _connection;

    /// <summary>The accounts asked for; empty: the caller's own.</summary>
    public IReadOnlyList<string> AccountIds { get; }

    /// <summary>More than one target, or other accounts: failures become rows instead of ending the command.</summary>
    public bool IsFanOut => Regions.Count > 1 || AccountIds.Count > 0;

    /// <summary>The scope in words, for messages: "us-east-1, eu-west-1" or "3 account(s) x us-east-1, eu-west-1".</summary>
    public string Description =>
        (AccountIds.Count > 0 ? AccountIds.Count.ToString(CultureInfo.InvariantCulture) + " account(s) x " : string.Empty) + string.Join(", ", Regions);

    /// <summary>Target positions: accounts (at least the caller's) times regions.</summary>
    public int TargetCount => Math.Max(1, AccountIds.Count) * Regions.Count;

    /// <summary>
    /// Calls <paramref name="work"/> for every (account, region), at most ThrottleLimit at once, and hands each outcome to
    /// <paramref name="onOutcome"/> as it completes (on any thread). Ends when all are done; throws only when cancelled.
    /// </summary>
    public async Task RunAsync<T>(Func<FleetTarget, CancellationToken, Task<T>> work, Action<FleetOutcome<T>> onOutcome, CancellationToken cancellationToken)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        if (onOutcome is null)
        {
            throw new ArgumentNullException(nameof(onOutcome));
        }

        using var gate = new SemaphoreSlim(_options.ThrottleLimit, _options.ThrottleLimit);
        var accounts = AccountIds.Count == 0 ? new string?[] { null } : AccountIds.Cast<string?>().ToArray();
        await Task.WhenAll(accounts.Select((account, index) => RunAccountAsync(account, index * Regions.Count, gate, work, onOutcome, cancellationToken))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task RunAccountAsync<T>(string? account, int firstOrdinal, SemaphoreSlim gate, Func<FleetTarget, CancellationToken, Task<T>> work, Action<FleetOutcome<T>> onOutcome, CancellationToken cancellationToken)
    {
        (AWSCredentials Credentials, string Source, Task<string?> AccountId) identity;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            identity = account is null
                ? (_connection.Credentials, _connection.CredentialSource, CallerAccountAsync(cancellationToken))
                : await AssumeRoleAsync(account, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _log?.Invoke("sts:AssumeRole into " + account + " failed: " + ex.Message);
            onOutcome(new FleetOutcome<T>(firstOrdinal, Regions.Count, null, default, new FleetFailure(FleetFailureStage.AssumeRole, account, null, "sts:AssumeRole", ex)));
            return;
        }
        finally
        {
            gate.Release();
        }

        await Task.WhenAll(Regions.Select(async (region, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var connection = _connection.WithTarget(identity.Credentials, identity.Source, AwsConnectionResolver.Region(region, "-Region"), "the -Region parameter");
                var target = new FleetTarget(firstOrdinal + index, identity.AccountId, region, connection);
                FleetOutcome<T> outcome;
                try
                {
                    outcome = new FleetOutcome<T>(target.Ordinal, 1, target, await work(target, cancellationToken).ConfigureAwait(false), null);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    var operation = AwsCallInfo.Of(ex) is { } call ? call.Service.ToLowerInvariant() + ":" + call.Operation : (ex as FleetRegionException)?.Operation ?? "read";
                    outcome = new FleetOutcome<T>(target.Ordinal, 1, target, default,
                        new FleetFailure(FleetFailureStage.Region, await identity.AccountId.ConfigureAwait(false), region, operation, ex));
                }

                onOutcome(outcome);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>The caller's account: sts:GetCallerIdentity once per identity; null (logged) when STS will not say.</summary>
    private Task<string?> CallerAccountAsync(CancellationToken cancellationToken)
    {
        string key;
        try
        {
            key = (_connection.EndpointFor("STS") ?? "aws") + "|" + _connection.Credentials.GetCredentials().AccessKey;
        }
        catch (Exception ex) when (ex is AmazonClientException or InvalidOperationException)
        {
            return Task.FromResult<string?>(null);
        }

        return CallerAccounts.GetOrAdd(key, k => ReadCallerAccountAsync(k, cancellationToken));
    }

    /// <summary>Never throws: a failure (or a cancelled first command) is null and is not cached.</summary>
    private async Task<string?> ReadCallerAccountAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var sts = new AwsClientFactory(_connection).CreateSts();
            var identity = await sts.GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            _log?.Invoke("sts:GetCallerIdentity (account " + identity.Account + ")");
            return identity.Account;
        }
        catch (Exception ex)
        {
            CallerAccounts.TryRemove(key, out _);
            if (!cancellationToken.IsCancellationRequested)
            {
                _log?.Invoke("sts:GetCallerIdentity failed (AccountId left empty): " + ex.Message);
            }

            return null;
        }
    }

    private async Task<(AWSCredentials, string, Task<string?>)> AssumeRoleAsync(string account, CancellationToken cancellationToken)
    {
        // STS of the first region: regional endpoints are in the region's partition, as the role ARN is.
        var region = Regions[0];
        var roleArn = "arn:" + FleetScopeOptions.PartitionOf(region) + ":iam::" + account + ":role/" + _options.RoleName;
        var stsConnection = _connection.WithTarget(_connection.Credentials, _connection.CredentialSource, AwsConnectionResolver.Region(region, "-Region"), "the -Region parameter");
        var request = new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = _sessionName, ExternalId = _options.ExternalId };
        var retry = new AwsRetry(new AwsRetryPolicy { MaxThrottledRetries = 4 });

        async Task<RefreshingAWSCredentials.CredentialsRefreshState> Assume(CancellationToken ct)
        {
            using var sts = new AwsClientFactory(stsConnection).CreateSts();
            var response = await retry.RunAsync(c => sts.AssumeRoleAsync(request, c), ct).ConfigureAwait(false);
            var credentials = response.Credentials;
            var expiration = credentials.Expiration is DateTime expires ? expires.ToUniversalTime() : DateTime.UtcNow.AddHours(1);
            _log?.Invoke("sts:AssumeRole " + roleArn + " (session " + _sessionName + ", expires " + expiration.ToString("u", CultureInfo.InvariantCulture) + ")");
            return new RefreshingAWSCredentials.CredentialsRefreshState(new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), expiration);
        }

        var first = await Assume(cancellationToken).ConfigureAwait(false);
        return (new AssumedRoleCredentials(first, Assume), "role " + roleArn + " assumed with " + _connection.CredentialSource, Task.FromResult<string?>(account));
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

/// <summary>Credentials of an assumed role that assume it again before they expire (runs longer than the session).</summary>
internal sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly Func<CancellationToken, Task<CredentialsRefreshState>> _assume;

    public AssumedRoleCredentials(CredentialsRefreshState first, Func<CancellationToken, Task<CredentialsRefreshState>> assume)
    {
        _assume = assume;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);

        // The SDK moves the expiry of states it generates forward by the preempt time; the first one is ours to move.
        currentState = new CredentialsRefreshState(first.Credentials, first.Expiration - PreemptExpiryTime);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        Task.Run(() => _assume(CancellationToken.None)).GetAwaiter().GetResult();

    protected override Task<CredentialsRefreshState> GenerateNewCredentialsAsync() => _assume(CancellationToken.None);
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
