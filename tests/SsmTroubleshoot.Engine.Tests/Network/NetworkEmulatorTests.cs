using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Engine.Tests.Emulator;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using NetworkCheckStatus = SsmTroubleshoot.Network.NetworkCheckStatus;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>
/// AwsNetworkDataSource and IamQueryPolicyReader through the real SDK clients against the loopback emulator: the SDK
/// parsing the emulator's answers checks the mapping, emu.Calls checks the batching.
/// </summary>
public sealed class NetworkEmulatorTests
{
    private static async Task<(NetworkInventory Inventory, AwsEmulator Emulator)> FetchAsync(World world, string[] ids, int maxErrorRetry = 0)
    {
        var emu = await AwsEmulator.StartAsync(world);
        var connection = TestAws.Connect(emu, maxErrorRetry);
        var inventory = await NetworkFleetReader.FetchAsync(connection, new NetworkFleetRequest { InstanceIds = ids }, null, CancellationToken.None);
        return (inventory, emu);
    }

    [Fact]
    public async Task A_fleet_in_three_VPCs_costs_one_call_per_resource_type_and_maps_every_shape()
    {
        var world = NetworkFleet.Create();
        var vpcs = Enumerable.Range(1, 3).Select(v => NetworkFleet.AddVpc(world, v, interfaceEndpoints: v == 1)).ToList();
        var ids = Enumerable.Range(0, 60).Select(n => NetworkFleet.AddInstance(world, vpcs[n % 3], n).InstanceId).ToArray();
        var (inventory, emu) = await FetchAsync(world, ids);
        await using (emu)
        {
            Assert.Empty(inventory.Gaps);
            Assert.Equal(60, inventory.Instances.Count);
            Assert.Equal(3, inventory.Vpcs.Count);
            Assert.Equal(9, inventory.Subnets.Count);
            var endpoint = Assert.Single(inventory.VpcEndpoints, e => e.ServiceName == "com.amazonaws.us-east-1.ssm");
            Assert.Equal("10.1.2.10", Assert.Single(endpoint.NetworkInterfaces).PrivateIpAddress); // ENI IPs merged in
            Assert.True(endpoint.PrivateDnsEnabled);
            Assert.True(inventory.Vpcs.Single(v => v.VpcId == vpcs[0].VpcId).EnableDnsHostnames);
            Assert.Null(inventory.Vpcs.Single(v => v.VpcId == vpcs[1].VpcId).EnableDnsHostnames); // no private-DNS endpoint: not read
            var instance = inventory.Instances.First();
            Assert.Equal(ImdsTokens.Required, instance.HttpTokens);
            Assert.Equal(NetworkFleet.ProfileArn(world), instance.InstanceProfileArn);
            Assert.Equal(60, inventory.SsmInstances.Count);
            Assert.Equal(new[] { NetworkFleet.RoleName }, inventory.Roles.Select(r => r.RoleName));
            Assert.Equal(SimulatedDecision.Allowed, inventory.Roles[0].SimulatedDecisions!["ssm:UpdateInstanceInformation"]);

            foreach (var operation in new[] { "ec2:DescribeInstances", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls",
                "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints", "ec2:DescribeNetworkInterfaces", "ec2:DescribeNatGateways", "ec2:DescribeInternetGateways",
                "ssm:GetServiceSetting", "iam:GetInstanceProfile", "iam:SimulatePrincipalPolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies" })
            {
                Assert.True(emu.Calls[operation] == 1, operation + ": " + emu.Calls[operation]);
            }

            Assert.Equal(2, emu.Calls["ec2:DescribeVpcAttribute"]); // one VPC relies on private DNS
            Assert.Equal(2, emu.Calls["ssm:DescribeInstanceInformation"]); // 60 ids in pages of 50
            Assert.Equal(0, emu.Calls["iam:GetRole"]); // the profile named the role's ARN
            Assert.Equal(0, emu.Calls["iam:GetPolicyVersion"]); // the simulation decided
            Assert.Equal(19, emu.Calls.Total); // 15 operations once, 2 DNS attributes, 2 SSM pages

            var evaluator = new NetworkEvaluator(new NetworkSnapshot(inventory));
            Assert.All(evaluator.EvaluateAll(ids), r => Assert.Equal(NetworkVerdict.Healthy, r.Verdict));
        }
    }

    [Fact]
    public async Task Unknown_ids_named_by_EC2_are_set_aside_and_the_batch_read_again()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var known = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        var (inventory, emu) = await FetchAsync(world, new[] { "i-0deadbeefdeadbeef", known, "i-0feedfacefeedface" });
        await using (emu)
        {
            Assert.Equal(known, Assert.Single(inventory.Instances).InstanceId);
            Assert.Equal(new[] { "i-0deadbeefdeadbeef", "i-0feedfacefeedface" }, inventory.Gaps.Where(g => g.IsNotFound).Select(g => g.ResourceId).OrderBy(i => i, StringComparer.Ordinal));
            Assert.Equal(2, emu.Calls["ec2:DescribeInstances"]);
        }
    }

    [Fact]
    public async Task Documents_are_read_and_the_reason_named_when_SimulatePrincipalPolicy_is_refused()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var id = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        world.Roles[0].InlinePolicies["extra"] = JsonNode.Parse("""{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""")!;
        world.Denies.Add(new Deny { Principal = "*", Action = "iam:SimulatePrincipalPolicy" });
        var (inventory, emu) = await FetchAsync(world, new[] { id });
        await using (emu)
        {
            var role = Assert.Single(inventory.Roles);
            Assert.Null(role.SimulatedDecisions);
            Assert.Equal("iam:SimulatePrincipalPolicy not permitted (AccessDenied)", role.SimulationNote);
            Assert.Contains(role.Policies, p => p.PolicyName == "AmazonSSMManagedInstanceCore" && p.Document!.Contains("ssm:UpdateInstanceInformation", StringComparison.Ordinal));
            Assert.Contains(role.Policies, p => p.IsInline && p.PolicyName == "extra" && p.Document!.Contains("s3:GetObject", StringComparison.Ordinal));
            Assert.Equal(1, emu.Calls["iam:GetPolicy"]);
            Assert.Equal(1, emu.Calls["iam:GetPolicyVersion"]);
            Assert.Equal(1, emu.Calls["iam:GetRolePolicy"]);
            var report = new NetworkEvaluator(new NetworkSnapshot(inventory)).Evaluate(id);
            var check = report.Checks.Single(c => c.CheckId == "RolePermissions");
            Assert.Equal(NetworkCheckStatus.Passed, check.Status);
            Assert.Contains("AmazonSSMManagedInstanceCore", check.Detail, StringComparison.Ordinal);
            Assert.Contains("not permitted (AccessDenied); evaluated from the policy documents", check.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Roles_known_by_name_only_are_read_with_GetRole()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var instance = NetworkFleet.AddInstance(world, vpc, 1);
        instance.IamInstanceProfileArn = null;
        NetworkFleet.AddRole(world, "DhmcRole", null, NetworkFleet.CorePolicyArn);
        world.ServiceSettings.Add(new ServiceSetting { SettingId = "/ssm/managed-instance/default-ec2-instance-management-role", SettingValue = "DhmcRole" });
        var (inventory, emu) = await FetchAsync(world, new[] { instance.InstanceId });
        await using (emu)
        {
            Assert.Equal("DhmcRole", inventory.DefaultHostManagement!.RoleName);
            Assert.Equal("arn:aws:iam::123456789012:role/DhmcRole", Assert.Single(inventory.Roles).Arn);
            Assert.Equal(1, emu.Calls["iam:GetRole"]);
            Assert.Equal(0, emu.Calls["iam:GetInstanceProfile"]);
        }
    }

    [Fact]
    public async Task Throttling_beyond_the_SDK_retries_is_waited_out_and_logged()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var id = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("ec2:DescribeNetworkAcls", new InjectedFault { ThrottleFirst = 3 });
        emu.Faults.Set("iam:ListRolePolicies", new InjectedFault { ThrottleFirst = 2 });
        var log = new ConcurrentQueue<string>();
        var inventory = await NetworkFleetReader.FetchAsync(TestAws.Connect(emu, maxErrorRetry: 0), new NetworkFleetRequest { InstanceIds = new[] { id } }, log.Enqueue, CancellationToken.None);
        Assert.Empty(inventory.Gaps);
        Assert.NotEmpty(inventory.NetworkAcls);
        Assert.Equal(4, emu.Calls["ec2:DescribeNetworkAcls"]);
        Assert.Contains(log, m => m.StartsWith("ec2:DescribeNetworkAcls throttled; retrying in", StringComparison.Ordinal));
        Assert.Contains(log, m => m.StartsWith("ec2:DescribeNetworkAcls (1 VPC)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccessDenied_on_an_EC2_read_becomes_a_gap_naming_the_operation()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var id = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        world.Denies.Add(new Deny { Principal = "*", Action = "ec2:DescribeRouteTables" });
        var (inventory, emu) = await FetchAsync(world, new[] { id });
        await using (emu)
        {
            var gap = Assert.Single(inventory.Gaps);
            Assert.Equal("ec2:DescribeRouteTables", gap.Operation);
            Assert.Equal("UnauthorizedOperation", gap.ErrorCode);
            var report = new NetworkEvaluator(new NetworkSnapshot(inventory)).Evaluate(id);
            Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
            Assert.Contains(report.Checks, c => c.Status == NetworkCheckStatus.Error && c.Remediation.Contains("ec2:DescribeRouteTables", StringComparison.Ordinal));
        }
    }
}
