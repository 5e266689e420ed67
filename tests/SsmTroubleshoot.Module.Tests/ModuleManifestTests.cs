using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests;

public sealed class ModuleManifestTests
{
    [Fact]
    public void Manifest_is_valid_and_exports_exactly_the_cmdlets_the_assembly_defines()
    {
        using var session = new PowerShellSession(importModule: false);
        var result = session.Run("Test-ModuleManifest -Path $path", new() { ["path"] = RepoPaths.ModuleManifest });
        Assert.Empty(result.AllErrors);
        var info = Assert.IsType<PSModuleInfo>(Assert.Single(result.Output).BaseObject);

        Assert.Equal("SsmTroubleshoot.dll", info.RootModule);
        Assert.Empty(info.ExportedFunctions);
        Assert.Empty(info.ExportedVariables);
        Assert.Empty(info.ExportedAliases);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Contains("Desktop", info.CompatiblePSEditions);
        Assert.Equal(new Version(5, 1), info.PowerShellVersion);
        var psData = Assert.IsType<Hashtable>(((Hashtable)info.PrivateData)["PSData"]);
        Assert.NotEmpty((IEnumerable)psData["Tags"]!);
        Assert.NotNull(psData["ProjectUri"]);
        Assert.NotNull(psData["ReleaseNotes"]);

        using var imported = new PowerShellSession();
        var module = imported.Run("Get-Module SsmTroubleshoot");
        var loaded = Assert.IsType<PSModuleInfo>(Assert.Single(module.Output).BaseObject);
        var defined = loaded.ImplementingAssembly.GetExportedTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .Where(a => a is not null)
            .Select(a => a!.VerbName + "-" + a.NounName)
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        Assert.NotEmpty(defined);
        Assert.Equal(defined, info.ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray());
        Assert.Equal(defined, loaded.ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray());
    }

    [Fact]
    public void Module_folder_keeps_dependencies_apart_and_ships_help_and_formats()
    {
        var dir = RepoPaths.ModuleDirectory;
        Assert.True(System.IO.File.Exists(System.IO.Path.Combine(dir, "SsmTroubleshoot.dll")));
        Assert.True(System.IO.File.Exists(System.IO.Path.Combine(dir, "en-US", "SsmTroubleshoot.dll-Help.xml")));
        Assert.True(System.IO.File.Exists(System.IO.Path.Combine(dir, "en-US", "about_SsmTroubleshoot.help.txt")));
        Assert.True(System.IO.File.Exists(System.IO.Path.Combine(dir, "dependencies", "SsmTroubleshoot.Engine.dll")));
        Assert.True(System.IO.File.Exists(System.IO.Path.Combine(dir, "dependencies", "AWSSDK.Core.dll")));
        // Nothing from the AWS SDK next to the root dll, where PowerShell's own resolver would find it.
        Assert.Empty(System.IO.Directory.GetFiles(dir, "AWSSDK*.dll"));
        // The PowerShellStandard reference assembly must never ship.
        Assert.Empty(System.IO.Directory.GetFiles(dir, "System.Management.Automation.dll", System.IO.SearchOption.AllDirectories));
    }

    [Fact]
    public void About_topic_is_found_by_Get_Help()
    {
        using var session = new PowerShellSession();
        var result = session.Run("Get-Help about_SsmTroubleshoot");
        Assert.Empty(result.AllErrors);
        var text = string.Join("\n", result.Output.Select(o => o.ToString()));
        Assert.Contains("managed node", text, StringComparison.Ordinal);
    }
}
