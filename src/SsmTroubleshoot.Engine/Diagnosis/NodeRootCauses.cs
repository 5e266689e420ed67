using System;
using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.Diagnosis;

/// <summary>One documented root cause: its id, what it means, what fixes it.</summary>
public sealed class NodeRootCause
{
    internal NodeRootCause(string id, string description, string remediation)
    {
        Id = id;
        Description = description;
        Remediation = remediation;
    }

    public string Id { get; }

    /// <summary>The cause in a line; {0} is the scope (service, VPC, role) when there is one.</summary>
    public string Description { get; }

    public string Remediation { get; }
}

/// <summary>
/// The documented set of root causes, in the order a node is judged: the first that applies is the root cause, the others
/// are listed as OtherCauses. The order is the order of repair: a stopped or impaired instance first; then the network
/// path (without it nothing else can be confirmed by the agent), credentials, permissions; then what the agent's own
/// logs and console say.
/// </summary>
public static class NodeRootCauses
{
    public const string None = "None";
    public const string InstanceNotFound = "InstanceNotFound";
    public const string InstanceNotRunning = "InstanceNotRunning";
    public const string StatusCheckFailed = "StatusCheckFailed";
    public const string NetworkPath = "NetworkPath";
    public const string VpcDns = "VpcDns";
    public const string NoInstanceProfile = "NoInstanceProfile";
    public const string RoleTrust = "RoleTrust";
    public const string RolePermissions = "RolePermissions";
    public const string DeniedOutsideRole = "DeniedOutsideRole";
    public const string ActivationExpired = "ActivationExpired";
    public const string ActivationLimitReached = "ActivationLimitReached";
    public const string EndpointUnreachable = "EndpointUnreachable";
    public const string ProxyOrTls = "ProxyOrTls";
    public const string AgentCredentials = "AgentCredentials";
    public const string ClockSkew = "ClockSkew";
    public const string DiskFull = "DiskFull";
    public const string BootFailure = "BootFailure";
    public const string SessionChannel = "SessionChannel";
    public const string AgentNotRegistered = "AgentNotRegistered";
    public const string AgentOffline = "AgentOffline";
    public const string AgentError = "AgentError";
    public const string Unknown = "Unknown";

    private static readonly NodeRootCause[] s_all =
    {
        new(InstanceNotFound, "instance not found{0}", "Check the instance id and the region (-Region)."),
        new(InstanceNotRunning, "instance not running{0}", "Start the instance (Start-EC2Instance); the agent registers within minutes of boot."),
        new(StatusCheckFailed, "EC2 status check failed{0}", "Read the console output and screenshot; stop and start the instance (system check) or repair the OS with AWSSupport-ExecuteEC2Rescue (instance check)."),
        new(NetworkPath, "no path to {0}", "Add a route (NAT or internet gateway) or interface VPC endpoints for ssm, ec2messages and ssmmessages, and allow TCP 443 out in the security group and NACL (and in to the endpoints)."),
        new(VpcDns, "VPC DNS off{0}", "Enable enableDnsSupport and enableDnsHostnames on the VPC: the endpoints' private DNS names need them."),
        new(NoInstanceProfile, "no instance profile or usable credentials{0}", "Attach an instance profile whose role has AmazonSSMManagedInstanceCore, or configure Default Host Management (IMDSv2 required)."),
        new(RoleTrust, "role does not trust ec2.amazonaws.com{0}", "Let the role's trust policy allow sts:AssumeRole for the ec2.amazonaws.com service principal."),
        new(RolePermissions, "role lacks Systems Manager permissions{0}", "Attach AmazonSSMManagedInstanceCore (or the ssm, ssmmessages and ec2messages actions it grants) to the role."),
        new(DeniedOutsideRole, "access denied though the role allows it{0}", "The role's policies allow the call, yet AWS denies it: check service control policies, the role's permissions boundary and the VPC endpoint policy."),
        new(ActivationExpired, "hybrid activation expired{0}", "Create a new activation (New-SSMActivation) and re-register the node with its code and id."),
        new(ActivationLimitReached, "hybrid activation registration limit reached{0}", "Create an activation with a higher registration limit for new nodes; deregister nodes that are gone."),
        new(EndpointUnreachable, "agent cannot reach the endpoints{0}", "The VPC allows the path: check the host firewall, the OS proxy settings and DNS resolution on the instance (Test-SsmEndpoint on the box)."),
        new(ProxyOrTls, "proxy or TLS interception{0}", "Configure the agent's proxy (https_proxy, no_proxy with 169.254.169.254) and trust the proxy's CA, or exempt the AWS endpoints from inspection."),
        new(AgentCredentials, "agent has no credentials{0}", "Check IMDS (enabled, hop limit, IMDSv2), the instance profile, and the agent's credential chain (Get-SsmDiagnostic on the box)."),
        new(ClockSkew, "clock skew{0}", "Synchronise the clock (Amazon Time Sync Service, 169.254.169.123)."),
        new(DiskFull, "disk full{0}", "Free disk space on the volume holding the agent's logs and state."),
        new(BootFailure, "operating system failed to boot{0}", "Read the console screenshot; repair the volume with AWSSupport-ExecuteEC2Rescue."),
        new(SessionChannel, "no path for Session Manager to {0}", "Sessions need ssmmessages: add its interface endpoint or route, and allow TCP 443 to it."),
        new(AgentNotRegistered, "agent never registered{0}", "The path and the role are fine: install or start the SSM Agent, or re-register it; AWSSupport-TroubleshootManagedInstance runs the same checks on the instance."),
        new(AgentOffline, "agent stopped reporting{0}", "The path and the role look fine: check that the agent runs (console output, screenshot) and its log on the box."),
        new(AgentError, "agent log errors{0}", "See the evidence's log lines and the remediation of their rules (Get-SsmAgentLogRule)."),
        new(Unknown, "cause unknown: lookups failed{0}", "Grant the describe permissions named in the evidence and run again."),
        new(None, "managed{0}", string.Empty),
    };

    private static readonly Dictionary<string, NodeRootCause> s_byId = s_all.ToDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>Every root cause id, in judging order (None last).</summary>
    public static IReadOnlyList<NodeRootCause> All => s_all;

    public static NodeRootCause Get(string id) => s_byId.TryGetValue(id, out var cause) ? cause : throw new ArgumentException("Unknown root cause " + id, nameof(id));

    /// <summary>Judging order: lower wins.</summary>
    internal static int Rank(string id) => Array.FindIndex(s_all, c => c.Id == id);

    /// <summary>The description with its scope: "no path to ssm in vpc-1".</summary>
    public static string Describe(string id, string scope)
    {
        var text = Get(id).Description;
        var takesObject = text.Contains(" to {0}");
        return text.Replace("{0}", string.IsNullOrEmpty(scope) ? (takesObject ? "the endpoints" : string.Empty) : (takesObject ? scope : " (" + scope + ")"));
    }
}
