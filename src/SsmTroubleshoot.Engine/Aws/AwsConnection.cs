using System;
using Amazon;
using Amazon.Runtime;

namespace SsmTroubleshoot.Aws;

/// <summary>A resolved way to reach AWS: credentials, region, endpoint overrides and the retry policy, with where each came from.</summary>
public sealed class AwsConnection
{
    internal AwsConnection(AWSCredentials credentials, string credentialSource, RegionEndpoint region, string regionSource, AwsConnectionRequest request)
    {
        Credentials = credentials;
        CredentialSource = credentialSource;
        Region = region;
        RegionSource = regionSource;
        EndpointUrl = request.EndpointUrl;
        Environment = request.Environment;
        Timeout = request.Timeout ?? CallTimeoutFromEnvironment(request.Environment) ?? DefaultCallTimeout;
        MaxErrorRetry = request.MaxErrorRetry ?? MaxAttemptsFromEnvironment(request.Environment) ?? 2;
    }

    /// <summary>The same settings (endpoints, timeout, retries) with other credentials and region: one target of a fleet fan-out.</summary>
    private AwsConnection(AwsConnection other, AWSCredentials credentials, string credentialSource, RegionEndpoint region, string regionSource)
    {
        Credentials = credentials;
        CredentialSource = credentialSource;
        Region = region;
        RegionSource = regionSource;
        EndpointUrl = other.EndpointUrl;
        Environment = other.Environment;
        Timeout = other.Timeout;
        MaxErrorRetry = other.MaxErrorRetry;
    }

    /// <summary>This connection for another account's credentials and another region (see <see cref="FleetScope"/>).</summary>
    internal AwsConnection WithTarget(AWSCredentials credentials, string credentialSource, RegionEndpoint region, string regionSource) =>
        new(this, credentials, credentialSource, region, regionSource);

    public AWSCredentials Credentials { get; }

    /// <summary>Human description for WriteDebug; never contains a secret.</summary>
    public string CredentialSource { get; }

    public RegionEndpoint Region { get; }

    public string RegionSource { get; }

    /// <summary>-EndpointUrl: every service goes there.</summary>
    public string? EndpointUrl { get; }

    public IAwsEnvironment Environment { get; }

    /// <summary>The call timeout when nothing sets it.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The environment variable that sets the call timeout (whole seconds) for the module and the CLI.</summary>
    public const string CallTimeoutVariable = "SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS";

    /// <summary>The call timeout: each AWS call, with its retries and the whole response, ends within this.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Retries after the first attempt.</summary>
    public int MaxErrorRetry { get; }

    /// <summary>
    /// The endpoint a service uses: -EndpointUrl, else AWS_ENDPOINT_URL_&lt;SERVICE&gt;, else AWS_ENDPOINT_URL, else null (the SDK's own).
    /// </summary>
    /// <param name="serviceEnvironmentId">The service's env suffix: EC2, SSM, STS, IAM.</param>
    public string? EndpointFor(string serviceEnvironmentId) =>
        EndpointUrl
        ?? Environment.Get("AWS_ENDPOINT_URL_" + serviceEnvironmentId)
        ?? Environment.Get("AWS_ENDPOINT_URL");

    private static TimeSpan? CallTimeoutFromEnvironment(IAwsEnvironment environment)
    {
        var text = environment.Get(CallTimeoutVariable);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new AwsConfigurationException(
                AwsConfigurationProblem.CallTimeoutInvalid,
                $"{CallTimeoutVariable} is '{text}', not a whole number of seconds from 1 to 3600.",
                $"Set {CallTimeoutVariable} to a number of seconds such as 60, or remove it (the default is 30).");
    }

    private static int? MaxAttemptsFromEnvironment(IAwsEnvironment environment) =>
        int.TryParse(environment.Get("AWS_MAX_ATTEMPTS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var attempts) && attempts >= 1
            ? attempts - 1
            : null;
}
