using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Emulator.Scenarios;

/// <summary>The ids of one VPC laid out by <see cref="NetworkFleet.AddVpc"/>.</summary>
public sealed record FleetVpc(int Index, string VpcId, string PublicSubnetId, string AppSubnetId, string EndpointSubnetId,
    string InternetGatewayId, string NatGatewayId, string MainRouteTableId, string PublicRouteTableId, string PrivateRouteTableId,
    string NetworkAclId, string AppSecurityGroupId, string EndpointSecurityGroupId, bool InterfaceEndpoints)
{
    /// <summary>10.&lt;index&gt;.0.0/16.</summary>
    public string Cidr => $"10.{Index}.0.0/16";

    public string EndpointSubnetCidr => $"10.{Index}.2.0/24";

    public string EndpointId(string service) => $"vpce-{Index:x7}{Array.IndexOf(NetworkFleet.CoreServices, service) + 1:x1}";
}

/// <summary>
/// Builds healthy network worlds for Test-ManagedInstanceNetwork in code: per VPC a public subnet (internet gateway),
/// an app subnet routed to a NAT gateway, an endpoint subnet, a default NACL allowing all, an app security group
/// (egress all) and, optionally, ssm/ec2messages/ssmmessages interface endpoints with private DNS. Instances get the
/// FleetSsmProfile instance profile (role FleetSsmRole with AmazonSSMManagedInstanceCore) and are Online in SSM.
/// Tests then break one thing at a time.
/// </summary>
public static class NetworkFleet
{
    public const string RoleName = "FleetSsmRole";
    public const string ProfileName = "FleetSsmProfile";
    public const string CorePolicyArn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

    public static readonly string[] CoreServices = { "ssm", "ec2messages", "ssmmessages" };

    public const string CorePolicyDocument = """
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":["ssm:DescribeAssociation","ssm:GetDocument","ssm:ListInstanceAssociations","ssm:UpdateInstanceAssociationStatus","ssm:UpdateInstanceInformation"],"Resource":"*"},
          {"Effect":"Allow","Action":["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel","ssmmessages:OpenDataChannel"],"Resource":"*"},
          {"Effect":"Allow","Action":["ec2messages:AcknowledgeMessage","ec2messages:DeleteMessage","ec2messages:FailMessage","ec2messages:GetEndpoint","ec2messages:GetMessages","ec2messages:SendReply"],"Resource":"*"}]}
        """;

    /// <summary>A world with the SSM role, its profile and the AWS managed core policy; no VPC yet.</summary>
    public static World Create()
    {
        var world = new World();
        world.ManagedPolicies.Add(new ManagedPolicy
        {
            Arn = CorePolicyArn, PolicyName = "AmazonSSMManagedInstanceCore", DefaultVersionId = "v2",
            Versions = { new PolicyVersion { VersionId = "v2", Document = JsonNode.Parse(CorePolicyDocument) } },
        });
        AddRole(world, RoleName, ProfileName, CorePolicyArn);
        return world;
    }

    public static string ProfileArn(World world, string profileName = ProfileName) => $"arn:aws:iam::{world.AccountId}:instance-profile/{profileName}";

    /// <summary>A role (with the given managed policies) and an instance profile holding it.</summary>
    public static void AddRole(World world, string roleName, string? profileName, params string[] managedPolicyArns)
    {
        world.Roles.Add(new Role { RoleName = roleName, RoleId = "AROA" + roleName.ToUpperInvariant().PadRight(17, 'X').Substring(0, 17), AttachedPolicyArns = managedPolicyArns.ToList() });
        if (profileName is not null)
        {
            world.InstanceProfiles.Add(new InstanceProfile { InstanceProfileName = profileName, RoleNames = { roleName } });
        }
    }

    public static FleetVpc AddVpc(World world, int index, bool interfaceEndpoints = false)
    {
        if (index is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        string Id(string prefix, int suffix) => $"{prefix}-{index:x7}{suffix:x1}";
        var vpc = new FleetVpc(index, $"vpc-0{index:x7}", Id("subnet", 1), Id("subnet", 2), Id("subnet", 3), Id("igw", 0), Id("nat", 0),
            Id("rtb", 0), Id("rtb", 1), Id("rtb", 2), Id("acl", 0), Id("sg", 1), Id("sg", 3), interfaceEndpoints);
        var net = $"10.{index}";
        world.Vpcs.Add(new Vpc { VpcId = vpc.VpcId, CidrBlock = vpc.Cidr, EnableDnsSupport = true, EnableDnsHostnames = true });
        world.Subnets.Add(new Subnet { SubnetId = vpc.PublicSubnetId, VpcId = vpc.VpcId, CidrBlock = $"{net}.0.0/24", MapPublicIpOnLaunch = true });
        world.Subnets.Add(new Subnet { SubnetId = vpc.AppSubnetId, VpcId = vpc.VpcId, CidrBlock = $"{net}.1.0/24" });
        world.Subnets.Add(new Subnet { SubnetId = vpc.EndpointSubnetId, VpcId = vpc.VpcId, CidrBlock = vpc.EndpointSubnetCidr });
        world.InternetGateways.Add(new InternetGateway { InternetGatewayId = vpc.InternetGatewayId, AttachedVpcIds = { vpc.VpcId } });
        world.NatGateways.Add(new NatGateway { NatGatewayId = vpc.NatGatewayId, VpcId = vpc.VpcId, SubnetId = vpc.PublicSubnetId, PublicIp = $"198.51.100.{index}", PrivateIp = $"{net}.0.10" });
        var local = new Route { DestinationCidrBlock = vpc.Cidr, GatewayId = "local", Origin = "CreateRouteTable" };
        world.RouteTables.Add(new RouteTable { RouteTableId = vpc.MainRouteTableId, VpcId = vpc.VpcId, Main = true, Routes = { Clone(local) } });
        world.RouteTables.Add(new RouteTable
        {
            RouteTableId = vpc.PublicRouteTableId, VpcId = vpc.VpcId, SubnetIds = { vpc.PublicSubnetId },
            Routes = { Clone(local), new Route { DestinationCidrBlock = "0.0.0.0/0", GatewayId = vpc.InternetGatewayId } },
        });
        world.RouteTables.Add(new RouteTable
        {
            RouteTableId = vpc.PrivateRouteTableId, VpcId = vpc.VpcId, SubnetIds = { vpc.AppSubnetId, vpc.EndpointSubnetId },
            Routes = { Clone(local), new Route { DestinationCidrBlock = "0.0.0.0/0", NatGatewayId = vpc.NatGatewayId } },
        });
        world.NetworkAcls.Add(new NetworkAcl
        {
            NetworkAclId = vpc.NetworkAclId, VpcId = vpc.VpcId, IsDefault = true, SubnetIds = { vpc.PublicSubnetId, vpc.AppSubnetId, vpc.EndpointSubnetId },
            Entries =
            {
                new NetworkAclEntry { RuleNumber = 100, Egress = false, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" },
                new NetworkAclEntry { RuleNumber = 100, Egress = true, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" },
            },
        });
        world.SecurityGroups.Add(new SecurityGroup
        {
            GroupId = vpc.AppSecurityGroupId, GroupName = "app", VpcId = vpc.VpcId,
            Egress = { new SecurityGroupRule { IpProtocol = "-1", Cidrs = { "0.0.0.0/0" } } },
        });
        world.SecurityGroups.Add(new SecurityGroup
        {
            GroupId = vpc.EndpointSecurityGroupId, GroupName = "ssm-endpoints", VpcId = vpc.VpcId,
            Ingress = { new SecurityGroupRule { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Cidrs = { vpc.Cidr } } },
            Egress = { new SecurityGroupRule { IpProtocol = "-1", Cidrs = { "0.0.0.0/0" } } },
        });
        if (interfaceEndpoints)
        {
            for (var k = 0; k < CoreServices.Length; k++)
            {
                var eni = $"eni-{index:x7}{k + 1:x1}";
                world.VpcEndpoints.Add(new VpcEndpoint
                {
                    VpcEndpointId = vpc.EndpointId(CoreServices[k]), VpcId = vpc.VpcId, ServiceName = $"com.amazonaws.{world.Region}.{CoreServices[k]}",
                    VpcEndpointType = "Interface", PrivateDnsEnabled = true, SubnetIds = { vpc.EndpointSubnetId },
                    SecurityGroupIds = { vpc.EndpointSecurityGroupId }, NetworkInterfaceIds = { eni },
                });
                world.NetworkInterfaces.Add(new NetworkInterface
                {
                    NetworkInterfaceId = eni, VpcId = vpc.VpcId, SubnetId = vpc.EndpointSubnetId, PrivateIpAddress = $"{net}.2.{10 + k}",
                    InterfaceType = "vpc_endpoint", RequesterManaged = true, SecurityGroupIds = { vpc.EndpointSecurityGroupId },
                });
            }
        }

        return vpc;
    }

    /// <summary>An instance in the VPC's app subnet with the fleet profile, Online in SSM; number picks its id and IP.</summary>
    public static Instance AddInstance(World world, FleetVpc vpc, int number, string? name = null)
    {
        var instance = new Instance
        {
            InstanceId = InstanceId(vpc.Index, number), VpcId = vpc.VpcId, SubnetId = vpc.AppSubnetId,
            PrivateIpAddress = $"10.{vpc.Index}.1.{10 + (number % 240)}", SecurityGroupIds = { vpc.AppSecurityGroupId },
            IamInstanceProfileArn = ProfileArn(world), Tags = { ["Name"] = name ?? "node-" + number },
        };
        world.Instances.Add(instance);
        world.InstanceInformation.Add(new InstanceInformation { InstanceId = instance.InstanceId, IpAddress = instance.PrivateIpAddress, ComputerName = instance.Tags["Name"] });
        return instance;
    }

    /// <summary>Three instances in one VPC: tagged Environment=prod, tagged dev, and a terminated one (the filter/-All scenario).</summary>
    public static (Instance Prod, Instance Dev, Instance Terminated) AddTaggedFleet(World world)
    {
        var vpc = AddVpc(world, 1);
        var prod = AddInstance(world, vpc, 1);
        prod.Tags["Environment"] = "prod";
        var dev = AddInstance(world, vpc, 2);
        dev.Tags["Environment"] = "dev";
        var gone = AddInstance(world, vpc, 3);
        gone.State = "terminated";
        return (prod, dev, gone);
    }

    /// <summary>A hybrid node (mi-) registered in SSM with an activation role that has AmazonSSMManagedInstanceCore.</summary>
    public static void AddHybridNode(World world, string managedInstanceId, string roleName = "HybridRole", string pingStatus = "Online")
    {
        AddRole(world, roleName, null, CorePolicyArn);
        world.InstanceInformation.Add(new InstanceInformation { InstanceId = managedInstanceId, IamRole = roleName, PingStatus = pingStatus });
    }

    public static string InstanceId(int vpcIndex, int number) => $"i-0{vpcIndex:x4}{number:x12}";

    private static Route Clone(Route route) => new() { DestinationCidrBlock = route.DestinationCidrBlock, GatewayId = route.GatewayId, Origin = route.Origin };
}
