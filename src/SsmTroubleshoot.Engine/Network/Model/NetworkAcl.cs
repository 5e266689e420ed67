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

    public string Describe(string networkAclId) =>
        networkAclId + " " + (Egress ? "egress" : "ingress") + " rule " + (RuleNumber == 32767 ? "*" : RuleNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))
        + " " + (RuleAction == RuleAction.Allow ? "allow" : "deny") + " " + (CidrBlock ?? Ipv6CidrBlock ?? "?")
        + " proto " + Protocol + (PortRange is { } ports && !IpProtocol.IsAll(Protocol) ? " ports " + ports : string.Empty);
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
