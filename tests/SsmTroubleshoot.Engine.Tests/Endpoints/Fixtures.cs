using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

/// <summary>Resolves only the names it is given (to loopback by default); every other name fails like NXDOMAIN.</summary>
internal sealed class MapResolver : IHostResolver
{
    private readonly Dictionary<string, IPAddress[]> _map = new(StringComparer.OrdinalIgnoreCase);

    public MapResolver Map(string host, params string[] addresses)
    {
        _map[host] = addresses.Length == 0 ? new[] { IPAddress.Loopback } : Array.ConvertAll(addresses, IPAddress.Parse);
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? Task.FromResult(new[] { literal })
        : _map.TryGetValue(host, out var found) ? Task.FromResult(found)
        : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}

/// <summary>A temporary folder laid out like a machine's root (etc/, proc/...), deleted afterwards.</summary>
internal sealed class MachineRoot : IDisposable
{
    public MachineRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ssmts-root-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public MachineRoot Write(string machinePath, string content)
    {
        var full = System.IO.Path.Combine(Path, machinePath.TrimStart('/'));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    /// <summary>A running agent process: /proc/pid/comm, cmdline and environ.</summary>
    public MachineRoot Agent(int pid, params string[] environment)
    {
        Write("/proc/" + pid + "/comm", "amazon-ssm-agen\n");
        Write("/proc/" + pid + "/cmdline", "/usr/bin/amazon-ssm-agent\0");
        return Write("/proc/" + pid + "/environ", string.Join("\0", environment) + "\0");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, true);
        }
        catch (IOException)
        {
        }
    }
}
