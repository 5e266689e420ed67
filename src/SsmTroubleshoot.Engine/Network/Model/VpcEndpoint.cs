using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

public enum VpcEndpointType
{
    Interface = 0,
    Gateway,
    GatewayLoadBalancer,
    Other,
}

/// <summary>An interface endpoint's network interface: where its DNS name resolves to, and in which subnet.</summary>
public sealed record EndpointNetworkInterface
{
    public string NetworkInterfaceId { get; init; } = string.Empty;

    public string SubnetId { get; init; } = string.Empty;

    public string PrivateIpAddress { get; init; } = string.Empty;
}

public sealed record VpcEndpoint
{
    public string VpcEndpointId { get; init; } = string.Empty;

    public string VpcId { get; init; } = string.Empty;

    /// <summary>com.amazonaws.&lt;region&gt;.&lt;service&gt;.</summary>
    public string ServiceName { get; init; } = string.Empty;

    public VpcEndpointType EndpointType { get; init; }

    /// <summary>pendingAcceptance, pending, available, deleting, deleted, rejected, failed, expired.</summary>
    public string State { get; init; } = "available";

    public bool PrivateDnsEnabled { get; init; }

    public IReadOnlyList<string> SecurityGroupIds { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> SubnetIds { get; init; } = Array.Empty<string>();

    /// <summary>Interface endpoints: the ENIs (DescribeNetworkInterfaces) with their private IPs.</summary>
    public IReadOnlyList<EndpointNetworkInterface> NetworkInterfaces { get; init; } = Array.Empty<EndpointNetworkInterface>();

    /// <summary>Gateway endpoints: the route tables that carry the prefix-list route.</summary>
    public IReadOnlyList<string> RouteTableIds { get; init; } = Array.Empty<string>();

    /// <summary>The endpoint policy (JSON); null or empty means the default full-access policy.</summary>
    public string? PolicyDocument { get; init; }

    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
}
