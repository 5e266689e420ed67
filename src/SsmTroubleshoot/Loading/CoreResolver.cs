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

        var path = Path.Combine(_directory, name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    private static bool IsPrivate(string name) =>
        name.StartsWith("SsmTroubleshoot.", StringComparison.Ordinal)
        || name.StartsWith("AWSSDK.", StringComparison.Ordinal);

    private Assembly? ResolvePolyfill(AssemblyLoadContext context, AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, (assemblyName.Name ?? string.Empty) + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
