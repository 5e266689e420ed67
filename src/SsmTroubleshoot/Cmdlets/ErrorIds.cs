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

    // Agent logs (Get-SsmAgentLogIssue, Get-SsmAgentLogRule)
    internal const string LogPathNotFound = "LogPathNotFound";
    internal const string LogPathAccessDenied = "LogPathAccessDenied";
    internal const string LogPathNotFileSystem = "LogPathNotFileSystem";
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

    // Get-SsmDiagnostic
    internal const string LatestVersionUrlInvalid = "LatestVersionUrlInvalid";
}
