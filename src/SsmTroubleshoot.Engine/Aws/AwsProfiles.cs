using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace SsmTroubleshoot.Aws;

/// <summary>A profile found in the SDK store or a shared credentials file, and where it was found.</summary>
internal sealed class FoundProfile
{
    public FoundProfile(CredentialProfile profile, ICredentialProfileSource source, string location)
    {
        Profile = profile;
        Source = source;
        Location = location;
    }

    public CredentialProfile Profile { get; }

    public ICredentialProfileSource Source { get; }

    public string Location { get; }

    public AWSCredentials? Credentials
    {
        get
        {
            // Keys in the credentials file plus sso_* settings for the same name in config: the SDK merges them and
            // picks SSO (which needs AWSSDK.SSOOIDC and may start a device sign-in); the AWS CLI uses the keys.
            var options = Profile.Options;
            if (!string.IsNullOrEmpty(options.AccessKey) && !string.IsNullOrEmpty(options.SecretKey) && string.IsNullOrEmpty(options.RoleArn)
                && (!string.IsNullOrEmpty(options.SsoAccountId) || !string.IsNullOrEmpty(options.SsoStartUrl) || !string.IsNullOrEmpty(options.SsoSession)))
            {
                return string.IsNullOrEmpty(options.Token)
                    ? new BasicAWSCredentials(options.AccessKey, options.SecretKey)
                    : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.Token);
            }

            return Profile.CanCreateAWSCredentials ? Profile.GetAWSCredentials(Source) : null;
        }
    }

    public RegionEndpoint? Region => Profile.Region;
}

/// <summary>
/// Profile lookup as AWS.Tools does it: -ProfileLocation names the shared file; otherwise the SDK store (Windows)
/// and then the shared file from AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials (home read from the injected
/// environment, so tests use temporary files).
/// </summary>
internal sealed class AwsProfiles
{
    private readonly AwsConnectionRequest _request;

    public AwsProfiles(AwsConnectionRequest request) => _request = request;

    public string SharedFilePath
    {
        get
        {
            if (!string.IsNullOrEmpty(_request.ProfileLocation))
            {
                return _request.ProfileLocation!;
            }

            var configured = _request.Environment.Get("AWS_SHARED_CREDENTIALS_FILE");
            if (configured is not null)
            {
                return configured;
            }

            return Path.Combine(Path.Combine(Home, ".aws"), "credentials");
        }
    }

    private string Home => _request.Environment.Get("HOME") ?? _request.Environment.Get("USERPROFILE")
                           ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The shared config file: AWS_CONFIG_FILE, else "config" next to the credentials file (what the SDK reads too).</summary>
    public string ConfigFilePath =>
        string.IsNullOrEmpty(_request.ProfileLocation) && _request.Environment.Get("AWS_CONFIG_FILE") is { } configured
            ? configured
            : Path.Combine(Path.GetDirectoryName(SharedFilePath) ?? ".", "config");

    /// <summary>
    /// Where `aws sso login` leaves tokens: ~/.aws/sso/cache (the AWS CLI's and AWS.Tools' fixed place), then
    /// sso/cache next to the config file when that file lives elsewhere (a -ProfileLocation or AWS_CONFIG_FILE set).
    /// </summary>
    public IReadOnlyList<string> SsoCacheDirectories
    {
        get
        {
            var home = Path.Combine(Home, ".aws", "sso", "cache");
            var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ConfigFilePath)) ?? ".", "sso", "cache");
            return string.Equals(Path.GetFullPath(home), beside, StringComparison.Ordinal) ? new[] { home } : new[] { home, beside };
        }
    }

    /// <summary>The profile as an SSO profile when its config section has sso_* settings and no keys override it.</summary>
    public SsoProfile? FindSso(string name)
    {
        SsoProfile? sso;
        try
        {
            sso = SsoProfile.TryRead(ConfigFilePath, name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the SDK's read below reports an unreadable file
        }

        if (sso is null)
        {
            return null;
        }

        // The SDK store comes first (AWS.Tools' order) and keys in the credentials file win over the config file (the CLI's).
        var found = Find(name);
        return found is not null && (found.Source is NetSDKCredentialsFile || !string.IsNullOrEmpty(found.Profile.Options.AccessKey)) ? null : sso;
    }

    public FoundProfile? Find(string name)
    {
        if (string.IsNullOrEmpty(_request.ProfileLocation) && _request.UseSdkStore && RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            try
            {
                var store = new NetSDKCredentialsFile();
                if (store.TryGetProfile(name, out var stored))
                {
                    return new FoundProfile(stored, store, "the SDK credential store");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or AmazonClientException)
            {
                // The encrypted store is optional; an unreadable one must not hide the shared file.
            }
        }

        var path = SharedFilePath;
        var config = Path.Combine(Path.GetDirectoryName(path) ?? ".", "config");
        if (!File.Exists(path) && !File.Exists(config))
        {
            return null;
        }

        try
        {
            var file = new SharedCredentialsFile(path);
            return file.TryGetProfile(name, out var profile) ? new FoundProfile(profile, file, path) : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not AwsConfigurationException)
        {
            // The SDK's parse error quotes the offending line, which may hold a secret: say where, scrubbed, and
            // keep the original exception out of the error (it would carry the line along).
            throw new AwsConfigurationException(
                AwsConfigurationProblem.CredentialInvalid,
                $"The shared credentials file {path} (or the config file next to it) cannot be read: {Common.SecretScrubber.Scrub(ex.Message)}",
                "Fix the file: each line is a [profile] header or a setting written name = value (for example aws_access_key_id = AKIA...); "
                + "Get-Content shows it, or recreate the profile with Set-AWSCredential -StoreAs <name>.");
        }
    }
}
