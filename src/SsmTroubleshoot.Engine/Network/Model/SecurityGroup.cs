using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

/// <summary>One IpPermission: a protocol/port range and the peers it names (any of them matches).</summary>
public sealed record SecurityGroupPermission
{
    /// <summary>"-1", "tcp", "udp", "icmp" or a protocol number.</summary>
    public string IpProtocol { get; init; } = Model.IpProtocol.All;

    public int? FromPort { get; init; }

    public int? ToPort { get; init; }

    public IReadOnlyList<string> Ipv4Ranges { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> Ipv6Ranges { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> ReferencedGroupIds { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> PrefixListIds { get; init; } = Array.Empty<string>();

    /// <summary>True when TCP port 443 is covered (all protocols, or TCP with 443 in range).</summary>
    public bool CoversHttps()
    {
        if (Model.IpProtocol.IsAll(IpProtocol))
        {
            return true;
        }

        if (!Model.IpProtocol.CoversTcp(IpProtocol))
        {
            return false;
        }

        if (FromPort is null && ToPort is null)
        {
            return true;
        }

        var from = FromPort ?? 0;
        var to = ToPort ?? 65535;
        return from <= 443 && 443 <= to;
    }

    public string DescribePorts() => Model.IpProtocol.IsAll(IpProtocol)
        ? "all traffic"
        : IpProtocol + " " + (FromPort == ToPort ? FromPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) : FromPort + "-" + ToPort);
}

public sealed record SecurityGroup
{
    public string GroupId { get; init; } = string.Empty;

    public string GroupName { get; init; } = string.Empty;

    public string VpcId { get; init; } = string.Empty;

    public IReadOnlyList<SecurityGroupPermission> Ingress { get; init; } = Array.Empty<SecurityGroupPermission>();

    public IReadOnlyList<SecurityGroupPermission> Egress { get; init; } = Array.Empty<SecurityGroupPermission>();
}
