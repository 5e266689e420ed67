using System.IO;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>
/// A module folder that holds Pester the way Install-Module would lay it out (Modules/Pester/&lt;version&gt;), pointing
/// at the package restore unpacked, so '#Requires -Modules Pester' and autoloading find it by name.
/// </summary>
public static class PesterModules
{
    public static string CreateIn(string parent)
    {
        var modules = Path.Combine(parent, "Modules");
        var tools = Path.GetDirectoryName(RepoPaths.PesterManifest)!;
        var version = new DirectoryInfo(Path.GetDirectoryName(tools)!).Name;
        Directory.CreateDirectory(Path.Combine(modules, "Pester"));
        Directory.CreateSymbolicLink(Path.Combine(modules, "Pester", version), tools);
        return modules;
    }
}
