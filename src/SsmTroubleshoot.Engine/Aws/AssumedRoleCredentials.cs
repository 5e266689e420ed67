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

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        Task.Run(() => _assume(CancellationToken.None)).GetAwaiter().GetResult();

    protected override Task<CredentialsRefreshState> GenerateNewCredentialsAsync() => _assume(CancellationToken.None);
}
