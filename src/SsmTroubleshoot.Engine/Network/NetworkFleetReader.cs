using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Network.Model;

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

/// <summary>
/// Builds the EC2, SSM and IAM clients for a connection and runs one batched <see cref="NetworkInventoryFetcher"/>
/// fetch for the whole fleet. Every API call and every failure is reported through <c>log</c> (any thread).
/// </summary>
public static class NetworkFleetReader
{
    /// <summary>Instances in these states are gone: -All and -Filter leave them out unless the filter names a state.</summary>
    public static readonly IReadOnlyList<string> LiveStates = new[] { "pending", "running", "stopping", "stopped", "shutting-down" };

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
