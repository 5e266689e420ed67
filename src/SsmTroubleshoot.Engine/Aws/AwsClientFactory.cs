using System;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using SsmTroubleshoot.Iam;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// Builds SDK clients for a resolved connection: one endpoint override for every service (-EndpointUrl) or
/// AWS_ENDPOINT_URL_&lt;SERVICE&gt;/AWS_ENDPOINT_URL from the injected environment, signing for the resolved region,
/// standard retry mode with a bounded retry count, and one deadline per call (retries and the response body
/// included) whose failures name the call and the endpoint.
/// </summary>
public sealed class AwsClientFactory
{
    public AwsClientFactory(AwsConnection connection) => Connection = connection ?? throw new ArgumentNullException(nameof(connection));

    public AwsConnection Connection { get; }

    /// <summary>A proxy every client goes through (the agent's, when a check must reach AWS the way the agent does); null: none set.</summary>
    public System.Net.IWebProxy? Proxy { get; init; }

    public IAmazonEC2 CreateEc2() => new DeadlineEc2Client(Connection.Credentials, Configure(new DeadlineEc2Config(), "EC2"));

    public IAmazonSimpleSystemsManagement CreateSsm() => new DeadlineSsmClient(Connection.Credentials, Configure(new DeadlineSsmConfig(), "SSM"));

    public IAmazonSecurityTokenService CreateSts() => new DeadlineStsClient(Connection.Credentials, Configure(new DeadlineStsConfig(), "STS"));

    /// <summary>S3 (Run Command output); an endpoint override is addressed path-style (http://host:port/bucket/key).</summary>
    public IAmazonS3 CreateS3()
    {
        var config = Configure(new DeadlineS3Config(), "S3");
        if (Endpoint("S3") is not null)
        {
            config.ForcePathStyle = true;
        }

        return new DeadlineS3Client(Connection.Credentials, config);
    }

    public IamQueryClient CreateIam()
    {
        var endpoint = Endpoint("IAM");
        return new IamQueryClient(Connection.Credentials, endpoint ?? IamQueryClient.GlobalEndpointFor(Connection.Region), Connection.MaxErrorRetry, Connection.Timeout, region: Connection.Region);
    }

    /// <summary>The endpoint each service is sent to, or null for the SDK's regional default.</summary>
    public Uri? Endpoint(string serviceEnvironmentId) =>
        AwsConnectionResolver.ValidateEndpoint(Connection.EndpointFor(serviceEnvironmentId), "endpoint for " + serviceEnvironmentId);

    private T Configure<T>(T config, string serviceEnvironmentId)
        where T : ClientConfig, IDeadlineConfig
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = Connection.MaxErrorRetry;

        // The SDK otherwise retries a reset connection up to 10 more times outside the retry budget.
        config.MaxStaleConnectionRetries = Connection.MaxErrorRetry;
        config.Timeout = Connection.Timeout;
        config.Deadline = new CallDeadlineHandler(serviceEnvironmentId, Endpoint(serviceEnvironmentId)?.ToString(), Connection.Timeout);

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

// The SDK clients with the call deadline as their outermost pipeline handler (per client: no process-wide registry).
// The base constructor builds the pipeline before a subclass's fields are set, so the handler travels in the config.
internal interface IDeadlineConfig
{
    CallDeadlineHandler? Deadline { get; set; }
}

internal sealed class DeadlineEc2Config : AmazonEC2Config, IDeadlineConfig
{
    public CallDeadlineHandler? Deadline { get; set; }
}

internal sealed class DeadlineSsmConfig : AmazonSimpleSystemsManagementConfig, IDeadlineConfig
{
    public CallDeadlineHandler? Deadline { get; set; }
}

internal sealed class DeadlineStsConfig : AmazonSecurityTokenServiceConfig, IDeadlineConfig
{
    public CallDeadlineHandler? Deadline { get; set; }
}

internal sealed class DeadlineS3Config : AmazonS3Config, IDeadlineConfig
{
    public CallDeadlineHandler? Deadline { get; set; }
}

internal sealed class DeadlineEc2Client : AmazonEC2Client
{
    internal DeadlineEc2Client(AWSCredentials credentials, DeadlineEc2Config config)
        : base(credentials, config)
    {
    }

    protected override void CustomizeRuntimePipeline(Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        DeadlinePipeline.Add(pipeline, Config);
    }
}

internal sealed class DeadlineSsmClient : AmazonSimpleSystemsManagementClient
{
    internal DeadlineSsmClient(AWSCredentials credentials, DeadlineSsmConfig config)
        : base(credentials, config)
    {
    }

    protected override void CustomizeRuntimePipeline(Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        DeadlinePipeline.Add(pipeline, Config);
    }
}

internal sealed class DeadlineStsClient : AmazonSecurityTokenServiceClient
{
    internal DeadlineStsClient(AWSCredentials credentials, DeadlineStsConfig config)
        : base(credentials, config)
    {
    }

    protected override void CustomizeRuntimePipeline(Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        DeadlinePipeline.Add(pipeline, Config);
    }
}

internal sealed class DeadlineS3Client : AmazonS3Client
{
    internal DeadlineS3Client(AWSCredentials credentials, DeadlineS3Config config)
        : base(credentials, config)
    {
    }

    protected override void CustomizeRuntimePipeline(Amazon.Runtime.Internal.RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        DeadlinePipeline.Add(pipeline, Config);
    }
}

internal static class DeadlinePipeline
{
    /// <summary>Adds the config's deadline as the outermost handler (around the SDK's retries).</summary>
    internal static void Add(Amazon.Runtime.Internal.RuntimePipeline pipeline, IClientConfig config)
    {
        if (config is IDeadlineConfig { Deadline: { } deadline })
        {
            pipeline.AddHandler(deadline);
        }
    }
}
