using System;
using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.Network;

public enum NetworkCheckStatus
{
    Passed = 0,
    Failed,
    Warning,
    Info,
    Skipped,
    Error,
}

public enum NetworkVerdict
{
    Healthy = 0,
    Unhealthy,
    Unknown,
}

/// <summary>One row of the report: what was checked, how it came out, what decided it, what to do.</summary>
public sealed class NetworkCheck
{
    public NetworkCheck(string instanceId, string checkId, string service, NetworkCheckStatus status, string detail, string? remediation)
    {
        InstanceId = instanceId;
        CheckId = checkId;
        Service = service;
        Status = status;
        Detail = detail;
        Remediation = remediation ?? string.Empty;
    }

    public string InstanceId { get; }

    /// <summary>Stable id: PingStatus, InstanceProfile, ..., Route.ssm, NaclIngress.ssmmessages.</summary>
    public string CheckId { get; }

    /// <summary>The service for per-service checks (ssm, ec2messages, ...), empty otherwise.</summary>
    public string Service { get; }

    public NetworkCheckStatus Status { get; }

    /// <summary>The rule, route, endpoint or policy that decided, by id.</summary>
    public string Detail { get; }

    /// <summary>What to change; empty when nothing needs to change.</summary>
    public string Remediation { get; }

    /// <summary>The region the instance is in (every fleet command fills it, one region or many).</summary>
    public string? Region { get; internal set; }

    /// <summary>The account the instance is in; null when sts:GetCallerIdentity could not tell the caller's own.</summary>
    public string? AccountId { get; internal set; }

    public override string ToString() => CheckId + " " + Status + ": " + Detail;
}

/// <summary>Everything Test-ManagedInstanceNetwork found about one instance.</summary>
public sealed class ManagedInstanceNetworkReport
{
    public ManagedInstanceNetworkReport(string instanceId, string? name, string? vpcId, string? subnetId, string? pingStatus, IReadOnlyList<NetworkCheck> checks)
    {
        InstanceId = instanceId;
        Name = name;
        VpcId = vpcId;
        SubnetId = subnetId;
        PingStatus = pingStatus;
        Checks = checks ?? throw new ArgumentNullException(nameof(checks));
        FailedChecks = checks.Where(c => c.Status == NetworkCheckStatus.Failed).Select(c => c.CheckId).ToArray();
        Verdict = VerdictOf(checks);
    }

    public string InstanceId { get; }

    public string? Name { get; }

    public string? VpcId { get; }

    public string? SubnetId { get; }

    /// <summary>Online, ConnectionLost, Inactive, or null when SSM does not know the node.</summary>
    public string? PingStatus { get; }

    public NetworkVerdict Verdict { get; }

    public IReadOnlyList<string> FailedChecks { get; }

    public IReadOnlyList<NetworkCheck> Checks { get; }

    /// <summary>The region the instance is in.</summary>
    public string? Region { get; private set; }

    /// <summary>The account the instance is in; null when sts:GetCallerIdentity could not tell the caller's own.</summary>
    public string? AccountId { get; private set; }

    /// <summary>Sets where the instance is, on the report and each of its checks.</summary>
    internal ManagedInstanceNetworkReport Locate(string? accountId, string region)
    {
        AccountId = accountId;
        Region = region;
        foreach (var check in Checks)
        {
            check.AccountId = accountId;
            check.Region = region;
        }

        return this;
    }

    /// <summary>Any Failed: Unhealthy; else any Error: Unknown (cannot vouch for it); else Healthy (Warnings, Info, Skipped allowed).</summary>
    public static NetworkVerdict VerdictOf(IEnumerable<NetworkCheck> checks)
    {
        var anyError = false;
        foreach (var check in checks)
        {
            if (check.Status == NetworkCheckStatus.Failed)
            {
                return NetworkVerdict.Unhealthy;
            }

            anyError |= check.Status == NetworkCheckStatus.Error;
        }

        return anyError ? NetworkVerdict.Unknown : NetworkVerdict.Healthy;
    }
}

/// <summary>The services checked and their check ids.</summary>
public static class NetworkServices
{
    /// <summary>What the agent needs to register (ssm), take commands (ec2messages) and sessions (ssmmessages).</summary>
    public static IReadOnlyList<string> Core { get; } = new[] { "ssm", "ec2messages", "ssmmessages" };

    /// <summary>Used by features (S3 output/patching, KMS-encrypted sessions, CloudWatch Logs, metrics).</summary>
    public static IReadOnlyList<string> Optional { get; } = new[] { "s3", "kms", "logs", "monitoring" };

    /// <summary>The only row of a report for an id EC2 does not know (or could not be asked about).</summary>
    public const string Instance = "Instance";
    public const string PingStatus = "PingStatus";
    public const string InstanceProfile = "InstanceProfile";
    public const string RolePermissions = "RolePermissions";
    public const string DefaultHostManagement = "DefaultHostManagement";
    public const string VpcDns = "VpcDns";
    public const string Route = "Route";
    public const string VpcEndpoint = "VpcEndpoint";
    public const string EndpointSecurityGroup = "EndpointSecurityGroup";
    public const string SecurityGroupEgress = "SecurityGroupEgress";
    public const string NaclEgress = "NaclEgress";
    public const string NaclIngress = "NaclIngress";

    /// <summary>The per-service checks, in report order.</summary>
    public static IReadOnlyList<string> PerServiceChecks { get; } = new[] { Route, VpcEndpoint, EndpointSecurityGroup, SecurityGroupEgress, NaclEgress, NaclIngress };

    public static string EndpointServiceName(string region, string service) => "com.amazonaws." + region + "." + service;
}

public sealed class NetworkEvaluationOptions
{
    /// <summary>Also check s3, kms, logs and monitoring.</summary>
    public bool IncludeOptionalServices { get; init; }

    public IReadOnlyList<string> Services => IncludeOptionalServices ? NetworkServices.Core.Concat(NetworkServices.Optional).ToArray() : NetworkServices.Core;
}
