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

/// <summary>Which accounts and regions a fleet command covers, and how many of them run at once.</summary>
public sealed class FleetScopeOptions
{
    public const int DefaultThrottleLimit = 4;

    /// <summary>More targets at once only multiplies the calls in flight (each target has its own throttle limit).</summary>
    public const int MaxThrottleLimit = 32;

    /// <summary>Regions to cover; empty: the connection's region.</summary>
    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();

    /// <summary>Accounts to cover through <see cref="RoleName"/>; empty: the caller's own account with its own credentials.</summary>
    public IReadOnlyList<string> AccountIds { get; init; } = Array.Empty<string>();

    /// <summary>The role assumed in each of <see cref="AccountIds"/> (arn:&lt;partition&gt;:iam::&lt;account&gt;:role/&lt;RoleName&gt;).</summary>
    public string? RoleName { get; init; }

    public string? ExternalId { get; init; }

    /// <summary>Null: SsmTroubleshoot-&lt;unix time&gt;, like the AWS CLI's botocore-session-&lt;unix time&gt;.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>Targets (account, region) worked on at once.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    private static readonly Regex AccountPattern = new("^[0-9]{12}$", RegexOptions.CultureInvariant);
    private static readonly Regex RoleNamePattern = new(@"^[\w+=,.@-]{1,64}$", RegexOptions.CultureInvariant);
    private static readonly Regex SessionNamePattern = new(@"^[\w+=,.@-]{2,64}$", RegexOptions.CultureInvariant);
    private static readonly Regex ExternalIdPattern = new(@"^[\w+=,.@:/-]{2,1224}$", RegexOptions.CultureInvariant);

    public static bool IsAccountId(string? value) => value is not null && AccountPattern.IsMatch(value);

    /// <summary>IAM's role name rule: 1-64 of letters, digits and +=,.@_-.</summary>
    public static bool IsRoleName(string? value) => value is not null && RoleNamePattern.IsMatch(value);

    public static bool IsRoleSessionName(string? value) => value is not null && SessionNamePattern.IsMatch(value);

    public static bool IsExternalId(string? value) => value is not null && ExternalIdPattern.IsMatch(value);

    public static string DefaultRoleSessionName(DateTimeOffset now) => "SsmTroubleshoot-" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The first problem with these options, or null: callers turn it into their own error (InvalidArgument).</summary>
    public string? Validate()
    {
        foreach (var account in AccountIds)
        {
            if (!IsAccountId(account))
            {
                return "'" + account + "' is not an AWS account id (12 digits).";
            }
        }

        if (AccountIds.Count > 0 && string.IsNullOrEmpty(RoleName))
        {
            return "-AccountId needs -RoleName: the role to assume in each account.";
        }

        if (RoleName is not null && !IsRoleName(RoleName))
        {
            return "'" + RoleName + "' is not an IAM role name (1-64 letters, digits and +=,.@_-).";
        }

        if (RoleName is not null && AccountIds.Count == 0)
        {
            return "-RoleName needs -AccountId: the accounts to assume it in.";
        }

        if (RoleSessionName is not null && !IsRoleSessionName(RoleSessionName))
        {
            return "'" + RoleSessionName + "' is not a role session name (2-64 letters, digits and +=,.@_-).";
        }

        if (ExternalId is not null && !IsExternalId(ExternalId))
        {
            return "The external id must be 2-1224 letters, digits and +=,.@:/_-.";
        }

        if (ThrottleLimit is < 1 or > MaxThrottleLimit)
        {
            return "The throttle limit must be from 1 to " + MaxThrottleLimit.ToString(CultureInfo.InvariantCulture) + ".";
        }

        return null;
    }

    /// <summary>The partition of a region: the role ARN and the STS endpoint must be in it.</summary>
    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : region.StartsWith("us-isob-", StringComparison.Ordinal) ? "aws-iso-b"
        : region.StartsWith("us-isof-", StringComparison.Ordinal) ? "aws-iso-f"
        : region.StartsWith("eu-isoe-", StringComparison.Ordinal) ? "aws-iso-e"
        : region.StartsWith("us-iso-", StringComparison.Ordinal) ? "aws-iso"
        : "aws";
}
