using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Aws;

/// <summary>Credentials of an assumed role that assume it again before they expire (runs longer than the session).</summary>
internal sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly Func<CancellationToken, Task<CredentialsRefreshState>> _assume;

    public AssumedRoleCredentials(CredentialsRefreshState first, Func<CancellationToken, Task<CredentialsRefreshState>> assume)
    {
        _assume = assume;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);

        // The SDK moves the expiry of states it generates forward by the preempt time; the first one is ours to move.
        currentState = new CredentialsRefreshState(first.Credentials, first.Expiration - PreemptExpiryTime);
    }

    /// <summary>
    /// Assumes <paramref name="request"/>'s role through STS of <paramref name="stsConnection"/> (its credentials and
    /// region, with a few waits when throttled) and returns credentials that assume it again before they expire. The
    /// first call's failure is thrown as it is.
    /// </summary>
    internal static async Task<AssumedRoleCredentials> CreateAsync(AwsConnection stsConnection, AssumeRoleRequest request, Action<string>? log, CancellationToken cancellationToken)
    {
        var retry = new AwsRetry(new AwsRetryPolicy { MaxThrottledRetries = 4 });

        async Task<CredentialsRefreshState> Assume(CancellationToken ct)
        {
            using var sts = new AwsClientFactory(stsConnection).CreateSts();
            var response = await retry.RunAsync(c => sts.AssumeRoleAsync(request, c), ct).ConfigureAwait(false);
            var credentials = response.Credentials;
            var expiration = credentials.Expiration is DateTime expires ? expires.ToUniversalTime() : DateTime.UtcNow.AddHours(1);
            log?.Invoke("sts:AssumeRole " + request.RoleArn + " (session " + request.RoleSessionName + ", expires " + expiration.ToString("u", CultureInfo.InvariantCulture) + ")");
            return new CredentialsRefreshState(new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), expiration);
        }

        var first = await Assume(cancellationToken).ConfigureAwait(false);
        return new AssumedRoleCredentials(first, Assume);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        Task.Run(() => _assume(CancellationToken.None)).GetAwaiter().GetResult();

    protected override Task<CredentialsRefreshState> GenerateNewCredentialsAsync() => _assume(CancellationToken.None);
}
