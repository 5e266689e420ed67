using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>An EC2 filter (Name, Values), e.g. tag:Environment = prod.</summary>
public sealed class Ec2Filter
{
    public Ec2Filter(string name, params string[] values)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Values = values ?? Array.Empty<string>();
    }

    public string Name { get; }

    public IReadOnlyList<string> Values { get; }
}

/// <summary>The instances DescribeInstances found and the ids it did not know (reported, never fatal).</summary>
public sealed class InstanceLookup
{
    public InstanceLookup(IReadOnlyList<Ec2Instance> instances, IReadOnlyList<string> unknownIds)
    {
        Instances = instances;
        UnknownIds = unknownIds;
    }

    public IReadOnlyList<Ec2Instance> Instances { get; }

    public IReadOnlyList<string> UnknownIds { get; }
}

/// <summary>
/// The EC2 and SSM reads behind Test-ManagedInstanceNetwork. Every method is one API (paginated) over ALL the VPCs
/// at once (a vpc-id filter with many values), so a fleet costs a number of calls that grows with VPCs, not instances:
/// <list type="bullet">
/// <item>DescribeInstances: InstanceIds in pages of 1000 (an unknown id fails the whole call with
/// InvalidInstanceID.NotFound: the ids named in the message are set aside and the rest retried; when the message names
/// none, the batch is re-read with an instance-id filter, which ignores unknown ids), or Filters for -Filter/-All.</item>
/// <item>Once for all VPCs: DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeNetworkAcls,
/// DescribeSecurityGroups, DescribeVpcEndpoints, DescribeNetworkInterfaces (interface-type vpc_endpoint: the endpoint
/// ENIs' IPs), DescribeNatGateways, DescribeInternetGateways (attachment.vpc-id).</item>
/// <item>Per VPC: DescribeVpcAttribute twice (enableDnsSupport, enableDnsHostnames): the API has no batch form.</item>
/// <item>Per referenced prefix list: DescribeManagedPrefixLists (names, one call) + GetManagedPrefixListEntries.</item>
/// <item>SSM: DescribeInstanceInformation with an InstanceIds filter, 50 per call; GetServiceSetting once (DHMC).</item>
/// <item>IAM (see <see cref="IIamPolicyReader"/>): per distinct instance profile and role, managed documents cached by ARN.</item>
/// </list>
/// Errors are thrown (the fetcher turns them into <see cref="DataGap"/>s); retries and throttling back-off belong to the client.
/// </summary>
public interface INetworkDataSource
{
    Task<InstanceLookup> DescribeInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken);

    /// <summary>Instances matching EC2 filters; no filter means every instance in the region.</summary>
    Task<IReadOnlyList<Ec2Instance>> DescribeInstancesAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken);

    /// <summary>VPCs with their CIDRs; DNS attributes left null (see <see cref="DescribeVpcDnsAttributesAsync"/>).</summary>
    Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<(bool EnableDnsSupport, bool EnableDnsHostnames)> DescribeVpcDnsAttributesAsync(string vpcId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<NetworkAcl>> DescribeNetworkAclsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<SecurityGroup>> DescribeSecurityGroupsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    /// <summary>Endpoints; interface endpoints carry their ENI ids only (no IPs) until merged with the ENI read.</summary>
    Task<IReadOnlyList<VpcEndpoint>> DescribeVpcEndpointsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    /// <summary>The interface-endpoint ENIs of the VPCs, with subnet and private IP.</summary>
    Task<IReadOnlyList<EndpointNetworkInterface>> DescribeEndpointNetworkInterfacesAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<NatGateway>> DescribeNatGatewaysAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<ManagedPrefixList>> DescribePrefixListsAsync(IReadOnlyCollection<string> prefixListIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<SsmInstanceInfo>> DescribeInstanceInformationAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken);

    Task<DefaultHostManagementSetting> GetDefaultHostManagementAsync(CancellationToken cancellationToken);
}

/// <summary>An attached managed policy as ListAttachedRolePolicies names it.</summary>
public sealed class AttachedPolicyReference
{
    public AttachedPolicyReference(string policyName, string policyArn)
    {
        PolicyName = policyName;
        PolicyArn = policyArn;
    }

    public string PolicyName { get; }

    public string PolicyArn { get; }
}

/// <summary>Readers that also learn roles' trust policies (from GetInstanceProfile and GetRole, at no extra call).</summary>
public interface IIamTrustPolicySource
{
    /// <summary>The trust policy of a role already read, or null.</summary>
    string? TrustPolicyOf(string roleName);
}

/// <summary>
/// The IAM reads (IAM Query API; implemented by the IAM client of the AWS plumbing). Documents are returned as IAM
/// sends them (URL-encoded JSON is fine). Each call may throw; the fetcher records a gap naming the operation.
/// </summary>
public interface IIamPolicyReader
{
    /// <summary>iam:GetInstanceProfile; the name is the last segment of the profile ARN.</summary>
    Task<InstanceProfile> GetInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken);

    /// <summary>iam:GetRole: the role's ARN (for roles known by name only: DHMC, hybrid activations).</summary>
    Task<string> GetRoleArnAsync(string roleName, CancellationToken cancellationToken);

    /// <summary>iam:ListAttachedRolePolicies (all pages).</summary>
    Task<IReadOnlyList<AttachedPolicyReference>> ListAttachedRolePoliciesAsync(string roleName, CancellationToken cancellationToken);

    /// <summary>iam:GetPolicy (default version id) then iam:GetPolicyVersion.</summary>
    Task<string> GetManagedPolicyDocumentAsync(string policyArn, CancellationToken cancellationToken);

    /// <summary>iam:ListRolePolicies (all pages).</summary>
    Task<IReadOnlyList<string>> ListRolePolicyNamesAsync(string roleName, CancellationToken cancellationToken);

    /// <summary>iam:GetRolePolicy.</summary>
    Task<string> GetRolePolicyDocumentAsync(string roleName, string policyName, CancellationToken cancellationToken);

    /// <summary>iam:SimulatePrincipalPolicy for the actions (covers permission boundaries); null when not permitted.</summary>
    Task<IReadOnlyDictionary<string, SimulatedDecision>?> SimulatePrincipalPolicyAsync(string roleArn, IReadOnlyList<string> actions, CancellationToken cancellationToken);
}
