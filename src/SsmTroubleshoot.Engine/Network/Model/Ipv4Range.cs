using System;
using System.Globalization;

namespace SsmTroubleshoot.Network.Model;

/// <summary>An inclusive range of IPv4 addresses, usually from a CIDR block.</summary>
public readonly struct Ipv4Range : IEquatable<Ipv4Range>
{
    public Ipv4Range(uint first, uint last)
    {
        First = Math.Min(first, last);
        Last = Math.Max(first, last);
    }

    /// <summary>0.0.0.0/0: stands for "some public address of the service" when the exact address is unknown.</summary>
    public static Ipv4Range Any { get; } = new(0, uint.MaxValue);

    public uint First { get; }

    public uint Last { get; }

    public bool IsAny => First == 0 && Last == uint.MaxValue;

    /// <summary>The CIDR prefix length when the range is a CIDR block; longest-prefix matching uses it.</summary>
    public int PrefixLength
    {
        get
        {
            var size = (ulong)Last - First + 1;
            var length = 32;
            while (size > 1)
            {
                size >>= 1;
                length--;
            }

            return length;
        }
    }

    public static Ipv4Range Parse(string cidrOrAddress)
    {
        if (TryParse(cidrOrAddress, out var range))
        {
            return range;
        }

        throw new FormatException($"'{cidrOrAddress}' is not an IPv4 CIDR block or address.");
    }

    /// <summary>Parses "10.0.0.0/16" or a bare address (a /32); false for IPv6 or malformed text.</summary>
    /// <remarks>Hand-rolled: rule evaluation parses CIDRs in its inner loop.</remarks>
    public static bool TryParse(string? cidrOrAddress, out Ipv4Range range)
    {
        range = default;
        if (cidrOrAddress is null)
        {
            return false;
        }

        var text = cidrOrAddress;
        var i = 0;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        uint value = 0;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (i >= text.Length || text[i] != '.')
                {
                    return false;
                }

                i++;
            }

            if (!ReadNumber(text, ref i, 255, out var number))
            {
                return false;
            }

            value = (value << 8) | (uint)number;
        }

        var prefix = 32;
        if (i < text.Length && text[i] == '/')
        {
            i++;
            if (!ReadNumber(text, ref i, 32, out prefix))
            {
                return false;
            }
        }

        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        if (i != text.Length)
        {
            return false;
        }

        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        range = new Ipv4Range(value & mask, (value & mask) | ~mask);
        return true;
    }

    private static bool ReadNumber(string text, ref int i, int max, out int number)
    {
        number = 0;
        var start = i;
        while (i < text.Length && text[i] >= '0' && text[i] <= '9' && i - start < 3)
        {
            number = (number * 10) + (text[i] - '0');
            i++;
        }

        return i > start && number <= max && (i >= text.Length || text[i] < '0' || text[i] > '9');
    }

    /// <summary>True when every address in the range is private, shared, loopback, link-local, multicast or reserved: never a public service address.</summary>
    public bool IsNonPublic
    {
        get
        {
            foreach (var block in NonPublicBlocks)
            {
                if (block.Contains(this))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static readonly Ipv4Range[] NonPublicBlocks =
    {
        Parse("0.0.0.0/8"), Parse("10.0.0.0/8"), Parse("100.64.0.0/10"), Parse("127.0.0.0/8"), Parse("169.254.0.0/16"),
        Parse("172.16.0.0/12"), Parse("192.168.0.0/16"), Parse("224.0.0.0/3"),
    };

    public bool Contains(Ipv4Range other) => First <= other.First && other.Last <= Last;

    public bool Overlaps(Ipv4Range other) => First <= other.Last && other.First <= Last;

    public bool Equals(Ipv4Range other) => First == other.First && Last == other.Last;

    public override bool Equals(object? obj) => obj is Ipv4Range other && Equals(other);

    public override int GetHashCode() => unchecked((int)(First * 31 + Last));

    public static bool operator ==(Ipv4Range left, Ipv4Range right) => left.Equals(right);

    public static bool operator !=(Ipv4Range left, Ipv4Range right) => !left.Equals(right);

    public override string ToString()
    {
        var length = PrefixLength;
        var isCidr = length == 32 || ((ulong)Last - First + 1 == 1UL << (32 - length) && (First & ~(length == 0 ? 0u : uint.MaxValue << (32 - length))) == 0);
        var start = Format(First);
        return isCidr ? start + "/" + length.ToString(CultureInfo.InvariantCulture) : start + "-" + Format(Last);
    }

    private static string Format(uint value) => string.Join(".", (value >> 24).ToString(CultureInfo.InvariantCulture),
        ((value >> 16) & 255).ToString(CultureInfo.InvariantCulture), ((value >> 8) & 255).ToString(CultureInfo.InvariantCulture),
        (value & 255).ToString(CultureInfo.InvariantCulture));
}
