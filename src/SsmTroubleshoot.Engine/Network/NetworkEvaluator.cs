using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Iam;

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
    private readonly IdentityChecks identity;
    private readonly PathChecks paths;

    public NetworkEvaluator(NetworkSnapshot snapshot, NetworkEvaluationOptions? options = null)
    {
        this.snapshot = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
        services = (options ?? new NetworkEvaluationOptions()).Services;
        identity = new IdentityChecks(snapshot);
        paths = new PathChecks(snapshot);
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
        identity.CheckPingStatus(add, instance, ssm);
        var role = identity.CheckInstanceProfile(add, instance, ssm);
        identity.CheckRolePermissions(add, role, identity.InstanceArn(instance.InstanceId, role.Role), instance, ssm);
        identity.CheckDefaultHostManagement(add, instance, ssm);
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
            var servicePaths = services.Select(s => ServicePath.Create(snapshot, context, s)).ToList();
            var instanceArn = identity.InstanceArn(instance.InstanceId, role.Role);
            paths.CheckVpcDns(add, context, servicePaths);
            foreach (var path in servicePaths)
            {
                paths.CheckRoute(add, context, path);
                paths.CheckVpcEndpoint(add, context, path, instanceArn);
                paths.CheckEndpointSecurityGroup(add, context, path);
                paths.CheckSecurityGroupEgress(add, context, path);
                paths.CheckNacls(add, context, path);
            }
        }

        return new ManagedInstanceNetworkReport(instanceId, instance.Name, instance.VpcId, instance.SubnetId, ssm?.PingStatus, checks);
    }

    private void EvaluateHybrid(string instanceId, SsmInstanceInfo? ssm, List<NetworkCheck> checks)
    {
        var add = new CheckWriter(instanceId, checks);
        identity.CheckPingStatus(add, null, ssm);
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

        var arn = "arn:" + IdentityChecks.Partition(role.Role) + ":ssm:" + snapshot.Region + ":" + IdentityChecks.Account(role.Role) + ":managed-instance/" + instanceId;
        identity.CheckRolePermissions(add, role, arn, null, null);
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
}
