using System;
using System.Globalization;

namespace SsmTroubleshoot.Network.Model;

/// <summary>An inclusive TCP/UDP port range.</summary>
public readonly struct PortRange : IEquatable<PortRange>
{
    public PortRange(int from, int to)
    {
        From = Math.Min(from, to);
        To = Math.Max(from, to);
    }

    public static PortRange All { get; } = new(0, 65535);

    public static PortRange Https { get; } = new(443, 443);

    /// <summary>The client ports replies come back to: AWS recommends 1024-65535 to cover every OS.</summary>
    public static PortRange Ephemeral { get; } = new(1024, 65535);

    public int From { get; }

    public int To { get; }

    public bool Contains(PortRange other) => From <= other.From && other.To <= To;

    public bool Overlaps(PortRange other) => From <= other.To && other.From <= To;

    public bool Equals(PortRange other) => From == other.From && To == other.To;

    public override bool Equals(object? obj) => obj is PortRange other && Equals(other);

    public override int GetHashCode() => unchecked(From * 65537 + To);

    public static bool operator ==(PortRange left, PortRange right) => left.Equals(right);

    public static bool operator !=(PortRange left, PortRange right) => !left.Equals(right);

    public override string ToString() => From == To
        ? From.ToString(CultureInfo.InvariantCulture)
        : From.ToString(CultureInfo.InvariantCulture) + "-" + To.ToString(CultureInfo.InvariantCulture);
}
