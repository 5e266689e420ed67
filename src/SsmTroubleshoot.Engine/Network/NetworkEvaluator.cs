using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Network.Policy;

namespace SsmTroubleshoot.Network;

/// <summary>
/// Evaluates instances against a <see cref="NetworkSnapshot"/>: every check of AWSSupport-TroubleshootManagedInstance,
/// for ssm, ec2messages and ssmmessages (and optionally s3, kms, logs, monitoring). Pure: no AWS calls. Thread-safe.
/// </summary>
public sealed class NetworkEvaluator
{
    /// <summary>Default Host Management needs SSM Agent 3.2.582.0 or later.</summary>
    public static readonly Version MinimumDefaultHostManagementAgent = new(3, 2, 582, 0);

    private readonly NetworkSnapshot snapshot;
    private readonly IReadOnlyList<string> services;
    private readonly RolePermissionEvaluator roleEvaluator = new();

    public NetworkEvaluator(NetworkSnapshot snapshot, NetworkEvaluationOptions? options = null)
    {
        this.snapshot = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
        services = (options ?? new NetworkEvaluationOptions()).Services;
    }

    public IReadOnlyList<string> Services => services;

    public IReadOnlyList<ManagedInstanceNetworkReport> EvaluateAll(IEnumerable<string> instanceIds) =>
        (instanceIds ?? throw new ArgumentNullException(nameof(instanceIds))).Select(Evaluate).ToList();

    public ManagedInstanceNetworkReport Evaluate(string instanceId)
    {
        if (string.IsNullOrEmpty(instanceId))
        {
            throw new ArgumentException("An instance id is required.", nameof(instanceId));
        }

        var checks = new List<NetworkCheck>();
        var ssm = snapshot.FindSsmInstance(instanceId);
        if (instanceId.StartsWith("mi-", StringComparison.Ordinal))
        {
            EvaluateHybrid(instanceId, ssm, checks);
            return new ManagedInstanceNetworkReport(instanceId, null, null, null, ssm?.PingStatus, checks);
        }

        var instance = snapshot.FindInstance(instanceId);
        if (instance is null)
        {
            var gap = snapshot.FindGap(instanceId);
            checks.Add(new NetworkCheck(instanceId, NetworkServices.Instance, string.Empty, NetworkCheckStatus.Error,
                gap?.Describe() ?? "ec2:DescribeInstances does not know " + instanceId + " in " + snapshot.Region + ".",
                gap is null || gap.IsNotFound ? "Check the instance id and the region." : gap.Remediation()));
            return new ManagedInstanceNetworkReport(instanceId, null, null, null, ssm?.PingStatus, checks);
        }

        var add = new CheckWriter(instanceId, checks);
        CheckPingStatus(add, instance, ssm);
        var role = CheckInstanceProfile(add, instance, ssm);
        CheckRolePermissions(add, role, InstanceArn(instance.InstanceId, role.Role), instance, ssm);
        CheckDefaultHostManagement(add, instance, ssm);
        var context = InstanceNetwork.Create(snapshot, instance, out var networkProblem);
        if (context is null)
        {
            add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Error, networkProblem!.Value.Detail, networkProblem.Value.Remediation);
            foreach (var service in services)
            {
                foreach (var check in NetworkServices.PerServiceChecks)
                {
                    add.Add(check + "." + service, service, NetworkCheckStatus.Error, networkProblem.Value.Detail, networkProblem.Value.Remediation);
                }
            }
        }
        else
        {
            var paths = services.Select(s => ServicePath.Create(snapshot, context, s)).ToList();
            var instanceArn = InstanceArn(instance.InstanceId, role.Role);
            CheckVpcDns(add, context, paths);
            foreach (var path in paths)
            {
                CheckRoute(add, context, path);
                CheckVpcEndpoint(add, context, path, instanceArn);
                CheckEndpointSecurityGroup(add, context, path);
                CheckSecurityGroupEgress(add, context, path);
                CheckNacls(add, context, path);
            }
        }

        return new ManagedInstanceNetworkReport(instanceId, instance.Name, instance.VpcId, instance.SubnetId, ssm?.PingStatus, checks);
    }

    private void EvaluateHybrid(string instanceId, SsmInstanceInfo? ssm, List<NetworkCheck> checks)
    {
        var add = new CheckWriter(instanceId, checks);
        CheckPingStatus(add, null, ssm);
        RoleChoice role;
        if (ssm is null)
        {
            var gap = snapshot.FindGap(instanceId);
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Error,
                gap?.Describe() ?? "SSM does not know hybrid node " + instanceId + "; its activation role cannot be found.",
                gap is null ? "Check the managed node id and the region." : gap.Remediation());
            role = RoleChoice.None("the hybrid node is not known to SSM");
        }
        else if (string.IsNullOrEmpty(ssm.IamRole))
        {
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                "Hybrid node " + instanceId + " has no IAM service role in SSM.",
                "Re-register the node with an activation whose IAM role has AmazonSSMManagedInstanceCore.");
            role = RoleChoice.None("the hybrid node has no IAM role");
        }
        else
        {
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Passed,
                "Hybrid node: credentials come from the activation's IAM service role " + ssm.IamRole + ".", null);
            role = new RoleChoice(ssm.IamRole, snapshot.FindRole(ssm.IamRole), "activation role");
        }

        var arn = "arn:" + Partition(role.Role) + ":ssm:" + snapshot.Region + ":" + Account(role.Role) + ":managed-instance/" + instanceId;
        CheckRolePermissions(add, role, arn, null, null);
        const string NotInVpc = "Hybrid node: its network path is outside the VPC and is not evaluated here.";
        add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Skipped, "Default Host Management applies to EC2 instances only.", null);
        add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Skipped, NotInVpc, null);
        foreach (var service in services)
        {
            foreach (var check in NetworkServices.PerServiceChecks)
            {
                add.Add(check + "." + service, service, NetworkCheckStatus.Skipped, NotInVpc, null);
            }
        }
    }

    private void CheckPingStatus(CheckWriter add, Ec2Instance? instance, SsmInstanceInfo? ssm)
    {
        var state = instance is null || instance.State == "running" ? string.Empty : " The instance is " + instance.State + ".";
        if (ssm is null)
        {
            var gap = snapshot.FindGap(add.InstanceId, "ssm:DescribeInstanceInformation") ?? snapshot.FindGap("ssm", "ssm:DescribeInstanceInformation");
            if (gap is not null)
            {
                add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Error, gap.Describe(), gap.Remediation("Grant ssm:DescribeInstanceInformation."));
                return;
            }

            add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Info,
                "Not registered with Systems Manager (DescribeInstanceInformation has no entry)." + state,
                "Fix the failed checks below; then check the agent on the instance (installed, running, its log).");
            return;
        }

        var agent = string.IsNullOrEmpty(ssm.AgentVersion) ? string.Empty : ", agent " + ssm.AgentVersion;
        if (string.Equals(ssm.PingStatus, "Online", StringComparison.OrdinalIgnoreCase))
        {
            add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Passed, "Online" + agent + "." + state, null);
        }
        else
        {
            var last = ssm.LastPingDateTime is { } ping ? ", last ping " + ping.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
            add.Add(NetworkServices.PingStatus, string.Empty, NetworkCheckStatus.Info, ssm.PingStatus + agent + last + "." + state,
                "Fix the failed checks below; then check the agent on the instance (running, its log).");
        }
    }

    private RoleChoice CheckInstanceProfile(CheckWriter add, Ec2Instance instance, SsmInstanceInfo? ssm)
    {
        const string Remedy = "Attach an instance profile whose role has AmazonSSMManagedInstanceCore, or turn on Default Host Management and require IMDSv2 (HttpTokens required).";
        if (!instance.MetadataEndpointEnabled)
        {
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                "The instance metadata service is disabled: the agent can read neither role credentials nor its identity.",
                "Enable the metadata endpoint (ModifyInstanceMetadataOptions HttpEndpoint enabled).");
            return RoleChoice.None("the metadata service is disabled");
        }

        if (!string.IsNullOrEmpty(instance.InstanceProfileArn))
        {
            var profile = snapshot.FindInstanceProfile(instance.InstanceProfileArn);
            if (profile is null)
            {
                var gap = snapshot.FindGap(instance.InstanceProfileArn);
                add.Add(NetworkServices.InstanceProfile, string.Empty, gap is null ? NetworkCheckStatus.Passed : NetworkCheckStatus.Warning,
                    "Instance profile " + instance.InstanceProfileArn + " attached" + (gap is null ? "; its role is unknown." : "; " + gap.Describe()),
                    gap is null ? null : gap.Remediation("Grant " + gap.Operation + " to see its role."));
                return RoleChoice.None("the instance profile could not be read" + (gap is null ? string.Empty : ": " + gap.Describe()), gap);
            }

            if (profile.RoleNames.Count == 0)
            {
                add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                    "Instance profile " + profile.Name + " has no role: the agent gets no credentials.", "Add a role with AmazonSSMManagedInstanceCore to the instance profile.");
                return RoleChoice.None("the instance profile has no role");
            }

            var roleName = profile.RoleNames[0];
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Passed,
                "Instance profile " + profile.Name + " with role " + roleName + ".", null);
            return new RoleChoice(roleName, snapshot.FindRole(roleName), "instance profile role");
        }

        var dhmc = snapshot.DefaultHostManagement;
        if (dhmc is null && !InstanceAllowsDefaultHostManagement(instance, ssm, "Default Host Management", out var excluded))
        {
            // The setting could not be read, but it could not cover this instance either way: the finding stands.
            var gap = snapshot.FindGap(NetworkSnapshot.DefaultHostManagementResource);
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed,
                "No instance profile, and " + excluded + (gap is null ? "." : " (whether it is configured is unknown: " + gap.Describe() + ")."), Remedy);
            return RoleChoice.None("no instance profile, and Default Host Management cannot apply");
        }

        if (dhmc is null)
        {
            var gap = snapshot.FindGap(NetworkSnapshot.DefaultHostManagementResource);
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Error,
                "No instance profile, and whether Default Host Management covers the instance is unknown: "
                + (gap?.Describe() ?? "the service setting was not read."), gap?.Remediation("Grant ssm:GetServiceSetting, or attach an instance profile.") ?? "Grant ssm:GetServiceSetting, or attach an instance profile.");
            return RoleChoice.None("no instance profile; Default Host Management unknown", gap);
        }

        var applies = DefaultHostManagementApplies(instance, ssm, dhmc, out var why);
        if (applies)
        {
            add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Passed,
                "No instance profile; Default Host Management covers the instance with role " + dhmc.RoleName + " (" + why + ").", null);
            return new RoleChoice(dhmc.RoleName!, snapshot.FindRole(dhmc.RoleName), "Default Host Management role");
        }

        add.Add(NetworkServices.InstanceProfile, string.Empty, NetworkCheckStatus.Failed, "No instance profile, and " + why + ".", Remedy);
        return RoleChoice.None("no instance profile and Default Host Management does not apply");
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

        if (ssm?.AgentVersion is { } text && Version.TryParse(text, out var version) && version < MinimumDefaultHostManagementAgent)
        {
            why = subject + " does not apply: agent " + text + " is older than " + MinimumDefaultHostManagementAgent;
            return false;
        }

        why = string.Empty;
        return true;
    }

    private void CheckRolePermissions(CheckWriter add, RoleChoice choice, string instanceArn, Ec2Instance? instance, SsmInstanceInfo? ssm)
    {
        if (choice.RoleName is null)
        {
            if (choice.Gap is not null)
            {
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error, "No role to evaluate: " + choice.Why + ".", choice.Gap.Remediation());
                return;
            }

            add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Skipped, "No role to evaluate: " + choice.Why + ".", null);
            return;
        }

        var role = choice.Role;
        if (role is null)
        {
            var gap = snapshot.FindGap(choice.RoleName);
            if (gap is not null && gap.IsNotFound)
            {
                gap = null; // IAM answered NoSuchEntity: the role is known not to exist
            }

            add.Add(NetworkServices.RolePermissions, string.Empty, gap is null ? NetworkCheckStatus.Failed : NetworkCheckStatus.Error,
                gap is null ? "The " + choice.Label + " " + choice.RoleName + " does not exist in IAM." : "The " + choice.Label + " " + choice.RoleName + " could not be read: " + gap.Describe(),
                gap is null ? "Create the role or point the profile/setting at an existing role." : gap.Remediation());
            return;
        }

        // EC2 hands the instance profile role's credentials to the instance only if the role trusts ec2.amazonaws.com.
        if (choice.IsInstanceProfileRole && role.TrustPolicy is { } trustPolicy)
        {
            bool trusts;
            IReadOnlyList<string> trusted;
            try
            {
                trusts = Policy.TrustPolicy.AllowsService(trustPolicy, "ec2.amazonaws.com", out trusted);
            }
            catch (System.IO.InvalidDataException ex)
            {
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error, "The trust policy of " + role.RoleName + " could not be read: " + ex.Message, null);
                return;
            }

            if (!trusts)
            {
                add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Failed,
                    "The trust policy of " + role.RoleName + " does not let ec2.amazonaws.com assume it" + (trusted.Count == 0 ? "." : " (it trusts " + string.Join(", ", trusted) + ")."),
                    "Allow sts:AssumeRole for the service principal ec2.amazonaws.com in the role's trust policy.");
                return;
            }
        }

        var result = roleEvaluator.Evaluate(role, instanceArn);
        var label = "The " + choice.Label + " " + role.RoleName;
        var listGap = result.Source == PermissionSource.PolicyDocuments ? snapshot.FindGap(role.RoleName, "iam:ListAttachedRolePolicies", "iam:ListRolePolicies") : null;
        if (listGap is not null && result.Outcome is PermissionDecision.ImplicitDeny or PermissionDecision.Uncertain)
        {
            // Not seeing an Allow proves nothing when the policy list itself could not be read.
            add.Add(NetworkServices.RolePermissions, string.Empty, NetworkCheckStatus.Error,
                label + ": its policies could not be listed: " + listGap.Describe(), listGap.Remediation());
            return;
        }

        var source = result.Source == PermissionSource.SimulatePrincipalPolicy ? " (SimulatePrincipalPolicy)"
            : role.SimulationNote is { } note ? " (" + note + "; evaluated from the policy documents)"
            : string.Empty;
        const string Remedy = "Attach AmazonSSMManagedInstanceCore to the role, or allow ssm:UpdateInstanceInformation, ssmmessages:* and ec2messages:* in its policies.";
        var fallback = result.Outcome is PermissionDecision.ExplicitDeny or PermissionDecision.ImplicitDeny && instance is not null && choice.IsInstanceProfileRole
            ? DefaultHostManagementFallback(instance, ssm, instanceArn)
            : null;
        var deniedStatus = fallback is null ? NetworkCheckStatus.Failed : NetworkCheckStatus.Warning;
        switch (result.Outcome)
        {
            case PermissionDecision.Allowed:
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
                var unreadable = result.UnreadablePolicies.Count > 0;
                var gap = unreadable ? snapshot.FindGap(role.RoleName) : null;
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

    private void CheckDefaultHostManagement(CheckWriter add, Ec2Instance instance, SsmInstanceInfo? ssm)
    {
        var dhmc = snapshot.DefaultHostManagement;
        if (dhmc is null)
        {
            var gap = snapshot.FindGap(NetworkSnapshot.DefaultHostManagementResource);
            add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Error,
                gap?.Describe() ?? "The Default Host Management setting was not read.", gap?.Remediation("Grant ssm:GetServiceSetting.") ?? "Grant ssm:GetServiceSetting.");
            return;
        }

        if (!dhmc.IsConfigured)
        {
            add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Info,
                "Not configured (/ssm/managed-instance/default-ec2-instance-management-role is unset).",
                string.IsNullOrEmpty(instance.InstanceProfileArn) ? "Turn on Default Host Management, or attach an instance profile." : null);
            return;
        }

        if (!string.IsNullOrEmpty(instance.InstanceProfileArn))
        {
            add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Info,
                "Configured with role " + dhmc.RoleName + "; the instance has a profile, whose credentials the agent uses first.", null);
            return;
        }

        if (DefaultHostManagementApplies(instance, ssm, dhmc, out var why))
        {
            // Whether the role exists and grants the actions is RolePermissions' verdict.
            add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Passed,
                "Configured with role " + dhmc.RoleName + "; applies to this instance (" + why + ").", null);
            return;
        }

        add.Add(NetworkServices.DefaultHostManagement, string.Empty, NetworkCheckStatus.Warning, why + ".",
            "Require IMDSv2 on the instance (ModifyInstanceMetadataOptions HttpTokens required) or attach an instance profile.");
    }

    private void CheckVpcDns(CheckWriter add, InstanceNetwork context, IReadOnlyList<ServicePath> paths)
    {
        var vpc = context.Vpc;
        var reliedOn = paths.Where(p => p.Interface is { } e && e.IsAvailable && e.PrivateDnsEnabled).Select(p => p.Interface!.VpcEndpointId).ToList();
        if (vpc.EnableDnsSupport is null || vpc.EnableDnsHostnames is null)
        {
            var gap = snapshot.FindGap(vpc.VpcId, "ec2:DescribeVpcAttribute");
            if (gap is null && reliedOn.Count == 0)
            {
                // The fetcher reads the attributes only where an interface endpoint with private DNS relies on them.
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Skipped, vpc.VpcId + ": no interface endpoint with private DNS relies on the VPC's DNS attributes (not read).", null);
                return;
            }

            add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Error,
                gap?.Describe() ?? "The DNS attributes of " + vpc.VpcId + " were not read.", gap?.Remediation("Grant ec2:DescribeVpcAttribute.") ?? "Grant ec2:DescribeVpcAttribute.");
            return;
        }

        var values = vpc.VpcId + ": enableDnsSupport " + OnOff(vpc.EnableDnsSupport.Value) + ", enableDnsHostnames " + OnOff(vpc.EnableDnsHostnames.Value);
        const string Remedy = "Turn on enableDnsSupport and enableDnsHostnames (ModifyVpcAttribute).";
        if (vpc.EnableDnsSupport.Value && vpc.EnableDnsHostnames.Value)
        {
            add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Passed, values + ".", null);
        }
        else if (reliedOn.Count > 0)
        {
            // A service is reachable when any path works: with the Amazon DNS server on (only hostnames off) the public
            // names resolve, and a working public path (NAT, internet gateway) carries the traffic the endpoint would have.
            var stranded = paths.Where(p => p.Interface is { } e && e.IsAvailable && e.PrivateDnsEnabled
                && !(vpc.EnableDnsSupport.Value && p.Public.Status == NetworkCheckStatus.Passed)).ToList();
            if (stranded.Count == 0)
            {
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Warning,
                    values + ": the private DNS names of " + string.Join(", ", reliedOn) + " do not resolve to the endpoints; the public names resolve and the public path carries the traffic instead.", Remedy);
            }
            else
            {
                add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Failed,
                    values + ": the private DNS names of " + string.Join(", ", stranded.Select(p => p.Interface!.VpcEndpointId)) + " do not resolve to the endpoints"
                    + (vpc.EnableDnsSupport.Value ? " and no public path carries " + string.Join(", ", stranded.Select(p => p.Service)) : " and the Amazon DNS server is off") + ".", Remedy);
            }
        }
        else if (!vpc.EnableDnsSupport.Value)
        {
            add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Warning,
                values + ": the Amazon DNS server is off, so the instance needs its own DNS server to resolve the service names.", Remedy);
        }
        else
        {
            add.Add(NetworkServices.VpcDns, string.Empty, NetworkCheckStatus.Info, values + "; no interface endpoint with private DNS relies on it.", null);
        }
    }

    private void CheckRoute(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var id = NetworkServices.Route + "." + path.Service;
        if (!path.UsesInterface)
        {
            add.Add(id, path.Service, path.Public.Status, path.Public.Detail, path.Public.Remediation);
            return;
        }

        var table = context.RouteTable;
        var outcomes = new List<(NetworkCheckStatus Status, string Detail)>();
        foreach (var address in path.EndpointAddresses)
        {
            var route = LongestPrefixMatch(table, address.Address);
            if (route is null)
            {
                outcomes.Add((NetworkCheckStatus.Failed, "no route in " + context.RouteTableLabel + " covers " + address.Address));
            }
            else if (route.State == RouteState.Blackhole)
            {
                outcomes.Add((NetworkCheckStatus.Failed, address.Address + " matches " + route.Describe() + " in " + context.RouteTableLabel));
            }
            else if (route.TargetKind == RouteTargetKind.Local)
            {
                outcomes.Add((NetworkCheckStatus.Passed, "local route " + route.DestinationCidrBlock + " in " + context.RouteTableLabel));
            }
            else
            {
                outcomes.Add((NetworkCheckStatus.Warning, address.Address + " matches the more specific " + route.Describe() + " in " + context.RouteTableLabel + "; the path beyond it is not visible"));
            }
        }

        var status = Worst(outcomes.Select(o => o.Status));
        var detail = "To " + path.Interface!.VpcEndpointId + " (" + string.Join(", ", path.EndpointAddresses.Select(a => a.Address)) + "): "
            + string.Join("; ", outcomes.Where(o => o.Status == status).Select(o => o.Detail).Distinct()) + ".";
        add.Add(id, path.Service, status, detail, status == NetworkCheckStatus.Passed ? null : "Remove the route that overrides the local route to the endpoint's addresses.");
    }

    private static Route? LongestPrefixMatch(RouteTable table, Ipv4Range address)
    {
        Route? best = null;
        var bestLength = -1;
        foreach (var route in table.Routes)
        {
            if (Ipv4Range.TryParse(route.DestinationCidrBlock, out var destination) && destination.Contains(address) && destination.PrefixLength > bestLength)
            {
                best = route;
                bestLength = destination.PrefixLength;
            }
        }

        return best;
    }

    private void CheckVpcEndpoint(CheckWriter add, InstanceNetwork context, ServicePath path, string instanceArn)
    {
        var id = NetworkServices.VpcEndpoint + "." + path.Service;
        var internetOk = path.Public.Status is not (NetworkCheckStatus.Failed or NetworkCheckStatus.Error);
        var remedy = "Create an interface endpoint for " + path.EndpointServiceName + " in " + context.Vpc.VpcId + " with private DNS on.";
        if (path.UsesInterface)
        {
            var endpoint = path.Interface!;
            var policy = EndpointPolicyVerdict(endpoint, path.Service, instanceArn);
            add.Add(id, path.Service, policy.Status, endpoint.VpcEndpointId + " (" + endpoint.ServiceName + ") available, private DNS on, in "
                + string.Join(", ", endpoint.SubnetIds) + "." + policy.Detail, policy.Remediation);
            return;
        }

        if (path.Public.GatewayEndpoint is { } gateway && path.Public.Status == NetworkCheckStatus.Passed)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Passed, "Gateway endpoint " + gateway.VpcEndpointId + " (" + gateway.ServiceName + ") is routed from " + context.RouteTableLabel + ".", null);
            return;
        }

        var gatewayNote = path.Gateway is { } unrouted ? " Gateway endpoint " + unrouted.VpcEndpointId + " exists but is not associated with " + context.RouteTable.RouteTableId + "." : string.Empty;
        if (path.Interface is { } unusable)
        {
            add.Add(id, path.Service, internetOk ? NetworkCheckStatus.Warning : NetworkCheckStatus.Failed,
                unusable.VpcEndpointId + " (" + unusable.ServiceName + ") is not used: " + path.InterfaceUnusableReason + "; the agent resolves the public name and "
                + (internetOk ? "takes the internet path." : "has no internet path either.") + gatewayNote,
                path.InterfaceUnusableRemediation);
            return;
        }

        if (internetOk)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Info, "No endpoint for " + path.EndpointServiceName + "; traffic takes the internet path (see Route." + path.Service + ")." + gatewayNote, null);
        }
        else
        {
            add.Add(id, path.Service, NetworkCheckStatus.Failed, "No endpoint for " + path.EndpointServiceName + " in " + context.Vpc.VpcId + " and no internet path." + gatewayNote,
                remedy + " Or route 0.0.0.0/0 to a NAT gateway.");
        }
    }

    /// <summary>An endpoint policy can refuse the agent's calls even when the network path is fine.</summary>
    private static (NetworkCheckStatus Status, string Detail, string? Remediation) EndpointPolicyVerdict(VpcEndpoint endpoint, string service, string instanceArn)
    {
        var actions = SsmCoreActions.All.Where(a => a.StartsWith(service + ":", StringComparison.Ordinal)).ToList();
        if (string.IsNullOrWhiteSpace(endpoint.PolicyDocument) || actions.Count == 0)
        {
            return (NetworkCheckStatus.Passed, string.Empty, null);
        }

        PolicyDocument document;
        try
        {
            document = PolicyDocument.Parse(endpoint.PolicyDocument!);
        }
        catch (System.IO.InvalidDataException ex)
        {
            return (NetworkCheckStatus.Warning, " Its endpoint policy could not be read: " + ex.Message, null);
        }

        var policies = new[] { new NamedPolicy("endpoint policy of " + endpoint.VpcEndpointId, document) };
        var results = actions.Select(a => IamPolicyEvaluator.Evaluate(policies, a, a == SsmCoreActions.UpdateInstanceInformation ? instanceArn : "*")).ToList();
        var refused = results.Where(r => r.Decision is PermissionDecision.ExplicitDeny or PermissionDecision.ImplicitDeny).ToList();
        if (refused.Count > 0)
        {
            return (NetworkCheckStatus.Failed, " Its endpoint policy refuses " + string.Join(", ", refused.Select(r => r.Action)) + ": " + string.Join("; ", refused.Select(r => r.Reason).Distinct()) + ".",
                "Allow " + string.Join(", ", refused.Select(r => r.Action)) + " in the endpoint policy of " + endpoint.VpcEndpointId + " (the default policy allows all).");
        }

        var uncertain = results.Where(r => r.Decision == PermissionDecision.Uncertain).ToList();
        return uncertain.Count > 0
            ? (NetworkCheckStatus.Warning, " Its endpoint policy may refuse " + string.Join(", ", uncertain.Select(r => r.Action)) + ": " + string.Join("; ", uncertain.Select(r => r.Reason).Distinct()) + ".",
                "Check that the endpoint policy's Principal/Condition admits the instance role.")
            : (NetworkCheckStatus.Passed, " Its endpoint policy allows the agent's calls.", null);
    }

    private void CheckEndpointSecurityGroup(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var id = NetworkServices.EndpointSecurityGroup + "." + path.Service;
        if (!path.UsesInterface)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Skipped, "No interface endpoint in use for " + path.Service + ".", null);
            return;
        }

        var endpoint = path.Interface!;
        var groups = endpoint.SecurityGroupIds.Select(snapshot.FindSecurityGroup).Where(g => g is not null).Select(g => g!).ToList();
        var rule = SecurityGroupAnalyzer.FindHttpsRule(snapshot, groups, egress: false, context.InstanceAddress, context.SecurityGroupIds);
        if (rule is not null)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Passed, endpoint.VpcEndpointId + ": " + rule + ".", null);
            return;
        }

        var missing = endpoint.SecurityGroupIds.Where(g => snapshot.FindSecurityGroup(g) is null).ToList();
        if (missing.Count > 0)
        {
            var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeSecurityGroups");
            add.Add(id, path.Service, NetworkCheckStatus.Error, endpoint.VpcEndpointId + ": security groups " + string.Join(", ", missing) + " could not be read"
                + (gap is null ? "." : ": " + gap.Describe()), gap?.Remediation("Grant ec2:DescribeSecurityGroups.") ?? "Grant ec2:DescribeSecurityGroups.");
            return;
        }

        var ipv6 = SecurityGroupAnalyzer.HasIpv6OnlyHttps(groups, egress: false) ? " (IPv6-only rules ignored: the agent connects over IPv4)" : string.Empty;
        add.Add(id, path.Service, NetworkCheckStatus.Failed,
            endpoint.VpcEndpointId + ": none of " + string.Join(", ", endpoint.SecurityGroupIds) + " allows TCP 443 in from " + context.Instance.PrivateIpAddress
            + " or from " + string.Join(", ", context.SecurityGroupIds) + ipv6 + ".",
            "Add an inbound rule TCP 443 from the VPC CIDR or from " + context.SecurityGroupIds.FirstOrDefault() + " to " + endpoint.SecurityGroupIds.FirstOrDefault() + ".");
    }

    private void CheckSecurityGroupEgress(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var id = NetworkServices.SecurityGroupEgress + "." + path.Service;
        var groups = context.SecurityGroups;
        var missingNote = context.MissingSecurityGroupIds.Count > 0 ? " (" + string.Join(", ", context.MissingSecurityGroupIds) + " could not be read)" : string.Empty;
        if (groups.Count == 0)
        {
            var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeSecurityGroups");
            add.Add(id, path.Service, NetworkCheckStatus.Error, "The instance's security groups could not be read" + (gap is null ? missingNote : ": " + gap.Describe()) + ".", gap?.Remediation("Grant ec2:DescribeSecurityGroups.") ?? "Grant ec2:DescribeSecurityGroups.");
            return;
        }

        const string Remedy = "Add an outbound rule TCP 443 to 0.0.0.0/0 (or to the endpoint's security group) on one of the instance's security groups.";
        if (path.UsesInterface)
        {
            var endpoint = path.Interface!;
            var endpointGroups = new HashSet<string>(endpoint.SecurityGroupIds, StringComparer.Ordinal);
            var allowed = new List<string>();
            var blocked = new List<string>();
            foreach (var address in path.EndpointAddresses)
            {
                var rule = SecurityGroupAnalyzer.FindHttpsRule(snapshot, groups, egress: true, address.Address, endpointGroups);
                if (rule is null)
                {
                    blocked.Add(address.Address.ToString());
                }
                else
                {
                    allowed.Add(rule);
                }
            }

            var status = blocked.Count == 0 ? NetworkCheckStatus.Passed : allowed.Count == 0 ? NetworkCheckStatus.Failed : NetworkCheckStatus.Warning;
            var detail = status == NetworkCheckStatus.Passed
                ? "To " + endpoint.VpcEndpointId + ": " + string.Join("; ", allowed.Distinct()) + "."
                : "To " + endpoint.VpcEndpointId + ": no rule of " + string.Join(", ", context.SecurityGroupIds) + " allows TCP 443 out to " + string.Join(", ", blocked)
                  + (allowed.Count > 0 ? " (other addresses: " + string.Join("; ", allowed.Distinct()) + ")" : string.Empty)
                  + (SecurityGroupAnalyzer.HasIpv6OnlyHttps(groups, egress: true) ? " (IPv6-only rules ignored)" : string.Empty) + missingNote + ".";
            add.Add(id, path.Service, status, detail, status == NetworkCheckStatus.Passed ? null : Remedy);
            return;
        }

        var none = new HashSet<string>(StringComparer.Ordinal);
        var covering = path.Public.Remotes.Select(r => SecurityGroupAnalyzer.FindHttpsRule(snapshot, groups, egress: true, r, none)).ToList();
        string? prefixListRule = null;
        if (path.Public.PrefixList is { } prefixList)
        {
            prefixListRule = groups.SelectMany(g => g.Egress.Where(p => p.CoversHttps() && p.PrefixListIds.Contains(prefixList.PrefixListId))
                .Select(p => g.GroupId + " egress " + p.DescribePorts() + " to prefix list " + prefixList.PrefixListId + " (" + prefixList.Name + ")")).FirstOrDefault();
        }

        if (prefixListRule is not null || covering.All(c => c is not null))
        {
            add.Add(id, path.Service, NetworkCheckStatus.Passed, "To " + path.Public.RemoteLabel + ": " + (prefixListRule ?? string.Join("; ", covering.Distinct())) + ".", null);
            return;
        }

        var narrow = SecurityGroupAnalyzer.FindNarrowHttpsEgress(groups);
        if (narrow is not null)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Warning,
                "Only " + narrow + " allows TCP 443 out; cannot tell whether it covers " + path.Public.RemoteLabel + missingNote + ".", Remedy);
            return;
        }

        add.Add(id, path.Service, NetworkCheckStatus.Failed,
            "No rule of " + string.Join(", ", context.SecurityGroupIds) + " allows TCP 443 out to " + path.Public.RemoteLabel
            + (SecurityGroupAnalyzer.HasIpv6OnlyHttps(groups, egress: true) ? " (IPv6-only rules ignored: the agent connects over IPv4)" : string.Empty) + missingNote + ".", Remedy);
    }

    private void CheckNacls(CheckWriter add, InstanceNetwork context, ServicePath path)
    {
        var egressLegs = new List<NaclLeg>();
        var ingressLegs = new List<NaclLeg>();
        var instanceSubnet = context.Subnet.SubnetId;
        var instanceIp = new[] { context.InstanceAddress };
        var instanceLabel = context.Instance.PrivateIpAddress ?? "the instance";
        if (path.UsesInterface)
        {
            var remote = path.EndpointAddresses.Where(a => a.SubnetId != instanceSubnet).ToList();
            if (remote.Count > 0)
            {
                var addresses = remote.Select(a => a.Address).ToList();
                var label = string.Join(", ", addresses);
                egressLegs.Add(new NaclLeg(instanceSubnet, egress: true, addresses, label, PortRange.Https, "Request leaves the instance subnet"));
                ingressLegs.Add(new NaclLeg(instanceSubnet, egress: false, addresses, label, PortRange.Ephemeral, "Reply enters the instance subnet"));
            }

            foreach (var subnet in remote.Select(a => a.SubnetId).Distinct())
            {
                ingressLegs.Add(new NaclLeg(subnet, egress: false, instanceIp, instanceLabel, PortRange.Https, "Request enters the endpoint subnet"));
                egressLegs.Add(new NaclLeg(subnet, egress: true, instanceIp, instanceLabel, PortRange.Ephemeral, "Reply leaves the endpoint subnet"));
            }
        }
        else
        {
            var remotes = path.Public.Remotes;
            var label = path.Public.RemoteLabel;
            egressLegs.Add(new NaclLeg(instanceSubnet, egress: true, remotes, label, PortRange.Https, "Request leaves the instance subnet"));
            ingressLegs.Add(new NaclLeg(instanceSubnet, egress: false, remotes, label, PortRange.Ephemeral, "Reply enters the instance subnet"));
            if (path.Public.Nat is { } nat && nat.SubnetId != instanceSubnet)
            {
                // The NAT gateway's subnet is crossed twice each way: from the instance, and out to the internet.
                ingressLegs.Add(new NaclLeg(nat.SubnetId, egress: false, instanceIp, instanceLabel, PortRange.Https, "Request enters the NAT gateway subnet"));
                egressLegs.Add(new NaclLeg(nat.SubnetId, egress: true, remotes, label, PortRange.Https, "NAT gateway sends the request out"));
                ingressLegs.Add(new NaclLeg(nat.SubnetId, egress: false, remotes, label, PortRange.Ephemeral, "Reply reaches the NAT gateway"));
                egressLegs.Add(new NaclLeg(nat.SubnetId, egress: true, instanceIp, instanceLabel, PortRange.Ephemeral, "NAT gateway returns the reply"));
            }
        }

        AddNaclCheck(add, context, path, NetworkServices.NaclEgress, egressLegs);
        AddNaclCheck(add, context, path, NetworkServices.NaclIngress, ingressLegs);
    }

    private void AddNaclCheck(CheckWriter add, InstanceNetwork context, ServicePath path, string check, List<NaclLeg> legs)
    {
        var id = check + "." + path.Service;
        if (legs.Count == 0)
        {
            add.Add(id, path.Service, NetworkCheckStatus.Passed,
                "The endpoint's addresses are in the instance's subnet " + context.Subnet.SubnetId + "; NACLs do not filter traffic within a subnet.", null);
            return;
        }

        var results = new List<NaclLegResult>();
        foreach (var leg in legs)
        {
            var acl = snapshot.NetworkAclForSubnet(leg.SubnetId);
            if (acl is null)
            {
                var gap = snapshot.FindGap(context.Vpc.VpcId, "ec2:DescribeNetworkAcls");
                add.Add(id, path.Service, NetworkCheckStatus.Error, "The network ACL of " + leg.SubnetId + " is unknown" + (gap is null ? "." : ": " + gap.Describe()),
                    gap?.Remediation("Grant ec2:DescribeNetworkAcls.") ?? "Grant ec2:DescribeNetworkAcls.");
                return;
            }

            results.Add(NaclAnalyzer.Evaluate(snapshot, acl, leg));
        }

        var worst = results.Any(r => r.Outcome == NaclOutcome.Deny) ? NaclOutcome.Deny : results.Any(r => r.Outcome == NaclOutcome.Partial) ? NaclOutcome.Partial : NaclOutcome.Allow;
        var status = worst switch
        {
            NaclOutcome.Allow => NetworkCheckStatus.Passed,
            NaclOutcome.Partial => NetworkCheckStatus.Warning,
            _ => NetworkCheckStatus.Failed,
        };
        var shown = worst == NaclOutcome.Allow ? results : results.Where(r => r.Outcome != NaclOutcome.Allow);
        var remedy = check == NetworkServices.NaclEgress
            ? "Allow outbound TCP 443 to the destination in the instance subnet's NACL (and outbound 1024-65535 back to the instance in the endpoint or NAT subnet's NACL), numbered before any Deny."
            : "Allow inbound TCP 1024-65535 from the destination in the instance subnet's NACL (and inbound TCP 443 from the instance in the endpoint or NAT subnet's NACL), numbered before any Deny.";
        add.Add(id, path.Service, status, string.Join(" | ", shown.Select(r => r.Detail)) + ".", status == NetworkCheckStatus.Passed ? null : remedy);
    }

    private string InstanceArn(string instanceId, IamRole? role) =>
        "arn:" + Partition(role) + ":ec2:" + snapshot.Region + ":" + Account(role) + ":instance/" + instanceId;

    private static string Partition(IamRole? role) => ArnPart(role?.Arn, 1) ?? "aws";

    private static string Account(IamRole? role) => ArnPart(role?.Arn, 4) ?? string.Empty;

    private static string? ArnPart(string? arn, int index)
    {
        var parts = arn?.Split(':');
        return parts is not null && parts.Length > 5 && parts[index].Length > 0 ? parts[index] : null;
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static NetworkCheckStatus Worst(IEnumerable<NetworkCheckStatus> statuses)
    {
        var list = statuses.ToList();
        foreach (var status in new[] { NetworkCheckStatus.Failed, NetworkCheckStatus.Error, NetworkCheckStatus.Warning, NetworkCheckStatus.Info })
        {
            if (list.Contains(status))
            {
                return status;
            }
        }

        return list.Count == 0 ? NetworkCheckStatus.Skipped : NetworkCheckStatus.Passed;
    }

    private sealed class CheckWriter
    {
        private readonly List<NetworkCheck> checks;

        public CheckWriter(string instanceId, List<NetworkCheck> checks)
        {
            InstanceId = instanceId;
            this.checks = checks;
        }

        public string InstanceId { get; }

        public void Add(string checkId, string service, NetworkCheckStatus status, string detail, string? remediation) =>
            checks.Add(new NetworkCheck(InstanceId, checkId, service, status, detail, remediation));
    }

    private sealed class RoleChoice
    {
        public RoleChoice(string? roleName, IamRole? role, string label, string why = "", DataGap? gap = null)
        {
            RoleName = roleName;
            Role = role;
            Label = label;
            Why = why;
            Gap = gap;
        }

        public string? RoleName { get; }

        public IamRole? Role { get; }

        public string Label { get; }

        public bool IsInstanceProfileRole => Label == "instance profile role";

        public string Why { get; }

        public DataGap? Gap { get; }

        public static RoleChoice None(string why, DataGap? gap = null) => new(null, null, string.Empty, why, gap);
    }
}
