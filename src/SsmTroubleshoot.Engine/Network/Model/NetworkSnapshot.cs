using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network;

namespace SsmTroubleshoot.Network.Model;

/// <summary>What the fetcher read for a set of instances: plain lists, no AWS SDK types.</summary>
public sealed record NetworkInventory
{
    public string Region { get; init; } = string.Empty;

    public IReadOnlyList<Ec2Instance> Instances { get; init; } = Array.Empty<Ec2Instance>();

    public IReadOnlyList<Vpc> Vpcs { get; init; } = Array.Empty<Vpc>();

    public IReadOnlyList<Subnet> Subnets { get; init; } = Array.Empty<Subnet>();

    public IReadOnlyList<RouteTable> RouteTables { get; init; } = Array.Empty<RouteTable>();

    public IReadOnlyList<NetworkAcl> NetworkAcls { get; init; } = Array.Empty<NetworkAcl>();

    public IReadOnlyList<SecurityGroup> SecurityGroups { get; init; } = Array.Empty<SecurityGroup>();

    public IReadOnlyList<ManagedPrefixList> PrefixLists { get; init; } = Array.Empty<ManagedPrefixList>();

    public IReadOnlyList<VpcEndpoint> VpcEndpoints { get; init; } = Array.Empty<VpcEndpoint>();

    public IReadOnlyList<NatGateway> NatGateways { get; init; } = Array.Empty<NatGateway>();

    public IReadOnlyList<InternetGateway> InternetGateways { get; init; } = Array.Empty<InternetGateway>();

    public IReadOnlyList<InstanceProfile> InstanceProfiles { get; init; } = Array.Empty<InstanceProfile>();

    public IReadOnlyList<IamRole> Roles { get; init; } = Array.Empty<IamRole>();

    public IReadOnlyList<SsmInstanceInfo> SsmInstances { get; init; } = Array.Empty<SsmInstanceInfo>();

    /// <summary>null when GetServiceSetting could not be read (see Gaps).</summary>
    public DefaultHostManagementSetting? DefaultHostManagement { get; init; }

    public IReadOnlyList<DataGap> Gaps { get; init; } = Array.Empty<DataGap>();
}

/// <summary>The inventory indexed by id and by VPC, so evaluating one instance is a handful of dictionary lookups.</summary>
public sealed class NetworkSnapshot
{
    /// <summary>Resource id of the gap recorded when the DHMC service setting cannot be read.</summary>
    public const string DefaultHostManagementResource = "dhmc";

    private static readonly IReadOnlyList<VpcEndpoint> NoEndpoints = Array.Empty<VpcEndpoint>();
    private readonly Dictionary<string, Ec2Instance> instances;
    private readonly Dictionary<string, Vpc> vpcs;
    private readonly Dictionary<string, Subnet> subnets;
    private readonly Dictionary<string, RouteTable> routeTables;
    private readonly Dictionary<string, RouteTable> routeTableBySubnet;
    private readonly Dictionary<string, RouteTable> mainRouteTableByVpc;
    private readonly Dictionary<string, NetworkAcl> networkAclBySubnet;
    private readonly Dictionary<string, SecurityGroup> securityGroups;
    private readonly Dictionary<string, ManagedPrefixList> prefixListsById;
    private readonly Dictionary<string, ManagedPrefixList> prefixListsByName;
    private readonly Dictionary<string, List<VpcEndpoint>> endpointsByVpc;
    private readonly Dictionary<string, VpcEndpoint> endpoints;
    private readonly Dictionary<string, NatGateway> natGateways;
    private readonly Dictionary<string, InternetGateway> internetGateways;
    private readonly Dictionary<string, InstanceProfile> instanceProfiles;
    private readonly Dictionary<string, IamRole> roles;
    private readonly Dictionary<string, SsmInstanceInfo> ssmInstances;
    private readonly Dictionary<string, List<DataGap>> gaps;
    private readonly Dictionary<string, SortedAclEntries> sortedAclEntries;

    /// <summary>NACL decisions shared by every instance behind the same ACL (rule walks are pure).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<(string AclId, bool Egress, Ipv4Range Remote, PortRange Ports), (Ipv4Range Remote, NaclOutcome Outcome, string Detail)> NaclDecisions { get; }
        = new();

    public NetworkSnapshot(NetworkInventory inventory)
    {
        Inventory = inventory ?? throw new ArgumentNullException(nameof(inventory));
        instances = Index(inventory.Instances, i => i.InstanceId);
        vpcs = Index(inventory.Vpcs, v => v.VpcId);
        subnets = Index(inventory.Subnets, s => s.SubnetId);
        routeTables = Index(inventory.RouteTables, r => r.RouteTableId);
        routeTableBySubnet = new Dictionary<string, RouteTable>(StringComparer.Ordinal);
        mainRouteTableByVpc = new Dictionary<string, RouteTable>(StringComparer.Ordinal);
        foreach (var table in inventory.RouteTables)
        {
            foreach (var subnetId in table.SubnetIds)
            {
                routeTableBySubnet[subnetId] = table;
            }

            if (table.IsMain)
            {
                mainRouteTableByVpc[table.VpcId] = table;
            }
        }

        networkAclBySubnet = new Dictionary<string, NetworkAcl>(StringComparer.Ordinal);
        foreach (var acl in inventory.NetworkAcls)
        {
            foreach (var subnetId in acl.SubnetIds)
            {
                networkAclBySubnet[subnetId] = acl;
            }
        }

        sortedAclEntries = new Dictionary<string, SortedAclEntries>(StringComparer.Ordinal);
        foreach (var acl in inventory.NetworkAcls)
        {
            sortedAclEntries[acl.NetworkAclId] = new SortedAclEntries(acl);
        }

        securityGroups = Index(inventory.SecurityGroups, g => g.GroupId);
        prefixListsById = Index(inventory.PrefixLists, p => p.PrefixListId);
        prefixListsByName = Index(inventory.PrefixLists.Where(p => p.Name.Length > 0), p => p.Name);
        endpoints = Index(inventory.VpcEndpoints, e => e.VpcEndpointId);
        endpointsByVpc = new Dictionary<string, List<VpcEndpoint>>(StringComparer.Ordinal);
        foreach (var endpoint in inventory.VpcEndpoints)
        {
            if (!endpointsByVpc.TryGetValue(endpoint.VpcId, out var list))
            {
                endpointsByVpc[endpoint.VpcId] = list = new List<VpcEndpoint>();
            }

            list.Add(endpoint);
        }

        natGateways = Index(inventory.NatGateways, n => n.NatGatewayId);
        internetGateways = Index(inventory.InternetGateways, g => g.InternetGatewayId);
        instanceProfiles = Index(inventory.InstanceProfiles, p => p.Arn);
        roles = Index(inventory.Roles, r => r.RoleName);
        ssmInstances = Index(inventory.SsmInstances, s => s.InstanceId);
        gaps = new Dictionary<string, List<DataGap>>(StringComparer.Ordinal);
        foreach (var gap in inventory.Gaps)
        {
            if (!gaps.TryGetValue(gap.ResourceId, out var list))
            {
                gaps[gap.ResourceId] = list = new List<DataGap>();
            }

            list.Add(gap);
        }
    }

    public NetworkInventory Inventory { get; }

    public string Region => Inventory.Region;

    public DefaultHostManagementSetting? DefaultHostManagement => Inventory.DefaultHostManagement;

    public IEnumerable<string> InstanceIds => Inventory.Instances.Select(i => i.InstanceId);

    public Ec2Instance? FindInstance(string instanceId) => Find(instances, instanceId);

    public Vpc? FindVpc(string? vpcId) => Find(vpcs, vpcId);

    public Subnet? FindSubnet(string? subnetId) => Find(subnets, subnetId);

    public RouteTable? FindRouteTable(string? routeTableId) => Find(routeTables, routeTableId);

    /// <summary>The table that routes a subnet: its explicit association, else the VPC's main table.</summary>
    public RouteTable? RouteTableForSubnet(string subnetId, string vpcId, out bool isMainFallback)
    {
        if (routeTableBySubnet.TryGetValue(subnetId, out var table))
        {
            isMainFallback = false;
            return table;
        }

        isMainFallback = true;
        return Find(mainRouteTableByVpc, vpcId);
    }

    public NetworkAcl? NetworkAclForSubnet(string? subnetId) => Find(networkAclBySubnet, subnetId);

    public SecurityGroup? FindSecurityGroup(string? groupId) => Find(securityGroups, groupId);

    public ManagedPrefixList? FindPrefixList(string? prefixListId) => Find(prefixListsById, prefixListId);

    public ManagedPrefixList? FindPrefixListByName(string? name) => Find(prefixListsByName, name);

    public VpcEndpoint? FindVpcEndpoint(string? endpointId) => Find(endpoints, endpointId);

    public IReadOnlyList<VpcEndpoint> EndpointsInVpc(string? vpcId) =>
        vpcId is not null && endpointsByVpc.TryGetValue(vpcId, out var list) ? list : NoEndpoints;

    public NatGateway? FindNatGateway(string? natGatewayId) => Find(natGateways, natGatewayId);

    public InternetGateway? FindInternetGateway(string? internetGatewayId) => Find(internetGateways, internetGatewayId);

    public InstanceProfile? FindInstanceProfile(string? arn) => Find(instanceProfiles, arn);

    public IamRole? FindRole(string? roleName) => Find(roles, roleName);

    public SsmInstanceInfo? FindSsmInstance(string? instanceId) => Find(ssmInstances, instanceId);

    /// <summary>The first recorded failure to read data about a resource, optionally limited to some operations.</summary>
    public DataGap? FindGap(string? resourceId, params string[] operations)
    {
        if (resourceId is null || !gaps.TryGetValue(resourceId, out var list))
        {
            return null;
        }

        foreach (var gap in list)
        {
            if (operations.Length == 0 || Array.IndexOf(operations, gap.Operation) >= 0)
            {
                return gap;
            }
        }

        return null;
    }

    /// <summary>A NACL's IPv4 entries of one direction, parsed and in rule-number order (sorted once per snapshot).</summary>
    internal IReadOnlyList<ParsedAclEntry> OrderedEntries(NetworkAcl acl, bool egress)
    {
        if (!sortedAclEntries.TryGetValue(acl.NetworkAclId, out var sorted) || !ReferenceEquals(sorted.Acl, acl))
        {
            sorted = new SortedAclEntries(acl);
        }

        return egress ? sorted.Egress : sorted.Ingress;
    }

    private static Dictionary<string, T> Index<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var index = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            index[key(item)] = item; // last one wins: a re-read replaces a stale entry
        }

        return index;
    }

    private static T? Find<T>(Dictionary<string, T> index, string? key)
        where T : class => key is not null && index.TryGetValue(key, out var value) ? value : null;
}

internal sealed class ParsedAclEntry
{
    public ParsedAclEntry(NetworkAclEntry entry, Ipv4Range cidr, PortRange ports)
    {
        Entry = entry;
        Cidr = cidr;
        Ports = ports;
    }

    public NetworkAclEntry Entry { get; }

    public Ipv4Range Cidr { get; }

    public PortRange Ports { get; }
}

internal sealed class SortedAclEntries
{
    public SortedAclEntries(NetworkAcl acl)
    {
        Acl = acl;
        Egress = Parse(acl, egress: true);
        Ingress = Parse(acl, egress: false);
    }

    public NetworkAcl Acl { get; }

    public IReadOnlyList<ParsedAclEntry> Egress { get; }

    public IReadOnlyList<ParsedAclEntry> Ingress { get; }

    // Only TCP-capable IPv4 entries can decide the agent's traffic; IPv6 and other protocols never match it.
    private static List<ParsedAclEntry> Parse(NetworkAcl acl, bool egress) => acl.Entries
        .Where(e => e.Egress == egress && IpProtocol.CoversTcp(e.Protocol))
        .OrderBy(e => e.RuleNumber)
        .Select(e => Ipv4Range.TryParse(e.CidrBlock, out var cidr)
            ? new ParsedAclEntry(e, cidr, IpProtocol.IsAll(e.Protocol) ? PortRange.All : e.PortRange ?? PortRange.All)
            : null)
        .Where(e => e is not null)
        .Select(e => e!)
        .ToList();
}
