using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace SsmTroubleshoot.Aws;

/// <summary>Who and where the module talks to AWS as: Get-SsmAwsContext's output.</summary>
public sealed class SsmAwsContext
{
    internal SsmAwsContext(string account, string arn, string userId, string region, string regionSource, string credentialSource, string endpoint, string sdkAssembly, string sdkFileVersion)
    {
        Account = account;
        Arn = arn;
        UserId = userId;
        Region = region;
        RegionSource = regionSource;
        CredentialSource = credentialSource;
        Endpoint = endpoint;
        SdkAssembly = sdkAssembly;
        SdkFileVersion = sdkFileVersion;
    }

    public string Account { get; }

    public string Arn { get; }

    public string UserId { get; }

    public string Region { get; }

    public string RegionSource { get; }

    public string CredentialSource { get; }

    /// <summary>The STS endpoint used: the override URL or the SDK's regional default.</summary>
    public string Endpoint { get; }

    /// <summary>The AWSSDK.Core file actually serving this module (proves isolation from AWS.Tools' copy).</summary>
    public string SdkAssembly { get; }

    public string SdkFileVersion { get; }
}

/// <summary>Reads the caller identity (STS GetCallerIdentity) for a resolved connection.</summary>
public static class AwsContextReader
{
    public static async Task<SsmAwsContext> GetAsync(AwsConnection connection, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        var factory = new AwsClientFactory(connection);
        using var sts = factory.CreateSts();
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        var endpoint = factory.Endpoint("STS")?.ToString() ?? $"https://sts.{connection.Region.SystemName}.amazonaws.com/";
        var core = typeof(AWSCredentials).Assembly.Location;
        var version = string.IsNullOrEmpty(core) ? string.Empty : FileVersionInfo.GetVersionInfo(core).FileVersion ?? string.Empty;
        return new SsmAwsContext(
            identity.Account ?? string.Empty,
            identity.Arn ?? string.Empty,
            identity.UserId ?? string.Empty,
            connection.Region.SystemName,
            connection.RegionSource,
            connection.CredentialSource,
            endpoint,
            core,
            version);
    }
}
