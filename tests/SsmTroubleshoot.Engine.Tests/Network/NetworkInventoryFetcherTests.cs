using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using static SsmTroubleshoot.Engine.Tests.Network.NetworkScenario;

namespace SsmTroubleshoot.Engine.Tests.Network;

public sealed class NetworkInventoryFetcherTests
{
    [Fact]
    public async Task Fetched_inventory_evaluates_like_the_world_it_was_read_from()
    {
        var world = WithNatGateway().AddInterfaceEndpoints().WithoutEndpoint("ssmmessages")
            .NaclEntries("acl-ep", Rule(100, egress: false, RuleAction.Allow, "0.0.0.0/0")).Snapshot().Inventory;
        var fake = new FakeAws(world);

        var fetched = await new NetworkInventoryFetcher(fake, fake, Region).FetchAsync(new[] { InstanceId }, CancellationToken.None);

        var expected = new NetworkEvaluator(new NetworkSnapshot(world)).Evaluate(InstanceId);
        var actual = new NetworkEvaluator(new NetworkSnapshot(fetched)).Evaluate(InstanceId);
        Assert.Equal(expected.Checks.Select(c => (c.CheckId, c.Status, c.Detail)), actual.Checks.Select(c => (c.CheckId, c.Status, c.Detail)));
        Assert.Contains("NaclEgress.ssm", actual.FailedChecks); // the endpoint ENI IPs were merged in: acl-ep is evaluated
        Assert.Empty(fetched.Gaps);
    }

    [Fact]
    public async Task Calls_grow_with_VPCs_not_instances()
    {
        var small = await CountCalls(instanceCount: 100, vpcCount: 10);
        var large = await CountCalls(instanceCount: 1000, vpcCount: 10);
        Assert.Equal(small.Total, large.Total);
        Assert.Equal(1, large.Calls["DescribeInstances"]);
        Assert.Equal(1, large.Calls["DescribeRouteTables"]);
        Assert.Equal(10, large.Calls["DescribeVpcDnsAttributes"]);
        Assert.True(large.Total < 60, "calls: " + large.Total);
    }

    [Fact]
    public async Task Unknown_instance_id_is_reported_and_the_others_are_evaluated()
    {
        var world = WithInterfaceEndpoints().Snapshot().Inventory;
        var fetched = await new NetworkInventoryFetcher(new FakeAws(world), new FakeAws(world), Region).FetchAsync(new[] { InstanceId, "i-0deadbeef0000000" }, CancellationToken.None);
        var evaluator = new NetworkEvaluator(new NetworkSnapshot(fetched));

        var missing = evaluator.Evaluate("i-0deadbeef0000000");
        var check = Assert.Single(missing.Checks);
        Assert.Equal(NetworkCheckStatus.Error, check.Status);
        Assert.Contains("InvalidInstanceID.NotFound", check.Detail, StringComparison.Ordinal);
        Assert.Equal("Check the instance id and the region.", check.Remediation);
        Assert.Equal(NetworkVerdict.Healthy, evaluator.Evaluate(InstanceId).Verdict);
    }

    [Fact]
    public async Task AccessDenied_on_IAM_becomes_an_error_naming_the_permission_and_the_rest_goes_on()
    {
        var world = WithInterfaceEndpoints().Snapshot().Inventory;
        var iam = new FakeAws(world) { Fail = "ListAttachedRolePolicies" };
        var fetched = await new NetworkInventoryFetcher(new FakeAws(world), iam, Region).FetchAsync(new[] { InstanceId }, CancellationToken.None);

        var report = new NetworkEvaluator(new NetworkSnapshot(fetched)).Evaluate(InstanceId);

        report.AssertCheck("RolePermissions", NetworkCheckStatus.Error, "iam:ListAttachedRolePolicies", "AccessDenied");
        report.AssertCheck("Route.ssm", NetworkCheckStatus.Passed);
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }

    [Fact]
    public async Task AccessDenied_on_an_EC2_read_becomes_errors_on_the_checks_that_need_it()
    {
        var world = WithInterfaceEndpoints().Snapshot().Inventory;
        var fetched = await new NetworkInventoryFetcher(new FakeAws(world) { Fail = "DescribeNetworkAcls" }, new FakeAws(world), Region).FetchAsync(new[] { InstanceId }, CancellationToken.None);
        var report = new NetworkEvaluator(new NetworkSnapshot(fetched)).Evaluate(InstanceId);
        report.AssertCheck("NaclEgress.ssm", NetworkCheckStatus.Error, "ec2:DescribeNetworkAcls", "UnauthorizedOperation");
        report.AssertCheck("SecurityGroupEgress.ssm", NetworkCheckStatus.Passed);
    }

    [Fact]
    public async Task A_managed_policy_shared_by_roles_is_read_once()
    {
        var scenario = WithInterfaceEndpoints().DefaultHostManagement("dhmc-role")
            .Add(new IamRole { RoleName = "dhmc-role", Arn = "arn:aws:iam::" + AccountId + ":role/dhmc-role", Policies = new[] { Managed("AmazonSSMManagedInstanceCore", ManagedInstanceCoreDocument) } });
        var fake = new FakeAws(scenario.Snapshot().Inventory);
        var fetched = await new NetworkInventoryFetcher(fake, fake, Region).FetchAsync(new[] { InstanceId }, CancellationToken.None);
        Assert.Equal(2, fetched.Roles.Count);
        Assert.Equal(1, fake.Calls["GetManagedPolicyDocument"]);
    }

    [Fact]
    public async Task Concurrent_calls_never_exceed_the_throttle_limit()
    {
        var fake = new FakeAws(WithInterfaceEndpoints().Snapshot().Inventory) { Delay = TimeSpan.FromMilliseconds(20) };
        await new NetworkInventoryFetcher(fake, fake, Region, throttleLimit: 2).FetchAsync(new[] { InstanceId }, CancellationToken.None);
        Assert.InRange(fake.MaxConcurrent, 1, 2);
    }

    [Fact]
    public async Task Cancellation_stops_the_fetch()
    {
        var fake = new FakeAws(WithInterfaceEndpoints().Snapshot().Inventory) { Delay = TimeSpan.FromSeconds(30) };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new NetworkInventoryFetcher(fake, fake, Region).FetchAsync(new[] { InstanceId }, cancel.Token));
    }

    private static async Task<(int Total, IReadOnlyDictionary<string, int> Calls)> CountCalls(int instanceCount, int vpcCount)
    {
        var template = WithNatGateway().AddInterfaceEndpoints().Snapshot().Inventory;
        var vpcs = Enumerable.Range(0, vpcCount).Select(v => "vpc-" + v).ToArray();
        var world = template with
        {
            Vpcs = vpcs.Select(v => template.Vpcs[0] with { VpcId = v }).ToArray(),
            Instances = Enumerable.Range(0, instanceCount).Select(n => template.Instances[0] with { InstanceId = "i-" + n.ToString("x17"), VpcId = vpcs[n % vpcCount] }).ToArray(),
        };
        var fake = new FakeAws(world);
        await new NetworkInventoryFetcher(fake, fake, Region).FetchAsync(world.Instances.Select(i => i.InstanceId).ToArray(), CancellationToken.None);
        return (fake.Calls.Values.Sum(), fake.Calls);
    }

    /// <summary>Serves EC2/SSM/IAM reads from an inventory, counting calls; can fail one operation with AccessDenied.</summary>
    private sealed class FakeAws : INetworkDataSource, IIamPolicyReader
    {
        private readonly NetworkInventory world;
        private readonly ConcurrentDictionary<string, int> calls = new();
        private int inFlight;
        private int maxConcurrent;

        public FakeAws(NetworkInventory world) => this.world = world;

        public string? Fail { get; init; }

        public TimeSpan Delay { get; init; }

        public IReadOnlyDictionary<string, int> Calls => calls;

        public int MaxConcurrent => maxConcurrent;

        public Task<InstanceLookup> DescribeInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) => Serve("DescribeInstances", cancellationToken, () =>
        {
            var found = world.Instances.Where(i => instanceIds.Contains(i.InstanceId)).ToList();
            return new InstanceLookup(found, instanceIds.Except(found.Select(i => i.InstanceId)).ToList());
        });

        public Task<IReadOnlyList<Ec2Instance>> DescribeInstancesAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken) =>
            Serve("DescribeInstances", cancellationToken, () => world.Instances);

        public Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) =>
            Serve("DescribeVpcs", cancellationToken, () => (IReadOnlyList<Vpc>)world.Vpcs.Where(v => vpcIds.Contains(v.VpcId)).Select(v => v with { EnableDnsHostnames = null, EnableDnsSupport = null }).ToList());

        public Task<(bool EnableDnsSupport, bool EnableDnsHostnames)> DescribeVpcDnsAttributesAsync(string vpcId, CancellationToken cancellationToken) =>
            Serve("DescribeVpcDnsAttributes", cancellationToken, () => world.Vpcs.Where(v => v.VpcId == vpcId).Select(v => (v.EnableDnsSupport ?? false, v.EnableDnsHostnames ?? false)).First());

        public Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeSubnets", cancellationToken, () => world.Subnets);

        public Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeRouteTables", cancellationToken, () => world.RouteTables);

        public Task<IReadOnlyList<NetworkAcl>> DescribeNetworkAclsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeNetworkAcls", cancellationToken, () => world.NetworkAcls);

        public Task<IReadOnlyList<SecurityGroup>> DescribeSecurityGroupsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeSecurityGroups", cancellationToken, () => world.SecurityGroups);

        public Task<IReadOnlyList<VpcEndpoint>> DescribeVpcEndpointsAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeVpcEndpoints", cancellationToken, () =>
            (IReadOnlyList<VpcEndpoint>)world.VpcEndpoints.Select(e => e with { NetworkInterfaces = e.NetworkInterfaces.Select(n => new EndpointNetworkInterface { NetworkInterfaceId = n.NetworkInterfaceId }).ToArray() }).ToList());

        public Task<IReadOnlyList<EndpointNetworkInterface>> DescribeEndpointNetworkInterfacesAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) =>
            Serve("DescribeEndpointNetworkInterfaces", cancellationToken, () => (IReadOnlyList<EndpointNetworkInterface>)world.VpcEndpoints.SelectMany(e => e.NetworkInterfaces).ToList());

        public Task<IReadOnlyList<NatGateway>> DescribeNatGatewaysAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeNatGateways", cancellationToken, () => world.NatGateways);

        public Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(IReadOnlyCollection<string> vpcIds, CancellationToken cancellationToken) => Serve("DescribeInternetGateways", cancellationToken, () => world.InternetGateways);

        public Task<IReadOnlyList<ManagedPrefixList>> DescribePrefixListsAsync(IReadOnlyCollection<string> prefixListIds, CancellationToken cancellationToken) =>
            Serve("DescribePrefixLists", cancellationToken, () => (IReadOnlyList<ManagedPrefixList>)world.PrefixLists.Where(p => prefixListIds.Contains(p.PrefixListId)).ToList());

        public Task<IReadOnlyList<SsmInstanceInfo>> DescribeInstanceInformationAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) =>
            Serve("DescribeInstanceInformation", cancellationToken, () => (IReadOnlyList<SsmInstanceInfo>)world.SsmInstances.Where(s => instanceIds.Contains(s.InstanceId)).ToList());

        public Task<DefaultHostManagementSetting> GetDefaultHostManagementAsync(CancellationToken cancellationToken) =>
            Serve("GetServiceSetting", cancellationToken, () => world.DefaultHostManagement ?? new DefaultHostManagementSetting());

        public Task<InstanceProfile> GetInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken) =>
            Serve("GetInstanceProfile", cancellationToken, () => world.InstanceProfiles.Single(p => p.Name == instanceProfileName) with { Arn = string.Empty });

        public Task<string> GetRoleArnAsync(string roleName, CancellationToken cancellationToken) => Serve("GetRole", cancellationToken, () => world.Roles.Single(r => r.RoleName == roleName).Arn);

        public Task<IReadOnlyList<AttachedPolicyReference>> ListAttachedRolePoliciesAsync(string roleName, CancellationToken cancellationToken) => Serve("ListAttachedRolePolicies", cancellationToken, () =>
            (IReadOnlyList<AttachedPolicyReference>)Role(roleName).Policies.Where(p => !p.IsInline).Select(p => new AttachedPolicyReference(p.PolicyName, p.PolicyArn!)).ToList());

        public Task<string> GetManagedPolicyDocumentAsync(string policyArn, CancellationToken cancellationToken) =>
            Serve("GetManagedPolicyDocument", cancellationToken, () => Uri.EscapeDataString(world.Roles.SelectMany(r => r.Policies).First(p => p.PolicyArn == policyArn).Document!));

        public Task<IReadOnlyList<string>> ListRolePolicyNamesAsync(string roleName, CancellationToken cancellationToken) =>
            Serve("ListRolePolicies", cancellationToken, () => (IReadOnlyList<string>)Role(roleName).Policies.Where(p => p.IsInline).Select(p => p.PolicyName).ToList());

        public Task<string> GetRolePolicyDocumentAsync(string roleName, string policyName, CancellationToken cancellationToken) =>
            Serve("GetRolePolicy", cancellationToken, () => Role(roleName).Policies.Single(p => p.IsInline && p.PolicyName == policyName).Document!);

        public Task<IReadOnlyDictionary<string, SimulatedDecision>?> SimulatePrincipalPolicyAsync(string roleArn, IReadOnlyList<string> actions, CancellationToken cancellationToken) =>
            Serve<IReadOnlyDictionary<string, SimulatedDecision>?>("SimulatePrincipalPolicy", cancellationToken, () => throw Denied("SimulatePrincipalPolicy"));

        private IamRole Role(string name) => world.Roles.Single(r => r.RoleName == name);

        private static AmazonServiceException Denied(string operation) =>
            new("User is not authorized to perform " + operation) { ErrorCode = operation.StartsWith("Describe", StringComparison.Ordinal) ? "UnauthorizedOperation" : "AccessDenied", StatusCode = HttpStatusCode.Forbidden };

        private async Task<T> Serve<T>(string operation, CancellationToken cancellationToken, Func<T> answer)
        {
            calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxConcurrent, now);
            try
            {
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, cancellationToken);
                }

                if (operation == Fail)
                {
                    throw Denied(operation);
                }

                return answer();
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
