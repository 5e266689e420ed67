using System;
using System.Linq;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using static SsmTroubleshoot.Engine.Tests.Network.NetworkScenario;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>VpcDns, Route.&lt;svc&gt; and VpcEndpoint.&lt;svc&gt;.</summary>
public sealed class RouteAndEndpointTests
{
    [Fact]
    public void Healthy_private_subnet_with_the_three_endpoints_passes_every_check()
    {
        var report = WithInterfaceEndpoints().Evaluate();
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
        Assert.Empty(report.FailedChecks);
        Assert.Equal(new[] { "PingStatus", "InstanceProfile", "RolePermissions", "DefaultHostManagement", "VpcDns" }, report.Checks.Take(5).Select(c => c.CheckId));
        foreach (var service in NetworkServices.Core)
        {
            foreach (var check in new[] { "Route", "VpcEndpoint", "EndpointSecurityGroup", "SecurityGroupEgress", "NaclEgress", "NaclIngress" })
            {
                report.AssertCheck(check + "." + service, NetworkCheckStatus.Passed);
            }
        }

        report.AssertCheck("Route.ssm", NetworkCheckStatus.Passed, "vpce-ssm", "10.0.2.10", "local route 10.0.0.0/16", "rtb-main (main table");
        report.AssertCheck("VpcEndpoint.ssmmessages", NetworkCheckStatus.Passed, "vpce-ssmmessages", "private DNS on");
        Assert.Equal(("app-1", VpcId, AppSubnet), (report.Name, report.VpcId, report.SubnetId));
    }

    [Fact]
    public void Optional_services_are_checked_only_when_asked()
    {
        Assert.DoesNotContain(WithInterfaceEndpoints().Evaluate().Checks, c => c.Service == "kms");
        var report = WithInterfaceEndpoints("s3", "kms", "logs", "monitoring").IncludeOptionalServices().Evaluate();
        Assert.Equal(5 + (7 * 6), report.Checks.Count);
        report.AssertCheck("VpcEndpoint.monitoring", NetworkCheckStatus.Passed, "vpce-monitoring");
    }

    [Fact]
    public void VpcDns_fails_when_hostnames_are_off_and_private_endpoints_rely_on_it()
    {
        var report = WithInterfaceEndpoints().Vpc(v => v with { EnableDnsHostnames = false }).Evaluate();
        report.AssertCheck("VpcDns", NetworkCheckStatus.Failed, "enableDnsHostnames off", "vpce-ssm");
        // The endpoints no longer resolve, and without a NAT there is no other way out.
        report.AssertCheck("VpcEndpoint.ssm", NetworkCheckStatus.Failed, "enableDnsSupport/enableDnsHostnames");
        report.AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "no route to 0.0.0.0/0");
    }

    [Fact]
    public void VpcDns_hostnames_off_with_a_working_NAT_path_warns_and_the_node_stays_healthy()
    {
        // Issue 15: reachable per service when any working path exists.
        var report = WithInterfaceEndpoints().AddNatGateway().Vpc(v => v with { EnableDnsHostnames = false }).Evaluate();
        report.AssertCheck("VpcDns", NetworkCheckStatus.Warning, "enableDnsHostnames off", "public path carries the traffic");
        report.AssertCheck("Route.ssm", NetworkCheckStatus.Passed);
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
    }

    [Fact]
    public void VpcDns_support_off_with_endpoints_fails_even_with_a_NAT_path()
    {
        var report = WithInterfaceEndpoints().AddNatGateway().Vpc(v => v with { EnableDnsSupport = false }).Evaluate();
        report.AssertCheck("VpcDns", NetworkCheckStatus.Failed, "Amazon DNS server is off");
    }

    [Fact]
    public void VpcDns_support_off_without_endpoints_warns_about_the_Amazon_DNS_server()
    {
        WithNatGateway().Vpc(v => v with { EnableDnsSupport = false }).Evaluate()
            .AssertCheck("VpcDns", NetworkCheckStatus.Warning, "Amazon DNS server is off");
    }

    [Fact]
    public void VpcDns_hostnames_off_without_endpoints_is_info()
    {
        WithNatGateway().Vpc(v => v with { EnableDnsHostnames = false }).Evaluate().AssertCheck("VpcDns", NetworkCheckStatus.Info, "enableDnsHostnames off");
    }

    [Fact]
    public void VpcDns_attributes_not_read_and_not_relied_on_is_skipped()
    {
        WithNatGateway().Vpc(v => v with { EnableDnsHostnames = null, EnableDnsSupport = null }).Evaluate()
            .AssertCheck("VpcDns", NetworkCheckStatus.Skipped, "no interface endpoint with private DNS relies", "(not read)");
    }

    [Fact]
    public void VpcDns_attributes_refused_is_error_even_when_no_endpoint_relies_on_them()
    {
        WithNatGateway().Vpc(v => v with { EnableDnsHostnames = null, EnableDnsSupport = null }).Gap(VpcId, "ec2:DescribeVpcAttribute", "UnauthorizedOperation").Evaluate()
            .AssertCheck("VpcDns", NetworkCheckStatus.Error, "ec2:DescribeVpcAttribute");
    }

    [Fact]
    public void VpcDns_unreadable_is_error()
    {
        var report = WithInterfaceEndpoints().Vpc(v => v with { EnableDnsHostnames = null }).Gap(VpcId, "ec2:DescribeVpcAttribute", "UnauthorizedOperation").Evaluate();
        report.AssertCheck("VpcDns", NetworkCheckStatus.Error, "ec2:DescribeVpcAttribute");
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }

    [Fact]
    public void Endpoint_with_private_DNS_off_warns_when_the_internet_path_works()
    {
        var report = WithNatGateway().AddInterfaceEndpoints().Endpoint("ssm", e => e with { PrivateDnsEnabled = false }).Evaluate();
        report.AssertCheck("VpcEndpoint.ssm", NetworkCheckStatus.Warning, "vpce-ssm", "private DNS is off", "internet path");
        report.AssertCheck("Route.ssm", NetworkCheckStatus.Passed, "nat-1");
        report.AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Skipped);
        report.AssertCheck("Route.ec2messages", NetworkCheckStatus.Passed, "vpce-ec2messages");
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
    }

    [Fact]
    public void Endpoint_with_private_DNS_off_fails_without_an_internet_path()
    {
        var report = WithInterfaceEndpoints().Endpoint("ssm", e => e with { PrivateDnsEnabled = false }).Evaluate();
        report.AssertCheck("VpcEndpoint.ssm", NetworkCheckStatus.Failed, "private DNS is off", "no internet path");
        Assert.Contains("PrivateDnsEnabled", report.Check("VpcEndpoint.ssm").Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_not_available_fails_without_an_internet_path()
    {
        WithInterfaceEndpoints().Endpoint("ec2messages", e => e with { State = "pendingAcceptance" }).Evaluate()
            .AssertCheck("VpcEndpoint.ec2messages", NetworkCheckStatus.Failed, "pendingAcceptance");
    }

    [Fact]
    public void Endpoint_policy_that_refuses_the_agent_fails_the_endpoint_check()
    {
        var report = WithInterfaceEndpoints()
            .Endpoint("ssm", e => e with { PolicyDocument = """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ssm:GetParameter*","Resource":"*"}]}""" })
            .Endpoint("ec2messages", e => e with { PolicyDocument = """{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"},{"Sid":"NoReplies","Effect":"Deny","Principal":"*","Action":"ec2messages:SendReply","Resource":"*"}]}""" })
            .Endpoint("ssmmessages", e => e with { PolicyDocument = """{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app-role"},"Action":"*","Resource":"*"}}""" })
            .Evaluate();
        report.AssertCheck("VpcEndpoint.ssm", NetworkCheckStatus.Failed, "endpoint policy refuses ssm:UpdateInstanceInformation", "no statement allows it");
        report.AssertCheck("VpcEndpoint.ec2messages", NetworkCheckStatus.Failed, "ec2messages:SendReply", "NoReplies");
        report.AssertCheck("VpcEndpoint.ssmmessages", NetworkCheckStatus.Warning, "may refuse", "Principal");
    }

    [Fact]
    public void Endpoint_policy_allowing_everyone_passes()
    {
        WithInterfaceEndpoints()
            .Endpoint("ssm", e => e with { PolicyDocument = """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""" })
            .Evaluate()
            .AssertCheck("VpcEndpoint.ssm", NetworkCheckStatus.Passed, "endpoint policy allows");
    }

    [Fact]
    public void Missing_endpoint_is_info_when_a_NAT_path_exists()
    {
        var report = WithNatGateway().AddInterfaceEndpoints().WithoutEndpoint("ssmmessages").Evaluate();
        report.AssertCheck("VpcEndpoint.ssmmessages", NetworkCheckStatus.Info, "com.amazonaws.us-east-1.ssmmessages");
        report.AssertCheck("Route.ssmmessages", NetworkCheckStatus.Passed, "nat-1", "igw-1");
    }

    [Fact]
    public void Missing_endpoint_fails_without_an_internet_path_which_the_runbook_never_sees()
    {
        var report = WithInterfaceEndpoints().WithoutEndpoint("ssmmessages").Evaluate();
        report.AssertCheck("VpcEndpoint.ssmmessages", NetworkCheckStatus.Failed, "no internet path");
        report.AssertCheck("Route.ssmmessages", NetworkCheckStatus.Failed, "rtb-main", "no route to 0.0.0.0/0");
        report.AssertCheck("VpcEndpoint.ssm", NetworkCheckStatus.Passed);
        Assert.Equal(new[] { "Route.ssmmessages", "VpcEndpoint.ssmmessages" }, report.FailedChecks);
    }

    [Fact]
    public void Route_via_NAT_passes_when_the_NAT_subnet_routes_to_an_attached_internet_gateway()
    {
        WithNatGateway().Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Passed, "0.0.0.0/0 -> nat-1 in rtb-app", "subnet-pub", "rtb-pub", "igw-1");
    }

    [Fact]
    public void Route_main_table_fallback_is_used_when_the_subnet_has_no_explicit_association()
    {
        var scenario = WithNatGateway();
        scenario.RouteTables.RemoveAll(t => t.RouteTableId == "rtb-app");
        scenario.RouteTable("rtb-main", t => t with { Routes = new[] { Local(), DefaultTo("nat-1") } });
        scenario.Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Passed, "rtb-main (main table: subnet-app has no explicit association)", "nat-1");
    }

    [Fact]
    public void Route_explicit_association_wins_over_a_main_table_that_would_work()
    {
        var scenario = WithNatGateway()
            .RouteTable("rtb-main", t => t with { Routes = new[] { Local(), DefaultTo("nat-1") } })
            .RouteTable("rtb-app", t => t with { Routes = new[] { Local() } });
        scenario.Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "rtb-app has no route to 0.0.0.0/0");
    }

    [Fact]
    public void Route_via_NAT_fails_when_the_NAT_subnet_has_no_internet_gateway_route()
    {
        var check = New().AddNatGateway(publicSubnetRoutesToIgw: false).Evaluate()
            .AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "nat-1", "subnet-pub", "rtb-pub", "has no route to 0.0.0.0/0");
        Assert.Contains("internet gateway", check.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_via_NAT_fails_when_the_NAT_gateway_is_not_available()
    {
        New().AddNatGateway(state: "failed").Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "nat-1 is failed");
    }

    [Fact]
    public void Route_via_a_private_NAT_gateway_to_an_internet_gateway_fails()
    {
        New().AddNatGateway(connectivity: NatConnectivity.Private).Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "private NAT");
    }

    [Fact]
    public void Route_to_a_NAT_gateway_that_does_not_exist_fails()
    {
        var scenario = WithNatGateway();
        scenario.NatGateways.Clear();
        scenario.Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "nat-1 does not exist");
    }

    [Fact]
    public void Route_blackhole_fails()
    {
        WithNatGateway().RouteTable("rtb-app", t => t with { Routes = new[] { Local(), DefaultTo("nat-0gone", RouteState.Blackhole) } }).Evaluate()
            .AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "Blackhole", "nat-0gone");
    }

    [Fact]
    public void Route_to_an_internet_gateway_needs_a_public_IP()
    {
        WithInternetGateway().Evaluate().AssertCheck("Route.ssm", NetworkCheckStatus.Passed, "igw-1", "54.1.2.3");
        WithInternetGateway().Instance(i => i with { PublicIpAddress = null }).Evaluate()
            .AssertCheck("Route.ssm", NetworkCheckStatus.Failed, "igw-1", "no public IP or Elastic IP");
    }

    [Theory]
    [InlineData("tgw-0abc", "TransitGateway")]
    [InlineData("pcx-0abc", "VpcPeeringConnection")]
    [InlineData("eni-0abc", "NetworkInterface")]
    [InlineData("vgw-0abc", "VirtualPrivateGateway")]
    public void Route_to_targets_we_cannot_see_beyond_warns(string target, string kind)
    {
        var report = WithNatGateway().RouteTable("rtb-app", t => t with { Routes = new[] { Local(), DefaultTo(target) } }).Evaluate();
        report.AssertCheck("Route.ssm", NetworkCheckStatus.Warning, target, kind, "not visible");
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
    }

    [Fact]
    public void Route_to_an_endpoint_overridden_by_a_more_specific_route_warns()
    {
        WithInterfaceEndpoints()
            .RouteTable("rtb-main", t => t with { Routes = new[] { Local(), new Route { DestinationCidrBlock = "10.0.2.0/24", TargetId = "eni-firewall", TargetKind = RouteTargetKind.NetworkInterface } } })
            .Evaluate()
            .AssertCheck("Route.ssm", NetworkCheckStatus.Warning, "10.0.2.0/24 -> eni-firewall");
    }

    [Fact]
    public void Route_notes_more_specific_public_routes_but_ignores_private_ones()
    {
        var report = WithNatGateway()
            .RouteTable("rtb-app", t => t with
            {
                Routes = t.Routes.Concat(new[]
                {
                    new Route { DestinationCidrBlock = "52.94.0.0/16", TargetId = "tgw-1", TargetKind = RouteTargetKind.TransitGateway },
                    new Route { DestinationCidrBlock = "192.168.0.0/16", TargetId = "vgw-1", TargetKind = RouteTargetKind.VirtualPrivateGateway },
                }).ToArray(),
            })
            .Evaluate();
        var check = report.AssertCheck("Route.ssm", NetworkCheckStatus.Passed, "nat-1", "52.94.0.0/16 -> tgw-1");
        Assert.DoesNotContain("192.168.0.0/16", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_to_s3_uses_the_gateway_endpoint_prefix_list_route()
    {
        var report = WithNatGateway().AddS3GatewayEndpoint("rtb-app").IncludeOptionalServices().Evaluate();
        report.AssertCheck("Route.s3", NetworkCheckStatus.Passed, "pl-63a5400a -> vpce-s3gw", "rtb-app");
        report.AssertCheck("VpcEndpoint.s3", NetworkCheckStatus.Passed, "Gateway endpoint vpce-s3gw");
        report.AssertCheck("SecurityGroupEgress.s3", NetworkCheckStatus.Passed, "prefix list pl-63a5400a");
        report.AssertCheck("Route.kms", NetworkCheckStatus.Passed, "nat-1");
    }

    [Fact]
    public void Route_to_s3_via_a_blackholed_gateway_route_fails()
    {
        var scenario = WithNatGateway().AddS3GatewayEndpoint("rtb-app").IncludeOptionalServices();
        scenario.RouteTable("rtb-app", t => t with { Routes = t.Routes.Select(r => r.DestinationPrefixListId is null ? r : r with { State = RouteState.Blackhole }).ToArray() });
        scenario.Evaluate().AssertCheck("Route.s3", NetworkCheckStatus.Failed, "Blackhole", "vpce-s3gw");
    }

    [Fact]
    public void S3_gateway_endpoint_on_another_route_table_is_noted_and_not_used()
    {
        var report = WithNatGateway().AddS3GatewayEndpoint("rtb-pub").IncludeOptionalServices().Evaluate();
        report.AssertCheck("VpcEndpoint.s3", NetworkCheckStatus.Info, "vpce-s3gw exists but is not associated with rtb-app");
        report.AssertCheck("Route.s3", NetworkCheckStatus.Passed, "nat-1");
    }

    [Fact]
    public void Missing_network_data_turns_network_checks_into_errors_with_the_permission()
    {
        var scenario = WithInterfaceEndpoints().Gap(VpcId, "ec2:DescribeRouteTables", "UnauthorizedOperation");
        scenario.RouteTables.Clear();
        var report = scenario.Evaluate();
        report.AssertCheck("Route.ssm", NetworkCheckStatus.Error, "ec2:DescribeRouteTables", "UnauthorizedOperation");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Passed);
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }
}
