using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Iam;

namespace SsmTroubleshoot.Network;

/// <summary>
/// The path half of the network evaluation, per service endpoint: VPC DNS, the route out, the interface endpoint and
/// its policy, security groups both ways and the NACLs of both subnets, as AWSSupport-TroubleshootManagedInstance checks them.
/// </summary>
internal sealed class PathChecks
{
    private readonly NetworkSnapshot snapshot;

    internal PathChecks(NetworkSnapshot snapshot) => this.snapshot = snapshot;

    /// <summary>Private DNS of interface endpoints and the AmazonProvidedDNS resolver work only with enableDnsSupport and enableDnsHostnames on.</summary>
    internal void CheckVpcDns(CheckWriter add, InstanceNetwork context, IReadOnlyList<ServicePath> paths)
    {
        var outcome = DecideVpcDns(context.Vpc, paths, out var reliedOn, out var stranded);
        WriteVpcDns(add, outcome, context.Vpc, reliedOn, stranded);
    }

    internal enum VpcDnsOutcome
    {
        /// <summary>The attributes were not read (nor refused) because no interface endpoint with private DNS relies on them.</summary>
        NotNeeded,
        Unreadable,
        BothOn,

        /// <summary>Private DNS names do not resolve, but the public names do and a public path carries every such service.</summary>
        PublicPathCarries,

        /// <summary>Private DNS names do not resolve and some service relying on them has no other way.</summary>
        Stranded,

        /// <summary>No endpoint relies on it, but the Amazon DNS server is off.</summary>
        AmazonDnsOff,
        NotReliedOn,
    }

    private VpcDnsOutcome DecideVpcDns(Vpc vpc, IReadOnlyList<ServicePath> paths, out List<string> reliedOn, out List<ServicePath> stranded)
    {
        reliedOn = paths.Where(p => p.Interface is { } e && e.IsAvailable && e.PrivateDnsEnabled).Select(p => p.Interface!.VpcEndpointId).ToList();
        stranded = new List<ServicePath>();
        if (vpc.EnableDnsSupport is not { } support || vpc.EnableDnsHostnames is not { } hostnames)
        {
            // The fetcher reads the attributes only where an interface endpoint with private DNS relies on them.
            return reliedOn.Count == 0 && snapshot.FindGap(vpc.VpcId, "ec2:DescribeVpcAttribute") is null ? VpcDnsOutcome.NotNeeded : VpcDnsOutcome.Unreadable;
        }

        if (support && hostnames)
        {
            return VpcDnsOutcome.BothOn;
        }

        if (reliedOn.Count > 0)
        {
            // A service is reachable when any path works: with the Amazon DNS server on (only hostnames off) the public
            // names resolve, and a working public path (NAT, internet gateway) carries the traffic the endpoint would have.
            stranded = paths.Where(p => p.Interface is { } e && e.IsAvailable && e.PrivateDnsEnabled
                && !(support && p.Public.Status == NetworkCheckStatus.Passed)).ToList();
            return stranded.Count == 0 ? VpcDnsOutcome.PublicPathCarries : VpcDnsOutcome.Stranded;
        }

        return support ? VpcDnsOutcome.NotReliedOn : VpcDnsOutcome.AmazonDnsOff;
    }

    private void WriteVpcDns(CheckWriter add, VpcDnsOutcome outcome, Vpc vpc, List<string> reliedOn, List<ServicePath> stranded)
    {
        const string Remedy = "Turn on enableDnsSupport and enableDnsHostnames (ModifyVpcAttribute).";
        var values = outcome is VpcDnsOutcome.NotNeeded or VpcDnsOutcome.Unreadable ? string.Empty
            : vpc.VpcId + ": enableDnsSupport " + OnOff(vpc.EnableDnsSupport!.Value) + ", enableDnsHostnames " + OnOff(vpc.EnableDnsHostnames!.Value);
        switch (outcome)
        {
            case VpcDnsOutcome.NotNeeded:
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Skipped, vpc.VpcId + ": no interface endpoint with private DNS relies on the VPC's DNS attributes (not read).", null);
                break;
            case VpcDnsOutcome.Unreadable:
                var gap = snapshot.FindGap(vpc.VpcId, "ec2:DescribeVpcAttribute");
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Error,
                    gap?.Describe() ?? "The DNS attributes of " + vpc.VpcId + " were not read.", gap?.Remediation("Grant ec2:DescribeVpcAttribute.") ?? "Grant ec2:DescribeVpcAttribute.");
                break;
            case VpcDnsOutcome.BothOn:
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Passed, values + ".", null);
                break;
            case VpcDnsOutcome.PublicPathCarries:
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Warning,
                    values + ": the private DNS names of " + string.Join(", ", reliedOn) + " do not resolve to the endpoints; the public names resolve and the public path carries the traffic instead.", Remedy);
                break;
            case VpcDnsOutcome.Stranded:
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Failed,
                    values + ": the private DNS names of " + string.Join(", ", stranded.Select(p => p.Interface!.VpcEndpointId)) + " do not resolve to the endpoints"
                    + (vpc.EnableDnsSupport!.Value ? " and no public path carries " + string.Join(", ", stranded.Select(p => p.Service)) : " and the Amazon DNS server is off") + ".", Remedy);
                break;
            case VpcDnsOutcome.AmazonDnsOff:
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Warning,
                    values + ": the Amazon DNS server is off, so the instance needs its own DNS server to resolve the service names.", Remedy);
                break;
            default:
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Info, values + "; no interface endpoint with private DNS relies on it.", null);
                break;
        }
    }

    /// <summary>Traffic to a public service endpoint leaves the subnet by its route table: longest prefix match to an IGW (with a public IP), a NAT or a peering.</summary>
    internal void CheckRoute(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var id = NetworkServices.Route + "." + path.Service;
        if (!path.UsesInterface)
        {
            // The public path (IGW, NAT, gateway endpoint, peering) is decided and worded by PublicPath.
            add.Add(id, path.Service, path.Public.Status, path.Public.Detail, path.Public.Remediation);
            return;
        }

        var outcomes = path.EndpointAddresses.Select(a => (Address: a.Address, Outcome: DecideRouteToEndpoint(context.RouteTable, a.Address, out var route), Route: route)).ToList();
        var described = outcomes.Select(o => DescribeRouteToEndpoint(context, o.Address, o.Outcome, o.Route)).ToList();
        var status = Worst(described.Select(o => o.Status));
        var detail = "To " + path.Interface!.VpcEndpointId + " (" + string.Join(", ", path.EndpointAddresses.Select(a => a.Address)) + "): "
            + string.Join("; ", described.Where(o => o.Status == status).Select(o => o.Detail).Distinct()) + ".";
        add.Add(id, path.Service, status, detail, status == NetworkCheckStatus.Passed ? null : "Remove the route that overrides the local route to the endpoint's addresses.");
    }

    internal enum RouteOutcome
    {
        /// <summary>No route covers the endpoint's address.</summary>
        NoRoute,
        Blackhole,

        /// <summary>The VPC's local route carries it, as it should.</summary>
        Local,

        /// <summary>A more specific route (to an appliance, a peering) overrides the local route; what lies beyond is not visible.</summary>
        MoreSpecific,
    }

    private static RouteOutcome DecideRouteToEndpoint(RouteTable table, Ipv4Range address, out Route? route)
    {
        route = LongestPrefixMatch(table, address);
        return route is null ? RouteOutcome.NoRoute
            : route.State == RouteState.Blackhole ? RouteOutcome.Blackhole
            : route.TargetKind == RouteTargetKind.Local ? RouteOutcome.Local
            : RouteOutcome.MoreSpecific;
    }

    private static (NetworkCheckStatus Status, string Detail) DescribeRouteToEndpoint(InstanceNetwork context, Ipv4Range address, RouteOutcome outcome, Route? route) => outcome switch
    {
        RouteOutcome.NoRoute => (NetworkCheckStatus.Failed, "no route in " + context.RouteTableLabel + " covers " + address),
        RouteOutcome.Blackhole => (NetworkCheckStatus.Failed, address + " matches " + route!.Describe() + " in " + context.RouteTableLabel),
        RouteOutcome.Local => (NetworkCheckStatus.Passed, "local route " + route!.DestinationCidrBlock + " in " + context.RouteTableLabel),
        _ => (NetworkCheckStatus.Warning, address + " matches the more specific " + route!.Describe() + " in " + context.RouteTableLabel + "; the path beyond it is not visible"),
    };

    private static Route? LongestPrefixMatch(RouteTable table, Ipv4Range address)
    {
        Route? best = null;
        var bestLength = -1;
        foreach (var route in table.Routes)
        {
            if (Ipv4Range.TryParse(route.DestinationCidrBlock, out var destination) && destination.Contains(address) && destination.PrefixLength > bestLength)
            {
                best = route;
                bestLength = destination.PrefixLength;
            }
        }

        return best;
    }

    /// <summary>An interface endpoint with private DNS takes the service name inside the VPC; its policy can still refuse the agent's calls.</summary>
    internal void CheckVpcEndpoint(CheckWriter add, InstanceNetwork context, ServicePath path, string instanceArn) =>
        WriteVpcEndpoint(add, context, path, DecideVpcEndpoint(path), instanceArn);

    internal enum VpcEndpointOutcome
    {
        /// <summary>An available interface endpoint with private DNS carries the service (its policy judged apart).</summary>
        InterfaceInUse,

        /// <summary>A gateway endpoint (s3) routed from the instance's route table carries it.</summary>
        GatewayRouted,

        /// <summary>An interface endpoint exists but is not used (pending, no private DNS, other subnets); the internet path works.</summary>
        InterfaceUnusedInternetPath,
        InterfaceUnusedNoPath,
        NoEndpointInternetPath,
        NoEndpointNoPath,
    }

    private static VpcEndpointOutcome DecideVpcEndpoint(ServicePath path)
    {
        var internetOk = path.Public.Status is not (NetworkCheckStatus.Failed or NetworkCheckStatus.Error);
        if (path.UsesInterface)
        {
            return VpcEndpointOutcome.InterfaceInUse;
        }

        if (path.Public.GatewayEndpoint is not null && path.Public.Status == NetworkCheckStatus.Passed)
        {
            return VpcEndpointOutcome.GatewayRouted;
        }

        if (path.Interface is not null)
        {
            return internetOk ? VpcEndpointOutcome.InterfaceUnusedInternetPath : VpcEndpointOutcome.InterfaceUnusedNoPath;
        }

        return internetOk ? VpcEndpointOutcome.NoEndpointInternetPath : VpcEndpointOutcome.NoEndpointNoPath;
    }

    private static void WriteVpcEndpoint(CheckWriter add, InstanceNetwork context, ServicePath path, VpcEndpointOutcome outcome, string instanceArn)
    {
        var id = NetworkServices.VpcEndpoint + "." + path.Service;
        var gatewayNote = path.Gateway is { } unrouted ? " Gateway endpoint " + unrouted.VpcEndpointId + " exists but is not associated with " + context.RouteTable.RouteTableId + "." : string.Empty;
        switch (outcome)
        {
            case VpcEndpointOutcome.InterfaceInUse:
                var endpoint = path.Interface!;
                var policy = DescribeEndpointPolicy(endpoint, DecideEndpointPolicy(endpoint, path.Service, instanceArn, out var judged, out var unreadable), judged, unreadable);
                add.Add(id, path.Service, policy.Status, endpoint.VpcEndpointId + " (" + endpoint.ServiceName + ") available, private DNS on, in "
                    + string.Join(", ", endpoint.SubnetIds) + "." + policy.Detail, policy.Remediation);
                break;
            case VpcEndpointOutcome.GatewayRouted:
                var gateway = path.Public.GatewayEndpoint!;
                add.Add(id, path.Service, NetworkCheckStatus.Passed, "Gateway endpoint " + gateway.VpcEndpointId + " (" + gateway.ServiceName + ") is routed from " + context.RouteTableLabel + ".", null);
                break;
            case VpcEndpointOutcome.InterfaceUnusedInternetPath or VpcEndpointOutcome.InterfaceUnusedNoPath:
                var internetOk = outcome == VpcEndpointOutcome.InterfaceUnusedInternetPath;
                var unusable = path.Interface!;
                add.Add(id, path.Service, internetOk ? NetworkCheckStatus.Warning : NetworkCheckStatus.Failed,
                    unusable.VpcEndpointId + " (" + unusable.ServiceName + ") is not used: " + path.InterfaceUnusableReason + "; the agent resolves the public name and "
                    + (internetOk ? "takes the internet path." : "has no internet path either.") + gatewayNote,
                    path.InterfaceUnusableRemediation);
                break;
            case VpcEndpointOutcome.NoEndpointInternetPath:
                add.Add(id, path.Service, NetworkCheckStatus.Info, "No endpoint for " + path.EndpointServiceName + "; traffic takes the internet path (see Route." + path.Service + ")." + gatewayNote, null);
                break;
            default:
                add.Add(id, path.Service, NetworkCheckStatus.Failed, "No endpoint for " + path.EndpointServiceName + " in " + context.Vpc.VpcId + " and no internet path." + gatewayNote,
                    "Create an interface endpoint for " + path.EndpointServiceName + " in " + context.Vpc.VpcId + " with private DNS on. Or route 0.0.0.0/0 to a NAT gateway.");
                break;
        }
    }

    internal enum EndpointPolicyOutcome
    {
        /// <summary>No policy document (the default allows all) or no action of this service to judge.</summary>
        None,
        Unreadable,

        /// <summary>An explicit or implicit Deny of some of the agent's actions.</summary>
        Refuses,

        /// <summary>A Condition or Principal the evaluator cannot settle.</summary>
        MayRefuse,
        Allows,
    }

    /// <summary>An endpoint policy can refuse the agent's calls even when the network path is fine.</summary>
    private static EndpointPolicyOutcome DecideEndpointPolicy(VpcEndpoint endpoint, string service, string instanceArn, out IReadOnlyList<ActionEvaluation> judged, out string unreadable)
    {
        judged = Array.Empty<ActionEvaluation>();
        unreadable = string.Empty;
        var actions = SsmCoreActions.All.Where(a => a.StartsWith(service + ":", StringComparison.Ordinal)).ToList();
        if (string.IsNullOrWhiteSpace(endpoint.PolicyDocument) || actions.Count == 0)
        {
            return EndpointPolicyOutcome.None;
        }

        PolicyDocument document;
        try
        {
            document = PolicyDocument.Parse(endpoint.PolicyDocument!);
        }
        catch (System.IO.InvalidDataException ex)
        {
            unreadable = ex.Message;
            return EndpointPolicyOutcome.Unreadable;
        }

        var policies = new[] { new NamedPolicy("endpoint policy of " + endpoint.VpcEndpointId, document) };
        var results = actions.Select(a => IamPolicyEvaluator.Evaluate(policies, a, a == SsmCoreActions.UpdateInstanceInformation ? instanceArn : "*")).ToList();
        var refused = results.Where(r => r.Decision is PermissionDecision.ExplicitDeny or PermissionDecision.ImplicitDeny).ToList();
        if (refused.Count > 0)
        {
            judged = refused;
            return EndpointPolicyOutcome.Refuses;
        }

        judged = results.Where(r => r.Decision == PermissionDecision.Uncertain).ToList();
        return judged.Count > 0 ? EndpointPolicyOutcome.MayRefuse : EndpointPolicyOutcome.Allows;
    }

    private static (NetworkCheckStatus Status, string Detail, string? Remediation) DescribeEndpointPolicy(VpcEndpoint endpoint, EndpointPolicyOutcome outcome,
        IReadOnlyList<ActionEvaluation> judged, string unreadable)
    {
        var actions = string.Join(", ", judged.Select(a => a.Action));
        var reasons = string.Join("; ", judged.Select(a => a.Reason).Distinct());
        return outcome switch
        {
            EndpointPolicyOutcome.None => (NetworkCheckStatus.Passed, string.Empty, null),
            EndpointPolicyOutcome.Unreadable => (NetworkCheckStatus.Warning, " Its endpoint policy could not be read: " + unreadable, null),
            EndpointPolicyOutcome.Refuses => (NetworkCheckStatus.Failed, " Its endpoint policy refuses " + actions + ": " + reasons + ".",
                "Allow " + actions + " in the endpoint policy of " + endpoint.VpcEndpointId + " (the default policy allows all)."),
            EndpointPolicyOutcome.MayRefuse => (NetworkCheckStatus.Warning, " Its endpoint policy may refuse " + actions + ": " + reasons + ".",
                "Check that the endpoint policy's Principal/Condition admits the instance role."),
            _ => (NetworkCheckStatus.Passed, " Its endpoint policy allows the agent's calls.", null),
        };
    }

    /// <summary>An interface endpoint's security groups must admit HTTPS (443) from the instance.</summary>
    internal void CheckEndpointSecurityGroup(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var outcome = DecideEndpointSecurityGroup(context, path, out var rule, out var groups);
        WriteEndpointSecurityGroup(add, context, path, outcome, rule, groups);
    }

    internal enum EndpointSecurityGroupOutcome
    {
        /// <summary>No interface endpoint carries this service: nothing to admit.</summary>
        NoInterface,
        Admits,

        /// <summary>Some of the endpoint's groups could not be read and those read admit nothing.</summary>
        Unreadable,
        Refuses,
    }

    private EndpointSecurityGroupOutcome DecideEndpointSecurityGroup(InstanceNetwork context, ServicePath path, out string? rule, out List<SecurityGroup> groups)
    {
        rule = null;
        groups = new List<SecurityGroup>();
        if (!path.UsesInterface)
        {
            return EndpointSecurityGroupOutcome.NoInterface;
        }

        var endpoint = path.Interface!;
        groups = endpoint.SecurityGroupIds.Select(snapshot.FindSecurityGroup).Where(g => g is not null).Select(g => g!).ToList();
        rule = SecurityGroupAnalyzer.FindHttpsRule(snapshot, groups, egress: false, context.InstanceAddress, context.SecurityGroupIds);
        if (rule is not null)
        {
            return EndpointSecurityGroupOutcome.Admits;
        }

        return endpoint.SecurityGroupIds.Any(g => snapshot.FindSecurityGroup(g) is null) ? EndpointSecurityGroupOutcome.Unreadable : EndpointSecurityGroupOutcome.Refuses;
    }

    private void WriteEndpointSecurityGroup(CheckWriter add, InstanceNetwork context, ServicePath path, EndpointSecurityGroupOutcome outcome, string? rule, List<SecurityGroup> groups)
    {
        var id = NetworkServices.EndpointSecurityGroup + "." + path.Service;
        if (outcome == EndpointSecurityGroupOutcome.NoInterface)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Skipped, "No interface endpoint in use for " + path.Service + ".", null);
            return;
        }

        var endpoint = path.Interface!;
        switch (outcome)
        {
            case EndpointSecurityGroupOutcome.Admits:
                add.Add(id, path.Service, NetworkCheckStatus.Passed, endpoint.VpcEndpointId + ": " + rule + ".", null);
                break;
            case EndpointSecurityGroupOutcome.Unreadable:
                var missing = endpoint.SecurityGroupIds.Where(g => snapshot.FindSecurityGroup(g) is null).ToList();
                var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeSecurityGroups");
                add.Add(id, path.Service, NetworkCheckStatus.Error, endpoint.VpcEndpointId + ": security groups " + string.Join(", ", missing) + " could not be read"
                    + (gap is null ? "." : ": " + gap.Describe()), gap?.Remediation("Grant ec2:DescribeSecurityGroups.") ?? "Grant ec2:DescribeSecurityGroups.");
                break;
            default:
                var ipv6 = SecurityGroupAnalyzer.HasIpv6OnlyHttps(groups, egress: false) ? " (IPv6-only rules ignored: the agent connects over IPv4)" : string.Empty;
                add.Add(id, path.Service, NetworkCheckStatus.Failed,
                    endpoint.VpcEndpointId + ": none of " + string.Join(", ", endpoint.SecurityGroupIds) + " allows TCP 443 in from " + context.Instance.PrivateIpAddress
                    + " or from " + string.Join(", ", context.SecurityGroupIds) + ipv6 + ".",
                    "Add an inbound rule TCP 443 from the VPC CIDR or from " + context.SecurityGroupIds.FirstOrDefault() + " to " + endpoint.SecurityGroupIds.FirstOrDefault() + ".");
                break;
        }
    }

    /// <summary>Security groups are stateful: the instance's groups must allow outbound 443 to the endpoint's addresses; replies return on their own.</summary>
    internal void CheckSecurityGroupEgress(CheckWriter add, InstanceNetwork context, ServicePath path) =>
        WriteSecurityGroupEgress(add, context, path, DecideSecurityGroupEgress(context, path));

    internal enum EgressOutcome
    {
        /// <summary>None of the instance's security groups could be read.</summary>
        Unreadable,
        Allowed,

        /// <summary>To an interface endpoint: some of its addresses are allowed, others not.</summary>
        PartlyAllowed,

        /// <summary>To a public endpoint: only rules to narrower ranges allow 443, which may or may not cover the service.</summary>
        Narrow,
        Refused,
    }

    /// <summary>What the egress decision found: the rules that allow, the addresses refused, the narrow rule.</summary>
    private sealed record EgressVerdict(EgressOutcome Outcome, IReadOnlyList<string> Allowed, IReadOnlyList<string> Blocked, string? Narrow = null);

    private EgressVerdict DecideSecurityGroupEgress(InstanceNetwork context, ServicePath path)
    {
        var groups = context.SecurityGroups;
        var none = Array.Empty<string>();
        if (groups.Count == 0)
        {
            return new EgressVerdict(EgressOutcome.Unreadable, none, none);
        }

        if (path.UsesInterface)
        {
            var endpointGroups = new HashSet<string>(path.Interface!.SecurityGroupIds, StringComparer.Ordinal);
            var allowed = new List<string>();
            var blocked = new List<string>();
            foreach (var address in path.EndpointAddresses)
            {
                var rule = SecurityGroupAnalyzer.FindHttpsRule(snapshot, groups, egress: true, address.Address, endpointGroups);
                if (rule is null)
                {
                    blocked.Add(address.Address.ToString());
                }
                else
                {
                    allowed.Add(rule);
                }
            }

            var outcome = blocked.Count == 0 ? EgressOutcome.Allowed : allowed.Count == 0 ? EgressOutcome.Refused : EgressOutcome.PartlyAllowed;
            return new EgressVerdict(outcome, allowed, blocked);
        }

        var noGroups = new HashSet<string>(StringComparer.Ordinal);
        var covering = path.Public.Remotes.Select(r => SecurityGroupAnalyzer.FindHttpsRule(snapshot, groups, egress: true, r, noGroups)).ToList();
        string? prefixListRule = null;
        if (path.Public.PrefixList is { } prefixList)
        {
            prefixListRule = groups.SelectMany(g => g.Egress.Where(p => p.CoversHttps() && p.PrefixListIds.Contains(prefixList.PrefixListId))
                .Select(p => g.GroupId + " egress " + p.DescribePorts() + " to prefix list " + prefixList.PrefixListId + " (" + prefixList.Name + ")")).FirstOrDefault();
        }

        if (prefixListRule is not null || covering.All(c => c is not null))
        {
            return new EgressVerdict(EgressOutcome.Allowed, prefixListRule is not null ? new[] { prefixListRule } : covering.Select(c => c!).ToList(), none);
        }

        var narrow = SecurityGroupAnalyzer.FindNarrowHttpsEgress(groups);
        return new EgressVerdict(narrow is null ? EgressOutcome.Refused : EgressOutcome.Narrow, none, none, narrow);
    }

    private void WriteSecurityGroupEgress(CheckWriter add, InstanceNetwork context, ServicePath path, EgressVerdict verdict)
    {
        var id = NetworkServices.SecurityGroupEgress + "." + path.Service;
        var groups = context.SecurityGroups;
        var missingNote = context.MissingSecurityGroupIds.Count > 0 ? " (" + string.Join(", ", context.MissingSecurityGroupIds) + " could not be read)" : string.Empty;
        const string Remedy = "Add an outbound rule TCP 443 to 0.0.0.0/0 (or to the endpoint's security group) on one of the instance's security groups.";
        if (verdict.Outcome == EgressOutcome.Unreadable)
        {
            var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeSecurityGroups");
            add.Add(id, path.Service, NetworkCheckStatus.Error, "The instance's security groups could not be read" + (gap is null ? missingNote : ": " + gap.Describe()) + ".", gap?.Remediation("Grant ec2:DescribeSecurityGroups.") ?? "Grant ec2:DescribeSecurityGroups.");
            return;
        }

        if (path.UsesInterface)
        {
            var endpoint = path.Interface!;
            var status = verdict.Outcome switch
            {
                EgressOutcome.Allowed => NetworkCheckStatus.Passed,
                EgressOutcome.Refused => NetworkCheckStatus.Failed,
                _ => NetworkCheckStatus.Warning,
            };
            var detail = status == NetworkCheckStatus.Passed
                ? "To " + endpoint.VpcEndpointId + ": " + string.Join("; ", verdict.Allowed.Distinct()) + "."
                : "To " + endpoint.VpcEndpointId + ": no rule of " + string.Join(", ", context.SecurityGroupIds) + " allows TCP 443 out to " + string.Join(", ", verdict.Blocked)
                  + (verdict.Allowed.Count > 0 ? " (other addresses: " + string.Join("; ", verdict.Allowed.Distinct()) + ")" : string.Empty)
                  + (SecurityGroupAnalyzer.HasIpv6OnlyHttps(groups, egress: true) ? " (IPv6-only rules ignored)" : string.Empty) + missingNote + ".";
            add.Add(id, path.Service, status, detail, status == NetworkCheckStatus.Passed ? null : Remedy);
            return;
        }

        switch (verdict.Outcome)
        {
            case EgressOutcome.Allowed:
                add.Add(id, path.Service, NetworkCheckStatus.Passed, "To " + path.Public.RemoteLabel + ": " + string.Join("; ", verdict.Allowed.Distinct()) + ".", null);
                break;
            case EgressOutcome.Narrow:
                add.Add(id, path.Service, NetworkCheckStatus.Warning,
                    "Only " + verdict.Narrow + " allows TCP 443 out; cannot tell whether it covers " + path.Public.RemoteLabel + missingNote + ".", Remedy);
                break;
            default:
                add.Add(id, path.Service, NetworkCheckStatus.Failed,
                    "No rule of " + string.Join(", ", context.SecurityGroupIds) + " allows TCP 443 out to " + path.Public.RemoteLabel
                    + (SecurityGroupAnalyzer.HasIpv6OnlyHttps(groups, egress: true) ? " (IPv6-only rules ignored: the agent connects over IPv4)" : string.Empty) + missingNote + ".", Remedy);
                break;
        }
    }

    /// <summary>NACLs are stateless: outbound 443 and the inbound ephemeral reply ports (1024-65535) must both be allowed, in the subnets on both ends.</summary>
    internal void CheckNacls(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var egressLegs = new List<NaclLeg>();
        var ingressLegs = new List<NaclLeg>();
        var instanceSubnet = context.Subnet.SubnetId;
        var instanceIp = new[] { context.InstanceAddress };
        var instanceLabel = context.Instance.PrivateIpAddress ?? "the instance";
        if (path.UsesInterface)
        {
            var remote = path.EndpointAddresses.Where(a => a.SubnetId != instanceSubnet).ToList();
            if (remote.Count > 0)
            {
                var addresses = remote.Select(a => a.Address).ToList();
                var label = string.Join(", ", addresses);
                egressLegs.Add(new NaclLeg(instanceSubnet, egress: true, addresses, label, PortRange.Https, "Request leaves the instance subnet"));
                ingressLegs.Add(new NaclLeg(instanceSubnet, egress: false, addresses, label, PortRange.Ephemeral, "Reply enters the instance subnet"));
            }

            foreach (var subnet in remote.Select(a => a.SubnetId).Distinct())
            {
                ingressLegs.Add(new NaclLeg(subnet, egress: false, instanceIp, instanceLabel, PortRange.Https, "Request enters the endpoint subnet"));
                egressLegs.Add(new NaclLeg(subnet, egress: true, instanceIp, instanceLabel, PortRange.Ephemeral, "Reply leaves the endpoint subnet"));
            }
        }
        else
        {
            var remotes = path.Public.Remotes;
            var label = path.Public.RemoteLabel;
            egressLegs.Add(new NaclLeg(instanceSubnet, egress: true, remotes, label, PortRange.Https, "Request leaves the instance subnet"));
            ingressLegs.Add(new NaclLeg(instanceSubnet, egress: false, remotes, label, PortRange.Ephemeral, "Reply enters the instance subnet"));
            if (path.Public.Nat is { } nat && nat.SubnetId != instanceSubnet)
            {
                // The NAT gateway's subnet is crossed twice each way: from the instance, and out to the internet.
                ingressLegs.Add(new NaclLeg(nat.SubnetId, egress: false, instanceIp, instanceLabel, PortRange.Https, "Request enters the NAT gateway subnet"));
                egressLegs.Add(new NaclLeg(nat.SubnetId, egress: true, remotes, label, PortRange.Https, "NAT gateway sends the request out"));
                ingressLegs.Add(new NaclLeg(nat.SubnetId, egress: false, remotes, label, PortRange.Ephemeral, "Reply reaches the NAT gateway"));
                egressLegs.Add(new NaclLeg(nat.SubnetId, egress: true, instanceIp, instanceLabel, PortRange.Ephemeral, "NAT gateway returns the reply"));
            }
        }

        AddNaclCheck(add, context, path, NetworkServices.NaclEgress, egressLegs);
        AddNaclCheck(add, context, path, NetworkServices.NaclIngress, ingressLegs);
    }

    private void AddNaclCheck(CheckWriter add, InstanceNetwork context, ServicePath path, string check, List<NaclLeg> legs)
    {
        var outcome = DecideNacls(legs, out var results, out var unknownSubnet);
        WriteNacls(add, context, path, check, outcome, results, unknownSubnet);
    }

    internal enum NaclCheckOutcome
    {
        /// <summary>Both ends are in the instance's subnet: NACLs filter only between subnets.</summary>
        SameSubnet,

        /// <summary>The ACL of a subnet crossed could not be read.</summary>
        Unknown,
        Allow,

        /// <summary>No leg denies outright, but a leg is partly blocked (a rule denies part of the addresses or ports).</summary>
        Partial,
        Deny,
    }

    private NaclCheckOutcome DecideNacls(List<NaclLeg> legs, out List<NaclLegResult> results, out string? unknownSubnet)
    {
        results = new List<NaclLegResult>();
        unknownSubnet = null;
        if (legs.Count == 0)
        {
            return NaclCheckOutcome.SameSubnet;
        }

        foreach (var leg in legs)
        {
            var acl = snapshot.NetworkAclForSubnet(leg.SubnetId);
            if (acl is null)
            {
                unknownSubnet = leg.SubnetId;
                return NaclCheckOutcome.Unknown;
            }

            results.Add(NaclAnalyzer.Evaluate(snapshot, acl, leg));
        }

        return results.Any(r => r.Outcome == NaclOutcome.Deny) ? NaclCheckOutcome.Deny
            : results.Any(r => r.Outcome == NaclOutcome.Partial) ? NaclCheckOutcome.Partial
            : NaclCheckOutcome.Allow;
    }

    private void WriteNacls(CheckWriter add, InstanceNetwork context, ServicePath path, string check, NaclCheckOutcome outcome, List<NaclLegResult> results, string? unknownSubnet)
    {
        var id = check + "." + path.Service;
        switch (outcome)
        {
            case NaclCheckOutcome.SameSubnet:
                add.Add(id, path.Service, NetworkCheckStatus.Passed,
                    "The endpoint's addresses are in the instance's subnet " + context.Subnet.SubnetId + "; NACLs do not filter traffic within a subnet.", null);
                return;
            case NaclCheckOutcome.Unknown:
                var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeNetworkAcls");
                add.Add(id, path.Service, NetworkCheckStatus.Error, "The network ACL of " + unknownSubnet + " is unknown" + (gap is null ? "." : ": " + gap.Describe()),
                    gap?.Remediation("Grant ec2:DescribeNetworkAcls.") ?? "Grant ec2:DescribeNetworkAcls.");
                return;
        }

        var status = outcome switch
        {
            NaclCheckOutcome.Allow => NetworkCheckStatus.Passed,
            NaclCheckOutcome.Partial => NetworkCheckStatus.Warning,
            _ => NetworkCheckStatus.Failed,
        };
        var shown = outcome == NaclCheckOutcome.Allow ? results : results.Where(r => r.Outcome != NaclOutcome.Allow);
        var remedy = check == NetworkServices.NaclEgress
            ? "Allow outbound TCP 443 to the destination in the instance subnet's NACL (and outbound 1024-65535 back to the instance in the endpoint or NAT subnet's NACL), numbered before any Deny."
            : "Allow inbound TCP 1024-65535 from the destination in the instance subnet's NACL (and inbound TCP 443 from the instance in the endpoint or NAT subnet's NACL), numbered before any Deny.";
        add.Add(id, path.Service, status, string.Join(" | ", shown.Select(r => r.Detail)) + ".", status == NetworkCheckStatus.Passed ? null : remedy);
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static NetworkCheckStatus Worst(IEnumerable<NetworkCheckStatus> statuses)
    {
        var list = statuses.ToList();
        foreach (var status in new[] { NetworkCheckStatus.Failed, NetworkCheckStatus.Error, NetworkCheckStatus.Warning, NetworkCheckStatus.Info })
        {
            if (list.Contains(status))
            {
                return status;
            }
        }

        return list.Count == 0 ? NetworkCheckStatus.Skipped : NetworkCheckStatus.Passed;
    }
}
