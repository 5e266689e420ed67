@{
    RootModule             = 'SsmTroubleshoot.dll'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Desktop', 'Core')
    GUID                   = '5b0f7f3e-2f43-4c3a-9d0e-8a1d6c7e4b21'
    Author                 = 'SsmTroubleshoot contributors'
    CompanyName            = 'SsmTroubleshoot'
    Copyright              = '(c) SsmTroubleshoot contributors. Apache-2.0.'
    Description            = 'Finds out why an EC2 instance is not a working AWS Systems Manager managed node (agent logs, endpoints, VPC network path, IAM) and runs AWS Support Automation Workflows to fix it.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('SsmTroubleshoot.Logs.format.ps1xml', 'SsmTroubleshoot.Endpoints.format.ps1xml', 'SsmTroubleshoot.Aws.format.ps1xml', 'SsmTroubleshoot.Automation.format.ps1xml', 'SsmTroubleshoot.Network.format.ps1xml', 'SsmTroubleshoot.Diagnosis.format.ps1xml')
    CmdletsToExport        = @(
        'Get-SsmAgentLogIssue'
        'Get-SsmAgentLogRule'
        'Test-SsmEndpoint'
        'Get-SsmDiagnostic'
        'Get-SsmAwsContext'
        'Find-SawRunbook'
        'Get-SawRunbook'
        'Invoke-SawRunbook'
        'Wait-AutomationExecution'
        'Export-SawSupportCase'
        'Test-ManagedInstanceNetwork'
        'Get-SsmNodeDiagnosis'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('AWS', 'SSM', 'SystemsManager', 'EC2', 'Troubleshooting', 'Automation', 'SAW', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/ssmtroubleshoot/SsmTroubleshoot'
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ReleaseNotes = @'
0.1.0
- Get-SsmAgentLogIssue / Get-SsmAgentLogRule: agent logs (local, rotated, .gz, or a fleet through Run Command) classified by a rule catalog, with cause, remediation and the next command.
- Test-SsmEndpoint and Get-SsmDiagnostic: the agent's endpoints probed the way the agent reaches them (DNS, TCP, TLS, HTTP, its proxy), ssm-cli-like diagnostics.
- Test-ManagedInstanceNetwork: routes, VPC endpoints, security groups, NACLs, instance profile and role permissions for a fleet, in a few describe calls.
- Get-SsmNodeDiagnosis: one verdict per node (Managed, Degraded, Unmanaged), a root cause from a documented set, the evidence of every source (EC2 state and status checks, SSM registration, network and IAM checks, agent log, console output, hybrid activation), and a next step that pipes into Invoke-SawRunbook.
- Find-SawRunbook, Get-SawRunbook, Invoke-SawRunbook, Wait-AutomationExecution, Export-SawSupportCase: AWS Support runbooks validated, started safely, awaited and reported.
- Get-SsmAwsContext: which account, region and credentials the module uses.
- Compliance/: Pester 5 files (Get-Help about_SsmTroubleshoot_Compliance).
'@
        }
    }
}
