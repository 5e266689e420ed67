using System;
using System.IO;

namespace SsmTroubleshoot.Module.Tests.Harness;

/// <summary>Where the repository, the built module folder and shared test data are.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDirectory => Path.Combine(Root, "out", "SsmTroubleshoot");

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "SsmTroubleshoot.psd1");

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
