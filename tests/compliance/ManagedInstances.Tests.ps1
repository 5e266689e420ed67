#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }, SsmTroubleshoot
<#
    Every managed instance with a given tag has a working network path to Systems Manager.

    Invoke-Pester -Container (New-PesterContainer -Path ./ManagedInstances.Tests.ps1 -Data @{
        TagKey = 'Environment'; TagValue = 'prod'; AwsParameters = @{ Region = 'eu-west-1'; ProfileName = 'audit' } }) -Output Detailed

    One test per instance (data-driven with -ForEach); a failure names the failed check ids.
#>
param(
    [string] $TagKey = 'Environment',
    [string] $TagValue = 'prod',
    # -Region, -ProfileName, -Credential, -EndpointUrl ... for Test-ManagedInstanceNetwork.
    [hashtable] $AwsParameters = @{},
    # Also require the optional services (S3, KMS, CloudWatch Logs) to be reachable.
    [switch] $IncludeOptionalService
)

BeforeDiscovery {
    # The network check runs once, at discovery: its reports are the test cases.
    $reports = @(Test-ManagedInstanceNetwork -Filter @{ "tag:$TagKey" = $TagValue } -IncludeOptionalService:$IncludeOptionalService -ThrottleLimit 8 @AwsParameters)
    $instances = @($reports | ForEach-Object {
        @{ InstanceId = $_.InstanceId; Name = $_.Name; Report = $_ }
    })
}

Describe "Managed instances tagged $TagKey=$TagValue reach Systems Manager" {
    # Discovery variables do not exist when tests run: the count travels as test data.
    It 'the tag selects at least one instance' -ForEach @(@{ Count = $instances.Count }) {
        $Count | Should -BeGreaterThan 0 -Because "no instance carries the tag $TagKey=$TagValue"
    }

    Context '<InstanceId> (<Name>)' -ForEach $instances {
        It 'passes every network check' {
            $Report.Verdict | Should -Be 'Healthy' -Because "failed checks: $(@($Report.FailedChecks) -join ', ')"
        }

        It 'is Online in Systems Manager' {
            $Report.PingStatus | Should -Be 'Online' -Because "the agent of $InstanceId last reported $($Report.PingStatus)"
        }
    }
}
