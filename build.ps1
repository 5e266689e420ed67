#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests or packages SsmTroubleshoot. For people with pwsh; CI runs plain dotnet (.ci/run), and its
    end-to-end suite runs -Task Package under the pinned pwsh.
.EXAMPLE
    ./build.ps1 -Task Build
.EXAMPLE
    ./build.ps1 -Task Package   # out/package/SsmTroubleshoot/<version>/, ready for Publish-PSResource
.EXAMPLE
    ./build.ps1 -Task Package -NoBuild -OutputPath /tmp/pkg   # package the module folder the last build assembled
.EXAMPLE
    ./build.ps1 -Task Publish   # out/cli/ssmtroubleshoot: one self-contained linux-x64 file, no pwsh or .NET needed
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Publish')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Publish: the runtime of the instances the CLI is copied to.
    [ValidateNotNullOrEmpty()]
    [string] $Runtime = 'linux-x64',

    # Package: where <name>/<version>/ is written (default out/package).
    [ValidateNotNullOrEmpty()]
    [string] $OutputPath = 'out/package',

    # Package: use the module folder (out/SsmTroubleshoot) that the last build assembled instead of building again.
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

switch ($Task) {
    'Build' {
        Invoke-Dotnet build SsmTroubleshoot.sln -c $Configuration
        Write-Host "Module: $(Join-Path $PSScriptRoot 'out/SsmTroubleshoot/SsmTroubleshoot.psd1')"
    }
    'Test' {
        Invoke-Dotnet test SsmTroubleshoot.sln -c $Configuration
    }
    'Package' {
        if (-not $NoBuild) { Invoke-Dotnet build src/SsmTroubleshoot/SsmTroubleshoot.csproj -c Release }
        if (-not (Test-Path -LiteralPath 'out/SsmTroubleshoot/SsmTroubleshoot.psd1')) { throw 'out/SsmTroubleshoot is not built: run without -NoBuild.' }
        $manifest = Import-PowerShellDataFile -Path 'out/SsmTroubleshoot/SsmTroubleshoot.psd1'
        $target = Join-Path ([System.IO.Path]::GetFullPath($OutputPath, $PSScriptRoot)) "SsmTroubleshoot/$($manifest.ModuleVersion)"
        if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Recurse -Force }
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        # Ship what the module needs (dll, dependencies, manifest, formats, help, Compliance/), not debug symbols.
        Copy-Item -Path 'out/SsmTroubleshoot/*' -Destination $target -Recurse -Exclude '*.pdb'
        Get-ChildItem -LiteralPath $target -Recurse -Filter '*.pdb' | Remove-Item -Force
        $tested = Test-ModuleManifest -Path (Join-Path $target 'SsmTroubleshoot.psd1')
        Write-Host "Package $($tested.Name) $($tested.Version) ready for Publish-PSResource -Path '$target'"
    }
    'Publish' {
        # The same as the plain commands in README: a single self-contained file if the runtime pack restores,
        # otherwise a framework-dependent folder that runs with 'dotnet ssmtroubleshoot.dll'.
        $target = if ($Runtime -eq 'linux-x64') { 'out/cli' } else { "out/cli-$Runtime" }
        try {
            Invoke-Dotnet publish src/SsmTroubleshoot.Cli -c $Configuration -r $Runtime --self-contained -p:PublishSingleFile=true -o $target
            Write-Host "Self-contained single file: $(Join-Path $PSScriptRoot $target 'ssmtroubleshoot')"
        }
        catch {
            Write-Warning "Self-contained publish for $Runtime failed ($_); publishing framework-dependent instead."
            $target = 'out/cli-portable'
            Invoke-Dotnet publish src/SsmTroubleshoot.Cli -c $Configuration -o $target
            Write-Host "Framework-dependent (needs the .NET 10 runtime): dotnet $(Join-Path $PSScriptRoot $target 'ssmtroubleshoot.dll')"
        }
    }
}
