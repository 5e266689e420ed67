using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;
using Ec2Filter = Amazon.EC2.Model.Filter;
using Ec2Instance = SsmTroubleshoot.Emulator.Model.Instance;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>Every EC2 operation the emulator serves, parsed by the real AmazonEC2Client.</summary>
public sealed class Ec2OperationTests : IAsyncLifetime
{
    private AwsEmulator _emu = null!;
    private IAmazonEC2 _ec2 = null!;

    public async Task InitializeAsync()
    {
        _emu = await TestAws.StartDemoAsync();
        _ec2 = TestAws.Factory(_emu).CreateEc2();
    }

    public async Task DisposeAsync()
    {
        _ec2.Dispose();
        await _emu.DisposeAsync();
    }

    private static Ec2Filter F(string name, params string[] values) => new() { Name = name, Values = values.ToList() };

    [Fact]
    public async Task DescribeInstances_returns_every_field_the_checks_read()
    {
        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-0a1b2c3d4e5f60002"] });
        var instance = Assert.Single(response.Reservations.SelectMany(r => r.Instances));
        Assert.Equal("i-0a1b2c3d4e5f60002", instance.InstanceId);
        Assert.Equal(InstanceStateName.Running, instance.State.Name);
        Assert.Equal(16, instance.State.Code);
        Assert.Equal(PlatformValues.Windows, instance.Platform);
        Assert.Equal("vpc-0a1b2c3d4e5f60000", instance.VpcId);
        Assert.Equal("subnet-0a1b2c3d4e5f60003", instance.SubnetId);
        Assert.Equal("10.0.2.20", instance.PrivateIpAddress);
        Assert.Null(instance.PublicIpAddress);
        Assert.Null(instance.IamInstanceProfile);
        Assert.Equal("sg-0a1b2c3d4e5f60002", Assert.Single(instance.SecurityGroups).GroupId);
        Assert.Equal("broken-node", instance.SecurityGroups[0].GroupName);
        Assert.Equal(HttpTokensState.Optional, instance.MetadataOptions.HttpTokens);
        Assert.Equal(1, instance.MetadataOptions.HttpPutResponseHopLimit);
        Assert.Contains(instance.Tags, t => t.Key == "Name" && t.Value == "broken");
        Assert.Equal("eni-0a1b2c3d4e5f60002", Assert.Single(instance.NetworkInterfaces).NetworkInterfaceId);
        Assert.Equal("us-east-1b", instance.Placement.AvailabilityZone);

        var healthy = (await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-0a1b2c3d4e5f60001"] })).Reservations[0].Instances[0];
        Assert.Equal("arn:aws:iam::123456789012:instance-profile/DemoSsmProfile", healthy.IamInstanceProfile.Arn);
        Assert.Equal("AIPADEMOSSMPROFILE001", healthy.IamInstanceProfile.Id);
        Assert.Null(healthy.Platform);
        Assert.Equal(HttpTokensState.Required, healthy.MetadataOptions.HttpTokens);
    }

    [Fact]
    public async Task DescribeInstances_fails_the_whole_call_when_one_id_is_unknown()
    {
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            InstanceIds = ["i-0a1b2c3d4e5f60001", "i-0fffffffffffffff1", "i-0fffffffffffffff2"],
        }));
        Assert.Equal("InvalidInstanceID.NotFound", error.ErrorCode);
        Assert.Contains("i-0fffffffffffffff1, i-0fffffffffffffff2", error.Message);
        Assert.DoesNotContain("i-0a1b2c3d4e5f60001", error.Message);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task DescribeInstances_rejects_a_malformed_id()
    {
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["not-an-id"] }));
        Assert.Equal("InvalidInstanceID.Malformed", error.ErrorCode);
        Assert.Contains("not-an-id", error.Message);
    }

    [Theory]
    [InlineData("instance-id", "i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60001")]
    [InlineData("subnet-id", "subnet-0a1b2c3d4e5f60003", "i-0a1b2c3d4e5f60002")]
    [InlineData("tag:Name", "heal*", "i-0a1b2c3d4e5f60001")]
    [InlineData("tag-key", "Team", "i-0a1b2c3d4e5f60001,i-0a1b2c3d4e5f60002")]
    [InlineData("vpc-id", "vpc-0a1b2c3d4e5f60000", "i-0a1b2c3d4e5f60001,i-0a1b2c3d4e5f60002")]
    [InlineData("instance-state-name", "stopped", "")]
    public async Task DescribeInstances_filters(string filter, string value, string expected)
    {
        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [F(filter, value)] });
        var ids = string.Join(",", (response.Reservations ?? []).SelectMany(r => r.Instances).Select(i => i.InstanceId));
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task Unknown_filter_name_is_an_error()
    {
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [F("no-such-filter", "x")] }));
        Assert.Equal("InvalidParameterValue", error.ErrorCode);
    }

    [Fact]
    public async Task DescribeInstances_pages_with_MaxResults_and_NextToken()
    {
        _emu.World.Mutate(w =>
        {
            for (var i = 0; i < 12; i++)
            {
                w.Instances.Add(new Ec2Instance { InstanceId = $"i-0000000000000{i:x4}", VpcId = "vpc-0a1b2c3d4e5f60000" });
            }
        });
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 5, NextToken = token });
            seen.AddRange(page.Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));
            token = page.NextToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(14, seen.Distinct().Count());
        Assert.Equal(3, _emu.Calls["ec2:DescribeInstances"]);

        var invalid = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 3 }));
        Assert.Equal("InvalidParameterValue", invalid.ErrorCode);
        var combination = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 5, InstanceIds = ["i-0a1b2c3d4e5f60001"] }));
        Assert.Equal("InvalidParameterCombination", combination.ErrorCode);
    }

    [Fact]
    public async Task DescribeVpcs_and_DescribeVpcAttribute()
    {
        var vpc = Assert.Single((await _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = ["vpc-0a1b2c3d4e5f60000"] })).Vpcs);
        Assert.Equal("10.0.0.0/16", vpc.CidrBlock);
        Assert.Equal(VpcState.Available, vpc.State);
        var support = await _ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpc.VpcId, Attribute = VpcAttributeName.EnableDnsSupport });
        Assert.True(support.EnableDnsSupport);
        _emu.World.Mutate(w => w.Vpcs[0].EnableDnsHostnames = false);
        var hostnames = await _ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpc.VpcId, Attribute = VpcAttributeName.EnableDnsHostnames });
        Assert.False(hostnames.EnableDnsHostnames);
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = ["vpc-0ffffffffffffffff"] }));
        Assert.Equal("InvalidVpcID.NotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task DescribeSubnets_filters_by_vpc()
    {
        var subnets = (await _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [F("vpc-id", "vpc-0a1b2c3d4e5f60000")] })).Subnets;
        Assert.Equal(3, subnets.Count);
        var publicSubnet = subnets.Single(s => s.SubnetId == "subnet-0a1b2c3d4e5f60001");
        Assert.True(publicSubnet.MapPublicIpOnLaunch);
        Assert.Equal("10.0.0.0/24", publicSubnet.CidrBlock);
        Assert.Empty((await _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [F("vpc-id", "vpc-0ffffffffffffffff")] })).Subnets ?? []);
    }

    [Fact]
    public async Task DescribeRouteTables_returns_main_and_explicit_associations_and_route_targets()
    {
        var tables = (await _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [F("vpc-id", "vpc-0a1b2c3d4e5f60000")] })).RouteTables;
        Assert.Equal(3, tables.Count);
        var main = tables.Single(t => t.Associations.Any(a => a.Main == true));
        Assert.Equal("rtb-0a1b2c3d4e5f60000", main.RouteTableId);
        var privateTable = tables.Single(t => t.RouteTableId == "rtb-0a1b2c3d4e5f60002");
        Assert.Equal("subnet-0a1b2c3d4e5f60002", Assert.Single(privateTable.Associations).SubnetId);
        Assert.Contains(privateTable.Routes, r => r.DestinationCidrBlock == "0.0.0.0/0" && r.NatGatewayId == "nat-0a1b2c3d4e5f60000" && r.State == RouteState.Active);
        Assert.Contains(privateTable.Routes, r => r.DestinationPrefixListId == "pl-63a5400a" && r.GatewayId == "vpce-0a1b2c3d4e5f600b1");
        Assert.Contains(privateTable.Routes, r => r.GatewayId == "local" && r.Origin == RouteOrigin.CreateRouteTable);

        _emu.World.Mutate(w => w.RouteTables[2].Routes[1].State = "blackhole");
        var bySubnet = (await _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [F("association.subnet-id", "subnet-0a1b2c3d4e5f60002")] })).RouteTables;
        Assert.Equal(RouteState.Blackhole, Assert.Single(bySubnet).Routes.Single(r => r.NatGatewayId is not null).State);
    }

    [Fact]
    public async Task DescribeNetworkAcls_adds_the_default_deny_rules()
    {
        var acl = Assert.Single((await _ec2.DescribeNetworkAclsAsync(new DescribeNetworkAclsRequest { NetworkAclIds = ["acl-0a1b2c3d4e5f60001"] })).NetworkAcls);
        Assert.Equal("subnet-0a1b2c3d4e5f60003", Assert.Single(acl.Associations).SubnetId);
        var blocking = acl.Entries.Single(e => e.Egress == true && e.RuleNumber == 90);
        Assert.Equal(RuleAction.Deny, blocking.RuleAction);
        Assert.Equal("6", blocking.Protocol);
        Assert.Equal(443, blocking.PortRange.From);
        Assert.Equal(2, acl.Entries.Count(e => e.RuleNumber == 32767 && e.RuleAction == RuleAction.Deny));
        Assert.False(acl.IsDefault);
    }

    [Fact]
    public async Task DescribeSecurityGroups_returns_cidr_group_and_prefix_list_rules()
    {
        _emu.World.Mutate(w => w.SecurityGroups[0].Egress.Add(new SsmTroubleshoot.Emulator.Model.SecurityGroupRule { IpProtocol = "tcp", FromPort = 443, ToPort = 443, PrefixListIds = ["pl-63a5400a"] }));
        var groups = (await _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60003"] })).SecurityGroups;
        var endpoints = groups.Single(g => g.GroupId == "sg-0a1b2c3d4e5f60003");
        Assert.Contains(endpoints.IpPermissions, p => p.IpProtocol == "tcp" && p.FromPort == 443 && (p.Ipv4Ranges ?? []).Any(r => r.CidrIp == "10.0.1.0/24"));
        Assert.Contains(endpoints.IpPermissions, p => (p.UserIdGroupPairs ?? []).Any(g => g.GroupId == "sg-0a1b2c3d4e5f60001"));
        var node = groups.Single(g => g.GroupId == "sg-0a1b2c3d4e5f60001");
        Assert.Contains(node.IpPermissionsEgress, p => p.IpProtocol == "-1" && (p.Ipv4Ranges ?? []).Any(r => r.CidrIp == "0.0.0.0/0"));
        Assert.Contains(node.IpPermissionsEgress, p => (p.PrefixListIds ?? []).Any(l => l.Id == "pl-63a5400a"));
        Assert.Equal("vpc-0a1b2c3d4e5f60000", node.VpcId);
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-0ffffffffffffffff"] }));
        Assert.Equal("InvalidGroup.NotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task DescribeVpcEndpoints_returns_interface_and_gateway_endpoints()
    {
        var endpoints = (await _ec2.DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest { Filters = [F("vpc-id", "vpc-0a1b2c3d4e5f60000")] })).VpcEndpoints;
        var ssm = endpoints.Single(e => e.ServiceName == "com.amazonaws.us-east-1.ssm");
        Assert.Equal(VpcEndpointType.Interface, ssm.VpcEndpointType);
        Assert.Equal(State.Available, ssm.State);
        Assert.True(ssm.PrivateDnsEnabled);
        Assert.Equal("subnet-0a1b2c3d4e5f60002", Assert.Single(ssm.SubnetIds));
        Assert.Equal("sg-0a1b2c3d4e5f60003", Assert.Single(ssm.Groups).GroupId);
        Assert.Equal("eni-0a1b2c3d4e5f600c1", Assert.Single(ssm.NetworkInterfaceIds));
        Assert.Equal(2, ssm.DnsEntries.Count);
        var s3 = endpoints.Single(e => e.VpcEndpointType == VpcEndpointType.Gateway);
        Assert.Equal("rtb-0a1b2c3d4e5f60002", Assert.Single(s3.RouteTableIds));
        var byService = (await _ec2.DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest { Filters = [F("service-name", "*.ssmmessages")] })).VpcEndpoints;
        Assert.Empty(byService ?? []);
    }

    [Fact]
    public async Task DescribeNatGateways_and_DescribeInternetGateways()
    {
        var nat = Assert.Single((await _ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = [F("vpc-id", "vpc-0a1b2c3d4e5f60000")] })).NatGateways);
        Assert.Equal(NatGatewayState.Available, nat.State);
        Assert.Equal("subnet-0a1b2c3d4e5f60001", nat.SubnetId);
        Assert.Equal("198.51.100.10", Assert.Single(nat.NatGatewayAddresses).PublicIp);
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { NatGatewayIds = ["nat-0ffffffffffffffff"] }));
        Assert.Equal("NatGatewayNotFound", missing.ErrorCode);

        var igw = Assert.Single((await _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [F("attachment.vpc-id", "vpc-0a1b2c3d4e5f60000")] })).InternetGateways);
        Assert.Equal("vpc-0a1b2c3d4e5f60000", Assert.Single(igw.Attachments).VpcId);
        Assert.Equal("available", igw.Attachments[0].State.Value);
    }

    [Fact]
    public async Task Managed_prefix_lists_and_entries_page()
    {
        var list = Assert.Single((await _ec2.DescribeManagedPrefixListsAsync(new DescribeManagedPrefixListsRequest { Filters = [F("prefix-list-name", "com.amazonaws.us-east-1.s3")] })).PrefixLists);
        Assert.Equal("pl-63a5400a", list.PrefixListId);
        Assert.Equal("AWS", list.OwnerId);
        var first = await _ec2.GetManagedPrefixListEntriesAsync(new GetManagedPrefixListEntriesRequest { PrefixListId = "pl-63a5400a", MaxResults = 1 });
        Assert.Equal("3.5.0.0/19", Assert.Single(first.Entries).Cidr);
        Assert.NotNull(first.NextToken);
        var second = await _ec2.GetManagedPrefixListEntriesAsync(new GetManagedPrefixListEntriesRequest { PrefixListId = "pl-63a5400a", MaxResults = 1, NextToken = first.NextToken });
        Assert.Equal("52.216.0.0/15", Assert.Single(second.Entries).Cidr);
        Assert.Null(second.NextToken);
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.GetManagedPrefixListEntriesAsync(new GetManagedPrefixListEntriesRequest { PrefixListId = "pl-0fffffff" }));
        Assert.Equal("InvalidPrefixListID.NotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task DescribeNetworkInterfaces_filters_by_vpc_and_ids()
    {
        var all = (await _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [F("vpc-id", "vpc-0a1b2c3d4e5f60000")] })).NetworkInterfaces;
        Assert.Equal(4, all.Count);
        var endpointEni = Assert.Single((await _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = ["eni-0a1b2c3d4e5f600c1"] })).NetworkInterfaces);
        Assert.Equal("10.0.1.50", endpointEni.PrivateIpAddress);
        Assert.Equal(NetworkInterfaceType.Vpc_endpoint, endpointEni.InterfaceType);
        Assert.Equal("sg-0a1b2c3d4e5f60003", Assert.Single(endpointEni.Groups).GroupId);
        var attached = Assert.Single((await _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [F("attachment.instance-id", "i-0a1b2c3d4e5f60001")] })).NetworkInterfaces);
        Assert.Equal("i-0a1b2c3d4e5f60001", attached.Attachment.InstanceId);
        var page = await _ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { MaxResults = 5 });
        Assert.Equal(4, page.NetworkInterfaces.Count);
        Assert.Null(page.NextToken);
    }

    [Fact]
    public async Task Denied_operation_answers_UnauthorizedOperation()
    {
        _emu.World.Mutate(w => w.Denies.Add(new Deny { Principal = TestAws.AccessKey, Action = "ec2:DescribeVpcEndpoints" }));
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest()));
        Assert.Equal("UnauthorizedOperation", error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(SsmTroubleshoot.Failures.FailureKind.PermissionDenied, SsmTroubleshoot.Failures.FailureClassifier.Classify(error));

        // Another principal is not denied.
        using var other = TestAws.Factory(_emu, accessKey: "AKIAOTHERPRINCIPAL01").CreateEc2();
        Assert.NotEmpty((await other.DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest())).VpcEndpoints);
    }
}
