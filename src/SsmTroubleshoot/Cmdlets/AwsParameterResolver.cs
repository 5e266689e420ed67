using System;
using System.Threading;
using System.Threading.Tasks;
using System.Management.Automation;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Resolution of the AWS common parameters into a connection (AwsCmdlet and the fleet cmdlets, which choose the region).</summary>
internal static class AwsParameterResolver
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
            cmdlet.ThrowTerminatingError(ErrorRecords.FromException(ex, errorId, target, ex.RecommendedAction, category));
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
