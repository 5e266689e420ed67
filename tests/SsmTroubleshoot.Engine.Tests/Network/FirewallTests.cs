using System;
using System.Linq;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using static SsmTroubleshoot.Engine.Tests.Network.NetworkScenario;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>EndpointSecurityGroup, SecurityGroupEgress, NaclEgress, NaclIngress.</summary>
public sealed class FirewallTests
{
    private static SecurityGroupPermission[] EgressNone => Array.Empty<SecurityGroupPermission>();

    [Fact]
    public void Endpoint_security_group_without_https_ingress_fails()
    {
        var report = WithInterfaceEndpoints().SecurityGroup("sg-ep", g => g with { Ingress = new[] { new SecurityGroupPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = new[] { "10.0.0.0/16" } } } }).Evaluate();
        var check = report.AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Failed, "vpce-ssm", "sg-ep", "10.0.1.10", "sg-app");
        Assert.Contains("TCP 443", check.Remediation, StringComparison.Ordinal);
        Assert.Equal(NetworkVerdict.Unhealthy, report.Verdict);
    }

    [Fact]
    public void Endpoint_security_group_ingress_from_a_cidr_not_containing_the_instance_fails()
    {
        WithInterfaceEndpoints().SecurityGroup("sg-ep", g => g with { Ingress = new[] { Https("10.0.2.0/24") } }).Evaluate()
            .AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Failed);
    }

    [Fact]
    public void Endpoint_security_group_ingress_from_the_instance_security_group_passes()
    {
        WithInterfaceEndpoints()
            .SecurityGroup("sg-ep", g => g with { Ingress = new[] { new SecurityGroupPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, ReferencedGroupIds = new[] { "sg-app" } } } })
            .Evaluate()
            .AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Passed, "sg-ep ingress tcp 443 from security group sg-app");
    }

    [Fact]
    public void Endpoint_security_group_ingress_from_a_prefix_list_containing_the_instance_passes()
    {
        WithInterfaceEndpoints()
            .Add(new ManagedPrefixList { PrefixListId = "pl-corp", Name = "corp-app-subnets", Cidrs = new[] { "10.0.1.0/24" } })
            .SecurityGroup("sg-ep", g => g with { Ingress = new[] { new SecurityGroupPermission { IpProtocol = "-1", PrefixListIds = new[] { "pl-corp" } } } })
            .Evaluate()
            .AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Passed, "all traffic from prefix list pl-corp");
    }

    [Fact]
    public void Endpoint_security_group_with_ipv6_rules_only_fails_and_says_so()
    {
        WithInterfaceEndpoints()
            .SecurityGroup("sg-ep", g => g with { Ingress = new[] { new SecurityGroupPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv6Ranges = new[] { "::/0" } } } })
            .Evaluate()
            .AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Failed, "IPv6-only rules ignored");
    }

    [Fact]
    public void Endpoint_security_group_port_range_and_protocol_matter()
    {
        WithInterfaceEndpoints().SecurityGroup("sg-ep", g => g with { Ingress = new[] { new SecurityGroupPermission { IpProtocol = "tcp", FromPort = 0, ToPort = 1000, Ipv4Ranges = new[] { "0.0.0.0/0" } } } })
            .Evaluate().AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Passed, "tcp 0-1000");
        WithInterfaceEndpoints().SecurityGroup("sg-ep", g => g with { Ingress = new[] { new SecurityGroupPermission { IpProtocol = "udp", FromPort = 443, ToPort = 443, Ipv4Ranges = new[] { "0.0.0.0/0" } } } })
            .Evaluate().AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Failed);
    }

    [Fact]
    public void Instance_egress_without_https_fails()
    {
        var report = WithInterfaceEndpoints().SecurityGroup("sg-app", g => g with { Egress = EgressNone }).Evaluate();
        report.AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Failed, "sg-app", "10.0.2.10");
        report.AssertCheck("SecurityGroupEgress.ec2messages", NetworkCheckStatus.Failed);
    }

    [Fact]
    public void Instance_egress_to_the_endpoint_security_group_passes()
    {
        WithInterfaceEndpoints()
            .SecurityGroup("sg-app", g => g with { Egress = new[] { new SecurityGroupPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, ReferencedGroupIds = new[] { "sg-ep" } } } })
            .Evaluate()
            .AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Passed, "to security group sg-ep");
    }

    [Fact]
    public void Instance_egress_to_the_endpoint_subnet_cidr_passes()
    {
        WithInterfaceEndpoints().SecurityGroup("sg-app", g => g with { Egress = new[] { Https("10.0.2.0/24") } }).Evaluate()
            .AssertCheck("SecurityGroupEgress.ssmmessages", NetworkCheckStatus.Passed, "to 10.0.2.0/24");
    }

    [Fact]
    public void Instance_egress_to_a_prefix_list_covering_the_endpoints_passes_where_the_runbook_reports_a_false_negative()
    {
        WithInterfaceEndpoints()
            .Add(new ManagedPrefixList { PrefixListId = "pl-endpoints", Name = "vpc-endpoints", Cidrs = new[] { "10.0.2.0/24" } })
            .SecurityGroup("sg-app", g => g with { Egress = new[] { new SecurityGroupPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, PrefixListIds = new[] { "pl-endpoints" } } } })
            .Evaluate()
            .AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Passed, "prefix list pl-endpoints");
    }

    [Fact]
    public void Instance_egress_covering_only_some_endpoint_addresses_warns()
    {
        WithInterfaceEndpoints()
            .Endpoint("ssm", e => e with
            {
                NetworkInterfaces = new[]
                {
                    new EndpointNetworkInterface { NetworkInterfaceId = "eni-a", SubnetId = EndpointSubnet, PrivateIpAddress = "10.0.2.10" },
                    new EndpointNetworkInterface { NetworkInterfaceId = "eni-b", SubnetId = EndpointSubnet, PrivateIpAddress = "10.0.2.200" },
                },
            })
            .SecurityGroup("sg-app", g => g with { Egress = new[] { Https("10.0.2.0/25") } })
            .Evaluate()
            .AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Warning, "allows TCP 443 out to 10.0.2.200/32 (other addresses: sg-app egress tcp 443 to 10.0.2.0/25)");
    }

    [Fact]
    public void Instance_egress_to_the_internet_needs_0_0_0_0()
    {
        WithNatGateway().SecurityGroup("sg-app", g => g with { Egress = new[] { Https("0.0.0.0/0") } }).Evaluate()
            .AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Passed, "sg-app egress tcp 443 to 0.0.0.0/0");
        WithNatGateway().SecurityGroup("sg-app", g => g with { Egress = new[] { Https("10.0.0.0/16") } }).Evaluate()
            .AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Failed, "any public address");
        WithNatGateway().SecurityGroup("sg-app", g => g with { Egress = new[] { Https("52.94.0.0/16") } }).Evaluate()
            .AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Warning, "52.94.0.0/16", "cannot tell");
    }

    [Fact]
    public void Instance_egress_for_s3_via_the_gateway_endpoint_needs_the_prefix_list_or_0_0_0_0()
    {
        var scenario = WithNatGateway().AddS3GatewayEndpoint("rtb-app").IncludeOptionalServices()
            .SecurityGroup("sg-app", g => g with { Egress = new[] { Https("10.0.0.0/16") } });
        scenario.Evaluate().AssertCheck("SecurityGroupEgress.s3", NetworkCheckStatus.Failed, "prefix list pl-63a5400a");
        scenario.SecurityGroup("sg-app", g => g with { Egress = new[] { Https("52.216.0.0/15", "54.231.0.0/16") } });
        scenario.Evaluate().AssertCheck("SecurityGroupEgress.s3", NetworkCheckStatus.Passed, "52.216.0.0/15", "54.231.0.0/16");
    }

    [Fact]
    public void Unreadable_security_groups_are_errors()
    {
        var scenario = WithInterfaceEndpoints().Gap(VpcId, "ec2:DescribeSecurityGroups", "UnauthorizedOperation");
        scenario.Groups.Clear();
        var report = scenario.Evaluate();
        report.AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Error, "ec2:DescribeSecurityGroups");
        report.AssertCheck("EndpointSecurityGroup.ssm", NetworkCheckStatus.Error, "sg-ep");
    }

    [Fact]
    public void Nacl_deny_at_90_before_allow_at_100_fails_naming_rule_90()
    {
        var report = WithInterfaceEndpoints()
            .NaclEntries("acl-default",
                Rule(90, egress: true, RuleAction.Deny, "10.0.2.0/24", "6", 443),
                Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"),
                Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate();
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Failed, "acl-default egress rule 90 deny TCP 443 to 10.0.2.0/24");
        report.AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Passed, "rule 100");
    }

    [Fact]
    public void Nacl_allow_at_90_before_deny_at_100_passes_naming_rule_90()
    {
        WithInterfaceEndpoints()
            .NaclEntries("acl-default",
                Rule(100, egress: true, RuleAction.Deny, "10.0.2.0/24", "6", 443),
                Rule(90, egress: true, RuleAction.Allow, "10.0.0.0/16", "6", 443),
                Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate()
            .AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Passed, "acl-default egress rule 90 allow TCP 443 to 10.0.0.0/16");
    }

    [Fact]
    public void Nacl_default_deny_when_no_rule_matches()
    {
        WithInterfaceEndpoints()
            .NaclEntries("acl-default", Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0", "6", 80), Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate()
            .AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Failed, "default rule * denies");
    }

    [Fact]
    public void Nacl_ingress_must_allow_the_ephemeral_reply_ports_stateless()
    {
        var report = WithNatGateway()
            .NaclEntries("acl-default", Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"), Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0", "6", 443))
            .Evaluate();
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Passed);
        var check = report.AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Failed, "Reply enters the instance subnet", "1024-65535");
        Assert.Contains("1024-65535", check.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Nacl_ingress_allowing_only_part_of_the_ephemeral_range_warns()
    {
        WithNatGateway()
            .NaclEntries("acl-default", Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"), Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0", "6", 32768, 65535))
            .Evaluate()
            .AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Warning, "partly blocked", "rule 100 allow TCP 32768-65535");
    }

    [Fact]
    public void Nacl_partial_deny_before_a_full_allow_warns_for_public_destinations()
    {
        WithNatGateway()
            .NaclEntries("acl-default",
                Rule(50, egress: true, RuleAction.Deny, "52.0.0.0/8"),
                Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"),
                Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate()
            .AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Warning, "rule 50 deny all traffic to 52.0.0.0/8 comes first");
    }

    [Fact]
    public void Nacl_deny_of_private_space_does_not_affect_public_service_addresses()
    {
        WithNatGateway()
            .NaclEntries("acl-default",
                Rule(90, egress: true, RuleAction.Deny, "10.9.0.0/16", "6", 443),
                Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"),
                Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate()
            .AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Passed, "rule 100");
    }

    [Fact]
    public void Nacl_is_evaluated_per_endpoint_address()
    {
        var report = WithInterfaceEndpoints()
            .NaclEntries("acl-default",
                Rule(50, egress: true, RuleAction.Deny, "10.0.2.10/32"),
                Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"),
                Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate();
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Failed, "rule 50");
        report.AssertCheck("NaclEgress.ec2messages", NetworkCheckStatus.Passed, "rule 100");
    }

    [Fact]
    public void Nacl_of_the_endpoint_subnet_must_let_the_request_in_and_the_reply_out()
    {
        var report = WithInterfaceEndpoints()
            .NaclEntries("acl-ep",
                Rule(100, egress: false, RuleAction.Allow, "10.0.0.0/16", "6", 443),
                Rule(100, egress: true, RuleAction.Allow, "10.0.0.0/16", "6", 443))
            .Evaluate();
        report.AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Passed, "Request enters the endpoint subnet", "acl-ep ingress rule 100");
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Failed, "Reply leaves the endpoint subnet", "acl-ep", "1024-65535 to 10.0.1.10");

        WithInterfaceEndpoints().NaclEntries("acl-ep", Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0")).Evaluate()
            .AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Failed, "acl-ep", "default rule * denies");
    }

    [Fact]
    public void Nacls_do_not_apply_when_the_endpoint_is_in_the_instance_subnet()
    {
        var report = WithInterfaceEndpoints()
            .Endpoint("ssm", e => e with
            {
                SubnetIds = new[] { AppSubnet },
                NetworkInterfaces = new[] { new EndpointNetworkInterface { NetworkInterfaceId = "eni-x", SubnetId = AppSubnet, PrivateIpAddress = "10.0.1.50" } },
            })
            .NaclEntries("acl-default") // deny everything: still irrelevant inside the subnet
            .Evaluate();
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Passed, "within a subnet");
        report.AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Passed, "within a subnet");
        report.AssertCheck("NaclEgress.ec2messages", NetworkCheckStatus.Failed, "acl-default");
    }

    [Fact]
    public void Nacl_of_the_NAT_gateway_subnet_is_crossed_too()
    {
        var report = WithNatGateway()
            .NaclEntries("acl-pub",
                Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0", "6", 1024, 65535),
                Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate();
        report.AssertCheck("NaclIngress.ssm", NetworkCheckStatus.Failed, "Request enters the NAT gateway subnet", "acl-pub", "443 from 10.0.1.10");
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Passed);
    }

    [Fact]
    public void Nacl_ipv6_rules_never_match_and_are_noted()
    {
        WithNatGateway()
            .NaclEntries("acl-default", Rule6(100, egress: true, RuleAction.Allow, "::/0"), Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate()
            .AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Failed, "IPv6 allow rules ignored");
    }

    [Fact]
    public void Nacl_unknown_for_a_subnet_is_an_error()
    {
        var scenario = WithInterfaceEndpoints().Gap(VpcId, "ec2:DescribeNetworkAcls", "UnauthorizedOperation");
        scenario.Acls.Clear();
        scenario.Evaluate().AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Error, "ec2:DescribeNetworkAcls");
    }

    [Fact]
    public void Nacl_protocol_udp_rule_does_not_allow_https()
    {
        WithNatGateway()
            .NaclEntries("acl-default", Rule(100, egress: true, RuleAction.Allow, "0.0.0.0/0", "17", 443), Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0"))
            .Evaluate()
            .AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Failed, "default rule");
    }
}

public sealed class FleetTests
{
    [Fact]
    public void A_thousand_instances_share_one_snapshot_and_each_gets_its_own_report()
    {
        var inventory = WithNatGateway().AddInterfaceEndpoints().WithoutEndpoint("ssmmessages").Snapshot().Inventory;
        var template = inventory.Instances[0];
        var instances = Enumerable.Range(0, 1000).Select(n => template with
        {
            InstanceId = "i-" + n.ToString("x8"),
            PrivateIpAddress = "10.0.1." + (n % 250 + 4),
            InstanceProfileArn = n % 10 == 0 ? null : template.InstanceProfileArn,
        }).ToArray();
        var evaluator = new NetworkEvaluator(new NetworkSnapshot(inventory with { Instances = instances, SsmInstances = Array.Empty<SsmInstanceInfo>() }));

        var reports = evaluator.EvaluateAll(instances.Select(i => i.InstanceId));

        Assert.Equal(1000, reports.Count);
        Assert.Equal(100, reports.Count(r => r.Verdict == NetworkVerdict.Unhealthy));
        Assert.All(reports.Where(r => r.Verdict == NetworkVerdict.Unhealthy), r => Assert.Equal(new[] { "InstanceProfile" }, r.FailedChecks));
        Assert.All(reports, r => Assert.Equal(NetworkCheckStatus.Info, r.Check("VpcEndpoint.ssmmessages").Status));
    }
}
