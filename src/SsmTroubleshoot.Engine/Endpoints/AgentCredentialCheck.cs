using System;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Endpoints;

/// <summary>What the credentials check needs: where the agent's credentials come from and how to reach STS.</summary>
internal sealed class CredentialCheckInput
{
    public bool Hybrid { get; init; }

    public bool ImdsSkipped { get; init; }

    public string? Region { get; init; }

    /// <summary>The 'imds' probe row (role name, credential code, expiry); null when IMDS was not asked.</summary>
    public SsmEndpointProbe? Imds { get; init; }

    public InstanceRoleCredentials? Credentials { get; init; }

    public AgentProxySettings? Proxy { get; init; }

    /// <summary>-StsEndpointUrl; null: the region's STS endpoint, as the agent uses.</summary>
    public Uri? StsEndpoint { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;
}

/// <summary>
/// ssm-cli's "AWS Credentials" check: STS GetCallerIdentity signed with the credentials the agent would use (on EC2
/// the instance profile's, from IMDS), sent through the agent's proxy. Key values never reach a note or an error text.
/// </summary>
internal static class AgentCredentialCheck
{
    public const string Title = "AWS Credentials";
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromMinutes(15);
    private const string Reassociate = "Re-associate the instance profile (aws ec2 replace-iam-instance-profile-association --iam-instance-profile Name=<profile> --association-id <id>) and check that the role still exists and trusts ec2.amazonaws.com.";

    public static async Task<SsmDiagnosticCheck> RunAsync(CredentialCheckInput input, CancellationToken cancellationToken)
    {
        if (input.Hybrid)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped,
                "Hybrid instance: the agent trades its registration key for the service role's credentials through SSM (ssm:RequestManagedInstanceRoleToken); that exchange is not reproduced here.",
                "If the agent log shows credential errors: check that the activation's IAM service role exists and trusts ssm.amazonaws.com, or register again.");
        }

        if (input.ImdsSkipped)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped, "IMDS skipped (-SkipImds): the instance profile's credentials were not read.");
        }

        if (input.Region is null)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped, "Not evaluated: no region.");
        }

        var detail = input.Imds?.Imds;
        if (detail?.InstanceId is null)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "EC2RoleRequestError: the agent cannot read instance profile credentials from IMDS (see the EC2 IMDS row).",
                input.Imds?.Remediation ?? "Fix IMDS access first (see the EC2 IMDS row).");
        }

        if (detail.RoleName is null)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped,
                "No IAM role in IMDS (no instance profile attached): nothing to test here. With Default Host Management Configuration turned on, the agent uses the DHMC role instead (not tested here); otherwise it has no credentials at all.",
                "Attach an instance profile whose role has AmazonSSMManagedInstanceCore (aws ec2 associate-iam-instance-profile), or turn on Default Host Management Configuration (Fleet Manager > Settings).");
        }

        var role = detail.RoleName;
        if (input.Credentials is null || !string.Equals(detail.CredentialCode, "Success", StringComparison.Ordinal))
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "EC2RoleRequestError: IMDS lists role " + role + " but gives no usable credentials (Code '" + (detail.CredentialCode ?? "none") + "').",
                "Check the role's trust policy (ec2.amazonaws.com must be able to assume it). " + Reassociate);
        }

        var now = input.Clock();
        var expiration = input.Credentials.Expiration;
        if (expiration is { } expired && expired <= now)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "The credentials IMDS gives for role " + role + " expired at " + Format(expired) + ": IMDS is not refreshing them.", Reassociate);
        }

        var host = input.StsEndpoint?.Host ?? "sts." + input.Region + "." + EndpointCatalog.DomainFor(input.Region);
        var proxyUrl = input.Proxy?.ProxyFor(host, input.StsEndpoint?.Port ?? 443);
        var endpoint = (input.StsEndpoint?.ToString() ?? "https://" + host)
            + (proxyUrl is null ? string.Empty : " through the agent's proxy " + AgentProxySettings.Redact(proxyUrl));
        string arn;
        try
        {
            arn = await CallerIdentityAsync(input, proxyUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (AmazonServiceException ex) when (!string.IsNullOrEmpty(ex.ErrorCode))
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "STS GetCallerIdentity with the credentials of role " + role + " failed: " + ex.ErrorCode + ": " + Scrub(ex.Message, input.Credentials) + " (" + endpoint + ").",
                RemediationFor(ex.ErrorCode));
        }
        catch (AmazonServiceException ex)
        {
            // No AWS error document: something other than STS (a proxy, a firewall page) answered.
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "STS GetCallerIdentity with the credentials of role " + role + " got HTTP " + ((int)ex.StatusCode).ToString(CultureInfo.InvariantCulture)
                    + " without an AWS error from " + endpoint + ": a proxy or firewall answered instead of STS.",
                "Let the agent's proxy pass HTTPS to sts." + input.Region + "." + EndpointCatalog.DomainFor(input.Region) + " (or list it in no_proxy when an STS VPC endpoint serves it).");
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or AmazonClientException or System.Net.Http.HttpRequestException or System.Net.Sockets.SocketException or System.IO.IOException)
        {
            var what = ex is OperationCanceledException or TimeoutException
                ? "did not answer within " + input.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"
                : "could not be reached: " + Scrub(Innermost(ex).Message, input.Credentials);
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "STS (" + endpoint + ") " + what + ", so the credentials of role " + role + " were not verified.",
                "Check that this instance reaches STS the way the agent does (Test-SsmEndpoint -Service sts), or create an STS interface VPC endpoint (com.amazonaws." + input.Region + ".sts).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One check's surprise (a malformed answer, an SDK configuration error) becomes its row, not the end of the run.
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Failed,
                "STS GetCallerIdentity with the credentials of role " + role + " failed unexpectedly: " + ex.GetType().Name + ": " + Scrub(ex.Message, input.Credentials),
                "Report this with the output of -Verbose.");
        }

        var note = "Authenticated as " + arn + " (instance profile role " + role + ")"
            + (expiration is { } at ? "; credentials expire at " + Format(at) + " (in " + Minutes(at - now) + " min)" : string.Empty) + ".";
        if (expiration is { } soon && soon - now < ExpiryWarning)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Warning, note + " They expire within 15 minutes: IMDS is not refreshing them.", Reassociate);
        }

        return new SsmDiagnosticCheck(Title, DiagnosticStatus.Passed, note);
    }

    private static async Task<string> CallerIdentityAsync(CredentialCheckInput input, string? proxyUrl, CancellationToken cancellationToken)
    {
        var credentials = input.Credentials!;
        var request = new AwsConnectionRequest
        {
            Region = input.Region,
            EndpointUrl = input.StsEndpoint?.ToString(),
            // The agent's view: this shell's AWS_* variables (endpoint URLs, profiles) do not apply to it.
            Environment = new DictionaryEnvironment(),
            Timeout = input.Timeout,
            MaxErrorRetry = 0,
        };
        var signing = string.IsNullOrEmpty(credentials.Token)
            ? (AWSCredentials)new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey)
            : new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.Token);
        var connection = new AwsConnection(signing, "instance profile role " + credentials.RoleName + " (IMDS)", RegionEndpoint.GetBySystemName(input.Region), "IMDS", request);
        using var sts = new AwsClientFactory(connection) { Proxy = proxyUrl is null ? null : new WebProxy(proxyUrl) }.CreateSts();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(input.Timeout);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), deadline.Token).ConfigureAwait(false);
        return identity.Arn;
    }

    private static string RemediationFor(string code) => code switch
    {
        "InvalidClientTokenId" or "UnrecognizedClientException" =>
            "The credentials are not recognised: the role or instance profile was deleted and recreated, or STS is not enabled in this (opt-in) region (IAM > Account settings). " + Reassociate,
        "ExpiredToken" or "ExpiredTokenException" => "The credentials expired: IMDS is not refreshing them. " + Reassociate,
        "SignatureDoesNotMatch" =>
            "STS rejected the signature: usually the instance clock is off (sync it: chronyd / w32tm /resync) or a proxy altered the request.",
        "AccessDenied" or "AccessDeniedException" =>
            "GetCallerIdentity needs no permission, so an explicit deny answered: check the STS VPC endpoint policy, SCPs and session policies of role the agent uses.",
        "Throttling" or "ThrottlingException" or "RequestLimitExceeded" => "STS throttled the call; run the check again in a minute.",
        _ => "Check the role's trust policy and the STS endpoint the agent reaches. " + Reassociate,
    };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    // Belt and braces: error texts from services or proxies must never echo a key back into our output.
    private static string Scrub(string text, InstanceRoleCredentials credentials)
    {
        foreach (var secret in new[] { credentials.SecretAccessKey, credentials.Token, credentials.AccessKeyId })
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret!, "***");
            }
        }

        return text;
    }

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan span) => Math.Round(span.TotalMinutes, 0).ToString(CultureInfo.InvariantCulture);
}
