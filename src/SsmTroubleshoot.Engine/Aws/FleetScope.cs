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
        var credentials = await AssumedRoleCredentials.CreateAsync(stsConnection, request, _log, cancellationToken).ConfigureAwait(false);
        return (credentials, "role " + roleArn + " assumed with " + _connection.CredentialSource, Task.FromResult<string?>(account));
    }
}
