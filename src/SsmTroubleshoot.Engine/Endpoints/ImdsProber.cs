using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Diagnostics;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>
/// Asks the instance metadata service what the agent asks it: an IMDSv2 token, the instance id, the region and the
/// instance profile's credential state. Credential values are parsed for their state only and never kept.
/// </summary>
public sealed class ImdsProber : IDisposable
{
    public static readonly Uri DefaultEndpoint = new("http://169.254.169.254");

    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromMinutes(15);
    private readonly Uri _base;
    private readonly TimeSpan _timeout;
    private readonly Func<DateTimeOffset> _clock;
    private readonly HttpClient _http;

    public ImdsProber(Uri endpoint, TimeSpan timeout, Func<DateTimeOffset>? clock = null)
    {
        _base = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _timeout = timeout;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        // IMDS is link-local: never through a proxy, never redirected.
        _http = new HttpClient(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<SsmEndpointProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        var row = new SsmEndpointProbe("imds", _base.Host, _base.Port, null)
        {
            Proxy = "direct (IMDS)",
            EndpointSource = _base == DefaultEndpoint ? "default" : "-ImdsEndpoint",
            Addresses = IPAddress.TryParse(_base.Host, out var literal) ? new[] { literal.ToString() } : Array.Empty<string>(),
        };
        var detail = new SsmImdsDetail(_base.ToString().TrimEnd('/'));
        row.Imds = detail;
        var watch = Stopwatch.StartNew();

        var token = await SendAsync(HttpMethod.Put, "latest/api/token", null, cancellationToken).ConfigureAwait(false);
        string? tokenValue = null;
        if (token.Status == 200 && !string.IsNullOrEmpty(token.Body))
        {
            tokenValue = token.Body!.Trim();
            detail.Version = "v2";
        }
        else
        {
            detail.TokenRequestTimedOut = token.TimedOut;
            detail.TokenHttpStatus = token.Status;
        }

        var instance = await SendAsync(HttpMethod.Get, "latest/meta-data/instance-id", tokenValue, cancellationToken).ConfigureAwait(false);
        if (instance.Status != 200 || string.IsNullOrWhiteSpace(instance.Body))
        {
            row.HttpMs = Ms(watch);
            if (tokenValue is null && instance.Status == 401)
            {
                var problem = token.TimedOut ? EndpointProblem.ImdsHopLimit : EndpointProblem.ImdsTokenRequired;
                row.Fail(EndpointProbePhase.Imds, problem,
                    "IMDS requires IMDSv2 tokens (HttpTokens=required) but the token PUT " + (token.TimedOut ? "timed out" : "failed (" + Describe(token) + ")")
                        + (token.TimedOut ? ": its answer is dropped after one network hop, as inside a container with HttpPutResponseHopLimit 1." : "."),
                    "aws ec2 modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2 (containers need 2), and make sure nothing blocks PUT to 169.254.169.254.");
            }
            else
            {
                row.Fail(EndpointProbePhase.Imds, EndpointProblem.ImdsUnreachable,
                    "IMDS at " + detail.Endpoint + " did not answer the instance id (" + Describe(instance) + "): not an EC2 instance, IMDS turned off (HttpEndpoint=disabled), a proxy in the way, or a local firewall rule blocks 169.254.169.254.",
                    "On EC2: aws ec2 modify-instance-metadata-options --instance-id <id> --http-endpoint enabled; check iptables/Windows Firewall rules and that no_proxy includes 169.254.169.254. Hybrid (on-premises) machines use their registration instead and can skip this check with -SkipImds.");
            }

            return row;
        }

        detail.InstanceId = instance.Body!.Trim();
        row.Reachable = true;
        if (tokenValue is null)
        {
            detail.Version = "v1";
            if (token.TimedOut)
            {
                row.Warn(EndpointProblem.ImdsHopLimit,
                    "The IMDSv2 token PUT timed out while a plain GET works: the PUT answer is dropped after one hop (HttpPutResponseHopLimit 1, typical inside containers); the agent falls back to IMDSv1 until tokens are required.",
                    "aws ec2 modify-instance-metadata-options --instance-id " + detail.InstanceId + " --http-put-response-hop-limit 2.");
            }
            else
            {
                row.Warn(EndpointProblem.ImdsV1Only,
                    "IMDS answers only IMDSv1: the token PUT was refused (" + Describe(token) + ") but a plain GET works.",
                    "Allow PUT requests to 169.254.169.254 (a proxy or firewall rule may refuse them), then require IMDSv2: aws ec2 modify-instance-metadata-options --instance-id " + detail.InstanceId + " --http-tokens required.");
            }
        }

        var region = await SendAsync(HttpMethod.Get, "latest/meta-data/placement/region", tokenValue, cancellationToken).ConfigureAwait(false);
        if (region.Status == 200 && !string.IsNullOrWhiteSpace(region.Body))
        {
            detail.Region = region.Body!.Trim();
            row.Region = detail.Region;
        }

        await CheckRoleAsync(row, detail, tokenValue, cancellationToken).ConfigureAwait(false);
        row.HttpMs = Ms(watch);
        return row;
    }

    private async Task CheckRoleAsync(SsmEndpointProbe row, SsmImdsDetail detail, string? token, CancellationToken cancellationToken)
    {
        var roles = await SendAsync(HttpMethod.Get, "latest/meta-data/iam/security-credentials/", token, cancellationToken).ConfigureAwait(false);
        var role = roles.Status == 200 ? roles.Body?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) : null;
        if (role is null)
        {
            detail.AddFinding("no instance profile");
            row.Warn(EndpointProblem.NoInstanceProfile,
                "No IAM instance profile is attached (" + Describe(roles) + "): the agent has no credentials unless Default Host Management Configuration is turned on.",
                "Attach an instance profile whose role has AmazonSSMManagedInstanceCore (aws ec2 associate-iam-instance-profile), or turn on Default Host Management Configuration.");
            return;
        }

        detail.RoleName = role;
        var credentials = await SendAsync(HttpMethod.Get, "latest/meta-data/iam/security-credentials/" + Uri.EscapeDataString(role), token, cancellationToken).ConfigureAwait(false);
        if (credentials.Status != 200 || credentials.Body is null)
        {
            detail.AddFinding("credentials unavailable");
            row.Warn(EndpointProblem.CredentialsUnavailable,
                "IMDS lists role " + role + " but does not return its credentials (" + Describe(credentials) + ").",
                "Check the role's trust policy (ec2.amazonaws.com must be able to assume it) and re-associate the instance profile.");
            return;
        }

        ReadCredentialState(credentials.Body, detail);
        if (!string.Equals(detail.CredentialCode, "Success", StringComparison.Ordinal))
        {
            detail.AddFinding("credential code " + detail.CredentialCode);
            row.Warn(EndpointProblem.CredentialsUnavailable,
                "The credentials of role " + role + " report Code '" + (detail.CredentialCode ?? "(none)") + "'.",
                "Check the role's trust policy (ec2.amazonaws.com must be able to assume it) and re-associate the instance profile.");
        }
        else if (detail.CredentialExpiration is { } expiration && expiration - _clock() < ExpiryWarning)
        {
            detail.AddFinding("credentials expire soon");
            row.Warn(EndpointProblem.CredentialsExpiring,
                "The credentials of role " + role + " expire at " + expiration.ToString("u", CultureInfo.InvariantCulture)
                    + " (in " + Math.Round((expiration - _clock()).TotalMinutes, 1).ToString(CultureInfo.InvariantCulture) + " min): IMDS is not refreshing them.",
                "Re-associate the instance profile (aws ec2 replace-iam-instance-profile-association) and check that the role still exists and trusts ec2.amazonaws.com.");
        }
    }

    /// <summary>Keeps Code and Expiration; AccessKeyId, SecretAccessKey and Token are never read into anything.</summary>
    internal static void ReadCredentialState(string json, SsmImdsDetail detail)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (document.RootElement.TryGetProperty("Code", out var code) && code.ValueKind == JsonValueKind.String)
            {
                detail.CredentialCode = code.GetString();
            }

            if (document.RootElement.TryGetProperty("Expiration", out var expiration) && expiration.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(expiration.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
            {
                detail.CredentialExpiration = when;
            }
        }
        catch (JsonException)
        {
            detail.CredentialCode = "unreadable credential document";
        }
    }

    private async Task<ImdsAnswer> SendAsync(HttpMethod method, string path, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        if (method == HttpMethod.Put)
        {
            request.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
            request.Content = new ByteArrayContent(Array.Empty<byte>());
        }
        else if (token is not null)
        {
            request.Headers.Add("X-aws-ec2-metadata-token", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = response.Content is null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return new ImdsAnswer((int)response.StatusCode, body, false, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ImdsAnswer(null, null, true, null);
        }
        catch (HttpRequestException ex)
        {
            return new ImdsAnswer(null, null, false, ex.InnerException?.Message ?? ex.Message);
        }
    }

    private static string Describe(ImdsAnswer answer) =>
        answer.TimedOut ? "timed out"
        : answer.Status is { } status ? "HTTP " + status.ToString(CultureInfo.InvariantCulture)
        : answer.Error ?? "no answer";

    private static double Ms(Stopwatch watch) => Math.Round(watch.Elapsed.TotalMilliseconds, 1);

    public void Dispose() => _http.Dispose();

    private readonly struct ImdsAnswer
    {
        public ImdsAnswer(int? status, string? body, bool timedOut, string? error)
        {
            Status = status;
            Body = body;
            TimedOut = timedOut;
            Error = error;
        }

        public int? Status { get; }

        public string? Body { get; }

        public bool TimedOut { get; }

        public string? Error { get; }
    }
}
