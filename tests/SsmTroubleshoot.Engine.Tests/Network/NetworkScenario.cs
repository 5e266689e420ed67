using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>
/// A fluent world for network scenarios. Starts as: vpc-1 10.0.0.0/16 (DNS on), subnet-app 10.0.1.0/24 on the main table
/// (local route only), default NACL allowing all, instance i-app 10.0.1.10 with sg-app (egress all), profile with
/// AmazonSSMManagedInstanceCore, SSM Online. Add a path with WithInterfaceEndpoints / WithNatGateway / WithInternetGateway.
/// </summary>
internal sealed class NetworkScenario
{
    public const string Region = "us-east-1";
    public const string InstanceId = "i-app";
    public const string VpcId = "vpc-1";
    public const string AppSubnet = "subnet-app";
    public const string EndpointSubnet = "subnet-ep";
    public const string PublicSubnet = "subnet-pub";
    public const string AccountId = "111122223333";

    public const string ManagedInstanceCoreDocument = """
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":["ssm:DescribeAssociation","ssm:GetDocument","ssm:ListInstanceAssociations","ssm:UpdateInstanceAssociationStatus","ssm:UpdateInstanceInformation"],"Resource":"*"},
          {"Effect":"Allow","Action":["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel","ssmmessages:OpenDataChannel"],"Resource":"*"},
          {"Effect":"Allow","Action":["ec2messages:AcknowledgeMessage","ec2messages:DeleteMessage","ec2messages:FailMessage","ec2messages:GetEndpoint","ec2messages:GetMessages","ec2messages:SendReply"],"Resource":"*"}]}
        """;

    private readonly List<Ec2Instance> instances = new();
    private readonly List<Vpc> vpcs = new();
    private readonly List<Subnet> subnets = new();
    private readonly List<RouteTable> routeTables = new();
    private readonly List<NetworkAcl> acls = new();
    private readonly List<SecurityGroup> groups = new();
    private readonly List<ManagedPrefixList> prefixLists = new();
    private readonly List<VpcEndpoint> endpoints = new();
    private readonly List<NatGateway> natGateways = new();
    private readonly List<InternetGateway> internetGateways = new();
    private readonly List<InstanceProfile> profiles = new();
    private readonly List<IamRole> roles = new();
    private readonly List<SsmInstanceInfo> ssmInstances = new();
    private readonly List<DataGap> gaps = new();
    private DefaultHostManagementSetting? dhmc = new();
    private bool includeOptional;

    private NetworkScenario()
    {
        vpcs.Add(new Vpc { VpcId = VpcId, CidrBlocks = new[] { "10.0.0.0/16" }, EnableDnsSupport = true, EnableDnsHostnames = true });
        subnets.Add(new Subnet { SubnetId = AppSubnet, VpcId = VpcId, CidrBlock = "10.0.1.0/24", AvailabilityZone = "us-east-1a" });
        routeTables.Add(new RouteTable { RouteTableId = "rtb-main", VpcId = VpcId, IsMain = true, Routes = new[] { Local() } });
        acls.Add(new NetworkAcl { NetworkAclId = "acl-default", VpcId = VpcId, IsDefault = true, SubnetIds = new[] { AppSubnet }, Entries = AllowAll() });
        groups.Add(new SecurityGroup
        {
            GroupId = "sg-app", GroupName = "app", VpcId = VpcId,
            Egress = new[] { new SecurityGroupPermission { IpProtocol = "-1", Ipv4Ranges = new[] { "0.0.0.0/0" } } },
        });
        instances.Add(new Ec2Instance
        {
            InstanceId = InstanceId, Name = "app-1", VpcId = VpcId, SubnetId = AppSubnet, PrivateIpAddress = "10.0.1.10",
            SecurityGroupIds = new[] { "sg-app" }, InstanceProfileArn = "arn:aws:iam::" + AccountId + ":instance-profile/app-profile",
        });
        profiles.Add(new InstanceProfile { Arn = "arn:aws:iam::" + AccountId + ":instance-profile/app-profile", Name = "app-profile", RoleNames = new[] { "app-role" } });
        roles.Add(new IamRole
        {
            RoleName = "app-role", Arn = "arn:aws:iam::" + AccountId + ":role/app-role",
            Policies = new[] { Managed("AmazonSSMManagedInstanceCore", ManagedInstanceCoreDocument) },
        });
        ssmInstances.Add(new SsmInstanceInfo { InstanceId = InstanceId, PingStatus = "Online", AgentVersion = "3.3.1000.0", ResourceType = "EC2Instance" });
    }

    public static NetworkScenario New() => new();

    /// <summary>Endpoints for the core services (and any extra) in subnet-ep 10.0.2.0/24 with sg-ep allowing 443 from the VPC.</summary>
    public static NetworkScenario WithInterfaceEndpoints(params string[] extraServices) => New().AddInterfaceEndpoints(extraServices);

    /// <summary>subnet-app routes 0.0.0.0/0 to nat-1 in subnet-pub, whose table routes 0.0.0.0/0 to igw-1.</summary>
    public static NetworkScenario WithNatGateway() => New().AddNatGateway();

    /// <summary>The main table routes 0.0.0.0/0 to igw-1 and the instance has a public IP.</summary>
    public static NetworkScenario WithInternetGateway() => New().AddInternetGateway(routeFromMain: true)
        .Instance(i => i with { PublicIpAddress = "54.1.2.3" });

    public static Route Local() => new() { DestinationCidrBlock = "10.0.0.0/16", TargetKind = RouteTargetKind.Local, TargetId = "local" };

    public static Route DefaultTo(string targetId, RouteState state = RouteState.Active) =>
        new() { DestinationCidrBlock = "0.0.0.0/0", TargetId = targetId, TargetKind = Route.KindOf(targetId), State = state };

    public static NetworkAclEntry[] AllowAll() => new[]
    {
        Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"), Rule(32767, egress: false, RuleAction.Deny, "0.0.0.0/0"),
        Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"), Rule(32767, egress: true, RuleAction.Deny, "0.0.0.0/0"),
    };

    public static NetworkAclEntry Rule(int number, bool egress, RuleAction action, string cidr, string protocol = "-1", int? from = null, int? to = null) => new()
    {
        RuleNumber = number, Egress = egress, RuleAction = action, CidrBlock = cidr, Protocol = protocol,
        PortRange = from is null ? null : new PortRange(from.Value, to ?? from.Value),
    };

    public static NetworkAclEntry Rule6(int number, bool egress, RuleAction action, string ipv6Cidr) => new()
    {
        RuleNumber = number, Egress = egress, RuleAction = action, Ipv6CidrBlock = ipv6Cidr, Protocol = "-1",
    };

    public static SecurityGroupPermission Https(params string[] cidrs) => new() { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv4Ranges = cidrs };

    public static RolePolicy Managed(string name, string? document) =>
        new() { PolicyName = name, PolicyArn = "arn:aws:iam::aws:policy/" + name, Document = document };

    public static RolePolicy Inline(string name, string document) => new() { PolicyName = name, IsInline = true, Document = document };

    public NetworkScenario AddInterfaceEndpoints(params string[] extraServices)
    {
        subnets.Add(new Subnet { SubnetId = EndpointSubnet, VpcId = VpcId, CidrBlock = "10.0.2.0/24", AvailabilityZone = "us-east-1a" });
        acls.Add(new NetworkAcl { NetworkAclId = "acl-ep", VpcId = VpcId, SubnetIds = new[] { EndpointSubnet }, Entries = AllowAll() });
        groups.Add(new SecurityGroup { GroupId = "sg-ep", GroupName = "endpoints", VpcId = VpcId, Ingress = new[] { Https("10.0.0.0/16") } });
        var octet = 10;
        foreach (var service in NetworkServices.Core.Concat(extraServices))
        {
            var id = "vpce-" + service;
            endpoints.Add(new VpcEndpoint
            {
                VpcEndpointId = id, VpcId = VpcId, ServiceName = "com.amazonaws." + Region + "." + service, EndpointType = VpcEndpointType.Interface,
                PrivateDnsEnabled = true, SecurityGroupIds = new[] { "sg-ep" }, SubnetIds = new[] { EndpointSubnet },
                NetworkInterfaces = new[] { new EndpointNetworkInterface { NetworkInterfaceId = "eni-" + service, SubnetId = EndpointSubnet, PrivateIpAddress = "10.0.2." + octet++ } },
            });
        }

        return this;
    }

    public NetworkScenario AddInternetGateway(bool routeFromMain)
    {
        internetGateways.Add(new InternetGateway { InternetGatewayId = "igw-1", AttachedVpcId = VpcId });
        if (routeFromMain)
        {
            RouteTable("rtb-main", t => t with { Routes = new[] { Local(), DefaultTo("igw-1") } });
        }

        return this;
    }

    public NetworkScenario AddNatGateway(string state = "available", NatConnectivity connectivity = NatConnectivity.Public, bool publicSubnetRoutesToIgw = true)
    {
        AddInternetGateway(routeFromMain: false);
        subnets.Add(new Subnet { SubnetId = PublicSubnet, VpcId = VpcId, CidrBlock = "10.0.0.0/24", AvailabilityZone = "us-east-1a" });
        acls.Add(new NetworkAcl { NetworkAclId = "acl-pub", VpcId = VpcId, SubnetIds = new[] { PublicSubnet }, Entries = AllowAll() });
        routeTables.Add(new RouteTable
        {
            RouteTableId = "rtb-pub", VpcId = VpcId, SubnetIds = new[] { PublicSubnet },
            Routes = publicSubnetRoutesToIgw ? new[] { Local(), DefaultTo("igw-1") } : new[] { Local() },
        });
        natGateways.Add(new NatGateway { NatGatewayId = "nat-1", VpcId = VpcId, SubnetId = PublicSubnet, State = state, Connectivity = connectivity });
        routeTables.Add(new RouteTable { RouteTableId = "rtb-app", VpcId = VpcId, SubnetIds = new[] { AppSubnet }, Routes = new[] { Local(), DefaultTo("nat-1") } });
        return this;
    }

    /// <summary>An S3 gateway endpoint vpce-s3gw routed via pl-s3 from the given table.</summary>
    public NetworkScenario AddS3GatewayEndpoint(string routeTableId)
    {
        prefixLists.Add(new ManagedPrefixList { PrefixListId = "pl-63a5400a", Name = "com.amazonaws." + Region + ".s3", Cidrs = new[] { "52.216.0.0/15", "54.231.0.0/16" } });
        endpoints.Add(new VpcEndpoint
        {
            VpcEndpointId = "vpce-s3gw", VpcId = VpcId, ServiceName = "com.amazonaws." + Region + ".s3", EndpointType = VpcEndpointType.Gateway, RouteTableIds = new[] { routeTableId },
        });
        RouteTable(routeTableId, t => t with
        {
            Routes = t.Routes.Append(new Route { DestinationPrefixListId = "pl-63a5400a", TargetId = "vpce-s3gw", TargetKind = RouteTargetKind.VpcEndpoint }).ToArray(),
        });
        return this;
    }

    public NetworkScenario Instance(Func<Ec2Instance, Ec2Instance> change) => Replace(instances, i => i.InstanceId == InstanceId, change);

    public NetworkScenario Vpc(Func<Vpc, Vpc> change) => Replace(vpcs, v => v.VpcId == VpcId, change);

    public NetworkScenario RouteTable(string id, Func<RouteTable, RouteTable> change) => Replace(routeTables, t => t.RouteTableId == id, change);

    public NetworkScenario Nacl(string id, Func<NetworkAcl, NetworkAcl> change) => Replace(acls, a => a.NetworkAclId == id, change);

    public NetworkScenario NaclEntries(string id, params NetworkAclEntry[] entries) => Nacl(id, a => a with { Entries = entries });

    public NetworkScenario SecurityGroup(string id, Func<SecurityGroup, SecurityGroup> change) => Replace(groups, g => g.GroupId == id, change);

    public NetworkScenario Endpoint(string service, Func<VpcEndpoint, VpcEndpoint> change) => Replace(endpoints, e => e.VpcEndpointId == "vpce-" + service, change);

    public NetworkScenario WithoutEndpoint(string service)
    {
        endpoints.RemoveAll(e => e.VpcEndpointId == "vpce-" + service);
        return this;
    }

    public NetworkScenario Nat(Func<NatGateway, NatGateway> change) => Replace(natGateways, n => n.NatGatewayId == "nat-1", change);

    public NetworkScenario Role(Func<IamRole, IamRole> change) => Replace(roles, r => r.RoleName == "app-role", change);

    public NetworkScenario Add(SecurityGroup group)
    {
        groups.Add(group);
        return this;
    }

    public NetworkScenario Add(ManagedPrefixList list)
    {
        prefixLists.Add(list);
        return this;
    }

    public NetworkScenario Add(IamRole role)
    {
        roles.Add(role);
        return this;
    }

    public NetworkScenario Add(SsmInstanceInfo info)
    {
        ssmInstances.Add(info);
        return this;
    }

    public NetworkScenario Ssm(Func<SsmInstanceInfo, SsmInstanceInfo> change) => Replace(ssmInstances, s => s.InstanceId == InstanceId, change);

    public NetworkScenario NotInSsm()
    {
        ssmInstances.RemoveAll(s => s.InstanceId == InstanceId);
        return this;
    }

    public NetworkScenario WithoutProfile() => Instance(i => i with { InstanceProfileArn = null });

    public NetworkScenario DefaultHostManagement(string? roleName)
    {
        dhmc = new DefaultHostManagementSetting { RoleName = roleName };
        return this;
    }

    public NetworkScenario DefaultHostManagementUnreadable()
    {
        dhmc = null;
        return Gap(NetworkSnapshot.DefaultHostManagementResource, "ssm:GetServiceSetting", "AccessDeniedException");
    }

    public NetworkScenario Gap(string resourceId, string operation, string message, string? errorCode = null)
    {
        gaps.Add(new DataGap { ResourceId = resourceId, Operation = operation, Message = message, ErrorCode = errorCode });
        return this;
    }

    public NetworkScenario Remove<T>(Func<NetworkScenario, List<T>> list, Predicate<T> match)
    {
        list(this).RemoveAll(match);
        return this;
    }

    public List<SecurityGroup> Groups => groups;

    public List<NetworkAcl> Acls => acls;

    public List<RouteTable> RouteTables => routeTables;

    public List<NatGateway> NatGateways => natGateways;

    public List<IamRole> Roles => roles;

    public List<InstanceProfile> Profiles => profiles;

    public NetworkScenario IncludeOptionalServices()
    {
        includeOptional = true;
        return this;
    }

    public NetworkSnapshot Snapshot() => new(new NetworkInventory
    {
        Region = Region, Instances = instances.ToArray(), Vpcs = vpcs.ToArray(), Subnets = subnets.ToArray(), RouteTables = routeTables.ToArray(),
        NetworkAcls = acls.ToArray(), SecurityGroups = groups.ToArray(), PrefixLists = prefixLists.ToArray(), VpcEndpoints = endpoints.ToArray(),
        NatGateways = natGateways.ToArray(), InternetGateways = internetGateways.ToArray(), InstanceProfiles = profiles.ToArray(), Roles = roles.ToArray(),
        SsmInstances = ssmInstances.ToArray(), DefaultHostManagement = dhmc, Gaps = gaps.ToArray(),
    });

    public ManagedInstanceNetworkReport Evaluate(string instanceId = InstanceId) =>
        new NetworkEvaluator(Snapshot(), new NetworkEvaluationOptions { IncludeOptionalServices = includeOptional }).Evaluate(instanceId);

    private NetworkScenario Replace<T>(List<T> list, Func<T, bool> match, Func<T, T> change)
    {
        var index = list.FindIndex(x => match(x));
        Assert.True(index >= 0, "scenario has no such " + typeof(T).Name);
        list[index] = change(list[index]);
        return this;
    }
}

internal static class ReportAssertions
{
    public static NetworkCheck Check(this ManagedInstanceNetworkReport report, string checkId)
    {
        var check = report.Checks.SingleOrDefault(c => c.CheckId == checkId);
        Assert.True(check is not null, "no check " + checkId + " in: " + string.Join(", ", report.Checks.Select(c => c.CheckId)));
        return check!;
    }

    /// <summary>Asserts the status and that the detail names what decided (ids, rule numbers).</summary>
    public static NetworkCheck AssertCheck(this ManagedInstanceNetworkReport report, string checkId, NetworkCheckStatus status, params string[] detailContains)
    {
        var check = report.Check(checkId);
        Assert.True(check.Status == status, checkId + " expected " + status + " but was " + check.Status + ": " + check.Detail);
        foreach (var text in detailContains)
        {
            Assert.True(check.Detail.Contains(text, StringComparison.Ordinal), checkId + " detail lacks '" + text + "': " + check.Detail);
        }

        if (status is NetworkCheckStatus.Failed)
        {
            Assert.False(string.IsNullOrWhiteSpace(check.Remediation), checkId + " failed without a remediation");
        }

        return check;
    }
}
