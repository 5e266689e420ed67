using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// An IAM Identity Center (SSO) profile of the shared config file: either sso_session naming an [sso-session X]
/// section (sso_start_url, sso_region) or the legacy sso_start_url/sso_region in the profile itself; plus
/// sso_account_id and sso_role_name.
/// </summary>
internal sealed class SsoProfile
{
    private SsoProfile(string name, string configPath, string? sessionName, string startUrl, string ssoRegion, string accountId, string roleName)
    {
        Name = name;
        ConfigPath = configPath;
        SessionName = sessionName;
        StartUrl = startUrl;
        SsoRegion = ssoRegion;
        AccountId = accountId;
        RoleName = roleName;
    }

    public string Name { get; }

    public string ConfigPath { get; }

    /// <summary>The [sso-session] name, or null for a legacy profile (start URL in the profile).</summary>
    public string? SessionName { get; }

    public string StartUrl { get; }

    public string SsoRegion { get; }

    public string AccountId { get; }

    public string RoleName { get; }

    /// <summary>
    /// The token cache file name the AWS CLI and AWS.Tools write on `aws sso login`: SHA-1 (lower-case hex) of the
    /// session name, or of the start URL for a legacy profile.
    /// </summary>
    public string CacheFileName
    {
        get
        {
            using var sha1 = SHA1.Create();
            var hash = sha1.ComputeHash(Encoding.UTF8.GetBytes(SessionName ?? StartUrl));
            return string.Concat(hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))) + ".json";
        }
    }

    /// <summary>The profile as an SSO profile; null when the config file lacks it or it has no sso_* setting.</summary>
    public static SsoProfile? TryRead(string configPath, string name)
    {
        if (!File.Exists(configPath))
        {
            return null;
        }

        var sections = ReadIni(configPath);
        var header = name == "default" && !sections.ContainsKey("profile default") ? "default" : "profile " + name;
        if (!sections.TryGetValue(header, out var profile) && !sections.TryGetValue(name, out profile))
        {
            return null;
        }

        string? Get(IDictionary<string, string> section, string key) => section.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

        var sessionName = Get(profile, "sso_session");
        if (sessionName is null && Get(profile, "sso_start_url") is null && Get(profile, "sso_account_id") is null && Get(profile, "sso_role_name") is null)
        {
            return null;
        }

        string? startUrl;
        string? region;
        if (sessionName is not null)
        {
            if (!sections.TryGetValue("sso-session " + sessionName, out var session))
            {
                throw Incomplete(name, configPath, $"names sso_session '{sessionName}', but there is no [sso-session {sessionName}] section");
            }

            startUrl = Get(session, "sso_start_url");
            region = Get(session, "sso_region");
        }
        else
        {
            startUrl = Get(profile, "sso_start_url");
            region = Get(profile, "sso_region");
        }

        var accountId = Get(profile, "sso_account_id");
        var roleName = Get(profile, "sso_role_name");
        var missing = new[] { ("sso_start_url", startUrl), ("sso_region", region), ("sso_account_id", accountId), ("sso_role_name", roleName) }
            .Where(p => p.Item2 is null).Select(p => p.Item1).ToList();
        if (missing.Count > 0)
        {
            throw Incomplete(name, configPath, "lacks " + string.Join(", ", missing));
        }

        return new SsoProfile(name, configPath, sessionName, startUrl!, region!, accountId!, roleName!);
    }

    private static AwsConfigurationException Incomplete(string name, string configPath, string what) => new(
        AwsConfigurationProblem.CredentialInvalid,
        $"The SSO profile '{name}' in {configPath} {what}.",
        $"Run `aws configure sso --profile {name}` to write the profile, or add the missing settings by hand.");

    /// <summary>Section header (as written, trimmed) -> settings; later duplicates win, like the CLI.</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadIni(string path)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line.EndsWith("]", StringComparison.Ordinal))
            {
                var name = string.Join(" ", line.Substring(1, line.Length - 2).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries));
                if (!sections.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    sections[name] = current;
                }

                continue;
            }

            var eq = line.IndexOf('=');
            if (current is not null && eq > 0)
            {
                current[line.Substring(0, eq).Trim()] = line.Substring(eq + 1).Trim();
            }
        }

        return sections;
    }
}

/// <summary>
/// Credentials of an SSO profile: the cached access token (never a browser or device flow: a missing or expired
/// token is an error telling the user to run `aws sso login`) exchanged at the SSO portal's GetRoleCredentials;
/// refreshed the same way before they expire, so long runs outlive one set of role credentials.
/// </summary>
internal sealed class SsoCredentials : RefreshingAWSCredentials
{
    private readonly SsoProfile _profile;
    private readonly IReadOnlyList<string> _cacheDirectories;
    private readonly Uri _portal;
    private readonly TimeSpan _timeout;

    private SsoCredentials(SsoProfile profile, IReadOnlyList<string> cacheDirectories, Uri portal, TimeSpan timeout)
    {
        _profile = profile;
        _cacheDirectories = cacheDirectories;
        _portal = portal;
        _timeout = timeout;
    }

    public Uri Portal => _portal;

    /// <summary>Reads the token and fetches the first credentials now, so a login problem surfaces before any call.</summary>
    public static async Task<SsoCredentials> CreateAsync(SsoProfile profile, IReadOnlyList<string> cacheDirectories, Uri? portalOverride, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var portal = portalOverride ?? DefaultPortal(profile.SsoRegion);
        var credentials = new SsoCredentials(profile, cacheDirectories, portal, timeout);
        var first = await credentials.FetchAsync(cancellationToken).ConfigureAwait(false);
        credentials.PreemptExpiryTime = Preempt(first);

        // The SDK moves the expiry of the states it generates forward by PreemptExpiryTime; this first one is ours to move.
        credentials.currentState = new CredentialsRefreshState(first.Credentials, first.Expiration - credentials.PreemptExpiryTime);
        return credentials;
    }

    /// <summary>https://portal.sso.&lt;region&gt;.amazonaws.com (.com.cn in China).</summary>
    public static Uri DefaultPortal(string ssoRegion) =>
        new($"https://portal.sso.{ssoRegion}.{(ssoRegion.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        Task.Run(() => FetchAsync(CancellationToken.None)).GetAwaiter().GetResult();

    protected override Task<CredentialsRefreshState> GenerateNewCredentialsAsync() => FetchAsync(CancellationToken.None);

    /// <summary>
    /// Refresh a little before expiry: 5 minutes for the usual hour-long credentials, a quarter of the lifetime
    /// for short ones (the SDK would otherwise treat credentials shorter than the margin as already expired).
    /// </summary>
    private static TimeSpan Preempt(CredentialsRefreshState state)
    {
        var lifetime = state.Expiration.ToUniversalTime() - DateTime.UtcNow;
        var quarter = TimeSpan.FromTicks(Math.Max(0, lifetime.Ticks / 4));
        return quarter < TimeSpan.FromMinutes(5) ? quarter : TimeSpan.FromMinutes(5);
    }

    private string LoginAction => $"Run `aws sso login --profile {_profile.Name}` (or Invoke-AWSSSOLogin), then run the command again.";

    private async Task<CredentialsRefreshState> FetchAsync(CancellationToken cancellationToken)
    {
        var token = ReadToken();
        var uri = new Uri(_portal, "federation/credentials?role_name=" + Uri.EscapeDataString(_profile.RoleName) + "&account_id=" + Uri.EscapeDataString(_profile.AccountId));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("x-amz-sso_bearer_token", token);
        HttpStatusCode status;
        string body;
        string? errorType;
        try
        {
            using var response = await http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            status = response.StatusCode;
            errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
            body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The SSO portal {_portal} did not answer GetRoleCredentials within {_timeout.TotalSeconds:0.#} s.");
        }

        if (status == HttpStatusCode.OK)
        {
            return ParseCredentials(body);
        }

        var code = (errorType ?? string.Empty).Split(':')[0];
        var message = ErrorMessage(body);
        if (status == HttpStatusCode.Unauthorized || code == "UnauthorizedException")
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.SsoLoginRequired,
                $"The SSO portal rejected the cached sign-in of profile '{_profile.Name}' ({message}).",
                LoginAction);
        }

        if (status == HttpStatusCode.Forbidden || code is "ForbiddenException" or "ResourceNotFoundException")
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.SsoRoleDenied,
                $"The SSO portal gives profile '{_profile.Name}' no role '{_profile.RoleName}' in account {_profile.AccountId} ({message}).",
                $"Check sso_account_id and sso_role_name of profile '{_profile.Name}' in {_profile.ConfigPath} against the accounts and permission sets assigned to you (aws sso list-account-roles).");
        }

        throw new HttpRequestException($"The SSO portal {_portal} answered GetRoleCredentials with {(int)status} {code}: {message}");
    }

    private string ReadToken()
    {
        var file = _cacheDirectories.Select(d => Path.Combine(d, _profile.CacheFileName)).FirstOrDefault(File.Exists);
        var what = _profile.SessionName is null ? $"start URL {_profile.StartUrl}" : $"sso-session '{_profile.SessionName}'";
        if (file is null)
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.SsoLoginRequired,
                $"Profile '{_profile.Name}' is an SSO profile, and there is no cached sign-in for {what} ({_profile.CacheFileName} in {string.Join(" or ", _cacheDirectories)}).",
                LoginAction);
        }

        string? accessToken = null;
        DateTime? expires = null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            if (root.TryGetProperty("accessToken", out var t) && t.ValueKind == JsonValueKind.String)
            {
                accessToken = t.GetString();
            }

            if (root.TryGetProperty("expiresAt", out var e) && e.ValueKind == JsonValueKind.String)
            {
                // The CLI v1 wrote "2019-11-14T04:05:45UTC"; v2 and AWS.Tools write ISO 8601 with Z.
                var text = e.GetString()!.Replace("UTC", "Z");
                if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    expires = parsed;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // An unreadable cache is the same as no sign-in: the fix is to sign in again.
        }

        if (string.IsNullOrEmpty(accessToken) || expires is null)
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.SsoLoginRequired,
                $"The cached SSO sign-in {file} of profile '{_profile.Name}' cannot be read (no accessToken or expiresAt).",
                LoginAction);
        }

        if (expires.Value <= DateTime.UtcNow)
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.SsoLoginRequired,
                $"The SSO sign-in of profile '{_profile.Name}' ({what}) expired at {expires.Value:yyyy-MM-dd HH:mm:ss} UTC.",
                LoginAction);
        }

        return accessToken!;
    }

    private CredentialsRefreshState ParseCredentials(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var role = json.RootElement.GetProperty("roleCredentials");
            string Read(string name) => role.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
                ? text
                : throw new InvalidOperationException($"The SSO portal's roleCredentials have no {name}.");
            var expiration = role.TryGetProperty("expiration", out var e) && e.TryGetInt64(out var millis)
                ? DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime
                : DateTime.UtcNow.AddHours(1);
            return new CredentialsRefreshState(new ImmutableCredentials(Read("accessKeyId"), Read("secretAccessKey"), Read("sessionToken")), expiration);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            throw new InvalidOperationException($"The SSO portal {_portal} answered GetRoleCredentials with something that is not roleCredentials JSON.", ex);
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var name in new[] { "message", "Message" })
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy page): say so without quoting it.
        }

        return "no error message";
    }
}
