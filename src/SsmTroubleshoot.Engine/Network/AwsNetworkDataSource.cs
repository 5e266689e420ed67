using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using AmazonEC2Exception = Amazon.EC2.AmazonEC2Exception;
using IAmazonEC2 = Amazon.EC2.IAmazonEC2;
using VpcAttributeName = Amazon.EC2.VpcAttributeName;
using Amazon.SimpleSystemsManagement;
using SsmTroubleshoot.Network.Model;
using Ec2 = Amazon.EC2.Model;
using Ssm = Amazon.SimpleSystemsManagement.Model;

namespace SsmTroubleshoot.Network;

/// <summary>
/// <see cref="INetworkDataSource"/> over the AWS SDK clients. Maps SDK shapes to the snapshot model at the edge, so no
/// SDK type leaves this class. SDK v4 leaves absent lists null and scalars nullable: every read is guarded.
/// </summary>
public sealed class AwsNetworkDataSource : INetworkDataSource
{
    /// <summary>DescribeInstances accepts up to 1000 InstanceIds per call.</summary>
    public const int InstanceIdBatchSize = 1000;

    /// <summary>Values per EC2 filter; larger sets are split.</summary>
    public const int FilterValueBatchSize = 200;

    /// <summary>DescribeInstanceInformation returns at most 50 per page; the InstanceIds filter is sent in batches of that size.</summary>
    public const int SsmBatchSize = 50;

    public const string DefaultHostManagementSettingId = "/ssm/managed-instance/default-ec2-instance-management-role";

    private static readonly Regex InstanceIdInMessage = new(@"\bi-[0-9a-f]{8,17}\b", RegexOptions.CultureInvariant);
    private readonly IAmazonEC2 ec2;
    private readonly IAmazonSimpleSystemsManagement ssm;
    private readonly Action<string>? log;

    /// <param name="ec2">The EC2 client (region, credentials, endpoint and retry policy set by the caller).</param>
    /// <param name="ssm">The SSM client.</param>
    /// <param name="log">Receives one line per API call (the cmdlet's Verbose stream); may be called from any thread.</param>
    public AwsNetworkDataSource(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, Action<string>? log = null)
    {
        this.ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        this.ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));
        this.log = log;
    }

    public async Task<InstanceLookup> DescribeInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        if (instanceIds is null)
        {
            throw new ArgumentNullException(nameof(instanceIds));
        }

        var found = new List<Ec2Instance>();
        var unknown = new List<string>();
        foreach (var batch in Batches(instanceIds.Distinct(StringComparer.Ordinal).ToList(), InstanceIdBatchSize))
        {
            var pending = batch;
            while (pending.Count > 0)
            {
                try
                {
                    found.AddRange(await DescribeInstancesPagesAsync(new Ec2.DescribeInstancesRequest { InstanceIds = pending }, cancellationToken).ConfigureAwait(false));
                    break;
                }
                catch (AmazonEC2Exception ex) when (ex.ErrorCode == "InvalidInstanceID.NotFound")
                {
                    var named = InstanceIdInMessage.Matches(ex.Message).Cast<Match>().Select(m => m.Value).Where(pending.Contains).Distinct().ToList();
                    if (named.Count == 0)
                    {
                        // The message named nothing we sent: a filter ignores unknown ids instead of failing.
                        var byFilter = new List<Ec2Instance>();
                        foreach (var part in Batches(pending, FilterValueBatchSize))
                        {
                            byFilter.AddRange(await DescribeInstancesPagesAsync(
                                new Ec2.DescribeInstancesRequest { Filters = new List<Ec2.Filter> { new("instance-id", part) } }, cancellationToken).ConfigureAwait(false));
                        }

                        found.AddRange(byFilter);
                        unknown.AddRange(pending.Except(byFilter.Select(i => i.InstanceId), StringComparer.Ordinal));
                        break;
                    }

                    unknown.AddRange(named);
                    pending = pending.Except(named, StringComparer.Ordinal).ToList();
                }
            }
        }

        return new InstanceLookup(found, unknown);
    }

    public Task<IReadOnlyList<Ec2Instance>> DescribeInstancesAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken) =>
        DescribeInstancesPagesAsync(new Ec2.DescribeInstancesRequest { Filters = (filters ?? Array.Empty<Ec2Filter>()).Select(ToSdk).ToList(), MaxResults = 1000 }, cancellationToken);

    public async Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var vpcs = new List<Vpc>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeVpcs", part.Count, "VPC");
                var response = await ec2.DescribeVpcsAsync(new Ec2.DescribeVpcsRequest { Filters = VpcFilter(part), NextToken = token }, cancellationToken).ConfigureAwait(false);
                vpcs.AddRange((response.Vpcs ?? new List<Ec2.Vpc>()).Select(v => new Vpc
                {
                    VpcId = v.VpcId,
                    CidrBlocks = (v.CidrBlockAssociationSet ?? new List<Ec2.VpcCidrBlockAssociation>()).Select(a => a.CidrBlock).Where(c => c is not null)
                        .DefaultIfEmpty(v.CidrBlock).Where(c => c is not null).ToArray(),
                    Ipv6CidrBlocks = (v.Ipv6CidrBlockAssociationSet ?? new List<Ec2.VpcIpv6CidrBlockAssociation>()).Select(a => a.Ipv6CidrBlock).Where(c => c is not null).ToArray(),
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return vpcs;
    }

    public async Task<(bool EnableDnsSupport, bool EnableDnsHostnames)> DescribeVpcDnsAttributesAsync(string vpcId, CancellationToken cancellationToken)
    {
        Log("ec2:DescribeVpcAttribute enableDnsSupport " + vpcId);
        var support = await ec2.DescribeVpcAttributeAsync(new Ec2.DescribeVpcAttributeRequest { VpcId = vpcId, Attribute = VpcAttributeName.EnableDnsSupport }, cancellationToken).ConfigureAwait(false);
        Log("ec2:DescribeVpcAttribute enableDnsHostnames " + vpcId);
        var hostnames = await ec2.DescribeVpcAttributeAsync(new Ec2.DescribeVpcAttributeRequest { VpcId = vpcId, Attribute = VpcAttributeName.EnableDnsHostnames }, cancellationToken).ConfigureAwait(false);
        return (support.EnableDnsSupport ?? false, hostnames.EnableDnsHostnames ?? false);
    }

    public async Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var subnets = new List<Subnet>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeSubnets", part.Count, "VPC");
                var response = await ec2.DescribeSubnetsAsync(new Ec2.DescribeSubnetsRequest { Filters = VpcFilter(part), NextToken = token }, cancellationToken).ConfigureAwait(false);
                subnets.AddRange((response.Subnets ?? new List<Ec2.Subnet>()).Select(s => new Subnet
                {
                    SubnetId = s.SubnetId, VpcId = s.VpcId, CidrBlock = s.CidrBlock, AvailabilityZone = s.AvailabilityZone,
                    Ipv6CidrBlock = s.Ipv6CidrBlockAssociationSet?.FirstOrDefault()?.Ipv6CidrBlock,
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return subnets;
    }

    public async Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var tables = new List<RouteTable>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeRouteTables", part.Count, "VPC");
                var response = await ec2.DescribeRouteTablesAsync(new Ec2.DescribeRouteTablesRequest { Filters = VpcFilter(part), NextToken = token }, cancellationToken).ConfigureAwait(false);
                tables.AddRange((response.RouteTables ?? new List<Ec2.RouteTable>()).Select(ToModel));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return tables;
    }

    public async Task<IReadOnlyList<NetworkAcl>> DescribeNetworkAclsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var acls = new List<NetworkAcl>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeNetworkAcls", part.Count, "VPC");
                var response = await ec2.DescribeNetworkAclsAsync(new Ec2.DescribeNetworkAclsRequest { Filters = VpcFilter(part), NextToken = token }, cancellationToken).ConfigureAwait(false);
                acls.AddRange((response.NetworkAcls ?? new List<Ec2.NetworkAcl>()).Select(a => new NetworkAcl
                {
                    NetworkAclId = a.NetworkAclId, VpcId = a.VpcId, IsDefault = a.IsDefault ?? false,
                    SubnetIds = (a.Associations ?? new List<Ec2.NetworkAclAssociation>()).Select(x => x.SubnetId).Where(x => x is not null).ToArray(),
                    Entries = (a.Entries ?? new List<Ec2.NetworkAclEntry>()).Select(e => new NetworkAclEntry
                    {
                        RuleNumber = e.RuleNumber ?? 0, Egress = e.Egress ?? false, Protocol = e.Protocol ?? IpProtocol.All,
                        PortRange = e.PortRange is { From: { } from, To: { } to } ? new PortRange(from, to) : null,
                        CidrBlock = e.CidrBlock, Ipv6CidrBlock = e.Ipv6CidrBlock,
                        RuleAction = string.Equals(e.RuleAction?.Value, "allow", StringComparison.OrdinalIgnoreCase) ? RuleAction.Allow : RuleAction.Deny,
                    }).ToArray(),
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return acls;
    }

    public async Task<IReadOnlyList<SecurityGroup>> DescribeSecurityGroupsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var groups = new List<SecurityGroup>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeSecurityGroups", part.Count, "VPC");
                var response = await ec2.DescribeSecurityGroupsAsync(new Ec2.DescribeSecurityGroupsRequest { Filters = VpcFilter(part), NextToken = token, MaxResults = 1000 }, cancellationToken).ConfigureAwait(false);
                groups.AddRange((response.SecurityGroups ?? new List<Ec2.SecurityGroup>()).Select(g => new SecurityGroup
                {
                    GroupId = g.GroupId, GroupName = g.GroupName ?? string.Empty, VpcId = g.VpcId ?? string.Empty,
                    Ingress = (g.IpPermissions ?? new List<Ec2.IpPermission>()).Select(ToModel).ToArray(),
                    Egress = (g.IpPermissionsEgress ?? new List<Ec2.IpPermission>()).Select(ToModel).ToArray(),
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return groups;
    }

    public async Task<IReadOnlyList<VpcEndpoint>> DescribeVpcEndpointsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var endpoints = new List<VpcEndpoint>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeVpcEndpoints", part.Count, "VPC");
                var response = await ec2.DescribeVpcEndpointsAsync(new Ec2.DescribeVpcEndpointsRequest { Filters = VpcFilter(part), NextToken = token }, cancellationToken).ConfigureAwait(false);
                endpoints.AddRange((response.VpcEndpoints ?? new List<Ec2.VpcEndpoint>()).Select(e => new VpcEndpoint
                {
                    VpcEndpointId = e.VpcEndpointId, VpcId = e.VpcId, ServiceName = e.ServiceName ?? string.Empty,
                    EndpointType = e.VpcEndpointType?.Value switch
                    {
                        "Interface" => VpcEndpointType.Interface,
                        "Gateway" => VpcEndpointType.Gateway,
                        "GatewayLoadBalancer" => VpcEndpointType.GatewayLoadBalancer,
                        _ => VpcEndpointType.Other,
                    },
                    State = e.State?.Value ?? string.Empty,
                    PrivateDnsEnabled = e.PrivateDnsEnabled ?? false,
                    PolicyDocument = e.PolicyDocument,
                    SecurityGroupIds = (e.Groups ?? new List<Ec2.SecurityGroupIdentifier>()).Select(g => g.GroupId).Where(g => g is not null).ToArray(),
                    SubnetIds = (e.SubnetIds ?? new List<string>()).ToArray(),
                    RouteTableIds = (e.RouteTableIds ?? new List<string>()).ToArray(),
                    // Ids only: the ENI read supplies subnet and IP (see the fetcher's merge).
                    NetworkInterfaces = (e.NetworkInterfaceIds ?? new List<string>()).Select(id => new EndpointNetworkInterface { NetworkInterfaceId = id }).ToArray(),
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return endpoints;
    }

    public async Task<IReadOnlyList<EndpointNetworkInterface>> DescribeEndpointNetworkInterfacesAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var interfaces = new List<EndpointNetworkInterface>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeNetworkInterfaces (vpc_endpoint)", part.Count, "VPC");
                var filters = VpcFilter(part);
                filters.Add(new Ec2.Filter("interface-type", new List<string> { "vpc_endpoint" }));
                var response = await ec2.DescribeNetworkInterfacesAsync(new Ec2.DescribeNetworkInterfacesRequest { Filters = filters, NextToken = token, MaxResults = 1000 }, cancellationToken).ConfigureAwait(false);
                interfaces.AddRange((response.NetworkInterfaces ?? new List<Ec2.NetworkInterface>()).Select(n => new EndpointNetworkInterface
                {
                    NetworkInterfaceId = n.NetworkInterfaceId, SubnetId = n.SubnetId ?? string.Empty, PrivateIpAddress = n.PrivateIpAddress ?? string.Empty,
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return interfaces;
    }

    public async Task<IReadOnlyList<NatGateway>> DescribeNatGatewaysAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var gateways = new List<NatGateway>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeNatGateways", part.Count, "VPC");
                var response = await ec2.DescribeNatGatewaysAsync(new Ec2.DescribeNatGatewaysRequest { Filter = VpcFilter(part), NextToken = token, MaxResults = 1000 }, cancellationToken).ConfigureAwait(false);
                gateways.AddRange((response.NatGateways ?? new List<Ec2.NatGateway>()).Select(n => new NatGateway
                {
                    NatGatewayId = n.NatGatewayId, VpcId = n.VpcId ?? string.Empty, SubnetId = n.SubnetId ?? string.Empty, State = n.State?.Value ?? string.Empty,
                    Connectivity = string.Equals(n.ConnectivityType?.Value, "private", StringComparison.OrdinalIgnoreCase) ? NatConnectivity.Private : NatConnectivity.Public,
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return gateways;
    }

    public async Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken)
    {
        var gateways = new List<InternetGateway>();
        foreach (var part in Batches(vpcIds.ToList(), FilterValueBatchSize))
        {
            string? token = null;
            do
            {
                Log("ec2:DescribeInternetGateways", part.Count, "VPC");
                var response = await ec2.DescribeInternetGatewaysAsync(new Ec2.DescribeInternetGatewaysRequest
                {
                    Filters = new List<Ec2.Filter> { new("attachment.vpc-id", part) }, NextToken = token,
                }, cancellationToken).ConfigureAwait(false);
                gateways.AddRange((response.InternetGateways ?? new List<Ec2.InternetGateway>()).Select(g => new InternetGateway
                {
                    InternetGatewayId = g.InternetGatewayId,
                    AttachedVpcId = (g.Attachments ?? new List<Ec2.InternetGatewayAttachment>())
                        .FirstOrDefault(a => string.Equals(a.State?.Value, "available", StringComparison.OrdinalIgnoreCase) || string.Equals(a.State?.Value, "attached", StringComparison.OrdinalIgnoreCase))?.VpcId,
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return gateways;
    }

    public async Task<IReadOnlyList<ManagedPrefixList>> DescribePrefixListsAsync(IReadOnlyCollection<string> prefixListIds, CancellationToken cancellationToken)
    {
        var lists = new List<ManagedPrefixList>();
        foreach (var part in Batches(prefixListIds.ToList(), FilterValueBatchSize))
        {
            var described = new List<Ec2.ManagedPrefixList>();
            string? token = null;
            do
            {
                Log("ec2:DescribeManagedPrefixLists", part.Count, "prefix list");
                var response = await ec2.DescribeManagedPrefixListsAsync(new Ec2.DescribeManagedPrefixListsRequest { PrefixListIds = part, NextToken = token }, cancellationToken).ConfigureAwait(false);
                described.AddRange(response.PrefixLists ?? new List<Ec2.ManagedPrefixList>());
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));

            foreach (var list in described)
            {
                var cidrs = new List<string>();
                string? entriesToken = null;
                do
                {
                    Log("ec2:GetManagedPrefixListEntries " + list.PrefixListId);
                    var entries = await ec2.GetManagedPrefixListEntriesAsync(new Ec2.GetManagedPrefixListEntriesRequest { PrefixListId = list.PrefixListId, NextToken = entriesToken }, cancellationToken).ConfigureAwait(false);
                    cidrs.AddRange((entries.Entries ?? new List<Ec2.PrefixListEntry>()).Select(e => e.Cidr).Where(c => c is not null));
                    entriesToken = entries.NextToken;
                }
                while (!string.IsNullOrEmpty(entriesToken));

                lists.Add(new ManagedPrefixList { PrefixListId = list.PrefixListId, Name = list.PrefixListName ?? string.Empty, Cidrs = cidrs });
            }
        }

        return lists;
    }

    public async Task<IReadOnlyList<SsmInstanceInfo>> DescribeInstanceInformationAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        var infos = new List<SsmInstanceInfo>();
        foreach (var part in Batches(instanceIds.ToList(), SsmBatchSize))
        {
            string? token = null;
            do
            {
                Log("ssm:DescribeInstanceInformation", part.Count, "instance id");
                var response = await ssm.DescribeInstanceInformationAsync(new Ssm.DescribeInstanceInformationRequest
                {
                    Filters = new List<Ssm.InstanceInformationStringFilter> { new() { Key = "InstanceIds", Values = part } },
                    MaxResults = SsmBatchSize,
                    NextToken = token,
                }, cancellationToken).ConfigureAwait(false);
                infos.AddRange((response.InstanceInformationList ?? new List<Ssm.InstanceInformation>()).Select(i => new SsmInstanceInfo
                {
                    InstanceId = i.InstanceId, PingStatus = i.PingStatus?.Value ?? string.Empty, AgentVersion = i.AgentVersion,
                    PlatformType = i.PlatformType?.Value, PlatformName = i.PlatformName, ResourceType = i.ResourceType?.Value, IamRole = i.IamRole,
                    LastPingDateTime = i.LastPingDateTime, ActivationId = i.ActivationId, ComputerName = i.ComputerName,
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return infos;
    }

    public async Task<DefaultHostManagementSetting> GetDefaultHostManagementAsync(CancellationToken cancellationToken)
    {
        Log("ssm:GetServiceSetting " + DefaultHostManagementSettingId);
        try
        {
            var response = await ssm.GetServiceSettingAsync(new Ssm.GetServiceSettingRequest { SettingId = DefaultHostManagementSettingId }, cancellationToken).ConfigureAwait(false);
            var value = response.ServiceSetting?.SettingValue;
            // An unset setting reads as "$None" or empty.
            return new DefaultHostManagementSetting { RoleName = string.IsNullOrEmpty(value) || value == "$None" ? null : value };
        }
        catch (Ssm.ServiceSettingNotFoundException)
        {
            return new DefaultHostManagementSetting();
        }
    }

    private async Task<IReadOnlyList<Ec2Instance>> DescribeInstancesPagesAsync(Ec2.DescribeInstancesRequest request, CancellationToken cancellationToken)
    {
        var instances = new List<Ec2Instance>();
        do
        {
            if (request.InstanceIds is { Count: > 0 } ids)
            {
                Log("ec2:DescribeInstances", ids.Count, "instance id");
            }
            else
            {
                Log("ec2:DescribeInstances " + string.Join(" ", (request.Filters ?? new List<Ec2.Filter>()).Select(f => f.Name + "=" + string.Join(",", f.Values ?? new List<string>()))));
            }
            var response = await ec2.DescribeInstancesAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var reservation in response.Reservations ?? new List<Ec2.Reservation>())
            {
                instances.AddRange((reservation.Instances ?? new List<Ec2.Instance>()).Select(ToModel));
            }

            request.NextToken = response.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));

        return instances;
    }

    private static Ec2Instance ToModel(Ec2.Instance i) => new()
    {
        InstanceId = i.InstanceId,
        Name = i.Tags?.FirstOrDefault(t => t.Key == "Name")?.Value,
        State = i.State?.Name?.Value ?? string.Empty,
        Platform = i.Platform?.Value,
        VpcId = i.VpcId,
        SubnetId = i.SubnetId,
        PrivateIpAddress = i.PrivateIpAddress,
        PublicIpAddress = i.PublicIpAddress,
        Ipv6Addresses = (i.NetworkInterfaces ?? new List<Ec2.InstanceNetworkInterface>())
            .SelectMany(n => n.Ipv6Addresses ?? new List<Ec2.InstanceIpv6Address>()).Select(a => a.Ipv6Address).Where(a => a is not null).ToArray(),
        SecurityGroupIds = (i.SecurityGroups ?? new List<Ec2.GroupIdentifier>()).Select(g => g.GroupId).Where(g => g is not null).ToArray(),
        InstanceProfileArn = i.IamInstanceProfile?.Arn,
        HttpTokens = string.Equals(i.MetadataOptions?.HttpTokens?.Value, "required", StringComparison.OrdinalIgnoreCase) ? ImdsTokens.Required : ImdsTokens.Optional,
        HttpPutResponseHopLimit = i.MetadataOptions?.HttpPutResponseHopLimit ?? 1,
        MetadataEndpointEnabled = !string.Equals(i.MetadataOptions?.HttpEndpoint?.Value, "disabled", StringComparison.OrdinalIgnoreCase),
    };

    private static RouteTable ToModel(Ec2.RouteTable table)
    {
        var associations = table.Associations ?? new List<Ec2.RouteTableAssociation>();
        return new RouteTable
        {
            RouteTableId = table.RouteTableId,
            VpcId = table.VpcId ?? string.Empty,
            IsMain = associations.Any(a => a.Main == true),
            SubnetIds = associations.Select(a => a.SubnetId).Where(s => !string.IsNullOrEmpty(s)).ToArray(),
            Routes = (table.Routes ?? new List<Ec2.Route>()).Select(r =>
            {
                var target = r.GatewayId ?? r.NatGatewayId ?? r.TransitGatewayId ?? r.VpcPeeringConnectionId ?? r.NetworkInterfaceId
                    ?? r.EgressOnlyInternetGatewayId ?? r.LocalGatewayId ?? r.CarrierGatewayId ?? r.CoreNetworkArn ?? r.InstanceId;
                return new Route
                {
                    DestinationCidrBlock = r.DestinationCidrBlock, DestinationIpv6CidrBlock = r.DestinationIpv6CidrBlock, DestinationPrefixListId = r.DestinationPrefixListId,
                    TargetId = target, TargetKind = Route.KindOf(target),
                    State = string.Equals(r.State?.Value, "blackhole", StringComparison.OrdinalIgnoreCase) ? RouteState.Blackhole : RouteState.Active,
                };
            }).ToArray(),
        };
    }

    private static SecurityGroupPermission ToModel(Ec2.IpPermission p) => new()
    {
        IpProtocol = p.IpProtocol ?? IpProtocol.All,
        FromPort = p.FromPort,
        ToPort = p.ToPort,
        Ipv4Ranges = (p.Ipv4Ranges ?? new List<Ec2.IpRange>()).Select(r => r.CidrIp).Where(c => c is not null).ToArray(),
        Ipv6Ranges = (p.Ipv6Ranges ?? new List<Ec2.Ipv6Range>()).Select(r => r.CidrIpv6).Where(c => c is not null).ToArray(),
        ReferencedGroupIds = (p.UserIdGroupPairs ?? new List<Ec2.UserIdGroupPair>()).Select(g => g.GroupId).Where(g => g is not null).ToArray(),
        PrefixListIds = (p.PrefixListIds ?? new List<Ec2.PrefixListId>()).Select(l => l.Id).Where(l => l is not null).ToArray(),
    };

    private static Ec2.Filter ToSdk(Ec2Filter filter) => new(filter.Name, filter.Values.ToList());

    private static List<Ec2.Filter> VpcFilter(List<string> vpcIds) => new() { new Ec2.Filter("vpc-id", vpcIds) };

    private static IEnumerable<List<string>> Batches(IReadOnlyList<string> items, int size)
    {
        for (var start = 0; start < items.Count; start += size)
        {
            yield return items.Skip(start).Take(size).ToList();
        }
    }

    private void Log(string operation, int count, string noun) =>
        log?.Invoke(operation + " (" + count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? ")" : "s)"));

    private void Log(string message) => log?.Invoke(message);
}
