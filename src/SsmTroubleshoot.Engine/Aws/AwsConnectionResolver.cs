using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// Resolves credentials and region in exactly AWS.Tools' order (the SDK's own chain skips the shell variables):
/// credentials: keys -> -ProfileName (+ -ProfileLocation; missing = error) -> -Credential -> $StoredAWSCredentials
/// -> AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY -> AWS_PROFILE / default / "AWS PS Default" profile -> container -> instance profile;
/// region: -Region -> $StoredAWSRegion -> profile -> AWS_REGION/AWS_DEFAULT_REGION -> IMDS.
/// </summary>
public static class AwsConnectionResolver
{
    private const string LegacyDefaultProfile = "AWS PS Default";

    public static async Task<AwsConnection> ResolveAsync(AwsConnectionRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        ValidateEndpoint(request.EndpointUrl, "-EndpointUrl");
        var profiles = new AwsProfiles(request);
        var metadata = new MetadataClient(request.MetadataTimeout);
        var (credentials, credentialSource) = await ResolveCredentialsAsync(request, profiles, metadata, cancellationToken).ConfigureAwait(false);
        var (region, regionSource) = await ResolveRegionAsync(request, profiles, metadata, cancellationToken).ConfigureAwait(false);
        return new AwsConnection(credentials, credentialSource, region, regionSource, request);
    }

    private static async Task<(AWSCredentials, string)> ResolveCredentialsAsync(AwsConnectionRequest request, AwsProfiles profiles, MetadataClient metadata, CancellationToken cancellationToken)
    {
        var hasAccess = !string.IsNullOrEmpty(request.AccessKey);
        var hasSecret = !string.IsNullOrEmpty(request.SecretKey);
        if (hasAccess != hasSecret)
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.CredentialInvalid,
                "-AccessKey and -SecretKey must be given together.",
                "Pass both -AccessKey and -SecretKey (and -SessionToken for temporary credentials), or use -ProfileName.");
        }

        if (hasAccess)
        {
            var keys = string.IsNullOrEmpty(request.SessionToken)
                ? (AWSCredentials)new BasicAWSCredentials(request.AccessKey, request.SecretKey)
                : new SessionAWSCredentials(request.AccessKey, request.SecretKey, request.SessionToken);
            return (keys, "the -AccessKey/-SecretKey parameters" + (string.IsNullOrEmpty(request.SessionToken) ? string.Empty : " with -SessionToken"));
        }

        if (!string.IsNullOrEmpty(request.ProfileName))
        {
            return await FromProfileAsync(request, profiles, request.ProfileName!, "-ProfileName", cancellationToken).ConfigureAwait(false);
        }

        if (request.Credential is not null)
        {
            var given = ForeignCredentials.Unwrap(request.Credential)
                        ?? throw new AwsConfigurationException(
                            AwsConfigurationProblem.CredentialInvalid,
                            $"-Credential holds a {request.Credential.GetType().Name}, which has no AWS credentials.",
                            "Pass an AWSCredentials object (Get-AWSCredential, New-AWSCredential) or a PSCredential whose user name is the access key id and whose password is the secret key.");
            return (given, "the -Credential parameter");
        }

        if (request.StoredCredentials is not null)
        {
            var stored = ForeignCredentials.Unwrap(request.StoredCredentials);
            if (stored is not null)
            {
                return (stored, "$StoredAWSCredentials (Set-AWSCredential)");
            }
        }

        var envAccess = request.Environment.Get("AWS_ACCESS_KEY_ID");
        var envSecret = request.Environment.Get("AWS_SECRET_ACCESS_KEY");
        if (envAccess is not null && envSecret is not null)
        {
            var token = request.Environment.Get("AWS_SESSION_TOKEN");
            var fromEnvironment = token is null ? (AWSCredentials)new BasicAWSCredentials(envAccess, envSecret) : new SessionAWSCredentials(envAccess, envSecret, token);
            return (fromEnvironment, "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" + (token is null ? string.Empty : "/AWS_SESSION_TOKEN"));
        }

        var environmentProfile = request.Environment.Get("AWS_PROFILE");
        if (environmentProfile is not null)
        {
            return await FromProfileAsync(request, profiles, environmentProfile, "AWS_PROFILE", cancellationToken).ConfigureAwait(false);
        }

        foreach (var name in new[] { "default", LegacyDefaultProfile })
        {
            if (profiles.FindSso(name) is { } ssoDefault)
            {
                return await FromSsoAsync(request, profiles, ssoDefault, "default", cancellationToken).ConfigureAwait(false);
            }

            var found = profiles.Find(name);
            if (found?.Credentials is { } profileCredentials)
            {
                return (profileCredentials, $"profile '{name}' in {found.Location}");
            }
        }

        var container = ContainerUri(request.Environment);
        if (container is not null)
        {
            var authorization = request.Environment.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN");
            try
            {
                var first = await metadata.GetContainerCredentialsAsync(container, authorization, cancellationToken).ConfigureAwait(false);
                return (new MetadataCredentials(first, ct => metadata.GetContainerCredentialsAsync(container, authorization, ct)), $"container credentials ({container})");
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException or System.Text.Json.JsonException)
            {
                throw new AwsConfigurationException(
                    AwsConfigurationProblem.CredentialsMissing,
                    $"Container credentials from {container} could not be read: {ex.Message}",
                    "Check the task role of the container, or pass -AccessKey/-SecretKey or -ProfileName.",
                    ex);
            }
        }

        var imds = InstanceMetadata(request);
        if (imds is not null)
        {
            try
            {
                var first = await metadata.GetInstanceCredentialsAsync(imds, cancellationToken).ConfigureAwait(false);
                return (new MetadataCredentials(first, ct => metadata.GetInstanceCredentialsAsync(imds, ct)), $"the instance profile (instance metadata at {imds})");
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException or System.Text.Json.JsonException or IndexOutOfRangeException)
            {
                // Not on EC2, or no role attached: fall through to the "no credentials" error.
            }
        }

        throw new AwsConfigurationException(
            AwsConfigurationProblem.CredentialsMissing,
            "No AWS credentials were specified or obtained from the shell, the environment, a profile or instance metadata.",
            "Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or create a 'default' profile (Set-AWSCredential -StoreAs default).");
    }

    private static async Task<(AWSCredentials, string)> FromProfileAsync(AwsConnectionRequest request, AwsProfiles profiles, string name, string how, CancellationToken cancellationToken)
    {
        if (profiles.FindSso(name) is { } sso)
        {
            return await FromSsoAsync(request, profiles, sso, how, cancellationToken).ConfigureAwait(false);
        }

        var found = profiles.Find(name)
                    ?? throw new AwsConfigurationException(
                        AwsConfigurationProblem.ProfileNotFound,
                        $"The profile '{name}' ({how}) was not found in {(profiles.SharedFilePath)} or the SDK credential store.",
                        "List profiles with Get-AWSCredential -ListProfileDetail, fix the name, or pass -ProfileLocation with the credentials file that holds it.");
        if (found.Profile.Options is { RoleArn: { Length: > 0 } roleArn, SourceProfile: { Length: > 0 } source } && profiles.FindSso(source) is { } sourceSso)
        {
            return await FromRoleOverSsoAsync(request, profiles, found, name, how, roleArn, sourceSso, cancellationToken).ConfigureAwait(false);
        }

        var credentials = found.Credentials
                          ?? throw new AwsConfigurationException(
                              AwsConfigurationProblem.CredentialInvalid,
                              $"The profile '{name}' in {found.Location} has no usable credentials.",
                              "Add aws_access_key_id/aws_secret_access_key (or a role_arn with a source profile) to the profile.");
        return (credentials, $"profile '{name}' ({how}) in {found.Location}");
    }

    /// <summary>
    /// A role profile (role_arn) whose source_profile is an SSO profile, the usual way to reach other accounts from an
    /// Identity Center sign-in: the SSO role's credentials assume the role through STS (of the profile's region, else
    /// us-east-1; -EndpointUrl applies) and assume it again before it expires. The SDK's own path would need the SSO
    /// assemblies, so the role is assumed here, as for -AccountId/-RoleName.
    /// </summary>
    private static async Task<(AWSCredentials, string)> FromRoleOverSsoAsync(AwsConnectionRequest request, AwsProfiles profiles, FoundProfile found, string name, string how,
        string roleArn, SsoProfile sourceSso, CancellationToken cancellationToken)
    {
        var (sourceCredentials, sourceHow) = await FromSsoAsync(request, profiles, sourceSso, "source_profile of '" + name + "'", cancellationToken).ConfigureAwait(false);
        var region = Region(found.Region?.SystemName ?? "us-east-1", "profile '" + name + "'");
        var stsConnection = new AwsConnection(sourceCredentials, sourceHow, region, "profile '" + name + "'", request);
        var assume = new Amazon.SecurityToken.Model.AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = string.IsNullOrEmpty(found.Profile.Options.RoleSessionName) ? FleetScopeOptions.DefaultRoleSessionName(DateTimeOffset.UtcNow) : found.Profile.Options.RoleSessionName,
            ExternalId = string.IsNullOrEmpty(found.Profile.Options.ExternalID) ? null : found.Profile.Options.ExternalID,
        };
        try
        {
            var credentials = await AssumedRoleCredentials.CreateAsync(stsConnection, assume, null, cancellationToken).ConfigureAwait(false);
            return (credentials, $"role {roleArn} of profile '{name}' ({how}) in {found.Location}, assumed with the {sourceHow}");
        }
        catch (AmazonServiceException ex)
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.CredentialInvalid,
                $"The profile '{name}' could not assume {roleArn} with its SSO source profile '{sourceSso.Name}': {ex.ErrorCode}: {Common.SecretScrubber.Scrub(ex.Message)}",
                $"Check that the role's trust policy allows the SSO role {sourceSso.RoleName} of account {sourceSso.AccountId} (and the external_id, if it requires one).",
                ex);
        }
    }

    /// <summary>
    /// Our own SSO resolution rather than the SDK's: the SDK's would need AWSSDK.SSO/SSOOIDC loaded by reflection
    /// and may start a device sign-in; ours only reads the token `aws sso login` cached. The portal goes where
    /// -EndpointUrl, AWS_ENDPOINT_URL_SSO or AWS_ENDPOINT_URL send it, like every other service.
    /// </summary>
    private static async Task<(AWSCredentials, string)> FromSsoAsync(AwsConnectionRequest request, AwsProfiles profiles, SsoProfile sso, string how, CancellationToken cancellationToken)
    {
        var portal = ValidateEndpoint(
            request.EndpointUrl ?? request.Environment.Get("AWS_ENDPOINT_URL_SSO") ?? request.Environment.Get("AWS_ENDPOINT_URL"),
            "endpoint for SSO");
        var credentials = await SsoCredentials.CreateAsync(sso, profiles.SsoCacheDirectories, portal, request.Timeout ?? AwsConnection.DefaultCallTimeout, cancellationToken).ConfigureAwait(false);
        return (credentials, $"SSO profile '{sso.Name}' ({how}) in {sso.ConfigPath}: role {sso.RoleName} in account {sso.AccountId} via {credentials.Portal}");
    }

    private static async Task<(RegionEndpoint, string)> ResolveRegionAsync(AwsConnectionRequest request, AwsProfiles profiles, MetadataClient metadata, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.Region))
        {
            return (Region(request.Region!, "-Region"), "the -Region parameter");
        }

        if (!string.IsNullOrEmpty(request.StoredRegion))
        {
            return (Region(request.StoredRegion!, "$StoredAWSRegion"), "$StoredAWSRegion (Set-DefaultAWSRegion)");
        }

        var profileNames = new[] { request.ProfileName, request.Environment.Get("AWS_PROFILE"), "default", LegacyDefaultProfile }
            .Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal);
        foreach (var name in profileNames)
        {
            if (profiles.Find(name!)?.Region is { } profileRegion)
            {
                return (Region(profileRegion.SystemName, $"profile '{name}'"), $"profile '{name}'");
            }
        }

        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (request.Environment.Get(variable) is { } fromEnvironment)
            {
                return (Region(fromEnvironment, variable), "environment variable " + variable);
            }
        }

        var imds = InstanceMetadata(request);
        if (imds is not null)
        {
            try
            {
                var fromMetadata = await metadata.GetRegionAsync(imds, cancellationToken).ConfigureAwait(false);
                return (Region(fromMetadata, "instance metadata"), $"instance metadata ({imds})");
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
            {
                // Not on EC2: fall through to the "no region" error.
            }
        }

        throw new AwsConfigurationException(
            AwsConfigurationProblem.RegionMissing,
            "No region specified or obtained from persisted/shell defaults.",
            "Pass -Region (for example -Region us-east-1), run Set-DefaultAWSRegion, or set AWS_REGION.");
    }

    /// <summary>Known regions only: a typo would otherwise send requests to a host that does not exist.</summary>
    internal static RegionEndpoint Region(string name, string source)
    {
        var known = RegionEndpoint.EnumerableAllRegions.FirstOrDefault(r => string.Equals(r.SystemName, name, StringComparison.OrdinalIgnoreCase));
        return known ?? throw new AwsConfigurationException(
            AwsConfigurationProblem.RegionInvalid,
            $"'{name}' (from {source}) is not a known AWS region.",
            "Use a region code such as us-east-1 or eu-west-1 (Get-AWSRegion lists them).");
    }

    private static Uri? ContainerUri(IAwsEnvironment environment)
    {
        var full = environment.Get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        if (full is not null)
        {
            return ValidateEndpoint(full, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        }

        var relative = environment.Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
        return relative is null ? null : new Uri(MetadataClient.ContainerHost, relative);
    }

    /// <summary>IMDS unless AWS_EC2_METADATA_DISABLED=true; the request's override, then AWS_EC2_METADATA_SERVICE_ENDPOINT.</summary>
    private static Uri? InstanceMetadata(AwsConnectionRequest request)
    {
        if (string.Equals(request.Environment.Get("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (request.InstanceMetadataEndpoint is not null)
        {
            return request.InstanceMetadataEndpoint;
        }

        var configured = request.Environment.Get("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        return configured is null ? MetadataClient.DefaultImdsEndpoint : ValidateEndpoint(configured, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    }

    internal static Uri? ValidateEndpoint(string? url, string source)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        if (!Common.HttpUrl.TryParse(url, out var uri))
        {
            throw new AwsConfigurationException(
                AwsConfigurationProblem.EndpointInvalid,
                $"'{url}' ({source}) is not an absolute http or https URL.",
                "Give a full URL such as http://127.0.0.1:4566 or https://ec2.us-east-1.amazonaws.com.");
        }

        return uri;
    }
}
