using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>The instance's own network facts, resolved once and shared by every service's checks.</summary>
internal sealed class InstanceNetwork
{
    private InstanceNetwork(Ec2Instance instance, Vpc vpc, Subnet subnet, RouteTable routeTable, bool mainFallback, Ipv4Range address,
        List<SecurityGroup> groups, List<string> missingGroups)
    {
        Instance = instance;
        Vpc = vpc;
        Subnet = subnet;
        RouteTable = routeTable;
        RouteTableLabel = mainFallback
            ? routeTable.RouteTableId + " (main table: " + subnet.SubnetId + " has no explicit association)"
            : routeTable.RouteTableId;
        InstanceAddress = address;
        SecurityGroups = groups;
        SecurityGroupIds = new HashSet<string>(instance.SecurityGroupIds, StringComparer.Ordinal);
        MissingSecurityGroupIds = missingGroups;
    }

    public Ec2Instance Instance { get; }

    public Vpc Vpc { get; }

    public Subnet Subnet { get; }

    public RouteTable RouteTable { get; }

    public string RouteTableLabel { get; }

    public Ipv4Range InstanceAddress { get; }

    public IReadOnlyList<SecurityGroup> SecurityGroups { get; }

    public HashSet<string> SecurityGroupIds { get; }

    public IReadOnlyList<string> MissingSecurityGroupIds { get; }

    public static InstanceNetwork? Create(NetworkSnapshot snapshot, Ec2Instance instance, out (string Detail, string Remediation)? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(instance.VpcId) || string.IsNullOrEmpty(instance.SubnetId))
        {
            problem = ("The instance has no VPC/subnet (state " + instance.State + "); the network path cannot be evaluated.", "Start the instance, or check it is not terminated.");
            return null;
        }

        var vpc = snapshot.FindVpc(instance.VpcId);
        var subnet = snapshot.FindSubnet(instance.SubnetId);
        if (vpc is null || subnet is null)
        {
            problem = Missing(snapshot, instance.VpcId!, vpc is null ? instance.VpcId! : instance.SubnetId!, vpc is null ? "ec2:DescribeVpcs" : "ec2:DescribeSubnets");
            return null;
        }

        var table = snapshot.RouteTableForSubnet(subnet.SubnetId, vpc.VpcId, out var mainFallback);
        if (table is null)
        {
            problem = Missing(snapshot, vpc.VpcId, "the route table of " + subnet.SubnetId, "ec2:DescribeRouteTables");
            return null;
        }

        if (!Ipv4Range.TryParse(instance.PrivateIpAddress, out var address))
        {
            problem = ("The instance has no private IPv4 address; IPv6-only paths are not evaluated.", "Give the instance an IPv4 address, or check IPv6 reachability of the dual-stack endpoints yourself.");
            return null;
        }

        var groups = new List<SecurityGroup>();
        var missing = new List<string>();
        foreach (var groupId in instance.SecurityGroupIds)
        {
            var group = snapshot.FindSecurityGroup(groupId);
            if (group is null)
            {
                missing.Add(groupId);
            }
            else
            {
                groups.Add(group);
            }
        }

        return new InstanceNetwork(instance, vpc, subnet, table, mainFallback, address, groups, missing);
    }

    private static (string, string) Missing(NetworkSnapshot snapshot, string vpcId, string what, string operation)
    {
        var gap = snapshot.FindGap(vpcId, operation) ?? snapshot.FindGap(vpcId);
        return gap is null
            ? ("The network data of " + what + " is not in the snapshot.", "Check that " + operation + " returns it.")
            : (gap.Describe(), gap.Remediation());
    }
}

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

/// <summary>How one service is reached from the instance: through its interface endpoint, or the public path.</summary>
internal sealed class ServicePath
{
    private ServicePath(string service, string endpointServiceName, PublicPath publicPath)
    {
        Service = service;
        EndpointServiceName = endpointServiceName;
        Public = publicPath;
    }

    public string Service { get; }

    public string EndpointServiceName { get; }

    /// <summary>The best interface endpoint for the service in the VPC (usable or not), if any.</summary>
    public VpcEndpoint? Interface { get; private set; }

    public VpcEndpoint? Gateway { get; private set; }

    /// <summary>True when the service name resolves to the interface endpoint: available, private DNS on, VPC DNS on.</summary>
    public bool UsesInterface { get; private set; }

    public string? InterfaceUnusableReason { get; private set; }

    public string? InterfaceUnusableRemediation { get; private set; }

    public IReadOnlyList<(Ipv4Range Address, string SubnetId)> EndpointAddresses { get; private set; } = Array.Empty<(Ipv4Range, string)>();

    public PublicPath Public { get; }

    public static ServicePath Create(NetworkSnapshot snapshot, InstanceNetwork context, string service)
    {
        var name = NetworkServices.EndpointServiceName(snapshot.Region, service);
        var candidates = snapshot.EndpointsInVpc(context.Vpc.VpcId).Where(e => string.Equals(e.ServiceName, name, StringComparison.OrdinalIgnoreCase)).ToList();
        var path = new ServicePath(service, name, PublicPath.Evaluate(snapshot, context, name))
        {
            Interface = candidates.Where(e => e.EndpointType == VpcEndpointType.Interface)
                .OrderByDescending(e => e.IsAvailable && e.PrivateDnsEnabled).ThenByDescending(e => e.IsAvailable).FirstOrDefault(),
            Gateway = candidates.FirstOrDefault(e => e.EndpointType == VpcEndpointType.Gateway),
        };

        var endpoint = path.Interface;
        if (endpoint is null)
        {
            return path;
        }

        if (!endpoint.IsAvailable)
        {
            path.InterfaceUnusableReason = "its state is " + endpoint.State;
            path.InterfaceUnusableRemediation = "Accept or recreate the endpoint so it becomes available.";
        }
        else if (!endpoint.PrivateDnsEnabled)
        {
            path.InterfaceUnusableReason = "private DNS is off";
            path.InterfaceUnusableRemediation = "Turn on private DNS for " + endpoint.VpcEndpointId + " (ModifyVpcEndpoint PrivateDnsEnabled).";
        }
        else if (context.Vpc.EnableDnsSupport == false || context.Vpc.EnableDnsHostnames == false)
        {
            path.InterfaceUnusableReason = "the VPC's enableDnsSupport/enableDnsHostnames is off, so its private DNS name does not resolve";
            path.InterfaceUnusableRemediation = "Turn on enableDnsSupport and enableDnsHostnames on " + context.Vpc.VpcId + ".";
        }
        else
        {
            path.UsesInterface = true;
        }

        path.EndpointAddresses = Addresses(snapshot, context, endpoint);
        return path;
    }

    // The regional private DNS name returns every ENI's address, so each one must be reachable.
    private static List<(Ipv4Range, string)> Addresses(NetworkSnapshot snapshot, InstanceNetwork context, VpcEndpoint endpoint)
    {
        var addresses = new List<(Ipv4Range, string)>();
        foreach (var eni in endpoint.NetworkInterfaces)
        {
            if (Ipv4Range.TryParse(eni.PrivateIpAddress, out var address))
            {
                addresses.Add((address, eni.SubnetId));
            }
        }

        if (addresses.Count == 0)
        {
            foreach (var subnetId in endpoint.SubnetIds)
            {
                if (Ipv4Range.TryParse(snapshot.FindSubnet(subnetId)?.CidrBlock, out var cidr))
                {
                    addresses.Add((cidr, subnetId));
                }
            }
        }

        if (addresses.Count == 0 && context.Vpc.CidrBlocks.Count > 0 && Ipv4Range.TryParse(context.Vpc.CidrBlocks[0], out var vpcCidr))
        {
            addresses.Add((vpcCidr, endpoint.SubnetIds.FirstOrDefault() ?? string.Empty));
        }

        return addresses;
    }
}
