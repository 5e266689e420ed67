using System;

namespace SsmTroubleshoot.Network.Model;

/// <summary>Protocol spellings of EC2 rules: "-1" (all), names (tcp/udp/icmp) for security groups, numbers for NACLs.</summary>
public static class IpProtocol
{
    public const string All = "-1";
    public const string Tcp = "6";

    /// <summary>True when a rule with this protocol applies to TCP traffic (the agent's HTTPS).</summary>
    public static bool CoversTcp(string? protocol) =>
        protocol is null || protocol.Length == 0 || protocol == All || protocol == Tcp
        || string.Equals(protocol, "tcp", StringComparison.OrdinalIgnoreCase)
        || string.Equals(protocol, "all", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the rule ignores ports (all protocols); EC2 omits the port range then.</summary>
    public static bool IsAll(string? protocol) =>
        protocol is null || protocol.Length == 0 || protocol == All || string.Equals(protocol, "all", StringComparison.OrdinalIgnoreCase);
}
