using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Network;

/// <summary>Test-ManagedInstanceNetwork end to end: hosted runspace, the built module, the loopback emulator, a world per scenario.</summary>
public sealed class TestManagedInstanceNetworkTests : IDisposable
{
    private const string Aws = "$aws = @{ EndpointUrl = $endpoint; Region = 'us-east-1'; AccessKey = 'AKIANETWORKTEST00001'; SecretKey = 'network-test-secret' }\n";
    private readonly PowerShellSession _session = new(width: 200);

    public void Dispose() => _session.Dispose();

    private static (World World, FleetVpc Vpc, string Id) OneInstance(bool interfaceEndpoints = false)
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1, interfaceEndpoints);
        var instance = NetworkFleet.AddInstance(world, vpc, 1, "web-1");
        return (world, vpc, instance.InstanceId);
    }

    private async Task<(ScriptResult Result, AwsEmulator Emulator)> RunAsync(World world, string script)
    {
        var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        return (_session.Run(Aws + script), emu);
    }

    private async Task<PSObject> ReportAsync(World world, string id, string extra = "")
    {
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws " + extra);
        await emu.DisposeAsync();
        Assert.Empty(result.AllErrors);
        var report = Assert.Single(result.Output);
        Assert.Equal("SsmTroubleshoot.Network.ManagedInstanceNetworkReport", report.TypeNames[0]);
        return report;
    }

    private static (string Status, string Detail, string Remediation) Check(PSObject report, string checkId)
    {
        var checks = ((System.Collections.IEnumerable)ScriptResult.Prop(report, "Checks")!).Cast<object>().Select(PSObject.AsPSObject).ToList();
        var check = checks.SingleOrDefault(c => (string)ScriptResult.Prop(c, "CheckId")! == checkId)
            ?? throw new Xunit.Sdk.XunitException(checkId + " not among " + string.Join(", ", checks.Select(c => ScriptResult.Prop(c, "CheckId"))));
        return (ScriptResult.Prop(check, "Status")!.ToString()!, (string)ScriptResult.Prop(check, "Detail")!, (string)ScriptResult.Prop(check, "Remediation")!);
    }

    private static string[] Failed(PSObject report) => ((IEnumerable<string>)ScriptResult.Prop(report, "FailedChecks")!).ToArray();

    private static string Verdict(PSObject report) => ScriptResult.Prop(report, "Verdict")!.ToString()!;

    [Fact]
    public async Task Healthy_instance_behind_a_NAT_gateway_passes_every_check()
    {
        var (world, vpc, id) = OneInstance();
        var report = await ReportAsync(world, id);
        Assert.Equal("Healthy", Verdict(report));
        Assert.Empty(Failed(report));
        Assert.Equal("web-1", ScriptResult.Prop(report, "Name"));
        Assert.Equal(vpc.VpcId, ScriptResult.Prop(report, "VpcId"));
        Assert.Equal("Online", ScriptResult.Prop(report, "PingStatus"));
        Assert.Equal("Passed", Check(report, "Route.ssm").Status);
        Assert.Contains(vpc.NatGatewayId, Check(report, "Route.ssmmessages").Detail, StringComparison.Ordinal);
        Assert.Equal("Passed", Check(report, "RolePermissions").Status);
        Assert.Contains("SimulatePrincipalPolicy", Check(report, "RolePermissions").Detail, StringComparison.Ordinal);
        Assert.Equal("Skipped", Check(report, "VpcDns").Status); // no private-DNS endpoint relies on it: not read
    }

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
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            var check = Check(Assert.Single(result.Output), "SecurityGroupEgress.ssm");
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
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws");
        await using (emu)
        {
            var check = Check(Assert.Single(result.Output), "RolePermissions");
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
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            var check = Check(Assert.Single(result.Output), "RolePermissions");
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
        NetworkFleet.AddRole(world, "HybridRole", null, NetworkFleet.CorePolicyArn);
        world.InstanceInformation.Add(new InstanceInformation { InstanceId = "mi-0a1b2c3d4e5f60003", IamRole = "HybridRole", PingStatus = "ConnectionLost" });
        var report = await ReportAsync(world, "mi-0a1b2c3d4e5f60003");
        Assert.Equal("ConnectionLost", ScriptResult.Prop(report, "PingStatus"));
        Assert.Equal("Info", Check(report, "PingStatus").Status);
        Assert.Equal("Passed", Check(report, "InstanceProfile").Status);
        Assert.Contains("HybridRole", Check(report, "InstanceProfile").Detail, StringComparison.Ordinal);
        Assert.Equal("Passed", Check(report, "RolePermissions").Status);
        Assert.Equal("Skipped", Check(report, "Route.ssm").Status);
        Assert.Equal("Skipped", Check(report, "NaclIngress.ssmmessages").Status);
    }

    [Fact]
    public async Task Mixed_fleet_reports_an_unknown_id_as_a_non_terminating_error_and_the_rest_in_input_order()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var first = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        var second = NetworkFleet.AddInstance(world, vpc, 2).InstanceId;
        const string Unknown = "i-0deadbeefdeadbeef";
        var (result, emu) = await RunAsync(world, $"Test-ManagedInstanceNetwork -InstanceId {second}, {Unknown}, {first} @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            Assert.Equal(new object?[] { second, first }, result.Output.Select(o => ScriptResult.Prop(o, "InstanceId")).ToArray());
            var error = Assert.Single(result.Errors);
            Assert.Equal("InstanceNotFound", ScriptResult.ErrorId(error));
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal(Unknown, error.TargetObject);
            Assert.Contains("us-east-1", error.Exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AccessDenied_on_IAM_is_an_Error_row_naming_the_permission_and_the_report_goes_on()
    {
        var (world, _, id) = OneInstance();
        world.Denies.Add(new Deny { Principal = "*", Action = "iam:GetInstanceProfile" });
        var report = await ReportAsync(world, id);
        var check = Check(report, "RolePermissions");
        Assert.Equal("Error", check.Status);
        Assert.Contains("iam:GetInstanceProfile", check.Detail, StringComparison.Ordinal);
        Assert.Equal("Grant iam:GetInstanceProfile.", check.Remediation);
        Assert.Equal("Unknown", Verdict(report));
        Assert.Equal("Passed", Check(report, "Route.ssm").Status);
        Assert.Equal("Passed", Check(report, "SecurityGroupEgress.ssm").Status);
    }

    [Fact]
    public async Task Throttling_mid_run_backs_off_and_still_gives_a_complete_report()
    {
        var (world, _, id) = OneInstance();
        await using var emu = await AwsEmulator.StartAsync(world);

        // More throttles than the SDK's own retries (2): the fetcher waits them out.
        emu.Faults.Set("ec2:DescribeRouteTables", new InjectedFault { ThrottleFirst = 4 });
        emu.Faults.Set("ssm:DescribeInstanceInformation", new InjectedFault { ThrottleFirst = 2 });
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        var result = _session.Run(Aws + "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws -Verbose");
        Assert.Empty(result.AllErrors);
        var report = Assert.Single(result.Output);
        Assert.Equal("Healthy", Verdict(report));
        Assert.Equal("Online", ScriptResult.Prop(report, "PingStatus"));
        Assert.Equal(5, emu.Calls["ec2:DescribeRouteTables"]);
        Assert.Contains(result.Verbose, v => v.Message.Contains("ec2:DescribeRouteTables throttled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Objects_piped_from_two_regions_are_read_per_region_in_input_order()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var ids = Enumerable.Range(1, 3).Select(n => NetworkFleet.AddInstance(world, vpc, n).InstanceId).ToArray();
        var regions = new[] { "us-east-1", "eu-west-1", "us-east-1" };
        var objects = string.Join(", ", ids.Select((id, n) => $"[pscustomobject]@{{ InstanceId = '{id}'; Region = '{regions[n]}' }}"));
        var (result, emu) = await RunAsync(world, objects + " | Test-ManagedInstanceNetwork -EndpointUrl $endpoint -AccessKey AKIANETWORKTEST00001 -SecretKey network-test -Debug");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            // One batch per region: the us-east-1 pair first (its first id came first), then eu-west-1.
            Assert.Equal(2, emu.Calls["ec2:DescribeInstances"]);
            Assert.Equal(new[] { ids[0], ids[2], ids[1] }, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
            Assert.Equal(2, result.Debug.Count(d => d.Message.StartsWith("Region obtained from the -Region parameter", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Objects_with_an_InstanceId_property_bind_from_the_pipeline_and_are_read_in_one_batch()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var ids = Enumerable.Range(1, 3).Select(n => NetworkFleet.AddInstance(world, vpc, n).InstanceId).ToArray();
        var (result, emu) = await RunAsync(world, string.Join(", ", ids.Select(i => $"[pscustomobject]@{{ InstanceId = '{i}'; State = 'running' }}")) + " | Test-ManagedInstanceNetwork @aws -Verbose");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(ids, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
            Assert.Equal(1, emu.Calls["ec2:DescribeInstances"]);
            Assert.Equal(1, emu.Calls["ec2:DescribeSecurityGroups"]);
            Assert.Equal(1, emu.Calls["iam:GetInstanceProfile"]);
            Assert.Equal(0, emu.Calls["iam:GetRole"]); // the profile named the role's ARN
            foreach (var operation in new[] { "ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ssm:DescribeInstanceInformation", "ssm:GetServiceSetting", "iam:GetInstanceProfile", "iam:SimulatePrincipalPolicy" })
            {
                Assert.Contains(result.Verbose, v => v.Message.StartsWith(operation, StringComparison.Ordinal));
            }

            Assert.Contains(result.Progress, p => p.StatusDescription.StartsWith("Evaluating " + ids[2], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_string_or_a_reservation_does_not_bind_from_the_pipeline()
    {
        var (world, _, id) = OneInstance();
        var (result, emu) = await RunAsync(world,
            $"'{id}' | Test-ManagedInstanceNetwork @aws; [pscustomobject]@{{ ReservationId = 'r-0123456789abcdef0'; Instances = @([pscustomobject]@{{ InstanceId = '{id}' }}) }} | Test-ManagedInstanceNetwork @aws");
        await using (emu)
        {
            Assert.Empty(result.Output);
            Assert.Equal(2, result.Errors.Count);
            Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
            Assert.Equal(0, emu.Calls.Total);
        }
    }

    [Fact]
    public async Task Invalid_ids_and_filters_are_rejected_with_stable_error_ids()
    {
        var (world, _, _) = OneInstance();
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId web-1 @aws");
        await using (emu)
        {
            Assert.Equal("ParameterArgumentValidationError", ScriptResult.ErrorId(result.AllErrors.Single()));
            result = _session.Run(Aws + "Test-ManagedInstanceNetwork -Filter @{ 'tag:Environment' = @() } @aws");
            Assert.Equal("NetworkFilterInvalid", ScriptResult.ErrorId(result.AllErrors.Single()));
            Assert.Equal(ErrorCategory.InvalidArgument, result.AllErrors.Single().CategoryInfo.Category);
            Assert.Equal(0, emu.Calls.Total);
        }
    }

    [Fact]
    public async Task Filter_selects_instances_by_tag_and_All_takes_the_region_without_terminated_ones()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var prod = NetworkFleet.AddInstance(world, vpc, 1);
        prod.Tags["Environment"] = "prod";
        var dev = NetworkFleet.AddInstance(world, vpc, 2);
        dev.Tags["Environment"] = "dev";
        var gone = NetworkFleet.AddInstance(world, vpc, 3);
        gone.State = "terminated";
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -Filter @{ 'tag:Environment' = 'prod' } @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(prod.InstanceId, ScriptResult.Prop(Assert.Single(result.Output), "InstanceId"));
            result = _session.Run(Aws + "Test-ManagedInstanceNetwork -Filter @{ 'tag:Environment' = 'prod', 'dev' } @aws");
            Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
            result = _session.Run(Aws + "Test-ManagedInstanceNetwork -All @aws");
            Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
        }
    }

    [Fact]
    public async Task Detailed_and_piped_Checks_give_the_same_check_rows()
    {
        var (world, _, id) = OneInstance();
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws -Detailed -IncludeOptionalService");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.All(result.Output, o => Assert.Equal("SsmTroubleshoot.Network.NetworkCheck", o.TypeNames[0]));
            var checkIds = result.Output.Select(o => (string)ScriptResult.Prop(o, "CheckId")!).ToList();
            Assert.Equal(5 + (6 * 7), checkIds.Count);
            Assert.Contains("NaclIngress.monitoring", checkIds);
            var piped = _session.Run(Aws + "(Test-ManagedInstanceNetwork -InstanceId " + id + " @aws -IncludeOptionalService).Checks");
            Assert.Equal(checkIds, piped.Output.Select(o => (string)ScriptResult.Prop(o, "CheckId")!).ToList());
        }
    }

    [Fact]
    public async Task Default_views_show_one_line_per_instance_and_check_rows_grouped_by_instance()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var healthy = NetworkFleet.AddInstance(world, vpc, 1, "web-1").InstanceId;
        var broken = NetworkFleet.AddInstance(world, vpc, 2, "web-2");
        broken.SecurityGroupIds = new() { "sg-0ffffffe" };
        world.SecurityGroups.Add(new SecurityGroup { GroupId = "sg-0ffffffe", GroupName = "locked", VpcId = vpc.VpcId });
        world.InstanceInformation.Single(i => i.InstanceId == broken.InstanceId).PingStatus = "ConnectionLost";
        await using var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        _session.Run(Aws);

        var fleet = _session.Render($"Test-ManagedInstanceNetwork -InstanceId {healthy}, {broken.InstanceId} @aws");
        var lines = fleet.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.Matches(@"^InstanceId\s+Name\s+VpcId\s+PingStatus\s+Verdict\s+FailedChecks$", lines[0]);
        Assert.Matches($@"^{healthy}\s+web-1\s+{vpc.VpcId}\s+Online\s+Healthy$", lines[2]);
        Assert.Matches($@"^{broken.InstanceId}\s+web-2\s+{vpc.VpcId}\s+ConnectionLost\s+Unhealthy\s+SecurityGroupEgress.ssm, SecurityGroupEgress.ec2messages, SecurityGroupEgress.ssmmessages$", lines[3]);
        Assert.Equal(4, lines.Count);

        var checks = _session.Render($"Test-ManagedInstanceNetwork -InstanceId {broken.InstanceId} @aws -Detailed");
        Assert.Contains("Instance: " + broken.InstanceId, checks, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Status\s+CheckId\s+Detail$", checks);
        Assert.Matches(@"(?m)^Info\s+PingStatus\s+ConnectionLost", checks);
        Assert.Matches(@"(?m)^Failed\s+SecurityGroupEgress.ssm\s+", checks);
    }

    [Fact]
    public async Task Stop_ends_a_run_waiting_on_a_slow_describe_at_once()
    {
        var (world, _, id) = OneInstance();
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("ec2:DescribeSubnets", new InjectedFault { Latency = TimeSpan.FromSeconds(20) });
        using var ps = PowerShell.Create();
        ps.Runspace = _session.Runspace;
        ps.AddCommand("Test-ManagedInstanceNetwork").AddParameter("InstanceId", new[] { id }).AddParameter("EndpointUrl", emu.Endpoint.ToString())
            .AddParameter("Region", "us-east-1").AddParameter("AccessKey", "AKIANETWORKTEST00001").AddParameter("SecretKey", "network-test-secret");
        var async = ps.BeginInvoke();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (emu.Calls["ec2:DescribeSubnets"] == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "stopping took " + watch.Elapsed);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    [Fact]
    public async Task DescribeInstances_refused_is_one_PermissionDenied_error_per_id_and_hybrid_nodes_are_still_reported()
    {
        var (world, _, id) = OneInstance();
        NetworkFleet.AddRole(world, "HybridRole", null, NetworkFleet.CorePolicyArn);
        world.InstanceInformation.Add(new InstanceInformation { InstanceId = "mi-0a1b2c3d4e5f60003", IamRole = "HybridRole" });
        world.Denies.Add(new Deny { Principal = "*", Action = "ec2:DescribeInstances" });
        var (result, emu) = await RunAsync(world, $"Test-ManagedInstanceNetwork -InstanceId {id}, mi-0a1b2c3d4e5f60003 @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            var error = Assert.Single(result.Errors);
            Assert.Equal("InstanceLookupFailed", ScriptResult.ErrorId(error));
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Equal(id, error.TargetObject);
            Assert.Equal("Grant ec2:DescribeInstances.", error.ErrorDetails.RecommendedAction);
            Assert.Equal("mi-0a1b2c3d4e5f60003", ScriptResult.Prop(Assert.Single(result.Output), "InstanceId"));
        }
    }
}
