using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SsmTroubleshoot.Logs;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Diagnosis;

/// <summary>Everything read about one node; null members were not read (or not applicable).</summary>
public sealed class NodeFacts
{
    public string InstanceId { get; init; } = string.Empty;

    /// <summary>DescribeInstances said the id does not exist.</summary>
    public bool NotFound { get; init; }

    public Ec2Instance? Instance { get; init; }

    public InstanceStatusInfo? Status { get; init; }

    public SsmInstanceInfo? Registration { get; init; }

    /// <summary>The Test-ManagedInstanceNetwork evaluation (same engine).</summary>
    public ManagedInstanceNetworkReport? Network { get; init; }

    /// <summary>Agent log issues through Run Command; null when not collected.</summary>
    public IReadOnlyList<SsmAgentLogIssue>? LogIssues { get; init; }

    /// <summary>Console findings; null when the console output was not read.</summary>
    public IReadOnlyList<ConsoleFinding>? Console { get; init; }

    public ActivationInfo? Activation { get; init; }

    /// <summary>The instance profile's role (from GetInstanceProfile), the scope of IAM causes.</summary>
    public string? RoleName { get; init; }

    /// <summary>Reads that failed for this node (operation: code and message), shown as Error evidence.</summary>
    public IReadOnlyList<string> LookupErrors { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Judges one node from its facts: collects every finding as evidence with its source, maps findings to root causes
/// (<see cref="NodeRootCauses"/>, first in judging order wins), and shows contradicting evidence as such.
/// </summary>
public static class NodeDiagnoser
{
    private static readonly string[] s_pathChecks = NetworkServices.PerServiceChecks.ToArray();

    public static NodeDiagnosis Diagnose(NodeFacts facts, string region, DateTime nowUtc)
    {
        if (facts is null)
        {
            throw new ArgumentNullException(nameof(facts));
        }

        var id = facts.InstanceId;
        var evidence = new List<NodeEvidence>();
        var causes = new List<(string Cause, string Scope, DiagnosisConfidence Confidence)>();
        void Cause(string cause, string scope, DiagnosisConfidence confidence) => causes.Add((cause, scope, confidence));
        var hybrid = id.StartsWith("mi-", StringComparison.Ordinal);
        var instance = facts.Instance;
        var registration = facts.Registration;
        var online = string.Equals(registration?.PingStatus, "Online", StringComparison.OrdinalIgnoreCase);

        // 1. EC2: state and status checks come before anything else.
        if (facts.NotFound)
        {
            evidence.Add(new NodeEvidence(EvidenceSource.Ec2State, "DescribeInstances", "Failed", id + " does not exist in " + region + "."));
            Cause(NodeRootCauses.InstanceNotFound, string.Empty, DiagnosisConfidence.High);
        }

        var state = facts.Status?.State ?? instance?.State;
        if (!hybrid && state is not null)
        {
            var running = state == "running";
            evidence.Add(new NodeEvidence(EvidenceSource.Ec2State, "InstanceState", running ? "Passed" : "Failed", state));
            if (!running)
            {
                Cause(NodeRootCauses.InstanceNotRunning, state, DiagnosisConfidence.High);
            }
        }

        if (facts.Status is { } status && state == "running")
        {
            foreach (var (check, value) in new[] { ("SystemStatus", status.SystemStatus), ("InstanceStatus", status.InstanceStatus) })
            {
                var failed = value == "impaired";
                evidence.Add(new NodeEvidence(EvidenceSource.StatusCheck, check, failed ? "Failed" : value == "ok" ? "Passed" : "Info", value));
                if (failed)
                {
                    Cause(NodeRootCauses.StatusCheckFailed, check == "SystemStatus" ? "system" : "instance", DiagnosisConfidence.High);
                }
            }
        }

        // 2. Systems Manager registration.
        if (registration is null)
        {
            if (!facts.NotFound)
            {
                evidence.Add(new NodeEvidence(EvidenceSource.SsmRegistration, "PingStatus", "Failed", "Not registered with Systems Manager in " + region + " (DescribeInstanceInformation does not list it)."));
            }
        }
        else
        {
            var ping = registration.PingStatus
                + (registration.LastPingDateTime is { } last ? ", last ping " + last.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : string.Empty)
                + (registration.AgentVersion is null ? string.Empty : ", agent " + registration.AgentVersion)
                + (registration.PlatformName is null ? string.Empty : ", " + registration.PlatformName);
            evidence.Add(new NodeEvidence(EvidenceSource.SsmRegistration, "PingStatus", online ? "Passed" : "Failed", ping + "."));
        }

        // 3. Network and IAM (Test-ManagedInstanceNetwork's checks): failures, warnings and errors as evidence.
        var network = facts.Network;
        var checks = network?.Checks.Where(c => c.CheckId != NetworkServices.PingStatus && c.CheckId != NetworkServices.Instance).ToList() ?? new List<NetworkCheck>();
        foreach (var check in checks.Where(c => c.Status is NetworkCheckStatus.Failed or NetworkCheckStatus.Warning or NetworkCheckStatus.Error))
        {
            evidence.Add(new NodeEvidence(EvidenceSource.NetworkCheck, check.CheckId, check.Status.ToString(), check.Detail));
        }

        var failedChecks = checks.Where(c => c.Status == NetworkCheckStatus.Failed).ToList();
        var vpc = network?.VpcId ?? instance?.VpcId ?? string.Empty;
        var unreachable = NetworkServices.Core.Where(s => failedChecks.Any(c => c.Service == s && s_pathChecks.Contains(c.CheckId.Split('.')[0]))).ToList();
        var agentPaths = unreachable.Where(s => s != "ssmmessages").ToList();
        if (agentPaths.Count > 0)
        {
            Cause(NodeRootCauses.NetworkPath, string.Join(", ", agentPaths) + (vpc.Length > 0 ? " in " + vpc : string.Empty), DiagnosisConfidence.High);
        }
        else if (unreachable.Contains("ssmmessages"))
        {
            Cause(NodeRootCauses.SessionChannel, "ssmmessages" + (vpc.Length > 0 ? " in " + vpc : string.Empty), DiagnosisConfidence.High);
        }

        if (failedChecks.Any(c => c.CheckId == NetworkServices.VpcDns))
        {
            Cause(NodeRootCauses.VpcDns, vpc, DiagnosisConfidence.High);
        }

        var role = facts.RoleName ?? registration?.IamRole ?? string.Empty;
        if (failedChecks.Any(c => c.CheckId == NetworkServices.InstanceProfile))
        {
            Cause(NodeRootCauses.NoInstanceProfile, string.Empty, DiagnosisConfidence.High);
        }

        var rolePermissions = checks.FirstOrDefault(c => c.CheckId == NetworkServices.RolePermissions);
        if (rolePermissions?.Status == NetworkCheckStatus.Failed)
        {
            var trust = rolePermissions.Detail.IndexOf("trust", StringComparison.OrdinalIgnoreCase) >= 0;
            Cause(trust ? NodeRootCauses.RoleTrust : NodeRootCauses.RolePermissions, role, DiagnosisConfidence.High);
        }

        // 4. Hybrid activation.
        if (facts.Activation is { } activation)
        {
            var expired = activation.Expired || (activation.ExpirationDate is { } expiry && expiry.ToUniversalTime() <= nowUtc);
            var full = activation.RegistrationLimit > 0 && activation.RegistrationsCount >= activation.RegistrationLimit;
            evidence.Add(new NodeEvidence(EvidenceSource.Activation, activation.ActivationId, expired ? "Failed" : full ? "Warning" : "Passed",
                "Role " + (activation.IamRole ?? "(none)") + "; " + activation.RegistrationsCount.ToString(CultureInfo.InvariantCulture) + " of "
                + activation.RegistrationLimit.ToString(CultureInfo.InvariantCulture) + " registrations used; "
                + (activation.ExpirationDate is { } date ? (expired ? "expired " : "expires ") + date.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "no expiry") + "."));

            // An expired activation or a full one only matters to a node that must (re-)register: one that is not Online.
            if (!online && expired)
            {
                Cause(NodeRootCauses.ActivationExpired, activation.ActivationId, DiagnosisConfidence.High);
            }
            else if (!online && full)
            {
                Cause(NodeRootCauses.ActivationLimitReached, activation.ActivationId, DiagnosisConfidence.Medium);
            }
        }

        // 5. Agent logs (Run Command) and console output.
        var logFindings = new List<(string Category, SsmAgentLogSeverity Severity)>();
        foreach (var issue in facts.LogIssues ?? Array.Empty<SsmAgentLogIssue>())
        {
            var failedRead = issue.Category is LogCollection.FleetLogCollector.FailedCategory or LogCollection.FleetLogCollector.OfflineCategory;
            evidence.Add(new NodeEvidence(EvidenceSource.AgentLog, issue.RuleId, failedRead ? "Error" : issue.Severity >= SsmAgentLogSeverity.High ? "Failed" : "Warning",
                (issue.Count > 1 ? issue.Count.ToString(CultureInfo.InvariantCulture) + "x " : string.Empty) + issue.Sample));
            if (!failedRead && issue.Category != LogRuleCatalog.UnknownCategory)
            {
                logFindings.Add((issue.Category, issue.Severity));
            }
        }

        foreach (var finding in facts.Console ?? Array.Empty<ConsoleFinding>())
        {
            evidence.Add(new NodeEvidence(EvidenceSource.ConsoleOutput, finding.Id, finding.Severity >= SsmAgentLogSeverity.High ? "Failed" : "Warning", finding.Line));
            logFindings.Add((finding.Category, finding.Severity));
        }

        if (facts.Console is { Count: 0 } && !online)
        {
            evidence.Add(new NodeEvidence(EvidenceSource.ConsoleOutput, "GetConsoleOutput", "Info", "Nothing classified in the console output; the console screenshot (Get-EC2ConsoleScreenshot) can show a hung boot."));
        }

        var permissionsPass = rolePermissions?.Status == NetworkCheckStatus.Passed;
        var pathPasses = network is not null && unreachable.Count == 0 && !failedChecks.Any(c => c.CheckId == NetworkServices.VpcDns);
        foreach (var (category, severity) in logFindings.OrderByDescending(f => f.Severity))
        {
            switch (category)
            {
                case "IamAccessDenied":
                    if (permissionsPass)
                    {
                        evidence.Add(new NodeEvidence(EvidenceSource.Contradiction, "IamAccessDenied/RolePermissions", "Warning",
                            "The agent's log shows AccessDenied, yet the role's policies allow the Systems Manager actions: a service control policy, a permissions boundary or a VPC endpoint policy denies them."));
                        Cause(NodeRootCauses.DeniedOutsideRole, role, DiagnosisConfidence.Medium);
                    }
                    else
                    {
                        Cause(NodeRootCauses.RolePermissions, role, DiagnosisConfidence.Medium);
                    }

                    break;
                case "EndpointUnreachable" or "DnsResolution":
                    if (pathPasses)
                    {
                        evidence.Add(new NodeEvidence(EvidenceSource.Contradiction, category + "/NetworkPath", "Warning",
                            "The agent's log shows the endpoints unreachable, yet routes, security groups, NACLs and endpoints allow the path: a host firewall, an OS proxy or DNS on the instance blocks it."));
                        Cause(NodeRootCauses.EndpointUnreachable, string.Empty, DiagnosisConfidence.Medium);
                    }

                    break;
                case "ProxyTls" or "ProxyMisconfiguration":
                    Cause(NodeRootCauses.ProxyOrTls, string.Empty, DiagnosisConfidence.Medium);
                    break;
                case "NoCredentials" or "CredentialsExpired" or "ImdsUnreachable":
                    Cause(NodeRootCauses.AgentCredentials, string.Empty, DiagnosisConfidence.Medium);
                    break;
                case "ClockSkew":
                    Cause(NodeRootCauses.ClockSkew, string.Empty, DiagnosisConfidence.Medium);
                    break;
                case "DiskSpace":
                    Cause(NodeRootCauses.DiskFull, string.Empty, DiagnosisConfidence.Medium);
                    break;
                case ConsoleOutputClassifier.BootCategory:
                    Cause(severity == SsmAgentLogSeverity.Critical ? NodeRootCauses.BootFailure : NodeRootCauses.AgentOffline, string.Empty, DiagnosisConfidence.Medium);
                    break;
                default:
                    if (severity >= SsmAgentLogSeverity.High)
                    {
                        Cause(NodeRootCauses.AgentError, category, DiagnosisConfidence.Low);
                    }

                    break;
            }
        }

        foreach (var error in facts.LookupErrors)
        {
            evidence.Add(new NodeEvidence(EvidenceSource.Lookup, error.Split(' ')[0], "Error", error));
        }

        // 6. Nothing explains a node that is not Online: say so, with what was ruled out.
        var anyErrors = checks.Any(c => c.Status == NetworkCheckStatus.Error) || facts.LookupErrors.Count > 0;
        if (!online && causes.Count == 0)
        {
            if (anyErrors)
            {
                Cause(NodeRootCauses.Unknown, string.Empty, DiagnosisConfidence.Low);
            }
            else
            {
                Cause(registration is null ? NodeRootCauses.AgentNotRegistered : NodeRootCauses.AgentOffline, string.Empty, DiagnosisConfidence.Medium);
            }
        }

        var ordered = causes.OrderBy(c => NodeRootCauses.Rank(c.Cause)).GroupBy(c => c.Cause).Select(g => g.First()).ToList();
        var root = ordered.Count > 0 ? ordered[0] : (Cause: NodeRootCauses.None, Scope: string.Empty, Confidence: anyErrors ? DiagnosisConfidence.Medium : DiagnosisConfidence.High);
        var confidence = root.Confidence;
        if (root.Cause != NodeRootCauses.None && confidence == DiagnosisConfidence.High && anyErrors)
        {
            confidence = DiagnosisConfidence.Medium; // a check that could not be read might have told more
        }

        if (root.Cause == NodeRootCauses.None && (facts.LogIssues?.Any(i => i.Category == LogCollection.FleetLogCollector.FailedCategory) ?? false))
        {
            confidence = DiagnosisConfidence.Medium; // the agent's log could not be read
        }

        var verdict = !online ? NodeVerdict.Unmanaged : root.Cause == NodeRootCauses.None ? NodeVerdict.Managed : NodeVerdict.Degraded;
        var remediation = string.Join(" ", ordered.Select(c => NodeRootCauses.Get(c.Cause).Remediation).Where(r => r.Length > 0).Distinct());
        return new NodeDiagnosis(id)
        {
            Name = instance?.Name ?? (hybrid ? registration?.ComputerName : null),
            VpcId = string.IsNullOrEmpty(vpc) ? null : vpc,
            State = hybrid ? null : state,
            PingStatus = registration?.PingStatus,
            LastPingDateTime = registration?.LastPingDateTime,
            AgentVersion = registration?.AgentVersion,
            Platform = registration?.PlatformName ?? (instance is null ? null : instance.Platform == "windows" ? "Windows" : "Linux/UNIX"),
            Verdict = verdict,
            RootCause = root.Cause,
            Scope = root.Scope,
            Summary = NodeRootCauses.Describe(root.Cause, root.Scope),
            Confidence = confidence,
            OtherCauses = ordered.Skip(1).Select(c => c.Cause).ToArray(),
            Evidence = evidence,
            Remediation = remediation,
            NextStep = NextStepFor(root.Cause, id, region, agentPaths, hybrid, instance, registration),
        };
    }

    /// <summary>
    /// The runbook for a root cause, with parameters that exist in its document (tests validate them against the
    /// documents). Hybrid nodes: the AWS Support runbooks take EC2 instances only.
    /// </summary>
    internal static RunbookNextStep? NextStepFor(string cause, string instanceId, string region, IReadOnlyList<string> unreachable, bool hybrid, Ec2Instance? instance, SsmInstanceInfo? registration)
    {
        if (hybrid || instance is null)
        {
            return null;
        }

        switch (cause)
        {
            case NodeRootCauses.NetworkPath:
                return new RunbookNextStep("AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2", instanceId,
                    new Dictionary<string, string> { ["ServiceEndpoint"] = unreachable.FirstOrDefault() + "." + region + ".amazonaws.com" });
            case NodeRootCauses.SessionChannel:
                return new RunbookNextStep("AWSSupport-TroubleshootSessionManager", instanceId);
            case NodeRootCauses.StatusCheckFailed or NodeRootCauses.BootFailure:
                return new RunbookNextStep("AWSSupport-ExecuteEC2Rescue", instanceId);
            case NodeRootCauses.None or NodeRootCauses.InstanceNotRunning or NodeRootCauses.InstanceNotFound:
                return null;
            default:
                return new RunbookNextStep("AWSSupport-TroubleshootManagedInstance", instanceId);
        }
    }
}
