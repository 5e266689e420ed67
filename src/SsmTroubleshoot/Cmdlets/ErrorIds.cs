namespace SsmTroubleshoot.Cmdlets;

/// <summary>Stable, non-localised ErrorIds. Scripts match on these; never rename one.</summary>
internal static class ErrorIds
{
    internal const string AwsRegionMissing = "AwsRegionMissing";
    internal const string AwsRegionInvalid = "AwsRegionInvalid";
    internal const string AwsCredentialsMissing = "AwsCredentialsMissing";
    internal const string AwsProfileNotFound = "AwsProfileNotFound";
    internal const string AwsCredentialInvalid = "AwsCredentialInvalid";
    internal const string AwsEndpointInvalid = "AwsEndpointInvalid";
    internal const string AwsCallFailed = "AwsCallFailed";
    internal const string AwsCallTimeoutInvalid = "AwsCallTimeoutInvalid";
    internal const string AwsSsoLoginRequired = "AwsSsoLoginRequired";
    internal const string AwsSsoRoleDenied = "AwsSsoRoleDenied";

    // Invoke-SawRunbook: a runbook's own pre-check refused the start (ExecuteEC2Rescue's SubnetId in another zone).
    internal const string RunbookPreCheckFailed = "RunbookPreCheckFailed";

    // Agent logs (Get-SsmAgentLogIssue, Get-SsmAgentLogRule)
    internal const string LogPathNotFound = "LogPathNotFound";
    internal const string LogPathAccessDenied = "LogPathAccessDenied";
    internal const string LogPathNotFileSystem = "LogPathNotFileSystem";
    internal const string LogPathNotRegularFile = "LogPathNotRegularFile";
    internal const string LogReadFailed = "LogReadFailed";
    internal const string LogFileCorrupt = "LogFileCorrupt";
    internal const string LogRuleFileNotFound = "LogRuleFileNotFound";
    internal const string LogRuleFileInvalid = "LogRuleFileInvalid";
    internal const string LogCategoryInvalid = "LogCategoryInvalid";
    internal const string LogTimeRangeInvalid = "LogTimeRangeInvalid";
    internal const string LogFleetFilterInvalid = "LogFleetFilterInvalid";
    internal const string LogFleetCollectionFailed = "LogFleetCollectionFailed";
    // Test-SsmEndpoint
    internal const string EndpointOverrideInvalid = "EndpointOverrideInvalid";
    internal const string HostAddressOverrideInvalid = "HostAddressOverrideInvalid";
    internal const string ImdsEndpointInvalid = "ImdsEndpointInvalid";
    internal const string TrustedRootInvalid = "TrustedRootInvalid";
    internal const string AgentConfigNotFound = "AgentConfigNotFound";
    internal const string AgentConfigInvalid = "AgentConfigInvalid";

    // Test-ManagedInstanceNetwork
    internal const string InstanceNotFound = "InstanceNotFound";
    internal const string InstanceLookupFailed = "InstanceLookupFailed";
    internal const string NetworkFilterInvalid = "NetworkFilterInvalid";

    // Get-SsmDiagnostic
    internal const string LatestVersionUrlInvalid = "LatestVersionUrlInvalid";

    // Automation (Find-/Get-/Invoke-SawRunbook, Wait-AutomationExecution, Export-SawSupportCase)
    internal const string RunbookListFailed = "RunbookListFailed";
    internal const string RunbookNotFound = "RunbookNotFound";
    internal const string RunbookAccessDenied = "RunbookAccessDenied";
    internal const string PremiumSupportRequired = "PremiumSupportRequired";
    internal const string RunbookLookupFailed = "RunbookLookupFailed";
    internal const string RunbookParameterInvalid = "RunbookParameterInvalid";

    // Invoke-SawRunbook -TargetLocation: accounts, Regions, role name or per-location rates malformed.
    internal const string RunbookTargetLocationInvalid = "RunbookTargetLocationInvalid";

    // Invoke-SawRunbook rate control: -Target / -TargetParameterName / -MaxConcurrency / -MaxErrors do not fit the request or the document.
    internal const string RunbookRateControlInvalid = "RunbookRateControlInvalid";
    internal const string RunbookStartFailed = "RunbookStartFailed";
    internal const string ClientTokenReused = "ClientTokenReused";
    internal const string AutomationExecutionFailed = "AutomationExecutionFailed";
    internal const string AutomationExecutionNeedsApproval = "AutomationExecutionNeedsApproval";
    internal const string AutomationWaitTimeout = "AutomationWaitTimeout";
    internal const string AutomationExecutionLookupFailed = "AutomationExecutionLookupFailed";
    internal const string SupportCaseInputInvalid = "SupportCaseInputInvalid";
    internal const string SupportCasePathNotFolder = "SupportCasePathNotFolder";
    internal const string SupportCaseFileExists = "SupportCaseFileExists";
    internal const string SupportCaseExportFailed = "SupportCaseExportFailed";
    internal const string StsEndpointUrlInvalid = "StsEndpointUrlInvalid";

    // Fleets across accounts and regions (-Region with several regions, -AccountId/-RoleName)
    internal const string FleetScopeInvalid = "FleetScopeInvalid";
    internal const string FleetAccountIdInvalid = "FleetAccountIdInvalid";
    internal const string FleetAssumeRoleFailed = "FleetAssumeRoleFailed";
    internal const string FleetRegionNotEnabled = "FleetRegionNotEnabled";
    internal const string FleetRegionFailed = "FleetRegionFailed";
}
