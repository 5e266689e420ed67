using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using Ec2 = Amazon.EC2.Model;
using Ssm = Amazon.SimpleSystemsManagement.Model;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>The SDK-to-model mapping and the unknown-id strategy, over SDK client interfaces answered in process.</summary>
public sealed class AwsNetworkDataSourceTests
{
    [Fact]
    public async Task Unknown_ids_named_in_the_error_are_set_aside_and_the_batch_retried()
    {
        var ec2 = FakeClient<IAmazonEC2>.Create(("DescribeInstancesAsync", request =>
        {
            var ids = ((Ec2.DescribeInstancesRequest)request).InstanceIds;
            if (ids.Contains("i-0aaaaaaaaaaaaaaa0"))
            {
                throw new AmazonEC2Exception("The instance ID 'i-0aaaaaaaaaaaaaaa0' does not exist") { ErrorCode = "InvalidInstanceID.NotFound" };
            }

            return Reservations(ids.ToArray());
        }));
        var source = new AwsNetworkDataSource(ec2.Client, FakeClient<IAmazonSimpleSystemsManagement>.Create().Client);

        var lookup = await source.DescribeInstancesAsync(new[] { "i-0bbbbbbbbbbbbbbb0", "i-0aaaaaaaaaaaaaaa0", "i-0ccccccccccccccc0" }, CancellationToken.None);

        Assert.Equal(new[] { "i-0aaaaaaaaaaaaaaa0" }, lookup.UnknownIds);
        Assert.Equal(new[] { "i-0bbbbbbbbbbbbbbb0", "i-0ccccccccccccccc0" }, lookup.Instances.Select(i => i.InstanceId));
        Assert.Equal(2, ec2.Calls);
    }

    [Fact]
    public async Task When_the_error_names_no_id_the_batch_is_reread_with_a_filter()
    {
        var ec2 = FakeClient<IAmazonEC2>.Create(("DescribeInstancesAsync", request =>
        {
            var describe = (Ec2.DescribeInstancesRequest)request;
            if (describe.InstanceIds is { Count: > 0 })
            {
                throw new AmazonEC2Exception("Some instances do not exist") { ErrorCode = "InvalidInstanceID.NotFound" };
            }

            return Reservations(describe.Filters.Single(f => f.Name == "instance-id").Values.Where(v => v != "i-0aaaaaaaaaaaaaaa0").ToArray());
        }));
        var source = new AwsNetworkDataSource(ec2.Client, FakeClient<IAmazonSimpleSystemsManagement>.Create().Client);

        var lookup = await source.DescribeInstancesAsync(new[] { "i-0bbbbbbbbbbbbbbb0", "i-0aaaaaaaaaaaaaaa0" }, CancellationToken.None);

        Assert.Equal(new[] { "i-0aaaaaaaaaaaaaaa0" }, lookup.UnknownIds);
        Assert.Equal("i-0bbbbbbbbbbbbbbb0", Assert.Single(lookup.Instances).InstanceId);
    }

    [Fact]
    public async Task Instances_map_tags_profile_metadata_options_and_tolerate_missing_lists()
    {
        var ec2 = FakeClient<IAmazonEC2>.Create(("DescribeInstancesAsync", _ => new Ec2.DescribeInstancesResponse
        {
            Reservations = new List<Ec2.Reservation>
            {
                new()
                {
                    Instances = new List<Ec2.Instance>
                    {
                        new()
                        {
                            InstanceId = "i-1", VpcId = "vpc-1", SubnetId = "subnet-1", PrivateIpAddress = "10.0.1.5", PublicIpAddress = "3.3.3.3",
                            State = new Ec2.InstanceState { Name = InstanceStateName.Running },
                            Tags = new List<Ec2.Tag> { new("Name", "web") },
                            SecurityGroups = new List<Ec2.GroupIdentifier> { new() { GroupId = "sg-1" } },
                            IamInstanceProfile = new Ec2.IamInstanceProfile { Arn = "arn:aws:iam::1:instance-profile/p" },
                            MetadataOptions = new Ec2.InstanceMetadataOptionsResponse { HttpTokens = HttpTokensState.Required, HttpPutResponseHopLimit = 2, HttpEndpoint = InstanceMetadataEndpointState.Enabled },
                        },
                        new() { InstanceId = "i-2" }, // SDK v4 leaves absent lists and options null
                    },
                },
            },
        }));
        var source = new AwsNetworkDataSource(ec2.Client, FakeClient<IAmazonSimpleSystemsManagement>.Create().Client);

        var instances = await source.DescribeInstancesAsync(Array.Empty<Ec2Filter>(), CancellationToken.None);

        var web = instances[0];
        Assert.Equal(("web", "running", "sg-1", ImdsTokens.Required, 2, true), (web.Name, web.State, web.SecurityGroupIds.Single(), web.HttpTokens, web.HttpPutResponseHopLimit, web.MetadataEndpointEnabled));
        Assert.Equal("arn:aws:iam::1:instance-profile/p", web.InstanceProfileArn);
        Assert.Empty(instances[1].SecurityGroupIds);
        Assert.Equal(ImdsTokens.Optional, instances[1].HttpTokens);
    }

    [Fact]
    public async Task Route_tables_acls_and_security_groups_map_to_the_model()
    {
        var ec2 = FakeClient<IAmazonEC2>.Create(
            ("DescribeRouteTablesAsync", _ => new Ec2.DescribeRouteTablesResponse
            {
                RouteTables = new List<Ec2.RouteTable>
                {
                    new()
                    {
                        RouteTableId = "rtb-1", VpcId = "vpc-1",
                        Associations = new List<Ec2.RouteTableAssociation> { new() { Main = true }, new() { SubnetId = "subnet-1" } },
                        Routes = new List<Ec2.Route>
                        {
                            new() { DestinationCidrBlock = "10.0.0.0/16", GatewayId = "local", State = Amazon.EC2.RouteState.Active },
                            new() { DestinationCidrBlock = "0.0.0.0/0", NatGatewayId = "nat-1", State = Amazon.EC2.RouteState.Blackhole },
                            new() { DestinationPrefixListId = "pl-1", GatewayId = "vpce-1", State = Amazon.EC2.RouteState.Active },
                        },
                    },
                },
            }),
            ("DescribeNetworkAclsAsync", _ => new Ec2.DescribeNetworkAclsResponse
            {
                NetworkAcls = new List<Ec2.NetworkAcl>
                {
                    new()
                    {
                        NetworkAclId = "acl-1", VpcId = "vpc-1", IsDefault = false,
                        Associations = new List<Ec2.NetworkAclAssociation> { new() { SubnetId = "subnet-1" } },
                        Entries = new List<Ec2.NetworkAclEntry>
                        {
                            new() { RuleNumber = 90, Egress = true, Protocol = "6", PortRange = new Ec2.PortRange { From = 443, To = 443 }, CidrBlock = "0.0.0.0/0", RuleAction = Amazon.EC2.RuleAction.Deny },
                            new() { RuleNumber = 100, Egress = false, Protocol = "-1", Ipv6CidrBlock = "::/0", RuleAction = Amazon.EC2.RuleAction.Allow },
                        },
                    },
                },
            }),
            ("DescribeSecurityGroupsAsync", _ => new Ec2.DescribeSecurityGroupsResponse
            {
                SecurityGroups = new List<Ec2.SecurityGroup>
                {
                    new()
                    {
                        GroupId = "sg-1", VpcId = "vpc-1",
                        IpPermissionsEgress = new List<Ec2.IpPermission>
                        {
                            new()
                            {
                                IpProtocol = "tcp", FromPort = 443, ToPort = 443,
                                UserIdGroupPairs = new List<Ec2.UserIdGroupPair> { new() { GroupId = "sg-ep" } },
                                PrefixListIds = new List<Ec2.PrefixListId> { new() { Id = "pl-1" } },
                            },
                        },
                    },
                },
            }));
        var source = new AwsNetworkDataSource(ec2.Client, FakeClient<IAmazonSimpleSystemsManagement>.Create().Client);
        var vpcs = new[] { "vpc-1" };

        var table = Assert.Single(await source.DescribeRouteTablesAsync(vpcs, CancellationToken.None));
        var acl = Assert.Single(await source.DescribeNetworkAclsAsync(vpcs, CancellationToken.None));
        var group = Assert.Single(await source.DescribeSecurityGroupsAsync(vpcs, CancellationToken.None));

        Assert.True(table.IsMain);
        Assert.Equal(new[] { "subnet-1" }, table.SubnetIds);
        Assert.Equal(new[] { RouteTargetKind.Local, RouteTargetKind.NatGateway, RouteTargetKind.VpcEndpoint }, table.Routes.Select(r => r.TargetKind));
        Assert.Equal(SsmTroubleshoot.Network.Model.RouteState.Blackhole, table.Routes[1].State);
        Assert.Equal((90, true, SsmTroubleshoot.Network.Model.RuleAction.Deny, new PortRange(443, 443)), (acl.Entries[0].RuleNumber, acl.Entries[0].Egress, acl.Entries[0].RuleAction, acl.Entries[0].PortRange!.Value));
        Assert.Equal("::/0", acl.Entries[1].Ipv6CidrBlock);
        Assert.Equal(new[] { "subnet-1" }, acl.SubnetIds);
        var egress = Assert.Single(group.Egress);
        Assert.Equal(new[] { "sg-ep" }, egress.ReferencedGroupIds);
        Assert.Equal(new[] { "pl-1" }, egress.PrefixListIds);
        Assert.Empty(group.Ingress);
    }

    [Fact]
    public async Task Batched_reads_send_all_vpc_ids_in_one_filter()
    {
        var ec2 = FakeClient<IAmazonEC2>.Create(("DescribeSubnetsAsync", request =>
        {
            Assert.Equal(new[] { "vpc-1", "vpc-2", "vpc-3" }, ((Ec2.DescribeSubnetsRequest)request).Filters.Single(f => f.Name == "vpc-id").Values);
            return new Ec2.DescribeSubnetsResponse();
        }));
        var source = new AwsNetworkDataSource(ec2.Client, FakeClient<IAmazonSimpleSystemsManagement>.Create().Client);
        Assert.Empty(await source.DescribeSubnetsAsync(new[] { "vpc-1", "vpc-2", "vpc-3" }, CancellationToken.None));
        Assert.Equal(1, ec2.Calls);
    }

    [Theory]
    [InlineData("$None", null)]
    [InlineData("", null)]
    [InlineData("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole", "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole")]
    public async Task Default_host_management_setting_maps_unset_to_null(string value, string? role)
    {
        var ssm = FakeClient<IAmazonSimpleSystemsManagement>.Create(("GetServiceSettingAsync", _ => new Ssm.GetServiceSettingResponse { ServiceSetting = new Ssm.ServiceSetting { SettingValue = value } }));
        var source = new AwsNetworkDataSource(FakeClient<IAmazonEC2>.Create().Client, ssm.Client);
        Assert.Equal(role, (await source.GetDefaultHostManagementAsync(CancellationToken.None)).RoleName);
    }

    private static Ec2.DescribeInstancesResponse Reservations(params string[] ids) => new()
    {
        Reservations = new List<Ec2.Reservation> { new() { Instances = ids.Select(id => new Ec2.Instance { InstanceId = id }).ToList() } },
    };
}

/// <summary>An SDK client interface answered by handlers keyed by method name; anything else throws.</summary>
public class FakeClient<T> : DispatchProxy
    where T : class
{
    private Dictionary<string, Func<object, object>> handlers = new();

    public T Client { get; private set; } = null!;

    public int Calls { get; private set; }

    public static FakeClient<T> Create(params (string Method, Func<object, object> Handler)[] handlers)
    {
        var client = DispatchProxy.Create<T, FakeClient<T>>();
        var fake = (FakeClient<T>)(object)client;
        fake.handlers = handlers.ToDictionary(h => h.Method, h => h.Handler);
        fake.Client = client;
        return fake;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod ?? throw new InvalidOperationException();
        if (!handlers.TryGetValue(method.Name, out var handler))
        {
            throw new NotSupportedException(typeof(T).Name + "." + method.Name + " is not faked");
        }

        Calls++;
        var resultType = method.ReturnType.GetGenericArguments()[0];
        try
        {
            var response = handler(args![0]!);
            return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(resultType).Invoke(null, new[] { response });
        }
        catch (Exception ex)
        {
            return typeof(Task).GetMethods().Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethod).MakeGenericMethod(resultType).Invoke(null, new object[] { ex });
        }
    }
}
