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
}
