using System;
using System.Threading;
using System.Threading.Tasks;
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
    /// Seconds each AWS call may take, its retries and the whole answer included (default 30, or
    /// $env:SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS); a call past it fails with OperationTimeout naming the call and endpoint.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int? CallTimeoutSeconds { get; set; }

    /// <summary>
    /// Resolves credentials and region exactly like AWS.Tools (parameters, then $StoredAWSCredentials/$StoredAWSRegion,
    /// the environment, profiles, container and instance metadata), writes where each came from to the debug stream,
    /// and stops the command with a clear error when nothing is found.
    /// </summary>
    protected AwsConnection ResolveAwsConnection() => AwsConnectionSupport.Resolve(this, this, work => Await(work));
}

/// <summary>Resolution of the AWS common parameters into a connection (AwsCmdlet and the fleet cmdlets, which choose the region).</summary>
internal static class AwsConnectionSupport
{
    /// <param name="region">A region chosen by the cmdlet (the first of several -Region values) instead of <see cref="AwsCmdlet.Region"/>.</param>
    internal static AwsConnection Resolve(PSCmdlet cmdlet, AwsCmdlet parameters, Func<Func<CancellationToken, Task<AwsConnection>>, AwsConnection> await, string? region = null)
    {
        var request = new AwsConnectionRequest
        {
            Region = region ?? parameters.Region,
            ProfileName = parameters.ProfileName,
            ProfileLocation = parameters.ProfileLocation,
            AccessKey = parameters.AccessKey,
            SecretKey = parameters.SecretKey,
            SessionToken = parameters.SessionToken,
            EndpointUrl = parameters.EndpointUrl,
            Timeout = parameters.CallTimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            Credential = CredentialInput(parameters.Credential),
            StoredCredentials = CredentialInput(cmdlet.SessionState.PSVariable.GetValue("StoredAWSCredentials")),
            StoredRegion = Unwrap(cmdlet.SessionState.PSVariable.GetValue("StoredAWSRegion"))?.ToString(),
        };

        AwsConnection connection;
        try
        {
            connection = await(ct => AwsConnectionResolver.ResolveAsync(request, ct));
        }
        catch (AwsConfigurationException ex)
        {
            var (errorId, category, target) = Describe(cmdlet, region ?? parameters.Region, parameters, ex.Problem);
            var record = new ErrorRecord(ex, errorId, category, target) { ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction } };
            cmdlet.ThrowTerminatingError(record);
            throw; // not reached: ThrowTerminatingError always throws
        }

        cmdlet.WriteDebug("Credentials obtained from " + connection.CredentialSource);
        cmdlet.WriteDebug("Region obtained from " + connection.RegionSource);
        cmdlet.WriteDebug("Each AWS call may take " + connection.Timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s (the call timeout)");
        return connection;
    }

    private static (string ErrorId, ErrorCategory Category, object? Target) Describe(PSCmdlet cmdlet, string? region, AwsCmdlet parameters, AwsConfigurationProblem problem) => problem switch
    {
        AwsConfigurationProblem.RegionMissing => (ErrorIds.AwsRegionMissing, ErrorCategory.InvalidOperation, null),
        AwsConfigurationProblem.RegionInvalid => (ErrorIds.AwsRegionInvalid, ErrorCategory.InvalidArgument, region ?? Unwrap(cmdlet.SessionState.PSVariable.GetValue("StoredAWSRegion"))),
        AwsConfigurationProblem.CredentialsMissing => (ErrorIds.AwsCredentialsMissing, ErrorCategory.InvalidOperation, null),
        AwsConfigurationProblem.ProfileNotFound => (ErrorIds.AwsProfileNotFound, ErrorCategory.ObjectNotFound, parameters.ProfileName),
        AwsConfigurationProblem.EndpointInvalid => (ErrorIds.AwsEndpointInvalid, ErrorCategory.InvalidArgument, parameters.EndpointUrl),
        AwsConfigurationProblem.CallTimeoutInvalid => (ErrorIds.AwsCallTimeoutInvalid, ErrorCategory.InvalidArgument, AwsConnection.CallTimeoutVariable),
        AwsConfigurationProblem.SsoLoginRequired => (ErrorIds.AwsSsoLoginRequired, ErrorCategory.AuthenticationError, parameters.ProfileName),
        AwsConfigurationProblem.SsoRoleDenied => (ErrorIds.AwsSsoRoleDenied, ErrorCategory.PermissionDenied, parameters.ProfileName),
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

    private static object? Unwrap(object? value) => PSValues.BaseOf(value);
}
