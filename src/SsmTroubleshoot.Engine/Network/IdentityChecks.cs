using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Iam;

namespace SsmTroubleshoot.Network;

/// <summary>
/// The identity half of the network evaluation: is the node registered, which role gives its agent credentials
/// (instance profile, Default Host Management, a hybrid activation role) and may that role call Systems Manager.
/// </summary>
internal sealed class IdentityChecks
{
    private readonly NetworkSnapshot snapshot;
    private readonly RolePermissionEvaluator roleEvaluator = new();

    internal IdentityChecks(NetworkSnapshot snapshot) => this.snapshot = snapshot;

    /// <summary>SSM lists a node as Online while its agent pings within about five minutes; ConnectionLost or absent means it cannot be reached.</summary>
    internal void CheckPingStatus(CheckWriter add, Ec2Instance? instance, SsmInstanceInfo? ssm) =>
        WritePingStatus(add, DecidePingStatus(add.InstanceId, ssm), instance, ssm);

    internal enum PingOutcome
    {
        /// <summary>DescribeInstanceInformation failed for the node or the region.</summary>
        Unreadable,

        /// <summary>SSM answered and has no entry for the node.</summary>
        NotRegistered,
        Online,

        /// <summary>ConnectionLost, Inactive: the agent has not pinged lately.</summary>
        NotOnline,
    }

    private (PingOutcome Outcome, DataGap? Gap) DecidePingStatus(string instanceId, SsmInstanceInfo? ssm)
    {
        if (ssm is null)
        {
            var gap = snapshot.FindGap(instanceId, "ssm:DescribeInstanceInformation") ?? snapshot.FindGap("ssm", "ssm:DescribeInstanceInformation");
            return (gap is null ? PingOutcome.NotRegistered : PingOutcome.Unreadable, gap);
        }

        return (string.Equals(ssm.PingStatus, "Online", StringComparison.OrdinalIgnoreCase) ? PingOutcome.Online : PingOutcome.NotOnline, null);
    }

    private static void WritePingStatus(CheckWriter add, (PingOutcome Outcome, DataGap? Gap) verdict, Ec2Instance? instance, SsmInstanceInfo? ssm)
    {
        var state = instance is null || instance.State == "running" ? string.Empty : " The instance is " + instance.State + ".";
        var agent = string.IsNullOrEmpty(ssm?.AgentVersion) ? string.Empty : ", agent " + ssm!.AgentVersion;
        switch (verdict.Outcome)
        {
            case PingOutcome.Unreadable:
                add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Error, verdict.Gap!.Describe(), verdict.Gap.Remediation("Grant ssm:DescribeInstanceInformation."));
                break;
            case PingOutcome.NotRegistered:
                add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Info,
                    "Not registered with Systems Manager (DescribeInstanceInformation has no entry)." + state,
                    "Fix the failed checks below; then check the agent on the instance (installed, running, its log).");
                break;
            case PingOutcome.Online:
                add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Passed, "Online" + agent + "." + state, null);
                break;
            default:
                var last = ssm!.LastPingDateTime is { } ping ? ", last ping " + ping.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
                add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Info, ssm.PingStatus + agent + last + "." + state,
                    "Fix the failed checks below; then check the agent on the instance (running, its log).");
                break;
        }
    }

    /// <summary>The agent takes credentials from the instance profile first (IMDS), then from Default Host Management when the account has it on.</summary>
    internal RoleChoice CheckInstanceProfile(CheckWriter add, Ec2Instance instance, SsmInstanceInfo? ssm)
    {
        var verdict = DecideInstanceProfile(instance, ssm);
        WriteInstanceProfile(add, instance, verdict);
        return verdict.Role;
    }

    internal enum InstanceProfileOutcome
    {
        /// <summary>IMDS is off: no role credentials and no identity document, whatever is attached.</summary>
        MetadataDisabled,

        /// <summary>A profile is attached but iam:GetInstanceProfile did not show it (a gap, or not read).</summary>
        ProfileUnread,
        ProfileWithoutRole,
        ProfileWithRole,

        /// <summary>No profile; the Default Host Management setting is unknown but could not cover the instance anyway.</summary>
        NoProfileDhmcCannotApply,

        /// <summary>No profile; whether Default Host Management covers the instance is unknown.</summary>
        NoProfileDhmcUnknown,
        NoProfileDhmcCovers,
        NoProfileDhmcDoesNotApply,
    }

    /// <summary>The decision and what the message needs: the role chosen, the profile, the gap, why Default Host Management does (not) apply.</summary>
    private sealed record InstanceProfileVerdict(InstanceProfileOutcome Outcome, RoleChoice Role, InstanceProfile? Profile = null, DataGap? Gap = null, string Why = "");

    private InstanceProfileVerdict DecideInstanceProfile(Ec2Instance instance, SsmInstanceInfo? ssm)
    {
        if (!instance.MetadataEndpointEnabled)
        {
            return new(InstanceProfileOutcome.MetadataDisabled, RoleChoice.None("the metadata service is disabled"));
        }

        if (!string.IsNullOrEmpty(instance.InstanceProfileArn))
        {
            var profile = snapshot.FindInstanceProfile(instance.InstanceProfileArn);
            if (profile is null)
            {
                var gap = snapshot.FindGap(instance.InstanceProfileArn);
                return new(InstanceProfileOutcome.ProfileUnread,
                    RoleChoice.None("the instance profile could not be read" + (gap is null ? string.Empty : ": " + gap.Describe()), gap), Gap: gap);
            }

            if (profile.RoleNames.Count == 0)
            {
                return new(InstanceProfileOutcome.ProfileWithoutRole, RoleChoice.None("the instance profile has no role"), profile);
            }

            var roleName = profile.RoleNames[0];
            return new(InstanceProfileOutcome.ProfileWithRole, new RoleChoice(roleName, snapshot.FindRole(roleName), "instance profile role"), profile);
        }

        var dhmc = snapshot.DefaultHostManagement;
        if (dhmc is null && !InstanceAllowsDefaultHostManagement(instance, ssm, "Default Host Management", out var excluded))
        {
            // The setting could not be read, but it could not cover this instance either way: the finding stands.
            return new(InstanceProfileOutcome.NoProfileDhmcCannotApply, RoleChoice.None("no instance profile, and Default Host Management cannot apply"),
                Gap: snapshot.FindGap(NetworkSnapshot.DefaultHostManagementResource), Why: excluded);
        }

        if (dhmc is null)
        {
            var gap = snapshot.FindGap(NetworkSnapshot.DefaultHostManagementResource);
            return new(InstanceProfileOutcome.NoProfileDhmcUnknown, RoleChoice.None("no instance profile; Default Host Management unknown", gap), Gap: gap);
        }

        if (DefaultHostManagementApplies(instance, ssm, dhmc, out var why))
        {
            return new(InstanceProfileOutcome.NoProfileDhmcCovers, new RoleChoice(dhmc.RoleName!, snapshot.FindRole(dhmc.RoleName), "Default Host Management role"), Why: why);
        }

        return new(InstanceProfileOutcome.NoProfileDhmcDoesNotApply, RoleChoice.None("no instance profile and Default Host Management does not apply"), Why: why);
    }

    private static void WriteInstanceProfile(CheckWriter add, Ec2Instance instance, InstanceProfileVerdict verdict)
    {
        const string Remedy = "Attach an instance profile whose role has AmazonSSMManagedInstanceCore, or turn on Default Host Management and require IMDSv2 (HttpTokens required).";
        var gap = verdict.Gap;
        switch (verdict.Outcome)
        {
            case InstanceProfileOutcome.MetadataDisabled:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                    "The instance metadata service is disabled: the agent can read neither role credentials nor its identity.",
                    "Enable the metadata endpoint (ModifyInstanceMetadataOptions HttpEndpoint enabled).");
                break;
            case InstanceProfileOutcome.ProfileUnread:
                add.Add(NetworkServices.InstanceProfile, string.Empty, gap is null ? NetworkCheckStatus.Passed : NetworkCheckStatus.Warning,
                    "Instance profile " + instance.InstanceProfileArn + " attached" + (gap is null ? "; its role is unknown." : "; " + gap.Describe()),
                    gap is null ? null : gap.Remediation("Grant " + gap.Operation + " to see its role."));
                break;
            case InstanceProfileOutcome.ProfileWithoutRole:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                    "Instance profile " + verdict.Profile!.Name + " has no role: the agent gets no credentials.", "Add a role with AmazonSSMManagedInstanceCore to the instance profile.");
                break;
            case InstanceProfileOutcome.ProfileWithRole:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Passed,
                    "Instance profile " + verdict.Profile!.Name + " with role " + verdict.Role.RoleName + ".", null);
                break;
            case InstanceProfileOutcome.NoProfileDhmcCannotApply:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                    "No instance profile, and " + verdict.Why + (gap is null ? "." : " (whether it is configured is unknown: " + gap.Describe() + ")."), Remedy);
                break;
            case InstanceProfileOutcome.NoProfileDhmcUnknown:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Error,
                    "No instance profile, and whether Default Host Management covers the instance is unknown: "
                    + (gap?.Describe() ?? "the service setting was not read."), gap?.Remediation("Grant ssm:GetServiceSetting, or attach an instance profile.") ?? "Grant ssm:GetServiceSetting, or attach an instance profile.");
                break;
            case InstanceProfileOutcome.NoProfileDhmcCovers:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Passed,
                    "No instance profile; Default Host Management covers the instance with role " + verdict.Role.RoleName + " (" + verdict.Why + ").", null);
                break;
            default:
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed, "No instance profile, and " + verdict.Why + ".", Remedy);
                break;
        }
    }

    private static bool DefaultHostManagementApplies(Ec2Instance instance, SsmInstanceInfo? ssm, DefaultHostManagementSetting dhmc, out string why)
    {
        if (!dhmc.IsConfigured)
        {
            why = "Default Host Management is not configured";
            return false;
        }

        if (!InstanceAllowsDefaultHostManagement(instance, ssm, "Default Host Management (role " + dhmc.RoleName + ")", out why))
        {
            return false;
        }

        why = "IMDSv2 required";
        return true;
    }

    /// <summary>
    /// What Default Host Management needs of the instance itself, whatever the account setting: IMDSv2 required
    /// (HttpTokens required) and SSM Agent 3.2.582.0 or later. See
    /// https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-default-host-management-configuration.html
    /// ("Default Host Management Configuration requires Instance Metadata Service Version 2").
    /// </summary>
    private static bool InstanceAllowsDefaultHostManagement(Ec2Instance instance, SsmInstanceInfo? ssm, string subject, out string why)
    {
        if (instance.HttpTokens != ImdsTokens.Required)
        {
            why = subject + " does not apply: it needs IMDSv2 and the instance's HttpTokens is optional";
            return false;
        }

        if (ssm?.AgentVersion is { } text && Version.TryParse(text, out var version) && version < NetworkEvaluator.MinimumDefaultHostManagementAgent)
        {
            why = subject + " does not apply: agent " + text + " is older than " + NetworkEvaluator.MinimumDefaultHostManagementAgent;
            return false;
        }

        why = string.Empty;
        return true;
    }

    /// <summary>The role must allow the ssm, ec2messages and ssmmessages actions of AmazonSSMManagedInstanceCore on this instance (identity policies, boundary).</summary>
    internal void CheckRolePermissions(CheckWriter add, RoleChoice choice, string instanceArn, Ec2Instance? instance, SsmInstanceInfo? ssm) =>
        WriteRolePermissions(add, choice, DecideRolePermissions(choice, instanceArn, instance, ssm));

    internal enum RolePermissionsOutcome
    {
        /// <summary>No role was chosen (no profile, metadata off, ...): nothing to evaluate.</summary>
        NoRole,

        /// <summary>No role was chosen because what would name it could not be read.</summary>
        NoRoleUnread,

        /// <summary>IAM answered NoSuchEntity for the role.</summary>
        RoleMissing,
        RoleUnread,
        TrustPolicyUnreadable,

        /// <summary>The instance profile role does not trust ec2.amazonaws.com: EC2 cannot hand its credentials to the instance.</summary>
        NotTrustedByEc2,

        /// <summary>The policy list could not be read and no Allow was seen: proves nothing.</summary>
        PoliciesUnlisted,

        /// <summary>The role's own verdict (Allowed, ExplicitDeny, ImplicitDeny, Uncertain) in <see cref="RolePermissionsVerdict.Result"/>.</summary>
        Evaluated,
    }

    /// <summary>The decision and what the message needs.</summary>
    private sealed record RolePermissionsVerdict(RolePermissionsOutcome Outcome, DataGap? Gap = null, string Detail = "", IReadOnlyList<string>? Trusted = null,
        RolePermissionResult? Result = null, string? Fallback = null);

    private RolePermissionsVerdict DecideRolePermissions(RoleChoice choice, string instanceArn, Ec2Instance? instance, SsmInstanceInfo? ssm)
    {
        if (choice.RoleName is null)
        {
            return new(choice.Gap is null ? RolePermissionsOutcome.NoRole : RolePermissionsOutcome.NoRoleUnread, choice.Gap);
        }

        var role = choice.Role;
        if (role is null)
        {
            var gap = snapshot.FindGap(choice.RoleName);
            // IAM answered NoSuchEntity: the role is known not to exist.
            return gap is null || gap.IsNotFound ? new(RolePermissionsOutcome.RoleMissing) : new(RolePermissionsOutcome.RoleUnread, gap);
        }

        // EC2 hands the instance profile role's credentials to the instance only if the role trusts ec2.amazonaws.com.
        if (choice.IsInstanceProfileRole && role.TrustPolicy is { } trustPolicy)
        {
            bool trusts;
            IReadOnlyList<string> trusted;
            try
            {
                trusts = TrustPolicy.AllowsService(trustPolicy, "ec2.amazonaws.com", out trusted);
            }
            catch (System.IO.InvalidDataException ex)
            {
                return new(RolePermissionsOutcome.TrustPolicyUnreadable, Detail: ex.Message);
            }

            if (!trusts)
            {
                return new(RolePermissionsOutcome.NotTrustedByEc2, Trusted: trusted);
            }
        }

        var result = roleEvaluator.Evaluate(role, instanceArn);
        var listGap = result.Source == PermissionSource.PolicyDocuments ? snapshot.FindGap(role.RoleName, "iam:ListAttachedRolePolicies", "iam:ListRolePolicies") : null;
        if (listGap is not null && result.Outcome is PermissionDecision.ImplicitDeny or PermissionDecision.Uncertain)
        {
            // Not seeing an Allow proves nothing when the policy list itself could not be read.
            return new(RolePermissionsOutcome.PoliciesUnlisted, listGap);
        }

        var fallback = result.Outcome is PermissionDecision.ExplicitDeny or PermissionDecision.ImplicitDeny && instance is not null && choice.IsInstanceProfileRole
            ? DefaultHostManagementFallback(instance, ssm, instanceArn)
            : null;
        var unreadGap = result.Outcome == PermissionDecision.Uncertain && result.UnreadablePolicies.Count > 0 ? snapshot.FindGap(role.RoleName) : null;
        return new(RolePermissionsOutcome.Evaluated, result.Outcome == PermissionDecision.Allowed ? listGap : unreadGap, Result: result, Fallback: fallback);
    }

    private static void WriteRolePermissions(CheckWriter add, RoleChoice choice, RolePermissionsVerdict verdict)
    {
        var gap = verdict.Gap;
        switch (verdict.Outcome)
        {
            case RolePermissionsOutcome.NoRole:
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Skipped, "No role to evaluate: " + choice.Why + ".", null);
                return;
            case RolePermissionsOutcome.NoRoleUnread:
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error, "No role to evaluate: " + choice.Why + ".", gap!.Remediation());
                return;
            case RolePermissionsOutcome.RoleMissing:
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Failed, "The " + choice.Label + " " + choice.RoleName + " does not exist in IAM.",
                    "Create the role or point the profile/setting at an existing role.");
                return;
            case RolePermissionsOutcome.RoleUnread:
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error, "The " + choice.Label + " " + choice.RoleName + " could not be read: " + gap!.Describe(), gap.Remediation());
                return;
        }

        var role = choice.Role!;
        var label = "The " + choice.Label + " " + role.RoleName;
        switch (verdict.Outcome)
        {
            case RolePermissionsOutcome.TrustPolicyUnreadable:
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error, "The trust policy of " + role.RoleName + " could not be read: " + verdict.Detail, null);
                return;
            case RolePermissionsOutcome.NotTrustedByEc2:
                var trusted = verdict.Trusted!;
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Failed,
                    "The trust policy of " + role.RoleName + " does not let ec2.amazonaws.com assume it" + (trusted.Count == 0 ? "." : " (it trusts " + string.Join(", ", trusted) + ")."),
                    "Allow sts:AssumeRole for the service principal ec2.amazonaws.com in the role's trust policy.");
                return;
            case RolePermissionsOutcome.PoliciesUnlisted:
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error,
                    label + ": its policies could not be listed: " + gap!.Describe(), gap.Remediation());
                return;
        }

        var result = verdict.Result!;
        var fallback = verdict.Fallback;
        var source = result.Source == PermissionSource.SimulatePrincipalPolicy ? " (SimulatePrincipalPolicy)"
            : role.SimulationNote is { } note ? " (" + note + "; evaluated from the policy documents)"
            : string.Empty;
        const string Remedy = "Attach AmazonSSMManagedInstanceCore to the role, or allow ssm:UpdateInstanceInformation, ssmmessages:* and ec2messages:* in its policies.";
        var deniedStatus = fallback is null ? NetworkCheckStatus.Failed : NetworkCheckStatus.Warning;
        switch (result.Outcome)
        {
            case PermissionDecision.Allowed:
                var listGap = gap;
                var deciders = result.Actions.GroupBy(a => a.DecidingPolicy)
                    .Select(g => g.Key + " (" + string.Join(", ", g.Select(a => a.DecidingStatement).Distinct()) + ")").ToList();
                var unread = result.UnreadablePolicies.Count == 0 ? string.Empty : " " + string.Join(", ", result.UnreadablePolicies) + " could not be read (a Deny in it would not be seen).";
                unread += listGap is null ? string.Empty : " " + listGap.Describe() + " (a Deny there would not be seen).";
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Passed,
                    label + " allows all " + result.Actions.Count + " SSM core actions" + source
                    + (result.Source == PermissionSource.PolicyDocuments ? ": " + string.Join("; ", deciders) : string.Empty) + "." + unread, null);
                break;
            case PermissionDecision.ExplicitDeny:
                var denied = result.WithDecision(PermissionDecision.ExplicitDeny).ToList();
                add.Add(NetworkServices.RolePermissions, string.Empty, deniedStatus,
                    label + " denies " + string.Join(", ", denied.Select(a => a.Action)) + source + ": " + string.Join("; ", denied.Select(a => a.Reason).Distinct()) + "." + fallback,
                    "Remove or narrow the Deny statement; explicit Deny wins over any Allow.");
                break;
            case PermissionDecision.ImplicitDeny:
                var missing = result.WithDecision(PermissionDecision.ImplicitDeny).Select(a => a.Action).ToList();
                add.Add(NetworkServices.RolePermissions, string.Empty, deniedStatus,
                    label + " does not allow " + string.Join(", ", missing) + source + " (policies: "
                    + (role.Policies.Count == 0 ? "none" : string.Join(", ", role.Policies.Select(p => p.PolicyName))) + ")." + fallback, Remedy);
                break;
            default:
                var uncertain = result.WithDecision(PermissionDecision.Uncertain).ToList();
                add.Add(NetworkServices.RolePermissions, string.Empty, gap is null ? NetworkCheckStatus.Warning : NetworkCheckStatus.Error,
                    label + ": cannot confirm " + string.Join(", ", uncertain.Select(a => a.Action)) + ": "
                    + string.Join("; ", uncertain.Select(a => a.Reason).Distinct()) + (gap is null ? "." : ". " + gap.Describe()),
                    gap is not null ? gap.Remediation() : "Check that the Condition holds for the instance, or allow the actions without a Condition.");
                break;
        }
    }

    // Agents that support Default Host Management fall back to its role when the profile's credentials are refused.
    private string? DefaultHostManagementFallback(Ec2Instance instance, SsmInstanceInfo? ssm, string instanceArn)
    {
        var dhmc = snapshot.DefaultHostManagement;
        if (dhmc is null || !DefaultHostManagementApplies(instance, ssm, dhmc, out _) || snapshot.FindRole(dhmc.RoleName) is not { } dhmcRole
            || roleEvaluator.Evaluate(dhmcRole, instanceArn).Outcome != PermissionDecision.Allowed)
        {
            return null;
        }

        return " Default Host Management role " + dhmcRole.RoleName + " grants them, and the agent falls back to it when the profile's credentials are refused.";
    }

    /// <summary>Default Host Management (the /ssm/managed-instance/default-ec2-instance-management-role setting) needs IMDSv2 and agent 3.2.582.0+.</summary>
    internal void CheckDefaultHostManagement(CheckWriter add, Ec2Instance instance, SsmInstanceInfo? ssm) =>
        WriteDefaultHostManagement(add, DecideDefaultHostManagement(instance, ssm, out var why), instance, snapshot.DefaultHostManagement, why);

    internal enum DefaultHostManagementOutcome
    {
        /// <summary>ssm:GetServiceSetting failed: whether the account has it on is unknown.</summary>
        Unreadable,
        NotConfigured,

        /// <summary>Configured, but the instance has a profile, which the agent uses first.</summary>
        ProfileFirst,
        Applies,

        /// <summary>Configured, but the instance does not meet its needs (IMDSv2, agent version).</summary>
        DoesNotApply,
    }

    private DefaultHostManagementOutcome DecideDefaultHostManagement(Ec2Instance instance, SsmInstanceInfo? ssm, out string why)
    {
        why = string.Empty;
        var dhmc = snapshot.DefaultHostManagement;
        if (dhmc is null)
        {
            return DefaultHostManagementOutcome.Unreadable;
        }

        if (!dhmc.IsConfigured)
        {
            return DefaultHostManagementOutcome.NotConfigured;
        }

        if (!string.IsNullOrEmpty(instance.InstanceProfileArn))
        {
            return DefaultHostManagementOutcome.ProfileFirst;
        }

        // Whether the role exists and grants the actions is RolePermissions' verdict.
        return DefaultHostManagementApplies(instance, ssm, dhmc, out why) ? DefaultHostManagementOutcome.Applies : DefaultHostManagementOutcome.DoesNotApply;
    }

    private void WriteDefaultHostManagement(CheckWriter add, DefaultHostManagementOutcome outcome, Ec2Instance instance, DefaultHostManagementSetting? dhmc, string why)
    {
        switch (outcome)
        {
            case DefaultHostManagementOutcome.Unreadable:
                var gap = snapshot.FindGap(NetworkSnapshot.DefaultHostManagementResource);
                add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Error,
                    gap?.Describe() ?? "The Default Host Management setting was not read.", gap?.Remediation("Grant ssm:GetServiceSetting.") ?? "Grant ssm:GetServiceSetting.");
                break;
            case DefaultHostManagementOutcome.NotConfigured:
                add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Info,
                    "Not configured (/ssm/managed-instance/default-ec2-instance-management-role is unset).",
                    string.IsNullOrEmpty(instance.InstanceProfileArn) ? "Turn on Default Host Management, or attach an instance profile." : null);
                break;
            case DefaultHostManagementOutcome.ProfileFirst:
                add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Info,
                    "Configured with role " + dhmc!.RoleName + "; the instance has a profile, whose credentials the agent uses first.", null);
                break;
            case DefaultHostManagementOutcome.Applies:
                add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Passed,
                    "Configured with role " + dhmc!.RoleName + "; applies to this instance (" + why + ").", null);
                break;
            default:
                add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Warning, why + ".",
                    "Require IMDSv2 on the instance (ModifyInstanceMetadataOptions HttpTokens required) or attach an instance profile.");
                break;
        }
    }

    internal string InstanceArn(string instanceId, IamRole? role) =>
        "arn:" + Partition(role) + ":ec2:" + snapshot.Region + ":" + Account(role) + ":instance/" + instanceId;

    internal static string Partition(IamRole? role) => ArnPart(role?.Arn, 1) ?? "aws";

    internal static string Account(IamRole? role) => ArnPart(role?.Arn, 4) ?? string.Empty;

    private static string? ArnPart(string? arn, int index)
    {
        var parts = arn?.Split(':');
        return parts is not null && parts.Length > 5 && parts[index].Length > 0 ? parts[index] : null;
    }
}
