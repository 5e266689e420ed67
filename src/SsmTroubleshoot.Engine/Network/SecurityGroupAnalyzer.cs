using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>Security groups are stateful allow-lists: one permission that covers TCP 443 and the peer is enough.</summary>
internal static class SecurityGroupAnalyzer
{
    /// <summary>The first permission allowing TCP 443 to/from a peer address, or null.</summary>
    public static string? FindHttpsRule(NetworkSnapshot snapshot, IEnumerable<SecurityGroup> groups, bool egress, Ipv4Range peer, ICollection<string> peerGroupIds)
    {
        foreach (var group in groups)
        {
            foreach (var permission in egress ? group.Egress : group.Ingress)
            {
                if (!permission.CoversHttps())
                {
                    continue;
                }

                var where = group.GroupId + " " + (egress ? "egress " : "ingress ") + permission.DescribePorts();
                foreach (var cidr in permission.Ipv4Ranges)
                {
                    if (Ipv4Range.TryParse(cidr, out var range) && range.Contains(peer))
                    {
                        return where + (egress ? " to " : " from ") + cidr;
                    }
                }

                foreach (var referenced in permission.ReferencedGroupIds)
                {
                    if (peerGroupIds.Contains(referenced))
                    {
                        return where + (egress ? " to " : " from ") + "security group " + referenced;
                    }
                }

                foreach (var prefixListId in permission.PrefixListIds)
                {
                    var prefixList = snapshot.FindPrefixList(prefixListId);
                    if (prefixList is not null && prefixList.Cidrs.Any(c => Ipv4Range.TryParse(c, out var r) && r.Contains(peer)))
                    {
                        return where + (egress ? " to " : " from ") + "prefix list " + prefixListId + " (" + prefixList.Name + ")";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>A rule allowing 443 to some public addresses but not all: cannot tell whether the service's addresses are in it.</summary>
    public static string? FindNarrowHttpsEgress(IEnumerable<SecurityGroup> groups)
    {
        foreach (var group in groups)
        {
            foreach (var permission in group.Egress.Where(p => p.CoversHttps()))
            {
                var cidr = permission.Ipv4Ranges.FirstOrDefault(c => Ipv4Range.TryParse(c, out var range) && !range.IsNonPublic);
                if (cidr is not null)
                {
                    return group.GroupId + " egress " + permission.DescribePorts() + " to " + cidr;
                }

                if (permission.PrefixListIds.Count > 0)
                {
                    return group.GroupId + " egress " + permission.DescribePorts() + " to prefix list " + permission.PrefixListIds[0];
                }
            }
        }

        return null;
    }

    public static bool HasIpv6OnlyHttps(IEnumerable<SecurityGroup> groups, bool egress) =>
        groups.SelectMany(g => egress ? g.Egress : g.Ingress)
            .Any(p => p.CoversHttps() && p.Ipv6Ranges.Count > 0 && p.Ipv4Ranges.Count == 0 && p.ReferencedGroupIds.Count == 0 && p.PrefixListIds.Count == 0);
}
