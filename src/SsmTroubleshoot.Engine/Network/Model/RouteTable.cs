using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

public enum RouteTargetKind
{
    Unknown = 0,
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    TransitGateway,
    VpcPeeringConnection,
    NetworkInterface,
    VirtualPrivateGateway,
    VpcEndpoint,
    Instance,
    CarrierGateway,
    LocalGateway,
    CoreNetwork,
}

public enum RouteState
{
    Active = 0,
    Blackhole,
}

/// <summary>One route: exactly one destination (IPv4 CIDR, IPv6 CIDR or prefix list) and its target.</summary>
public sealed record Route
{
    public string? DestinationCidrBlock { get; init; }

    public string? DestinationIpv6CidrBlock { get; init; }

    public string? DestinationPrefixListId { get; init; }

    public RouteTargetKind TargetKind { get; init; }

    /// <summary>igw-/nat-/tgw-/pcx-/eni-/vgw-/vpce- id, or "local".</summary>
    public string? TargetId { get; init; }

    public RouteState State { get; init; } = RouteState.Active;

    public string Describe() =>
        (DestinationCidrBlock ?? DestinationPrefixListId ?? DestinationIpv6CidrBlock ?? "?") + " -> " + (TargetId ?? TargetKind.ToString())
        + (State == RouteState.Blackhole ? " (blackhole)" : string.Empty);

    /// <summary>Maps an EC2 target id to its kind by prefix (igw-, nat-, ...), the way route targets are spelled.</summary>
    public static RouteTargetKind KindOf(string? targetId)
    {
        if (string.IsNullOrEmpty(targetId))
        {
            return RouteTargetKind.Unknown;
        }

        var id = targetId!;
        if (id == "local")
        {
            return RouteTargetKind.Local;
        }

        if (id.StartsWith("igw-", StringComparison.Ordinal))
        {
            return RouteTargetKind.InternetGateway;
        }

        if (id.StartsWith("eigw-", StringComparison.Ordinal))
        {
            return RouteTargetKind.EgressOnlyInternetGateway;
        }

        if (id.StartsWith("nat-", StringComparison.Ordinal))
        {
            return RouteTargetKind.NatGateway;
        }

        if (id.StartsWith("tgw-", StringComparison.Ordinal))
        {
            return RouteTargetKind.TransitGateway;
        }

        if (id.StartsWith("pcx-", StringComparison.Ordinal))
        {
            return RouteTargetKind.VpcPeeringConnection;
        }

        if (id.StartsWith("eni-", StringComparison.Ordinal))
        {
            return RouteTargetKind.NetworkInterface;
        }

        if (id.StartsWith("vgw-", StringComparison.Ordinal))
        {
            return RouteTargetKind.VirtualPrivateGateway;
        }

        if (id.StartsWith("vpce-", StringComparison.Ordinal))
        {
            return RouteTargetKind.VpcEndpoint;
        }

        if (id.StartsWith("i-", StringComparison.Ordinal))
        {
            return RouteTargetKind.Instance;
        }

        if (id.StartsWith("cagw-", StringComparison.Ordinal))
        {
            return RouteTargetKind.CarrierGateway;
        }

        if (id.StartsWith("lgw-", StringComparison.Ordinal))
        {
            return RouteTargetKind.LocalGateway;
        }

        return id.StartsWith("arn:", StringComparison.Ordinal) ? RouteTargetKind.CoreNetwork : RouteTargetKind.Unknown;
    }
}

public sealed record RouteTable
{
    public string RouteTableId { get; init; } = string.Empty;

    public string VpcId { get; init; } = string.Empty;

    /// <summary>Subnets explicitly associated with this table.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = Array.Empty<string>();

    /// <summary>The VPC main table serves every subnet without an explicit association.</summary>
    public bool IsMain { get; init; }

    public IReadOnlyList<Route> Routes { get; init; } = Array.Empty<Route>();
}
