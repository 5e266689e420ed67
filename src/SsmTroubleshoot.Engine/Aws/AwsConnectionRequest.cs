using System;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// What a cmdlet knows about how to reach AWS: its common parameters and the shell's stored defaults, as plain
/// values. <see cref="AwsConnectionResolver"/> turns it into credentials, a region and endpoints.
/// </summary>
public sealed class AwsConnectionRequest
{
    /// <summary>-Region.</summary>
    public string? Region { get; set; }

    /// <summary>-ProfileName: a missing profile is an error, nothing later is tried.</summary>
    public string? ProfileName { get; set; }

    /// <summary>-ProfileLocation: the shared credentials file to read profiles from.</summary>
    public string? ProfileLocation { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string? SessionToken { get; set; }

    /// <summary>
    /// -Credential: an AWSCredentials object from any load context (read by reflection through GetCredentials())
    /// or a <see cref="CredentialTriple"/> the cmdlet built from a PSCredential.
    /// </summary>
    public object? Credential { get; set; }

    /// <summary>$StoredAWSCredentials as the shell holds it (AWS.Tools' AWSPSCredentials, an AWSCredentials, or a triple).</summary>
    public object? StoredCredentials { get; set; }

    /// <summary>$StoredAWSRegion.</summary>
    public string? StoredRegion { get; set; }

    /// <summary>-EndpointUrl: every service goes there (LocalStack, moto, the test emulator).</summary>
    public string? EndpointUrl { get; set; }

    /// <summary>Environment variables (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_*, HOME...).</summary>
    public IAwsEnvironment Environment { get; set; } = ProcessEnvironment.Instance;

    /// <summary>Instance metadata base URL; null means http://169.254.169.254 (or AWS_EC2_METADATA_SERVICE_ENDPOINT).</summary>
    public Uri? InstanceMetadataEndpoint { get; set; }

    /// <summary>Bounded wait for each instance-metadata or container-credentials probe.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consult the Windows SDK credential store (.NET SDK encrypted store) before the shared file.</summary>
    public bool UseSdkStore { get; set; } = true;

    /// <summary>SDK retries after the first attempt (standard mode); null reads AWS_MAX_ATTEMPTS, else 2.</summary>
    public int? MaxErrorRetry { get; set; }

    /// <summary>
    /// The call timeout: each AWS API call, its retries and the whole response included, ends within this. Null reads
    /// SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS from <see cref="Environment"/>, else 30 seconds.
    /// </summary>
    public TimeSpan? Timeout { get; set; }
}

/// <summary>Plain access key / secret key / session token, e.g. from a PSCredential (user = key id, password = secret).</summary>
public sealed class CredentialTriple
{
    public CredentialTriple(string accessKey, string secretKey, string? sessionToken = null)
    {
        AccessKey = accessKey;
        SecretKey = secretKey;
        SessionToken = sessionToken;
    }

    public string AccessKey { get; }

    public string SecretKey { get; }

    public string? SessionToken { get; }

    /// <summary>Never the secret.</summary>
    public override string ToString() => "CredentialTriple(" + AccessKey + ")";
}
