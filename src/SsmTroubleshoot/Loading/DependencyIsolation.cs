using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace SsmTroubleshoot.Loading;

/// <summary>
/// Keeps our AWSSDK copies apart from AWS.Tools' (all v4 packages carry AssemblyVersion 4.0.0.0).
/// PowerShell 7: the engine assembly is loaded into a private AssemblyLoadContext, and every assembly it needs
/// that we ship (AWSSDK.*) resolves there first. Windows PowerShell: AssemblyResolve serves the same folder
/// (first loaded wins there: .NET Framework has one context per identity).
/// </summary>
internal static class DependencyIsolation
{
    internal const string EngineAssemblyName = "SsmTroubleshoot.Engine";

    private static int s_installed;

    internal static string DependencyDirectory { get; } = Path.Combine(
        Path.GetDirectoryName(typeof(DependencyIsolation).Assembly.Location) ?? ".",
        "dependencies");

    internal static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 1)
        {
            return;
        }

        if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
        {
            DesktopResolver.Install(DependencyDirectory);
        }
        else
        {
            InstallCore();
        }
    }

    // Kept out of line so .NET Framework never loads the AssemblyLoadContext types it lacks.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InstallCore() => CoreResolver.Install(DependencyDirectory);
}

/// <summary>.NET Framework: no load contexts; resolve the engine and its dependencies by path.</summary>
internal static class DesktopResolver
{
    private static string s_directory = string.Empty;

    internal static void Install(string directory)
    {
        s_directory = directory;
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var path = Path.Combine(s_directory, name + ".dll");
#pragma warning disable CA2001 // LoadFrom is the documented way to serve a private folder on .NET Framework.
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
#pragma warning restore CA2001
    }
}
