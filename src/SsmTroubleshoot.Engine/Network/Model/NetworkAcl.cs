using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

public enum RuleAction
{
    Allow = 0,
    Deny,
}

public sealed record NetworkAclEntry
{
    public int RuleNumber { get; init; }

    public bool Egress { get; init; }

    /// <summary>"-1" (all), "6" (TCP), "17" (UDP) or another protocol number.</summary>
    public string Protocol { get; init; } = IpProtocol.All;

    /// <summary>null means all ports (protocol -1, or EC2 omitting it).</summary>
    public PortRange? PortRange { get; init; }

    public string? CidrBlock { get; init; }

    public string? Ipv6CidrBlock { get; init; }

    public RuleAction RuleAction { get; init; }

    /// <summary>"acl-1 egress rule 90 deny TCP 443 to 0.0.0.0/0", the way the console lists it.</summary>
    public string Describe(string networkAclId)
    {
        var number = RuleNumber == 32767 ? "*" : RuleNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var protocol = IpProtocol.IsAll(Protocol) ? "all traffic"
            : (Protocol == IpProtocol.Tcp ? "TCP" : Protocol == "17" ? "UDP" : "protocol " + Protocol) + (PortRange is { } ports ? " " + ports : string.Empty);
        return networkAclId + " " + (Egress ? "egress" : "ingress") + " rule " + number + " " + (RuleAction == RuleAction.Allow ? "allow " : "deny ")
            + protocol + (Egress ? " to " : " from ") + (CidrBlock ?? Ipv6CidrBlock ?? "?");
    }
}

public sealed record NetworkAcl
{
    public string NetworkAclId { get; init; } = string.Empty;

    public string VpcId { get; init; } = string.Empty;

    public bool IsDefault { get; init; }

    public IReadOnlyList<NetworkAclEntry> Entries { get; init; } = Array.Empty<NetworkAclEntry>();

    /// <summary>Every subnet is associated with exactly one NACL.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = Array.Empty<string>();
}
