using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

/// <summary>A VPC and the DNS attributes interface endpoints with private DNS depend on.</summary>
public sealed record Vpc
{
    public string VpcId { get; init; } = string.Empty;

    public IReadOnlyList<string> CidrBlocks { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> Ipv6CidrBlocks { get; init; } = Array.Empty<string>();

    /// <summary>null when DescribeVpcAttribute could not be read.</summary>
    public bool? EnableDnsSupport { get; init; }

    /// <summary>null when DescribeVpcAttribute could not be read.</summary>
    public bool? EnableDnsHostnames { get; init; }
}

public sealed record Subnet
{
    public string SubnetId { get; init; } = string.Empty;

    public string VpcId { get; init; } = string.Empty;

    public string? CidrBlock { get; init; }

    public string? Ipv6CidrBlock { get; init; }

    public string? AvailabilityZone { get; init; }
}

public sealed record InternetGateway
{
    public string InternetGatewayId { get; init; } = string.Empty;

    /// <summary>The VPC it is attached to (attachment state available), null when detached.</summary>
    public string? AttachedVpcId { get; init; }
}

public enum NatConnectivity
{
    Public = 0,
    Private,
}

public sealed record NatGateway
{
    public string NatGatewayId { get; init; } = string.Empty;

    public string VpcId { get; init; } = string.Empty;

    public string SubnetId { get; init; } = string.Empty;

    /// <summary>pending, failed, available, deleting, deleted.</summary>
    public string State { get; init; } = "available";

    public NatConnectivity Connectivity { get; init; } = NatConnectivity.Public;

    public bool IsAvailable => string.Equals(State, "available", StringComparison.OrdinalIgnoreCase);
}

public sealed record ManagedPrefixList
{
    public string PrefixListId { get; init; } = string.Empty;

    /// <summary>For AWS-managed lists the service name, e.g. com.amazonaws.us-east-1.s3.</summary>
    public string Name { get; init; } = string.Empty;

    public IReadOnlyList<string> Cidrs { get; init; } = Array.Empty<string>();
}
