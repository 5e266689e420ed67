using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>The internet-side path to a service: a gateway-endpoint prefix-list route, or 0.0.0.0/0 to IGW/NAT/other.</summary>
internal sealed class PublicPath
{
    private static readonly IReadOnlyList<Ipv4Range> AnyAddress = new[] { Ipv4Range.Any };

    private PublicPath(NetworkCheckStatus status, string detail, string? remediation)
    {
        Status = status;
        Detail = detail;
        Remediation = remediation;
        Remotes = AnyAddress;
        RemoteLabel = "any public address";
    }

    public NetworkCheckStatus Status { get; }

    public string Detail { get; }

    public string? Remediation { get; }

    /// <summary>The NAT gateway traffic goes through; its subnet's NACL is crossed too.</summary>
    public NatGateway? Nat { get; private set; }

    /// <summary>The S3/DynamoDB gateway endpoint whose prefix-list route carries the traffic.</summary>
    public VpcEndpoint? GatewayEndpoint { get; private set; }

    public ManagedPrefixList? PrefixList { get; private set; }

    /// <summary>The far end's addresses: 0.0.0.0/0 for public service addresses, else the prefix list's CIDRs.</summary>
    public IReadOnlyList<Ipv4Range> Remotes { get; private set; }

    public string RemoteLabel { get; private set; }

    public static PublicPath Evaluate(NetworkSnapshot snapshot, InstanceNetwork context, string serviceName)
    {
        var table = context.RouteTable;
        var gatewayRoute = FindGatewayEndpointRoute(snapshot, table, serviceName, out var prefixList, out var gatewayEndpoint);
        if (gatewayRoute is not null)
        {
            var where = gatewayRoute.Describe() + " in " + context.RouteTableLabel + " (gateway endpoint for " + serviceName + ")";
            PublicPath path;
            if (gatewayRoute.State == RouteState.Blackhole)
            {
                path = new PublicPath(NetworkCheckStatus.Failed, "Blackhole route " + where + ".", "Recreate the gateway endpoint or remove the stale route.");
            }
            else if (gatewayRoute.TargetKind != RouteTargetKind.VpcEndpoint)
            {
                path = new PublicPath(NetworkCheckStatus.Warning, "Prefix-list route " + gatewayRoute.Describe() + " in " + context.RouteTableLabel + ": the path beyond it is not visible from this VPC.", null);
            }
            else if (gatewayEndpoint is not null && !gatewayEndpoint.IsAvailable)
            {
                path = new PublicPath(NetworkCheckStatus.Failed, "Route " + where + " but " + gatewayEndpoint.VpcEndpointId + " is " + gatewayEndpoint.State + ".", "Recreate the gateway endpoint.");
            }
            else
            {
                path = new PublicPath(NetworkCheckStatus.Passed, "Prefix-list route " + where + ".", null);
            }

            path.GatewayEndpoint = gatewayEndpoint;
            path.PrefixList = prefixList;
            if (prefixList is not null && prefixList.Cidrs.Count > 0)
            {
                path.Remotes = prefixList.Cidrs.Select(c => Ipv4Range.TryParse(c, out var r) ? r : Ipv4Range.Any).ToList();
                path.RemoteLabel = "prefix list " + prefixList.PrefixListId + " (" + prefixList.Name + ")";
            }

            return path;
        }

        var defaultRoute = DefaultRoute(table);
        if (defaultRoute is null)
        {
            return new PublicPath(NetworkCheckStatus.Failed, context.RouteTableLabel + " has no route to 0.0.0.0/0 and no endpoint is used for " + serviceName + ".",
                "Route 0.0.0.0/0 to a NAT gateway (private subnet) or an internet gateway (public subnet), or create the interface endpoint.");
        }

        var route = defaultRoute.Describe() + " in " + context.RouteTableLabel + MoreSpecificPublicRoutes(table);
        if (defaultRoute.State == RouteState.Blackhole)
        {
            return new PublicPath(NetworkCheckStatus.Failed, "Blackhole route " + route + ": its target no longer exists.", "Point 0.0.0.0/0 at an existing NAT or internet gateway.");
        }

        switch (defaultRoute.TargetKind)
        {
            case RouteTargetKind.InternetGateway:
                var igw = snapshot.FindInternetGateway(defaultRoute.TargetId);
                if (igw is not null && !string.Equals(igw.AttachedVpcId, context.Vpc.VpcId, StringComparison.Ordinal))
                {
                    return new PublicPath(NetworkCheckStatus.Failed, "Route " + route + " but " + igw.InternetGatewayId + " is not attached to " + context.Vpc.VpcId + ".", "Attach the internet gateway to the VPC.");
                }

                if (string.IsNullOrEmpty(context.Instance.PublicIpAddress))
                {
                    return new PublicPath(NetworkCheckStatus.Failed, "Route " + route + " but the instance has no public IP or Elastic IP, so the internet gateway cannot carry its traffic.",
                        "Associate an Elastic IP, or route 0.0.0.0/0 to a NAT gateway, or create the interface endpoints.");
                }

                return new PublicPath(NetworkCheckStatus.Passed, "Route " + route + "; public IP " + context.Instance.PublicIpAddress + ".", null);
            case RouteTargetKind.NatGateway:
                var nat = snapshot.FindNatGateway(defaultRoute.TargetId);
                var natPath = nat is null ? UnknownNat(snapshot, context, route, defaultRoute.TargetId) : EvaluateNat(snapshot, context, route, nat);
                natPath.Nat = nat;
                return natPath;
            case RouteTargetKind.TransitGateway:
            case RouteTargetKind.VpcPeeringConnection:
            case RouteTargetKind.NetworkInterface:
            case RouteTargetKind.VirtualPrivateGateway:
            case RouteTargetKind.Instance:
            case RouteTargetKind.VpcEndpoint:
            case RouteTargetKind.LocalGateway:
            case RouteTargetKind.CoreNetwork:
            case RouteTargetKind.CarrierGateway:
                return new PublicPath(NetworkCheckStatus.Warning, "Route " + route + " (" + defaultRoute.TargetKind + "): the path beyond it is not visible from this VPC.",
                    "Confirm the network behind " + defaultRoute.TargetId + " forwards HTTPS to the service, or create the interface endpoints.");
            default:
                return new PublicPath(NetworkCheckStatus.Warning, "Route " + route + " has a target this tool does not follow.", null);
        }
    }

    private static PublicPath UnknownNat(NetworkSnapshot snapshot, InstanceNetwork context, string route, string? natId)
    {
        var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeNatGateways");
        return gap is null
            ? new PublicPath(NetworkCheckStatus.Failed, "Route " + route + " but NAT gateway " + natId + " does not exist.", "Point 0.0.0.0/0 at an available NAT gateway.")
            : new PublicPath(NetworkCheckStatus.Error, "Route " + route + "; the NAT gateway could not be read: " + gap.Describe(), gap.Remediation("Grant ec2:DescribeNatGateways."));
    }

    private static PublicPath EvaluateNat(NetworkSnapshot snapshot, InstanceNetwork context, string route, NatGateway nat)
    {
        if (!nat.IsAvailable)
        {
            return new PublicPath(NetworkCheckStatus.Failed, "Route " + route + " but " + nat.NatGatewayId + " is " + nat.State + ".", "Point 0.0.0.0/0 at an available NAT gateway.");
        }

        var natTable = snapshot.RouteTableForSubnet(nat.SubnetId, nat.VpcId.Length > 0 ? nat.VpcId : context.Vpc.VpcId, out var natMain);
        var natTableLabel = natTable is null ? "?" : natTable.RouteTableId + (natMain ? " (main)" : string.Empty);
        var onward = natTable is null ? null : DefaultRoute(natTable);
        var prefix = "Route " + route + "; " + nat.NatGatewayId + " (" + nat.Connectivity.ToString().ToLowerInvariant() + ") in " + nat.SubnetId + ", whose " + natTableLabel;
        if (onward is null)
        {
            return new PublicPath(NetworkCheckStatus.Failed, prefix + " has no route to 0.0.0.0/0.", "Route 0.0.0.0/0 in the NAT gateway's subnet to an internet gateway.");
        }

        if (onward.State == RouteState.Blackhole)
        {
            return new PublicPath(NetworkCheckStatus.Failed, prefix + " routes " + onward.Describe() + ".", "Route 0.0.0.0/0 in the NAT gateway's subnet to an attached internet gateway.");
        }

        if (onward.TargetKind == RouteTargetKind.InternetGateway)
        {
            if (nat.Connectivity == NatConnectivity.Private)
            {
                return new PublicPath(NetworkCheckStatus.Failed, prefix + " routes " + onward.Describe() + ", but an internet gateway drops a private NAT gateway's traffic.",
                    "Use a public NAT gateway, or create the interface endpoints.");
            }

            var igw = snapshot.FindInternetGateway(onward.TargetId);
            if (igw is not null && !string.Equals(igw.AttachedVpcId, context.Vpc.VpcId, StringComparison.Ordinal))
            {
                return new PublicPath(NetworkCheckStatus.Failed, prefix + " routes to " + igw.InternetGatewayId + ", which is not attached to " + context.Vpc.VpcId + ".", "Attach the internet gateway to the VPC.");
            }

            return new PublicPath(NetworkCheckStatus.Passed, prefix + " routes " + onward.Describe() + ".", null);
        }

        if (onward.TargetKind == RouteTargetKind.NatGateway)
        {
            return new PublicPath(NetworkCheckStatus.Failed, prefix + " routes " + onward.Describe() + " instead of to an internet gateway.", "Route 0.0.0.0/0 in the NAT gateway's subnet to an internet gateway.");
        }

        return new PublicPath(NetworkCheckStatus.Warning, prefix + " routes " + onward.Describe() + ": the path beyond it is not visible from this VPC.", null);
    }

    // Longest-prefix match: a narrower public route (say 52.0.0.0/8 to a TGW) wins for the addresses it covers.
    private static string MoreSpecificPublicRoutes(RouteTable table)
    {
        var narrower = table.Routes.Where(r => r.TargetKind != RouteTargetKind.Local && Ipv4Range.TryParse(r.DestinationCidrBlock, out var d) && !d.IsAny && !d.IsNonPublic).ToList();
        return narrower.Count == 0
            ? string.Empty
            : " (more specific public routes may carry part of the service's addresses: " + string.Join(", ", narrower.Select(r => r.Describe())) + ")";
    }

    private static Route? DefaultRoute(RouteTable table) =>
        table.Routes.FirstOrDefault(r => Ipv4Range.TryParse(r.DestinationCidrBlock, out var d) && d.IsAny);

    private static Route? FindGatewayEndpointRoute(NetworkSnapshot snapshot, RouteTable table, string serviceName, out ManagedPrefixList? prefixList, out VpcEndpoint? endpoint)
    {
        foreach (var route in table.Routes)
        {
            if (string.IsNullOrEmpty(route.DestinationPrefixListId))
            {
                continue;
            }

            var list = snapshot.FindPrefixList(route.DestinationPrefixListId);
            var target = route.TargetKind == RouteTargetKind.VpcEndpoint ? snapshot.FindVpcEndpoint(route.TargetId) : null;
            if (string.Equals(list?.Name, serviceName, StringComparison.OrdinalIgnoreCase)
                || (target is not null && target.EndpointType == VpcEndpointType.Gateway && string.Equals(target.ServiceName, serviceName, StringComparison.OrdinalIgnoreCase)))
            {
                prefixList = list ?? snapshot.FindPrefixListByName(serviceName);
                endpoint = target;
                return route;
            }
        }

        prefixList = null;
        endpoint = null;
        return null;
    }
}
