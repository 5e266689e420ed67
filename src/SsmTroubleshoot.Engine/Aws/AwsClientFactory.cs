using System;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// Builds SDK clients for a resolved connection: one endpoint override for every service (-EndpointUrl) or
/// AWS_ENDPOINT_URL_&lt;SERVICE&gt;/AWS_ENDPOINT_URL from the injected environment, signing for the resolved region,
/// standard retry mode with a bounded retry count, and a per-attempt timeout.
/// </summary>
public sealed class AwsClientFactory
{
    public AwsClientFactory(AwsConnection connection) => Connection = connection ?? throw new ArgumentNullException(nameof(connection));

    public AwsConnection Connection { get; }

    /// <summary>A proxy every client goes through (the agent's, when a check must reach AWS the way the agent does); null: none set.</summary>
    public System.Net.IWebProxy? Proxy { get; init; }

    public IAmazonEC2 CreateEc2() => new AmazonEC2Client(Connection.Credentials, Configure(new AmazonEC2Config(), "EC2"));

    public IAmazonSimpleSystemsManagement CreateSsm() =>
        new AmazonSimpleSystemsManagementClient(Connection.Credentials, Configure(new AmazonSimpleSystemsManagementConfig(), "SSM"));

    public IAmazonSecurityTokenService CreateSts() =>
        new AmazonSecurityTokenServiceClient(Connection.Credentials, Configure(new AmazonSecurityTokenServiceConfig(), "STS"));

    /// <summary>S3 (Run Command output); an endpoint override is addressed path-style (http://host:port/bucket/key).</summary>
    public IAmazonS3 CreateS3()
    {
        var config = Configure(new AmazonS3Config(), "S3");
        if (Endpoint("S3") is not null)
        {
            config.ForcePathStyle = true;
        }

        return new AmazonS3Client(Connection.Credentials, config);
    }

    public IamQueryClient CreateIam()
    {
        var endpoint = Endpoint("IAM");
        return new IamQueryClient(Connection.Credentials, endpoint ?? IamQueryClient.DefaultEndpoint, Connection.MaxErrorRetry, Connection.Timeout);
    }

    /// <summary>The endpoint each service is sent to, or null for the SDK's regional default.</summary>
    public Uri? Endpoint(string serviceEnvironmentId) =>
        AwsConnectionResolver.ValidateEndpoint(Connection.EndpointFor(serviceEnvironmentId), "endpoint for " + serviceEnvironmentId);

    private T Configure<T>(T config, string serviceEnvironmentId)
        where T : ClientConfig
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = Connection.MaxErrorRetry;

        // The SDK otherwise retries a reset connection up to 10 more times outside the retry budget.
        config.MaxStaleConnectionRetries = Connection.MaxErrorRetry;
        config.Timeout = Connection.Timeout;

        // Our resolver already read the injected environment; the SDK must not re-read the process one.
        config.IgnoreConfiguredEndpointUrls = true;
        if (Proxy is not null)
        {
            config.SetWebProxy(Proxy);
        }

        var endpoint = Endpoint(serviceEnvironmentId);
        if (endpoint is null)
        {
            config.RegionEndpoint = Connection.Region;
        }
        else
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = Connection.Region.SystemName;
        }

        return config;
    }
}
