#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests or packages SsmTroubleshoot. For people with pwsh; CI uses plain dotnet (.ci/run).
.EXAMPLE
    ./build.ps1 -Task Build
.EXAMPLE
    ./build.ps1 -Task Package   # out/package/SsmTroubleshoot/<version>/, ready for Publish-Module
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
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
        Invoke-Dotnet build src/SsmTroubleshoot/SsmTroubleshoot.csproj -c Release
        $manifest = Import-PowerShellDataFile -Path 'out/SsmTroubleshoot/SsmTroubleshoot.psd1'
        $target = Join-Path $PSScriptRoot "out/package/SsmTroubleshoot/$($manifest.ModuleVersion)"
        if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Recurse -Force }
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        # Ship what the module needs, not debug symbols.
        Copy-Item -Path 'out/SsmTroubleshoot/*' -Destination $target -Recurse -Exclude '*.pdb'
        Get-ChildItem -LiteralPath $target -Recurse -Filter '*.pdb' | Remove-Item -Force
        Test-ModuleManifest -Path (Join-Path $target 'SsmTroubleshoot.psd1') | Out-Null
        Write-Host "Package ready for Publish-Module -Path '$target'"
    }
}
