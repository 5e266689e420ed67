using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>Where the repository, the built module and CLI, and the restored tools are.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDirectory => Path.Combine(Root, "out", "SsmTroubleshoot");

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "SsmTroubleshoot.psd1");

    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>The CLI's own build output for this test run's configuration.</summary>
    public static string CliProgram
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(Root, "src", "SsmTroubleshoot.Cli", "bin", testBin.Parent!.Name, testBin.Name, "ssmtroubleshoot.dll");
        }
    }

    /// <summary>Pester's manifest, unpacked by restore (PackageDownload in the project file).</summary>
    public static string PesterManifest => Metadata("PesterManifest");

    /// <summary>The NuGet global packages folder restore used: &lt;root&gt;/pester/&lt;version&gt;/tools/Pester.psd1.</summary>
    public static string NuGetPackages => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(PesterManifest)!, "..", "..", ".."));

    /// <summary>The dotnet host running these tests, to start pwsh and the CLI with.</summary>
    public static string DotnetHost
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            var self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        }
    }

    private static string Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException("No assembly metadata " + key);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SsmTroubleshoot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SsmTroubleshoot.sln not found above " + AppContext.BaseDirectory);
    }
}
