using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Iam;

namespace SsmTroubleshoot.Network;

/// <summary>What Test-ManagedInstanceNetwork reads: instance ids, or EC2 filters (none: every instance of the region).</summary>
public sealed class NetworkFleetRequest
{
    /// <summary>EC2 (i-) and hybrid (mi-) ids; when null, <see cref="Filters"/> select the instances.</summary>
    public IReadOnlyList<string>? InstanceIds { get; init; }

    public IReadOnlyList<Ec2Filter> Filters { get; init; } = Array.Empty<Ec2Filter>();

    /// <summary>Most API calls in flight at once.</summary>
    public int ThrottleLimit { get; init; } = 8;
}

/// <summary>One region of one account: what was read, evaluated instance by instance as the caller enumerates <see cref="Reports"/>.</summary>
public sealed class NetworkFleetResult
{
    private readonly NetworkEvaluator _evaluator;

    internal NetworkFleetResult(string region, string? accountId, IReadOnlyList<DataGap> gaps, IReadOnlyList<string> instanceIds, NetworkEvaluator evaluator)
    {
        Region = region;
        AccountId = accountId;
        Gaps = gaps;
        InstanceIds = instanceIds;
        _evaluator = evaluator;
    }

    public string Region { get; }

    public string? AccountId { get; }

    public IReadOnlyList<DataGap> Gaps { get; }

    /// <summary>The instances found, in input order: one report each.</summary>
    public IReadOnlyList<string> InstanceIds { get; }

    /// <summary>One report per instance, evaluated lazily (a caller writes each as it comes), stamped with account and region.</summary>
    public IEnumerable<ManagedInstanceNetworkReport> Reports => InstanceIds.Select(id => _evaluator.Evaluate(id).Locate(AccountId, Region));
}

/// <summary>
/// Builds the EC2, SSM and IAM clients for a connection and runs one batched <see cref="NetworkInventoryFetcher"/>
/// fetch for the whole fleet. Every API call and every failure is reported through <c>log</c> (any thread).
/// </summary>
public static class NetworkFleetReader
{
    /// <summary>Instances in these states are gone: -All and -Filter leave them out unless the filter names a state.</summary>
    public static readonly IReadOnlyList<string> LiveStates = new[] { "pending", "running", "stopping", "stopped", "shutting-down" };

    /// <summary>
    /// One target of a fleet: fetch, evaluate, and stamp each report with its account and region. With
    /// <paramref name="regionFailureThrows"/> a lookup that failed for the whole region (denied, throttled, not enabled)
    /// throws <see cref="FleetRegionException"/> so the fan-out reports one row for the region.
    /// </summary>
    public static async Task<NetworkFleetResult> EvaluateAsync(FleetTarget target, NetworkFleetRequest request, NetworkEvaluationOptions options, bool regionFailureThrows, Action<string>? log, CancellationToken cancellationToken)
    {
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        var inventory = await FetchAsync(target.Connection, request, log, cancellationToken).ConfigureAwait(false);
        if (regionFailureThrows)
        {
            ThrowIfRegionFailed(inventory.Gaps, target.Region, request.InstanceIds);
        }

        var snapshot = new NetworkSnapshot(inventory);
        var ids = request.InstanceIds is null
            ? inventory.Instances.Select(i => i.InstanceId).ToList()
            : request.InstanceIds.Where(id => id.StartsWith("mi-", StringComparison.Ordinal) || snapshot.FindInstance(id) is not null).ToList();
        var accountId = await target.GetAccountIdAsync().ConfigureAwait(false);
        return new NetworkFleetResult(target.Region, accountId, inventory.Gaps, ids, new NetworkEvaluator(snapshot, options));
    }

    /// <summary>
    /// Throws when ec2:DescribeInstances failed for the whole region (the region itself, or every EC2 id asked about)
    /// for another reason than unknown ids: nothing of the region could be read.
    /// </summary>
    public static void ThrowIfRegionFailed(IEnumerable<DataGap> gaps, string region, IReadOnlyList<string>? instanceIds)
    {
        var failed = gaps.Where(g => g.Operation == "ec2:DescribeInstances" && !g.IsNotFound).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var ec2Ids = instanceIds?.Where(id => id.StartsWith("i-", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var whole = ec2Ids is null
            ? failed.Any(g => g.ResourceId == region)
            : ec2Ids.Count > 0 && ec2Ids.All(id => failed.Any(g => g.ResourceId == id));
        if (whole)
        {
            var gap = failed[0];
            var kind = gap.Kind != Failures.FailureKind.Unknown ? gap.Kind : Failures.FailureClassifier.ClassifyServiceError(gap.ErrorCode, 0);
            throw new FleetRegionException(gap.Operation, gap.ErrorCode, kind, gap.Message);
        }
    }

    /// <summary>
    /// Over a fan-out, the ids that every target that answered reported as not found (ec2:DescribeInstances): an id lives
    /// in one account and region, so unknown elsewhere is expected and unknown everywhere is the error. Input order.
    /// </summary>
    public static IReadOnlyList<string> NotFoundAnywhere(IReadOnlyList<string>? instanceIds, IReadOnlyList<IReadOnlyList<DataGap>> answeredGaps)
    {
        if (instanceIds is null || answeredGaps is null || answeredGaps.Count == 0)
        {
            return Array.Empty<string>();
        }

        return instanceIds.Where(id => answeredGaps.All(gaps => gaps.Any(g => g.ResourceId == id && g.Operation == "ec2:DescribeInstances" && g.IsNotFound))).ToList();
    }

    public static async Task<NetworkInventory> FetchAsync(AwsConnection connection, NetworkFleetRequest request, Action<string>? log, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var factory = new AwsClientFactory(connection);
        using var ec2 = factory.CreateEc2();
        using var ssm = factory.CreateSsm();
        using var iamClient = factory.CreateIam();
        var source = new AwsNetworkDataSource(ec2, ssm, log);
        var iam = new IamQueryPolicyReader(iamClient, log);
        var fetcher = new NetworkInventoryFetcher(source, iam, connection.Region.SystemName, request.ThrottleLimit, log);
        if (request.InstanceIds is { } ids)
        {
            return await fetcher.FetchAsync(ids, cancellationToken).ConfigureAwait(false);
        }

        var filters = request.Filters.Any(f => string.Equals(f.Name, "instance-state-name", StringComparison.Ordinal))
            ? request.Filters
            : request.Filters.Concat(new[] { new Ec2Filter("instance-state-name", LiveStates.ToArray()) }).ToList();
        return await fetcher.FetchAsync(filters, cancellationToken).ConfigureAwait(false);
    }
}
