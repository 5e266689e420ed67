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
    protected AwsConnection ResolveAwsConnection() => AwsParameterResolver.Resolve(this, this, work => Await(work));
}
