using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

/// <summary>A policy attached to or embedded in a role; Document is null when it could not be read.</summary>
public sealed record RolePolicy
{
    public string PolicyName { get; init; } = string.Empty;

    /// <summary>Managed policies only.</summary>
    public string? PolicyArn { get; init; }

    public bool IsInline { get; init; }

    /// <summary>The JSON policy document (URL-encoded text from IAM is accepted too).</summary>
    public string? Document { get; init; }
}

public enum SimulatedDecision
{
    Allowed = 0,
    ExplicitDeny,
    ImplicitDeny,
}

public sealed record IamRole
{
    public string RoleName { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    public IReadOnlyList<RolePolicy> Policies { get; init; } = Array.Empty<RolePolicy>();

    /// <summary>SimulatePrincipalPolicy answers per action when the caller was allowed to run it, else null.</summary>
    public IReadOnlyDictionary<string, SimulatedDecision>? SimulatedDecisions { get; init; }

    /// <summary>Why SimulatePrincipalPolicy did not decide (e.g. not permitted), when the documents were evaluated instead.</summary>
    public string? SimulationNote { get; init; }

    /// <summary>The trust (assume-role) policy when IAM returned it with the role; null when unknown.</summary>
    public string? TrustPolicy { get; init; }
}

public sealed record InstanceProfile
{
    public string Arn { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>An instance profile holds at most one role; the list mirrors IAM's shape.</summary>
    public IReadOnlyList<string> RoleNames { get; init; } = Array.Empty<string>();
}

/// <summary>Default Host Management Configuration: the service setting's role, null when not configured.</summary>
public sealed record DefaultHostManagementSetting
{
    public string? RoleName { get; init; }

    public bool IsConfigured => !string.IsNullOrEmpty(RoleName);
}

/// <summary>What DescribeInstanceInformation tells about a managed node.</summary>
public sealed record SsmInstanceInfo
{
    public string InstanceId { get; init; } = string.Empty;

    /// <summary>Online, ConnectionLost, Inactive.</summary>
    public string PingStatus { get; init; } = "Online";

    public string? AgentVersion { get; init; }

    public string? PlatformType { get; init; }

    public string? PlatformName { get; init; }

    /// <summary>EC2Instance or ManagedInstance.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Hybrid nodes: the activation's IAM service role.</summary>
    public string? IamRole { get; init; }

    public DateTime? LastPingDateTime { get; init; }

    /// <summary>The host name the agent reports (hybrid nodes have no Name tag).</summary>
    public string? ComputerName { get; init; }

    /// <summary>Hybrid nodes: the activation they registered with.</summary>
    public string? ActivationId { get; init; }

    public bool IsHybrid => InstanceId.StartsWith("mi-", StringComparison.Ordinal);
}

/// <summary>A piece of data the fetcher could not read (AccessDenied, unsupported API): checks that need it become Error.</summary>
public sealed record DataGap
{
    /// <summary>The id the data is about: vpc-, instance id, role name, profile ARN, or "dhmc".</summary>
    public string ResourceId { get; init; } = string.Empty;

    /// <summary>The API call that failed, e.g. ec2:DescribeRouteTables; names the permission to grant.</summary>
    public string Operation { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;

    /// <summary>The service's error code (AccessDenied, NoSuchEntity, ...) when there was one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>What kind of failure it was (denied, throttled, timed out...); Unknown when only the code is known.</summary>
    public Failures.FailureKind Kind { get; init; } = Failures.FailureKind.Unknown;

    /// <summary>The service said the resource does not exist: a finding, not a missing permission.</summary>
    public bool IsNotFound => Failures.FailureClassifier.ClassifyServiceError(ErrorCode, 0) == Failures.FailureKind.NotFound;

    public string Describe() => Operation + " on " + ResourceId + " failed: " + Message;

    /// <summary>
    /// The fix that fits the failure: a missing permission is granted, but throttling is waited out, a bad signature is
    /// the secret key or the clock, a time-out the network path — never "Grant" for those.
    /// </summary>
    public string Remediation(string? grant = null)
    {
        var kind = Kind != Failures.FailureKind.Unknown ? Kind : Failures.FailureClassifier.ClassifyServiceError(ErrorCode, 0);
        if (kind is Failures.FailureKind.PermissionDenied or Failures.FailureKind.Unknown or Failures.FailureKind.NotFound or Failures.FailureKind.InvalidArgument)
        {
            return grant ?? "Grant " + Operation + ".";
        }

        var colon = Operation.IndexOf(':');
        var call = colon > 0 ? new Aws.AwsCallInfo(Operation.Substring(0, colon).ToUpperInvariant(), Operation.Substring(colon + 1), null) : null;
        return Aws.AwsFailureText.Advice(kind, ErrorCode, call) ?? grant ?? "Grant " + Operation + ".";
    }
}
