using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

internal enum NaclOutcome
{
    Allow = 0,
    Partial,
    Deny,
}

/// <summary>One NACL crossing a flow needs: a subnet boundary, a direction, the far end's addresses and the ports.</summary>
internal sealed class NaclLeg
{
    public NaclLeg(string subnetId, bool egress, IReadOnlyList<Ipv4Range> remotes, string remoteLabel, PortRange ports, string purpose)
    {
        SubnetId = subnetId;
        Egress = egress;
        Remotes = remotes;
        RemoteLabel = remoteLabel;
        Ports = ports;
        Purpose = purpose;
    }

    public string SubnetId { get; }

    public bool Egress { get; }

    public IReadOnlyList<Ipv4Range> Remotes { get; }

    public string RemoteLabel { get; }

    public PortRange Ports { get; }

    public string Purpose { get; }
}

internal sealed class NaclLegResult
{
    public NaclLegResult(NaclLeg leg, NaclOutcome outcome, string detail)
    {
        Leg = leg;
        Outcome = outcome;
        Detail = detail;
    }

    public NaclLeg Leg { get; }

    public NaclOutcome Outcome { get; }

    public string Detail { get; }
}

/// <summary>NACL semantics: rules of one direction in rule-number order, first match wins, default deny, stateless.</summary>
internal static class NaclAnalyzer
{
    public static NaclLegResult Evaluate(NetworkSnapshot snapshot, NetworkAcl acl, NaclLeg leg)
    {
        var outcomes = new List<(Ipv4Range Remote, NaclOutcome Outcome, string Detail)>();
        foreach (var remote in leg.Remotes)
        {
            outcomes.Add(ReferenceEquals(snapshot.NetworkAclForSubnet(leg.SubnetId), acl)
                ? snapshot.NaclDecisions.GetOrAdd((acl.NetworkAclId, leg.Egress, remote, leg.Ports), key => EvaluateRange(acl, snapshot.OrderedEntries(acl, key.Egress), key.Remote, key.Ports))
                : EvaluateRange(acl, snapshot.OrderedEntries(acl, leg.Egress), remote, leg.Ports));
        }

        var direction = leg.Egress ? "egress" : "ingress";
        var header = leg.Purpose + " (" + acl.NetworkAclId + " on " + leg.SubnetId + ", " + direction + " TCP " + leg.Ports + (leg.Egress ? " to " : " from ") + leg.RemoteLabel + "): ";
        if (outcomes.All(o => o.Outcome == NaclOutcome.Allow))
        {
            return new NaclLegResult(leg, NaclOutcome.Allow, header + string.Join("; ", outcomes.Select(o => o.Detail).Distinct()));
        }

        if (outcomes.All(o => o.Outcome == NaclOutcome.Deny))
        {
            return new NaclLegResult(leg, NaclOutcome.Deny, header + string.Join("; ", outcomes.Select(o => o.Detail).Distinct()) + Ipv6Note(acl, leg.Egress));
        }

        var blocked = outcomes.Where(o => o.Outcome != NaclOutcome.Allow).Select(o => o.Remote + ": " + o.Detail);
        return new NaclLegResult(leg, NaclOutcome.Partial, header + "partly blocked: " + string.Join("; ", blocked));
    }

    private static (Ipv4Range, NaclOutcome, string) EvaluateRange(NetworkAcl acl, IReadOnlyList<ParsedAclEntry> entries, Ipv4Range remote, PortRange ports)
    {
        NetworkAclEntry? partialAllow = null, partialDeny = null;
        foreach (var parsed in entries)
        {
            var entry = parsed.Entry;
            var cidr = parsed.Cidr;
            var entryPorts = parsed.Ports;
            if (!cidr.Overlaps(remote) || !entryPorts.Overlaps(ports))
            {
                continue;
            }

            if (!cidr.Contains(remote) || !entryPorts.Contains(ports))
            {
                if (remote.IsAny && cidr.IsNonPublic)
                {
                    continue; // "any public address" never falls in private or reserved space
                }

                // Matches only part of the traffic: it decides that part, later rules the rest.
                if (entry.RuleAction == RuleAction.Allow)
                {
                    partialAllow ??= entry;
                }
                else
                {
                    partialDeny ??= entry;
                }

                continue;
            }

            var rule = entry.Describe(acl.NetworkAclId);
            if (entry.RuleAction == RuleAction.Allow)
            {
                return partialDeny is null
                    ? (remote, NaclOutcome.Allow, rule)
                    : (remote, NaclOutcome.Partial, partialDeny.Describe(acl.NetworkAclId) + " comes first and denies part of it, then " + rule);
            }

            return partialAllow is null
                ? (remote, NaclOutcome.Deny, rule + (partialDeny is null ? string.Empty : " (after " + partialDeny.Describe(acl.NetworkAclId) + ")"))
                : (remote, NaclOutcome.Partial, "only " + partialAllow.Describe(acl.NetworkAclId) + " allows part of it, then " + rule);
        }

        var implicitDeny = acl.NetworkAclId + " default rule * denies (no rule matches)";
        return partialAllow is null
            ? (remote, NaclOutcome.Deny, implicitDeny)
            : (remote, NaclOutcome.Partial, "only " + partialAllow.Describe(acl.NetworkAclId) + " allows part of it; " + implicitDeny);
    }

    private static string Ipv6Note(NetworkAcl acl, bool egress) =>
        acl.Entries.Any(e => e.Egress == egress && e.RuleAction == RuleAction.Allow && e.CidrBlock is null && e.Ipv6CidrBlock is not null)
            ? " (IPv6 allow rules ignored: the agent connects over IPv4)"
            : string.Empty;
}
