using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.EndToEnd.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.EndToEnd.Tests.Gallery;

/// <summary>
/// Installed like a Gallery module: build.ps1 -Task Package under the real pwsh, Publish-PSResource into a local
/// file repository, Install-PSResource into a clean module path, then a fresh pwsh finds the module by name.
/// </summary>
public sealed class GalleryInstallTests
{
    [Fact]
    public async Task The_package_publishes_installs_and_works_by_module_name()
    {
        await using var desk = await Workspace.StartAsync(new World());
        var package = Path.Combine(desk.Home, "package");
        var repository = Directory.CreateDirectory(Path.Combine(desk.Home, "repository")).FullName;
        var publish = await desk.RunPwshAsync(new[]
        {
            ("package", $"./build.ps1 -Task Package -NoBuild -OutputPath {Terminal.PsQuote(package)}"),
            ("manifest", $"Test-ModuleManifest {Terminal.PsQuote(Path.Combine(package, "SsmTroubleshoot", "0.1.0", "SsmTroubleshoot.psd1"))} | Select-Object Name, @{{ n = 'Version'; e = {{ \"$($_.Version)\" }} }}, Tags, @{{ n = 'ProjectUri'; e = {{ \"$($_.ProjectUri)\" }} }}, @{{ n = 'LicenseUri'; e = {{ \"$($_.LicenseUri)\" }} }}, ReleaseNotes, @{{ n = 'Cmdlets'; e = {{ @($_.ExportedCmdlets.Keys) }} }} | ConvertTo-Json -Compress"),
            ("register", $"Register-PSResourceRepository -Name Local -Uri {Terminal.PsQuote(repository)} -Trusted"),
            ("publish", $"Publish-PSResource -Path {Terminal.PsQuote(Path.Combine(package, "SsmTroubleshoot", "0.1.0"))} -Repository Local"),
            ("find", "Find-PSResource SsmTroubleshoot -Repository Local | Select-Object Name, @{ n = 'Version'; e = { \"$($_.Version)\" } }, Tags, @{ n = 'ProjectUri'; e = { \"$($_.ProjectUri)\" } }, @{ n = 'LicenseUri'; e = { \"$($_.LicenseUri)\" } }, ReleaseNotes | ConvertTo-Json -Compress"),
            ("install", "Install-PSResource SsmTroubleshoot -Repository Local -Scope CurrentUser"),
            ("files", "$base = Join-Path (Get-InstalledPSResource SsmTroubleshoot).InstalledLocation 'SsmTroubleshoot/0.1.0'; Get-ChildItem -LiteralPath $base -Recurse -File | ForEach-Object { [System.IO.Path]::GetRelativePath($base, $_.FullName) }"),
        });
        foreach (var step in new[] { "package", "register", "publish", "install" })
        {
            Assert.True(publish[step].Failed is null, step + ": " + publish[step]);
        }

        Assert.Contains("ready for Publish-PSResource", publish["package"].Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(repository, "SsmTroubleshoot.0.1.0.nupkg"));

        // What the Gallery shows: name, version, tags, project and licence links, release notes; every cmdlet exported.
        foreach (var step in new[] { "manifest", "find" })
        {
            using var json = JsonDocument.Parse(publish[step].Output);
            var meta = json.RootElement;
            Assert.Equal("SsmTroubleshoot", meta.GetProperty("Name").GetString());
            Assert.Equal("0.1.0", meta.GetProperty("Version").GetString());
            var tags = meta.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.Contains("AWS", tags);
            Assert.Contains("SSM", tags);
            Assert.Contains("PSEdition_Core", tags);
            Assert.StartsWith("https://", meta.GetProperty("ProjectUri").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("https://", meta.GetProperty("LicenseUri").GetString(), StringComparison.Ordinal);
            Assert.Contains("Compliance/", meta.GetProperty("ReleaseNotes").GetString(), StringComparison.Ordinal);
        }

        using (var manifest = JsonDocument.Parse(publish["manifest"].Output))
        {
            Assert.Equal(12, manifest.RootElement.GetProperty("Cmdlets").GetArrayLength());
        }

        var files = publish["files"].Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("SsmTroubleshoot.psd1", files);
        Assert.Contains("SsmTroubleshoot.dll", files);
        Assert.Contains(Path.Combine("en-US", "about_SsmTroubleshoot_Compliance.help.txt"), files);
        foreach (var compliance in Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "compliance"), "*.Tests.ps1"))
        {
            Assert.Contains(Path.Combine("Compliance", Path.GetFileName(compliance)), files);
        }

        Assert.DoesNotContain(files, f => f.EndsWith(".pdb", StringComparison.Ordinal));

        // A fresh pwsh with nothing on its module path but the user's install location: the module loads by name.
        var byName = await desk.RunPwshAsync(new[]
        {
            ("autoload", "(Get-SsmAgentLogIssue -Path ./examples/logs/hibernate.log).Category"),
            ("base", "(Get-Module SsmTroubleshoot).ModuleBase"),
            ("compliance", "Get-ChildItem (Join-Path (Get-Module SsmTroubleshoot).ModuleBase Compliance) -Name"),
            ("about", "(Get-Help about_SsmTroubleshoot_Compliance | Out-String) -match 'ManagedInstances.Tests.ps1'"),
        });
        Assert.True(byName["autoload"].Failed is null, byName["autoload"].ToString());
        Assert.Equal("Hibernation", byName["autoload"].Output.Trim());
        Assert.Equal(Path.Combine(desk.Home, ".local", "share", "powershell", "Modules", "SsmTroubleshoot", "0.1.0"), byName["base"].Output.Trim());
        Assert.Contains("ManagedInstances.Tests.ps1", byName["compliance"].Output, StringComparison.Ordinal);
        Assert.Equal("True", byName["about"].Output.Trim());
    }
}
