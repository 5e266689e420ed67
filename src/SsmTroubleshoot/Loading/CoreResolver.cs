using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace SsmTroubleshoot.Loading;

/// <summary>PowerShell 7: send the engine into <see cref="DependencyLoadContext"/>; only touched on .NET (Core).</summary>
internal static class CoreResolver
{
    private static DependencyLoadContext? s_context;

    internal static void Install(string directory)
    {
        s_context = new DependencyLoadContext(directory);
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name)
    {
        // Only the engine enters through the default context; everything it references then resolves in ours.
        return string.Equals(name.Name, DependencyIsolation.EngineAssemblyName, StringComparison.Ordinal)
            ? s_context?.LoadFromAssemblyName(name)
            : null;
    }
}

/// <summary>
/// The module's private load context. Our own assemblies and the AWS SDK always come from dependencies/;
/// anything else (System.*, PowerShell, netstandard) comes from the platform, and only when the platform
/// lacks it (a netstandard polyfill) from dependencies/.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    // Runspaces opened in parallel (ForEach-Object -Parallel, test runners) resolve the same assembly at once; a second
    // LoadFromAssemblyPath for a name already loaded throws FileLoadException, so loads are serialised and remembered.
    private readonly System.Collections.Generic.Dictionary<string, Assembly> _loaded = new(StringComparer.OrdinalIgnoreCase);

    internal DependencyLoadContext(string directory)
    {
        _directory = directory;
        Resolving += ResolvePolyfill;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name ?? string.Empty;
        if (!IsPrivate(name))
        {
            return null;
        }

        return LoadOnce(name);
    }

    private Assembly? LoadOnce(string name)
    {
        lock (_loaded)
        {
            if (_loaded.TryGetValue(name, out var assembly))
            {
                return assembly;
            }

            var path = Path.Combine(_directory, name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }

            assembly = LoadFromAssemblyPath(path);
            _loaded[name] = assembly;
            return assembly;
        }
    }

    private static bool IsPrivate(string name) =>
        name.StartsWith("SsmTroubleshoot.", StringComparison.Ordinal)
        || name.StartsWith("AWSSDK.", StringComparison.Ordinal);

    private Assembly? ResolvePolyfill(AssemblyLoadContext context, AssemblyName assemblyName) => LoadOnce(assemblyName.Name ?? string.Empty);
}
