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
