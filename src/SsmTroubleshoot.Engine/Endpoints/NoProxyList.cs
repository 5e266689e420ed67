using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace SsmTroubleshoot.Endpoints;

/// <summary>no_proxy as Go's net/http reads it: "*", host suffixes (with or without a leading dot), IPs, CIDRs, optional :port.</summary>
public sealed class NoProxyList
{
    private readonly List<string> _entries;

    public NoProxyList(string? value)
    {
        Value = value ?? string.Empty;
        _entries = Value.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Trim().ToLowerInvariant())
            .Where(e => e.Length > 0)
            .ToList();
    }

    public string Value { get; }

    public bool Bypasses(string host, int port)
    {
        host = (host ?? string.Empty).Trim('[', ']').ToLowerInvariant();
        foreach (var raw in _entries)
        {
            if (raw == "*")
            {
                return true;
            }

            var entry = raw;
            int? entryPort = null;
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && entry.IndexOf(':') == colon
                && int.TryParse(entry.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                entryPort = p;
                entry = entry.Substring(0, colon);
            }

            if (entryPort is not null && entryPort != port)
            {
                continue;
            }

            if (entry.IndexOf('/') > 0 && IPAddress.TryParse(host, out var ip) && InCidr(ip, entry))
            {
                return true;
            }

            var bare = entry.TrimStart('*').TrimStart('.');
            if (bare.Length == 0)
            {
                continue;
            }

            if (host == bare || host.EndsWith("." + bare, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InCidr(IPAddress address, string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (!IPAddress.TryParse(cidr.Substring(0, slash), out var network)
            || !int.TryParse(cidr.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length || bits > a.Length * 8)
        {
            return false;
        }

        for (var i = 0; i < bits; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (n[i / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
