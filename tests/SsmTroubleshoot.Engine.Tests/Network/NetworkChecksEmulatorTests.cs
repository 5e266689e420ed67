using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Engine.Tests.Emulator;
using SsmTroubleshoot.Network;
using Xunit;
using NetworkCheckStatus = SsmTroubleshoot.Network.NetworkCheckStatus;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>
/// The checks end to end through the engine's entry (NetworkFleetReader.EvaluateAsync): the real SDK clients against
/// the loopback emulator, a world per scenario. Moved from the module's tests, which keep binding and rendering.
/// </summary>
public sealed class NetworkChecksEmulatorTests
{
    private static (World World, FleetVpc Vpc, string Id) OneInstance(bool interfaceEndpoints = false)
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1, interfaceEndpoints);
        var instance = NetworkFleet.AddInstance(world, vpc, 1, "web-1");
        return (world, vpc, instance.InstanceId);
    }

    private static async Task<(ManagedInstanceNetworkReport Report, AwsEmulator Emulator)> EvaluateAsync(World world, string id)
    {
        var emu = await AwsEmulator.StartAsync(world);
        var target = new SsmTroubleshoot.Aws.FleetTarget(0, Task.FromResult<string?>(world.AccountId), "us-east-1", TestAws.Connect(emu));
        var result = await NetworkFleetReader.EvaluateAsync(target, new NetworkFleetRequest { InstanceIds = new[] { id } }, new NetworkEvaluationOptions(), false, null, CancellationToken.None);
        Assert.DoesNotContain(result.Gaps, g => g.Operation == "ec2:DescribeInstances"); // the lookup the front ends turn into error records
        return (Assert.Single(result.Reports), emu);
    }

    private static async Task<ManagedInstanceNetworkReport> ReportAsync(World world, string id)
    {
        var (report, emu) = await EvaluateAsync(world, id);
        await emu.DisposeAsync();
        return report;
    }

    private static (string Status, string Detail, string Remediation) Check(ManagedInstanceNetworkReport report, string checkId)
    {
        var check = report.Checks.SingleOrDefault(c => c.CheckId == checkId)
            ?? throw new Xunit.Sdk.XunitException(checkId + " not among " + string.Join(", ", report.Checks.Select(c => c.CheckId)));
        return (check.Status.ToString(), check.Detail, check.Remediation);
    }

    private static string[] Failed(ManagedInstanceNetworkReport report) => report.FailedChecks.ToArray();

    private static string Verdict(ManagedInstanceNetworkReport report) => report.Verdict.ToString();

    [Fact]
    public async Task Healthy_instance_behind_interface_endpoints_uses_the_local_route_and_the_endpoint_groups()
    {
        var (world, vpc, id) = OneInstance(interfaceEndpoints: true);
        var report = await ReportAsync(world, id);
        Assert.Equal("Healthy", Verdict(report));
        Assert.Equal("Passed", Check(report, "VpcDns").Status);
        Assert.Contains("local route", Check(report, "Route.ec2messages").Detail, StringComparison.Ordinal);
        Assert.Contains(vpc.EndpointId("ssm"), Check(report, "VpcEndpoint.ssm").Detail, StringComparison.Ordinal);
        Assert.Equal("Passed", Check(report, "EndpointSecurityGroup.ssmmessages").Status);
    }

    [Fact]
    public async Task Security_group_without_443_egress_fails_for_every_service()
    {
        var (world, vpc, id) = OneInstance();
        world.SecurityGroups.Single(g => g.GroupId == vpc.AppSecurityGroupId).Egress =
            new() { new SecurityGroupRule { IpProtocol = "tcp", FromPort = 80, ToPort = 80, Cidrs = { "0.0.0.0/0" } } };
        var report = await ReportAsync(world, id);
        Assert.Equal("Unhealthy", Verdict(report));
        Assert.Equal(new[] { "SecurityGroupEgress.ssm", "SecurityGroupEgress.ec2messages", "SecurityGroupEgress.ssmmessages" }, Failed(report));
        Assert.Contains(vpc.AppSecurityGroupId, Check(report, "SecurityGroupEgress.ssm").Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(90, "deny", 100, "allow", "Failed")] // the lower-numbered deny matches first
    [InlineData(90, "allow", 100, "deny", "Passed")] // the lower-numbered allow matches first
    public async Task Nacl_rules_are_evaluated_in_rule_number_order(int first, string firstAction, int second, string secondAction, string expected)
    {
        var (world, vpc, id) = OneInstance();

        // The app subnet gets its own NACL; the NAT gateway's subnet keeps the default one (allow all).
        world.NetworkAcls.Single(a => a.NetworkAclId == vpc.NetworkAclId).SubnetIds.Remove(vpc.AppSubnetId);
        var acl = new NetworkAcl
        {
            NetworkAclId = "acl-0a0a0a0a", VpcId = vpc.VpcId, SubnetIds = { vpc.AppSubnetId },
            Entries = { new NetworkAclEntry { RuleNumber = 100, Egress = false, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" } },
        };
        world.NetworkAcls.Add(acl);
        acl.Entries.Add(new NetworkAclEntry { RuleNumber = second, Egress = true, Protocol = "-1", RuleAction = secondAction, CidrBlock = "0.0.0.0/0" });
        acl.Entries.Add(new NetworkAclEntry { RuleNumber = first, Egress = true, Protocol = "6", RuleAction = firstAction, CidrBlock = "0.0.0.0/0", PortRange = new PortRange { From = 443, To = 443 } });
        var report = await ReportAsync(world, id);
        var check = Check(report, "NaclEgress.ssm");
        Assert.True(expected == check.Status, check.Detail);
        Assert.Contains("acl-0a0a0a0a", check.Detail, StringComparison.Ordinal);
        Assert.Contains(first.ToString(System.Globalization.CultureInfo.InvariantCulture), check.Detail, StringComparison.Ordinal);
        Assert.Equal("Passed", Check(report, "NaclIngress.ssm").Status);
    }

    [Fact]
    public async Task Subnet_without_an_explicit_association_falls_back_to_the_main_table()
    {
        var (world, vpc, id) = OneInstance();
        world.RouteTables.Single(t => t.RouteTableId == vpc.PrivateRouteTableId).SubnetIds.Remove(vpc.AppSubnetId);
        var report = await ReportAsync(world, id);
        var route = Check(report, "Route.ssm");
        Assert.Equal("Failed", route.Status);
        Assert.Contains(vpc.MainRouteTableId, route.Detail, StringComparison.Ordinal);
        Assert.Contains("main", route.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Nat_gateway_whose_subnet_has_no_internet_gateway_route_fails()
    {
        var (world, vpc, id) = OneInstance();
        world.RouteTables.Single(t => t.RouteTableId == vpc.PublicRouteTableId).Routes.RemoveAll(r => r.DestinationCidrBlock == "0.0.0.0/0");
        var report = await ReportAsync(world, id);
        var route = Check(report, "Route.ssm");
        Assert.Equal("Failed", route.Status);
        Assert.Contains(vpc.NatGatewayId, route.Detail, StringComparison.Ordinal);
        Assert.Contains("Route.ssm", Failed(report));
    }

    [Fact]
    public async Task Blackhole_default_route_fails()
    {
        var (world, vpc, id) = OneInstance();
        world.RouteTables.Single(t => t.RouteTableId == vpc.PrivateRouteTableId).Routes.Single(r => r.DestinationCidrBlock == "0.0.0.0/0").State = "blackhole";
        var report = await ReportAsync(world, id);
        var route = Check(report, "Route.ssm");
        Assert.Equal("Failed", route.Status);
        Assert.Contains("blackhole", route.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(true, "Passed")]
    [InlineData(false, "Failed")]
    public async Task Endpoint_security_group_can_admit_the_instance_by_security_group_reference(bool referencesInstanceGroup, string expected)
    {
        var (world, vpc, id) = OneInstance(interfaceEndpoints: true);
        world.SecurityGroups.Add(new SecurityGroup { GroupId = "sg-0ffffffe", GroupName = "other", VpcId = vpc.VpcId });
        world.SecurityGroups.Single(g => g.GroupId == vpc.EndpointSecurityGroupId).Ingress = new()
        {
            new SecurityGroupRule { IpProtocol = "tcp", FromPort = 443, ToPort = 443, GroupIds = { referencesInstanceGroup ? vpc.AppSecurityGroupId : "sg-0ffffffe" } },
        };
        var report = await ReportAsync(world, id);
        var check = Check(report, "EndpointSecurityGroup.ssm");
        Assert.Equal(expected, check.Status);
        Assert.Contains(vpc.EndpointSecurityGroupId, check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "Passed")]
    [InlineData(false, "Failed")]
    public async Task Instance_egress_to_a_prefix_list_counts_when_the_list_covers_the_endpoint(bool covers, string expected)
    {
        var (world, vpc, id) = OneInstance(interfaceEndpoints: true);
        world.PrefixLists.Add(new PrefixList
        {
            PrefixListId = "pl-0a1b2c3d4e5f6a7b8", PrefixListName = "endpoint-subnets", OwnerId = world.AccountId,
            Entries = { new PrefixListEntry { Cidr = covers ? vpc.EndpointSubnetCidr : "192.168.0.0/24" } },
        });
        world.SecurityGroups.Single(g => g.GroupId == vpc.AppSecurityGroupId).Egress = new()
        {
            new SecurityGroupRule { IpProtocol = "tcp", FromPort = 443, ToPort = 443, PrefixListIds = { "pl-0a1b2c3d4e5f6a7b8" } },
        };
        var (report, emu) = await EvaluateAsync(world, id);
        await using (emu)
        {
            var check = Check(report, "SecurityGroupEgress.ssm");
            Assert.Equal(expected, check.Status);
            if (covers)
            {
                Assert.Contains("pl-0a1b2c3d4e5f6a7b8", check.Detail, StringComparison.Ordinal);
            }

            Assert.Equal(1, emu.Calls["ec2:GetManagedPrefixListEntries"]);
        }
    }

    private static void AddInlineDeny(World world) =>
        world.Roles.Single(r => r.RoleName == NetworkFleet.RoleName).InlinePolicies["no-sessions"] =
            JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ssmmessages:*","Resource":"*"}]}""")!;

    [Fact]
    public async Task Inline_Deny_fails_RolePermissions_through_SimulatePrincipalPolicy()
    {
        var (world, _, id) = OneInstance();
        AddInlineDeny(world);
        var (report, emu) = await EvaluateAsync(world, id);
        await using (emu)
        {
            var check = Check(report, "RolePermissions");
            Assert.Equal("Failed", check.Status);
            Assert.Contains("denies ssmmessages:CreateControlChannel", check.Detail, StringComparison.Ordinal);
            Assert.Contains("(SimulatePrincipalPolicy)", check.Detail, StringComparison.Ordinal);
            Assert.Equal(1, emu.Calls["iam:SimulatePrincipalPolicy"]);
            Assert.Equal(0, emu.Calls["iam:GetRolePolicy"]); // a complete simulation decides alone
        }
    }

    [Fact]
    public async Task Inline_Deny_is_found_in_the_documents_when_simulation_is_not_permitted_and_the_detail_says_so()
    {
        var (world, _, id) = OneInstance();
        AddInlineDeny(world);
        world.Denies.Add(new Deny { Principal = "*", Action = "iam:SimulatePrincipalPolicy" });
        var (report, emu) = await EvaluateAsync(world, id);
        await using (emu)
        {
            var check = Check(report, "RolePermissions");
            Assert.Equal("Failed", check.Status);
            Assert.Contains("no-sessions", check.Detail, StringComparison.Ordinal);
            Assert.Contains("iam:SimulatePrincipalPolicy not permitted (AccessDenied); evaluated from the policy documents", check.Detail, StringComparison.Ordinal);
            Assert.Equal(1, emu.Calls["iam:GetRolePolicy"]);
            Assert.Equal(1, emu.Calls["iam:GetPolicyVersion"]);
        }
    }

    [Theory]
    [InlineData("required", "Passed")]
    [InlineData("optional", "Failed")]
    public async Task Without_a_profile_Default_Host_Management_covers_only_IMDSv2_instances(string httpTokens, string expected)
    {
        var (world, _, id) = OneInstance();
        var instance = world.Instances.Single();
        instance.IamInstanceProfileArn = null;
        instance.MetadataOptions.HttpTokens = httpTokens;
        NetworkFleet.AddRole(world, "DhmcRole", null, NetworkFleet.CorePolicyArn);
        world.ServiceSettings.Add(new ServiceSetting { SettingId = "/ssm/managed-instance/default-ec2-instance-management-role", SettingValue = "DhmcRole" });
        var report = await ReportAsync(world, id);
        var profile = Check(report, "InstanceProfile");
        Assert.Equal(expected, profile.Status);
        Assert.Contains("Default Host Management", profile.Detail, StringComparison.Ordinal);
        Assert.Equal(expected == "Passed" ? "Passed" : "Warning", Check(report, "DefaultHostManagement").Status);
        Assert.Equal(expected == "Passed" ? "Passed" : "Skipped", Check(report, "RolePermissions").Status);
    }

    [Fact]
    public async Task Hybrid_node_gets_the_SSM_and_IAM_checks_only()
    {
        var (world, _, _) = OneInstance();
        NetworkFleet.AddHybridNode(world, "mi-0a1b2c3d4e5f60003", pingStatus: "ConnectionLost");
        var report = await ReportAsync(world, "mi-0a1b2c3d4e5f60003");
        Assert.Equal("ConnectionLost", report.PingStatus);
        Assert.Equal("Info", Check(report, "PingStatus").Status);
        Assert.Equal("Passed", Check(report, "InstanceProfile").Status);
        Assert.Contains("HybridRole", Check(report, "InstanceProfile").Detail, StringComparison.Ordinal);
        Assert.Equal("Passed", Check(report, "RolePermissions").Status);
        Assert.Equal("Skipped", Check(report, "Route.ssm").Status);
        Assert.Equal("Skipped", Check(report, "NaclIngress.ssmmessages").Status);
    }
}
