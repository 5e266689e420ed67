using System;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// Reads temporary credentials and the region from a metadata endpoint: the ECS/EKS container credentials URI or
/// EC2 instance metadata (IMDSv2 token first). Every wait is bounded; the base URL is injectable so tests use the emulator.
/// </summary>
internal sealed class MetadataClient
{
    internal static readonly Uri DefaultImdsEndpoint = new("http://169.254.169.254/");
    internal static readonly Uri ContainerHost = new("http://169.254.170.2/");

    private readonly TimeSpan _timeout;

    public MetadataClient(TimeSpan timeout) => _timeout = timeout;

    /// <summary>Credentials JSON ({AccessKeyId, SecretAccessKey, Token, Expiration}) from a container credentials URI.</summary>
    public async Task<RefreshingAWSCredentials.CredentialsRefreshState> GetContainerCredentialsAsync(Uri uri, string? authorization, CancellationToken cancellationToken)
    {
        using var http = NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (!string.IsNullOrEmpty(authorization))
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var json = await SendAsync(http, request, cancellationToken).ConfigureAwait(false);
        return Parse(json, uri.ToString());
    }

    /// <summary>The instance role's credentials via IMDSv2.</summary>
    public async Task<RefreshingAWSCredentials.CredentialsRefreshState> GetInstanceCredentialsAsync(Uri imds, CancellationToken cancellationToken)
    {
        using var http = NewClient();
        var token = await GetTokenAsync(http, imds, cancellationToken).ConfigureAwait(false);
        var roles = await GetAsync(http, new Uri(imds, "latest/meta-data/iam/security-credentials/"), token, cancellationToken).ConfigureAwait(false);
        var role = roles.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        var json = await GetAsync(http, new Uri(imds, "latest/meta-data/iam/security-credentials/" + Uri.EscapeDataString(role)), token, cancellationToken).ConfigureAwait(false);
        return Parse(json, "instance role " + role);
    }

    public async Task<string> GetRegionAsync(Uri imds, CancellationToken cancellationToken)
    {
        using var http = NewClient();
        var token = await GetTokenAsync(http, imds, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(http, new Uri(imds, "latest/meta-data/placement/region"), token, cancellationToken).ConfigureAwait(false)).Trim();
    }

    private HttpClient NewClient() => new(new HttpClientHandler { UseProxy = false }) { Timeout = _timeout };

    private static async Task<string> GetTokenAsync(HttpClient http, Uri imds, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(imds, "latest/api/token"));
        request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        return await SendAsync(http, request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> GetAsync(HttpClient http, Uri uri, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
        return await SendAsync(http, request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{request.RequestUri} answered {(int)response.StatusCode}.");
            }

            return body;
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.RequestUri} did not answer in time.", ex);
        }
    }

    private static RefreshingAWSCredentials.CredentialsRefreshState Parse(string json, string source)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string Read(string name) => root.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidOperationException($"The credentials from {source} have no {name}.");

        var expiration = root.TryGetProperty("Expiration", out var e) && DateTime.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTime.UtcNow.AddHours(1);
        var token = root.TryGetProperty("Token", out var t) ? t.GetString() : null;
        return new RefreshingAWSCredentials.CredentialsRefreshState(new ImmutableCredentials(Read("AccessKeyId"), Read("SecretAccessKey"), token), expiration);
    }
}

/// <summary>Credentials that refresh from a metadata source; the first value is fetched by the resolver.</summary>
internal sealed class MetadataCredentials : RefreshingAWSCredentials
{
    private readonly Func<CancellationToken, Task<CredentialsRefreshState>> _fetch;

    public MetadataCredentials(CredentialsRefreshState first, Func<CancellationToken, Task<CredentialsRefreshState>> fetch)
    {
        _fetch = fetch;
        currentState = first;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        Task.Run(() => _fetch(CancellationToken.None)).GetAwaiter().GetResult();

    protected override Task<CredentialsRefreshState> GenerateNewCredentialsAsync() => _fetch(CancellationToken.None);
}
