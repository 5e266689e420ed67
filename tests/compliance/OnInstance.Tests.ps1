#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }, SsmTroubleshoot
<#
    Run ON the instance: the SSM Agent's endpoints are reachable the way the agent reaches them, and the
    ssm-cli-like diagnostic has no failed check.

    Invoke-Pester ./OnInstance.Tests.ps1 -Output Detailed
    Invoke-Pester -Container (New-PesterContainer -Path ./OnInstance.Tests.ps1 -Data @{ Service = 'ssm', 'ec2messages', 'ssmmessages', 's3' })
#>
param(
    # The endpoints the agent needs; add s3, kms, logs, monitoring when the instance uses them.
    [string[]] $Service = @('ssm', 'ec2messages', 'ssmmessages'),
    # Extra parameters for both commands (-Region, -TimeoutSeconds, -AgentConfigPath ...).
    [hashtable] $ProbeParameters = @{},
    # Extra parameters for Get-SsmDiagnostic only (-StsEndpointUrl for an STS VPC endpoint, -AgentVersion ...).
    [hashtable] $DiagnosticParameters = @{}
)

BeforeDiscovery {
    $endpoints = @(Test-SsmEndpoint -Service $Service @ProbeParameters | ForEach-Object {
        @{ Service = $_.Service; Endpoint = "$($_.Host):$($_.Port)"; Probe = $_ }
    })
    $checks = @(Get-SsmDiagnostic -Service $Service @ProbeParameters @DiagnosticParameters | ForEach-Object {
        @{ Check = $_.Check; Result = $_ }
    })
}

Describe 'SSM Agent endpoints from this instance' {
    It '<Service> (<Endpoint>) is reachable' -ForEach $endpoints {
        $Probe.Reachable | Should -BeTrue -Because "$($Probe.FailedPhase) failed: $($Probe.Error) $($Probe.Remediation)"
    }

    It '<Service> (<Endpoint>) is not intercepted by a TLS proxy' -ForEach $endpoints {
        $Probe.TlsIntercepted | Should -BeFalse -Because "the certificate was issued by $($Probe.CertificateIssuer)"
    }
}

Describe 'ssm-cli diagnostic of this instance' {
    It '<Check>' -ForEach $checks {
        $Result.Status | Should -Not -Be 'Failed' -Because "$($Result.Note) $($Result.Remediation)"
    }
}
