using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>Name resolution for probes; tests map names to loopback.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The operating system's resolver (what the agent uses).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? Task.FromResult(new[] { literal }) : Dns.GetHostAddressesAsync(host);
}

/// <summary>Like /etc/hosts entries for the probe: listed names get fixed addresses, others go to the inner resolver.</summary>
public sealed class HostOverrideResolver : IHostResolver
{
    private readonly Dictionary<string, IPAddress[]> _entries;
    private readonly IHostResolver _inner;

    public HostOverrideResolver(IDictionary<string, IPAddress[]> entries, IHostResolver inner)
    {
        _entries = new Dictionary<string, IPAddress[]>(entries ?? throw new ArgumentNullException(nameof(entries)), StringComparer.OrdinalIgnoreCase);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _entries.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : _inner.ResolveAsync(host, cancellationToken);
}

/// <summary>Classifies addresses: private ones mean an interface VPC endpoint (or an on-premises resolver) answers.</summary>
public static class AddressClass
{
    public static bool IsPrivate(IPAddress address)
    {
        if (address is null)
        {
            throw new ArgumentNullException(nameof(address));
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
        }

        return false;
    }

    public static bool AllPrivate(IReadOnlyCollection<IPAddress> addresses) => addresses.Count > 0 && addresses.All(IsPrivate);
}
