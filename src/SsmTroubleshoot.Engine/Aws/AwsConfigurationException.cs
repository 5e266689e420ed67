using System;

namespace SsmTroubleshoot.Aws;

/// <summary>Why no connection could be made; the cmdlet maps each to a stable ErrorId.</summary>
public enum AwsConfigurationProblem
{
    RegionMissing,
    RegionInvalid,
    CredentialsMissing,
    CredentialInvalid,
    ProfileNotFound,
    EndpointInvalid,

    /// <summary>The call timeout (-CallTimeoutSeconds, SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS) is not usable.</summary>
    CallTimeoutInvalid,

    /// <summary>An IAM Identity Center (SSO) profile has no cached token, or it expired: the user must run aws sso login.</summary>
    SsoLoginRequired,

    /// <summary>The SSO portal refused the profile's account and role (no such assignment), or the profile is incomplete.</summary>
    SsoRoleDenied,
}

/// <summary>Credentials, region or endpoint could not be resolved; carries what the user should do.</summary>
public sealed class AwsConfigurationException : Exception
{
    public AwsConfigurationException(AwsConfigurationProblem problem, string message, string recommendedAction, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        RecommendedAction = recommendedAction;
    }

    public AwsConfigurationProblem Problem { get; }

    public string RecommendedAction { get; }
}
