using System;
using System.Management.Automation;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Base of every cmdlet that calls AWS: the AWS.Tools common parameters with their aliases. Parameter types are
/// plain .NET or PowerShell types (never Amazon.*), so objects from AWS.Tools' own load context bind too.
/// </summary>
public abstract class AwsCmdlet : SsmTroubleshootCmdlet
{
    /// <summary>The AWS region (e.g. us-east-1). Else $StoredAWSRegion, the profile, AWS_REGION, IMDS.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    public string? Region { get; set; }

    /// <summary>A named profile from the SDK store or the shared credentials file.</summary>
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>The shared credentials file to read profiles from.</summary>
    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>An AWSCredentials object (from any AWS.Tools version) or a PSCredential (user = access key, password = secret key).</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>The access key id of explicit credentials.</summary>
    [Parameter]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    /// <summary>The secret access key of explicit credentials.</summary>
    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    public string? SecretKey { get; set; }

    /// <summary>The session token of explicit temporary credentials.</summary>
    [Parameter]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    public string? SessionToken { get; set; }

    /// <summary>Sends every AWS call to this URL (an emulator such as LocalStack or moto, or a VPC endpoint).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    /// <summary>
    /// Resolves credentials and region exactly like AWS.Tools (parameters, then $StoredAWSCredentials/$StoredAWSRegion,
    /// the environment, profiles, container and instance metadata), writes where each came from to the debug stream,
    /// and stops the command with a clear error when nothing is found.
    /// </summary>
    protected AwsConnection ResolveAwsConnection()
    {
        var request = new AwsConnectionRequest
        {
            Region = Region,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            EndpointUrl = EndpointUrl,
            Credential = CredentialInput(Credential),
            StoredCredentials = CredentialInput(SessionState.PSVariable.GetValue("StoredAWSCredentials")),
            StoredRegion = Unwrap(SessionState.PSVariable.GetValue("StoredAWSRegion"))?.ToString(),
        };

        AwsConnection connection;
        try
        {
            connection = Await(ct => AwsConnectionResolver.ResolveAsync(request, ct));
        }
        catch (AwsConfigurationException ex)
        {
            var (errorId, category, target) = Describe(ex.Problem);
            var record = new ErrorRecord(ex, errorId, category, target) { ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction } };
            ThrowTerminatingError(record);
            throw; // not reached: ThrowTerminatingError always throws
        }

        WriteDebug("Credentials obtained from " + connection.CredentialSource);
        WriteDebug("Region obtained from " + connection.RegionSource);
        return connection;
    }

    private (string ErrorId, ErrorCategory Category, object? Target) Describe(AwsConfigurationProblem problem) => problem switch
    {
        AwsConfigurationProblem.RegionMissing => (ErrorIds.AwsRegionMissing, ErrorCategory.InvalidOperation, null),
        AwsConfigurationProblem.RegionInvalid => (ErrorIds.AwsRegionInvalid, ErrorCategory.InvalidArgument, Region ?? Unwrap(SessionState.PSVariable.GetValue("StoredAWSRegion"))),
        AwsConfigurationProblem.CredentialsMissing => (ErrorIds.AwsCredentialsMissing, ErrorCategory.InvalidOperation, null),
        AwsConfigurationProblem.ProfileNotFound => (ErrorIds.AwsProfileNotFound, ErrorCategory.ObjectNotFound, ProfileName),
        AwsConfigurationProblem.EndpointInvalid => (ErrorIds.AwsEndpointInvalid, ErrorCategory.InvalidArgument, EndpointUrl),
        _ => (ErrorIds.AwsCredentialInvalid, ErrorCategory.InvalidArgument, null),
    };

    /// <summary>
    /// A PSCredential becomes plain keys here (the engine knows nothing of PowerShell); anything else (an
    /// AWSCredentials or AWSPSCredentials from AWS.Tools' own load context) goes to the engine, which reads it by reflection.
    /// </summary>
    private static object? CredentialInput(object? value)
    {
        value = Unwrap(value);
        if (value is PSCredential credential)
        {
            return new CredentialTriple(credential.UserName, credential.GetNetworkCredential().Password);
        }

        return value;
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
