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
        Timeout = request.Timeout;
        MaxErrorRetry = request.MaxErrorRetry ?? MaxAttemptsFromEnvironment(request.Environment) ?? 2;
    }

    public AWSCredentials Credentials { get; }

    /// <summary>Human description for WriteDebug; never contains a secret.</summary>
    public string CredentialSource { get; }

    public RegionEndpoint Region { get; }

    public string RegionSource { get; }

    /// <summary>-EndpointUrl: every service goes there.</summary>
    public string? EndpointUrl { get; }

    public IAwsEnvironment Environment { get; }

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

    private static int? MaxAttemptsFromEnvironment(IAwsEnvironment environment) =>
        int.TryParse(environment.Get("AWS_MAX_ATTEMPTS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var attempts) && attempts >= 1
            ? attempts - 1
            : null;
}
