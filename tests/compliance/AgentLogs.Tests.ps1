#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }, SsmTroubleshoot
<#
    No Critical or High severity SSM Agent log issue in the last 24 hours: on this instance (-Path, or the agent's
    log folder by default), or on a fleet through Run Command (-InstanceId / -Filter).

    Invoke-Pester ./AgentLogs.Tests.ps1
    Invoke-Pester -Container (New-PesterContainer -Path ./AgentLogs.Tests.ps1 -Data @{
        Filter = @{ 'tag:Environment' = 'prod' }; AwsParameters = @{ Region = 'eu-west-1' } }) -Output Detailed
#>
param(
    [string[]] $Path,
    [string[]] $InstanceId,
    # DescribeInstanceInformation filters, e.g. @{ 'tag:Environment' = 'prod'; PlatformTypes = 'Linux' }.
    [hashtable] $Filter,
    [hashtable] $AwsParameters = @{},
    [timespan] $Window = '1.00:00:00'
)

BeforeDiscovery {
    # One collection at discovery; each node that reported anything becomes a test case.
    $issues = @(
        if ($InstanceId) { Get-SsmAgentLogIssue -InstanceId $InstanceId -Last $Window @AwsParameters }
        elseif ($Filter) { Get-SsmAgentLogIssue -Filter $Filter -Last $Window @AwsParameters }
        elseif ($Path) { Get-SsmAgentLogIssue -Path $Path -Last $Window }
        else { Get-SsmAgentLogIssue -Last $Window }
    )
    $byNode = [ordered]@{}
    foreach ($id in @($InstanceId) + @($issues | ForEach-Object { if ($_.InstanceId) { $_.InstanceId } else { 'this instance' } })) {
        if ($id -and -not $byNode.Contains($id)) { $byNode[$id] = @() }
    }
    foreach ($issue in $issues) {
        $id = if ($issue.InstanceId) { $issue.InstanceId } else { 'this instance' }
        $byNode[$id] += $issue
    }
    $nodes = @($byNode.Keys | ForEach-Object { @{ Node = $_; Issues = $byNode[$_] } })
}

Describe "SSM Agent logs of the last $Window" {
    Context '<Node>' -ForEach $nodes {
        It 'was read (the agent is online and Run Command reached it)' {
            $unread = @($Issues | Where-Object { $_.Category -in 'AgentOffline', 'CollectionFailed' })
            $unread | Should -BeNullOrEmpty -Because (@($unread | ForEach-Object { $_.Sample }) -join ' ')
        }

        It 'has no Critical or High severity issue' {
            $severe = @($Issues | Where-Object { "$($_.Severity)" -in 'Critical', 'High' -and $_.Category -notin 'AgentOffline', 'CollectionFailed' })
            $severe | Should -BeNullOrEmpty -Because (@($severe | ForEach-Object { "$($_.Severity) $($_.Category) x$($_.Count): $($_.NextStep)" }) -join '; ')
        }
    }
}
