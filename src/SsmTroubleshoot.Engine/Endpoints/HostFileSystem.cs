using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SsmTroubleshoot.Endpoints;

/// <summary>
/// The machine's files seen from a root: "/" on the live system, a fixture folder in tests, or a mounted volume
/// of a broken instance when diagnosing it from another machine.
/// </summary>
public sealed class HostFileSystem
{
    public HostFileSystem(string? root) => Root = string.IsNullOrEmpty(root) ? null : Path.GetFullPath(root);

    /// <summary>Null for the live system.</summary>
    public string? Root { get; }

    /// <summary>Maps a path of the inspected machine (e.g. /etc/environment) to a path readable here.</summary>
    public string Map(string machinePath)
    {
        if (Root is null)
        {
            return machinePath;
        }

        var relative = machinePath;
        if (relative.Length >= 2 && relative[1] == ':')
        {
            relative = relative.Substring(2); // drop a Windows drive letter
        }

        relative = relative.TrimStart('/', '\\').Replace('\\', '/');
        return Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
    }

    public bool FileExists(string machinePath) => File.Exists(Map(machinePath));

    public string? TryReadText(string machinePath)
    {
        try
        {
            var path = Map(machinePath);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Files of a directory of the inspected machine, as machine paths, sorted ordinally (systemd's drop-in order).</summary>
    public IReadOnlyList<string> ListFiles(string machineDirectory, string pattern)
    {
        var dir = Map(machineDirectory);
        if (!Directory.Exists(dir))
        {
            return Array.Empty<string>();
        }

        try
        {
            return Directory.GetFiles(dir, pattern)
                .Select(Path.GetFileName)
                .OrderBy(n => n, StringComparer.Ordinal)
                .Select(n => machineDirectory.TrimEnd('/') + "/" + n)
                .ToList();
        }
        catch (IOException)
        {
            return Array.Empty<string>();
        }
        catch (UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    public IReadOnlyList<string> ListDirectories(string machineDirectory)
    {
        var dir = Map(machineDirectory);
        if (!Directory.Exists(dir))
        {
            return Array.Empty<string>();
        }

        try
        {
            return Directory.GetDirectories(dir).Select(Path.GetFileName).ToList()!;
        }
        catch (IOException)
        {
            return Array.Empty<string>();
        }
        catch (UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
