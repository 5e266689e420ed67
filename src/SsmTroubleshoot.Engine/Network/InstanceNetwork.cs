using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>The instance's own network facts, resolved once and shared by every service's checks.</summary>
internal sealed class InstanceNetwork
{
    private InstanceNetwork(Ec2Instance instance, Vpc vpc, Subnet subnet, RouteTable routeTable, bool mainFallback, Ipv4Range address,
        List<SecurityGroup> groups, List<string> missingGroups)
    {
        Instance = instance;
        Vpc = vpc;
        Subnet = subnet;
        RouteTable = routeTable;
        RouteTableLabel = mainFallback
            ? routeTable.RouteTableId + " (main table: " + subnet.SubnetId + " has no explicit association)"
            : routeTable.RouteTableId;
        InstanceAddress = address;
        SecurityGroups = groups;
        SecurityGroupIds = new HashSet<string>(instance.SecurityGroupIds, StringComparer.Ordinal);
        MissingSecurityGroupIds = missingGroups;
    }

    public Ec2Instance Instance { get; }

    public Vpc Vpc { get; }

    public Subnet Subnet { get; }

    public RouteTable RouteTable { get; }

    public string RouteTableLabel { get; }

    public Ipv4Range InstanceAddress { get; }

    public IReadOnlyList<SecurityGroup> SecurityGroups { get; }

    public HashSet<string> SecurityGroupIds { get; }

    public IReadOnlyList<string> MissingSecurityGroupIds { get; }

    public static InstanceNetwork? Create(NetworkSnapshot snapshot, Ec2Instance instance, out (string Detail, string Remediation)? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(instance.VpcId) || string.IsNullOrEmpty(instance.SubnetId))
        {
            problem = ("The instance has no VPC/subnet (state " + instance.State + "); the network path cannot be evaluated.", "Start the instance, or check it is not terminated.");
            return null;
        }

        var vpc = snapshot.FindVpc(instance.VpcId);
        var subnet = snapshot.FindSubnet(instance.SubnetId);
        if (vpc is null || subnet is null)
        {
            problem = Missing(snapshot, instance.VpcId!, vpc is null ? instance.VpcId! : instance.SubnetId!, vpc is null ? "ec2:DescribeVpcs" : "ec2:DescribeSubnets");
            return null;
        }

        var table = snapshot.RouteTableForSubnet(subnet.SubnetId, vpc.VpcId, out var mainFallback);
        if (table is null)
        {
            problem = Missing(snapshot, vpc.VpcId, "the route table of " + subnet.SubnetId, "ec2:DescribeRouteTables");
            return null;
        }

        if (!Ipv4Range.TryParse(instance.PrivateIpAddress, out var address))
        {
            problem = ("The instance has no private IPv4 address; IPv6-only paths are not evaluated.", "Give the instance an IPv4 address, or check IPv6 reachability of the dual-stack endpoints yourself.");
            return null;
        }

        var groups = new List<SecurityGroup>();
        var missing = new List<string>();
        foreach (var groupId in instance.SecurityGroupIds)
        {
            var group = snapshot.FindSecurityGroup(groupId);
            if (group is null)
            {
                missing.Add(groupId);
            }
            else
            {
                groups.Add(group);
            }
        }

        return new InstanceNetwork(instance, vpc, subnet, table, mainFallback, address, groups, missing);
    }

    private static (string, string) Missing(NetworkSnapshot snapshot, string vpcId, string what, string operation)
    {
        var gap = snapshot.FindGap(vpcId, operation) ?? snapshot.FindGap(vpcId);
        return gap is null
            ? ("The network data of " + what + " is not in the snapshot.", "Check that " + operation + " returns it.")
            : (gap.Describe(), gap.Remediation());
    }
}
