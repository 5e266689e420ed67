using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Iam;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Network;

/// <summary>
/// Reads everything the evaluator needs for a set of instances: one DescribeInstances pass, then each EC2 resource type
/// once for all their VPCs, SSM once, IAM once per distinct profile/role/managed policy. A failed read never stops the
/// others: it becomes a <see cref="DataGap"/> and the checks that needed it report Error.
/// </summary>
public sealed class NetworkInventoryFetcher
{
    private readonly INetworkDataSource source;
    private readonly IIamPolicyReader iam;
    private readonly string region;
    private readonly SemaphoreSlim throttle;
    private readonly Action<string>? log;
    private readonly Random jitter = new();

    /// <summary>Retries of a call still throttled after the client's own retries.</summary>
    public const int ThrottledRetries = 4;

    /// <summary>First wait before such a retry; doubles each time.</summary>
    public TimeSpan ThrottleBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <param name="throttleLimit">Most API calls in flight at once.</param>
    /// <param name="log">Receives failures and throttling waits (the data sources log each call themselves); any thread.</param>
    public NetworkInventoryFetcher(INetworkDataSource source, IIamPolicyReader iam, string region, int throttleLimit = 8, Action<string>? log = null)
    {
        this.source = source ?? throw new ArgumentNullException(nameof(source));
        this.iam = iam ?? throw new ArgumentNullException(nameof(iam));
        this.region = region ?? throw new ArgumentNullException(nameof(region));
        if (throttleLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttleLimit), "At least one call must be allowed.");
        }

        throttle = new SemaphoreSlim(throttleLimit, throttleLimit);
        this.log = log;
    }

    /// <summary>Inventory for EC2 instance ids (i-) and hybrid node ids (mi-).</summary>
    public async Task<NetworkInventory> FetchAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        if (instanceIds is null)
        {
            throw new ArgumentNullException(nameof(instanceIds));
        }

        var gaps = new ConcurrentBag<DataGap>();
        var ec2Ids = instanceIds.Where(id => id.StartsWith("i-", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<Ec2Instance> instances = Array.Empty<Ec2Instance>();
        if (ec2Ids.Count > 0)
        {
            var lookup = await CallAsync(ct => source.DescribeInstancesAsync(ec2Ids, ct), "ec2:DescribeInstances", ec2Ids, gaps, cancellationToken).ConfigureAwait(false);
            if (lookup is not null)
            {
                instances = lookup.Instances;
                foreach (var unknown in lookup.UnknownIds)
                {
                    gaps.Add(new DataGap { ResourceId = unknown, Operation = "ec2:DescribeInstances", Message = "InvalidInstanceID.NotFound: no such instance in " + region, ErrorCode = "InvalidInstanceID.NotFound" });
                }
            }
        }

        var hybridIds = instanceIds.Where(id => id.StartsWith("mi-", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal);
        return await CompleteAsync(instances, hybridIds.ToList(), gaps, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inventory for the instances matching EC2 filters (no filter: the whole region).</summary>
    public async Task<NetworkInventory> FetchAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken)
    {
        var gaps = new ConcurrentBag<DataGap>();
        var instances = await CallAsync(ct => source.DescribeInstancesAsync(filters ?? Array.Empty<Ec2Filter>(), ct), "ec2:DescribeInstances", new[] { region }, gaps, cancellationToken)
            .ConfigureAwait(false) ?? Array.Empty<Ec2Instance>();
        return await CompleteAsync(instances, Array.Empty<string>(), gaps, cancellationToken).ConfigureAwait(false);
    }

    private async Task<NetworkInventory> CompleteAsync(IReadOnlyList<Ec2Instance> instances, IReadOnlyList<string> hybridIds, ConcurrentBag<DataGap> gaps, CancellationToken cancellationToken)
    {
        var vpcIds = instances.Select(i => i.VpcId).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct(StringComparer.Ordinal).ToList();
        var managedIds = instances.Select(i => i.InstanceId).Concat(hybridIds).ToList();
        var none = Task.FromResult<IReadOnlyList<Vpc>?>(null);

        // Everything that depends only on the VPC ids runs at once, bounded by the throttle.
        var vpcsTask = vpcIds.Count == 0 ? none : CallAsync(ct => source.DescribeVpcsAsync(vpcIds, ct), "ec2:DescribeVpcs", vpcIds, gaps, cancellationToken);
        var subnetsTask = Each(vpcIds, ct => source.DescribeSubnetsAsync(vpcIds, ct), "ec2:DescribeSubnets", gaps, cancellationToken);
        var tablesTask = Each(vpcIds, ct => source.DescribeRouteTablesAsync(vpcIds, ct), "ec2:DescribeRouteTables", gaps, cancellationToken);
        var aclsTask = Each(vpcIds, ct => source.DescribeNetworkAclsAsync(vpcIds, ct), "ec2:DescribeNetworkAcls", gaps, cancellationToken);
        var groupsTask = Each(vpcIds, ct => source.DescribeSecurityGroupsAsync(vpcIds, ct), "ec2:DescribeSecurityGroups", gaps, cancellationToken);
        var endpointsTask = Each(vpcIds, ct => source.DescribeVpcEndpointsAsync(vpcIds, ct), "ec2:DescribeVpcEndpoints", gaps, cancellationToken);
        var enisTask = Each(vpcIds, ct => source.DescribeEndpointNetworkInterfacesAsync(vpcIds, ct), "ec2:DescribeNetworkInterfaces", gaps, cancellationToken);
        var natsTask = Each(vpcIds, ct => source.DescribeNatGatewaysAsync(vpcIds, ct), "ec2:DescribeNatGateways", gaps, cancellationToken);
        var igwsTask = Each(vpcIds, ct => source.DescribeInternetGatewaysAsync(vpcIds, ct), "ec2:DescribeInternetGateways", gaps, cancellationToken);
        var dnsTask = ReadDnsAttributesAsync(vpcIds, endpointsTask, gaps, cancellationToken);
        var ssmTask = ReadSsmAsync(managedIds, gaps, cancellationToken);
        var dhmcTask = CallAsync(ct => source.GetDefaultHostManagementAsync(ct), "ssm:GetServiceSetting", new[] { NetworkSnapshot.DefaultHostManagementResource }, gaps, cancellationToken);

        // IAM needs only the instances (profiles) and, for hybrid and DHMC roles, SSM: it overlaps the EC2 reads.
        var iamTask = FetchIamAsync(instances, ssmTask, dhmcTask, gaps, cancellationToken);
        await Task.WhenAll(vpcsTask, subnetsTask, tablesTask, aclsTask, groupsTask, endpointsTask, enisTask, natsTask, igwsTask, ssmTask, dhmcTask, dnsTask).ConfigureAwait(false);

        // All complete: awaiting only unwraps the results.
        var tables = await tablesTask.ConfigureAwait(false);
        var groups = await groupsTask.ConfigureAwait(false);
        var prefixListIds = groups.SelectMany(g => g.Ingress.Concat(g.Egress)).SelectMany(p => p.PrefixListIds)
            .Concat(tables.SelectMany(t => t.Routes).Select(r => r.DestinationPrefixListId).Where(p => p is not null).Select(p => p!))
            .Distinct(StringComparer.Ordinal).ToList();
        var prefixListsTask = prefixListIds.Count == 0
            ? Task.FromResult<IReadOnlyList<ManagedPrefixList>?>(Array.Empty<ManagedPrefixList>())
            : CallAsync(ct => source.DescribePrefixListsAsync(prefixListIds, ct), "ec2:DescribeManagedPrefixLists", prefixListIds, gaps, cancellationToken);

        var ssmInstances = await ssmTask.ConfigureAwait(false);
        var dhmc = await dhmcTask.ConfigureAwait(false);
        await Task.WhenAll(prefixListsTask, iamTask).ConfigureAwait(false);

        var enis = (await enisTask.ConfigureAwait(false)).ToDictionary(e => e.NetworkInterfaceId, StringComparer.Ordinal);
        var endpoints = (await endpointsTask.ConfigureAwait(false)).Select(e => e with
        {
            NetworkInterfaces = e.NetworkInterfaces.Select(n => enis.TryGetValue(n.NetworkInterfaceId, out var full) ? full : n).ToArray(),
        }).ToList();
        var vpcs = new List<Vpc>();
        var dnsAttributes = await dnsTask.ConfigureAwait(false);
        foreach (var vpc in await vpcsTask.ConfigureAwait(false) ?? Array.Empty<Vpc>())
        {
            // Absent: not read (nothing relies on it) or the read failed (a gap).
            vpcs.Add(dnsAttributes.TryGetValue(vpc.VpcId, out var known) && known is { } read
                ? vpc with { EnableDnsSupport = read.EnableDnsSupport, EnableDnsHostnames = read.EnableDnsHostnames }
                : vpc);
        }

        var (profiles, roles) = await iamTask.ConfigureAwait(false);

        return new NetworkInventory
        {
            Region = region,
            Instances = instances,
            Vpcs = vpcs,
            Subnets = await subnetsTask.ConfigureAwait(false),
            RouteTables = tables,
            NetworkAcls = await aclsTask.ConfigureAwait(false),
            SecurityGroups = groups,
            PrefixLists = await prefixListsTask.ConfigureAwait(false) ?? Array.Empty<ManagedPrefixList>(),
            VpcEndpoints = endpoints,
            NatGateways = await natsTask.ConfigureAwait(false),
            InternetGateways = await igwsTask.ConfigureAwait(false),
            InstanceProfiles = profiles,
            Roles = roles,
            SsmInstances = ssmInstances,
            DefaultHostManagement = dhmc,
            Gaps = gaps.ToList(),
        };
    }

    /// <summary>DescribeInstanceInformation in pages of 50 ids, each its own throttled call (they run in parallel).</summary>
    private async Task<IReadOnlyList<SsmInstanceInfo>> ReadSsmAsync(IReadOnlyList<string> managedIds, ConcurrentBag<DataGap> gaps, CancellationToken cancellationToken)
    {
        var batches = new List<List<string>>();
        for (var start = 0; start < managedIds.Count; start += AwsNetworkDataSource.SsmBatchSize)
        {
            batches.Add(managedIds.Skip(start).Take(AwsNetworkDataSource.SsmBatchSize).ToList());
        }

        var pages = await Task.WhenAll(batches.Select(batch => CallAsync(ct => source.DescribeInstanceInformationAsync(batch, ct), "ssm:DescribeInstanceInformation", batch, gaps, cancellationToken))).ConfigureAwait(false);
        return pages.Where(p => p is not null).SelectMany(p => p!).ToList();
    }

    private async Task<(IReadOnlyList<InstanceProfile> Profiles, IReadOnlyList<IamRole> Roles)> FetchIamAsync(
        IReadOnlyList<Ec2Instance> instances, Task<IReadOnlyList<SsmInstanceInfo>> ssmTask, Task<DefaultHostManagementSetting?> dhmcTask, ConcurrentBag<DataGap> gaps, CancellationToken cancellationToken)
    {
        var profileArns = instances.Select(i => i.InstanceProfileArn).Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).Distinct(StringComparer.Ordinal).ToList();
        var profiles = (await Task.WhenAll(profileArns.Select(arn => CallAsync(
            async ct => (await iam.GetInstanceProfileAsync(arn.Substring(arn.LastIndexOf('/') + 1), ct).ConfigureAwait(false)) with { Arn = arn },
            "iam:GetInstanceProfile", new[] { arn }, gaps, cancellationToken))).ConfigureAwait(false)).Where(p => p is not null).Select(p => p!).ToList();

        var documents = new ConcurrentDictionary<string, Task<string?>>(StringComparer.Ordinal);
        var roleReads = new Dictionary<string, Task<IamRole?>>(StringComparer.Ordinal);
        void Read(IEnumerable<string> names)
        {
            foreach (var name in names.Where(n => !roleReads.ContainsKey(n)))
            {
                roleReads[name] = FetchRoleAsync(name, documents, gaps, cancellationToken);
            }
        }

        Read(profiles.SelectMany(p => p.RoleNames.Take(1)));
        var ssmInstances = await ssmTask.ConfigureAwait(false);
        var dhmc = await dhmcTask.ConfigureAwait(false);
        Read(ssmInstances.Where(s => s.IsHybrid && !string.IsNullOrEmpty(s.IamRole)).Select(s => s.IamRole!)
            .Concat(dhmc?.IsConfigured == true ? new[] { dhmc.RoleName! } : Array.Empty<string>()));
        var roles = await Task.WhenAll(roleReads.Values).ConfigureAwait(false);
        return (profiles, roles.Where(r => r is not null).Select(r => r!).ToList());
    }

    private async Task<IamRole?> FetchRoleAsync(string roleName, ConcurrentDictionary<string, Task<string?>> documents, ConcurrentBag<DataGap> gaps, CancellationToken cancellationToken)
    {
        var key = new[] { roleName };
        var arn = await CallAsync(ct => iam.GetRoleArnAsync(roleName, ct), "iam:GetRole", key, gaps, cancellationToken).ConfigureAwait(false);
        if (arn is null)
        {
            return null;
        }

        // Simulation sees permission boundaries too; without it (often not permitted) fall back to the documents.
        string? simulationNote = null;
        var simulationTask = CallAsync(
            async ct =>
            {
                try
                {
                    var answer = await iam.SimulatePrincipalPolicyAsync(arn, SsmCoreActions.All, ct).ConfigureAwait(false);
                    simulationNote = answer is null ? "iam:SimulatePrincipalPolicy not permitted (AccessDenied)" : null;
                    return answer;
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested) && FailureClassifier.Classify(ex) != FailureKind.Throttled)
                {
                    var code = (ex as AmazonServiceException)?.ErrorCode ?? FailureClassifier.Classify(ex).ToString();
                    simulationNote = "iam:SimulatePrincipalPolicy " + (FailureClassifier.Classify(ex) == FailureKind.PermissionDenied ? "not permitted" : "failed") + " (" + code + ")";
                    return null;
                }
            },
            "iam:SimulatePrincipalPolicy", key, null, cancellationToken);
        var attachedTask = CallAsync(ct => iam.ListAttachedRolePoliciesAsync(roleName, ct), "iam:ListAttachedRolePolicies", key, gaps, cancellationToken);
        var inlineNamesTask = CallAsync(ct => iam.ListRolePolicyNamesAsync(roleName, ct), "iam:ListRolePolicies", key, gaps, cancellationToken);
        var simulated = await simulationTask.ConfigureAwait(false);
        var attached = await attachedTask.ConfigureAwait(false);
        var inlineNames = await inlineNamesTask.ConfigureAwait(false);

        // A complete simulation decides alone (see RolePermissionEvaluator): the documents are then not read.
        var readDocuments = simulated is null || !SsmCoreActions.All.All(simulated.ContainsKey);
        if (simulated is not null && readDocuments)
        {
            simulationNote = "iam:SimulatePrincipalPolicy answered only some actions";
        }

        var managed = await Task.WhenAll((attached ?? Array.Empty<AttachedPolicyReference>()).Select(async policy => new RolePolicy
        {
            PolicyName = policy.PolicyName,
            PolicyArn = policy.PolicyArn,
            // AWS managed policies are shared by many roles: one read per ARN.
            Document = readDocuments
                ? await documents.GetOrAdd(policy.PolicyArn, policyArn => CallAsync(ct => iam.GetManagedPolicyDocumentAsync(policyArn, ct), "iam:GetPolicyVersion", key, gaps, cancellationToken)).ConfigureAwait(false)
                : null,
        })).ConfigureAwait(false);
        var inline = await Task.WhenAll((inlineNames ?? Array.Empty<string>()).Select(async name => new RolePolicy
        {
            PolicyName = name,
            IsInline = true,
            Document = readDocuments
                ? await CallAsync(ct => iam.GetRolePolicyDocumentAsync(roleName, name, ct), "iam:GetRolePolicy", key, gaps, cancellationToken).ConfigureAwait(false)
                : null,
        })).ConfigureAwait(false);

        return new IamRole
        {
            RoleName = roleName, Arn = arn, Policies = managed.Concat(inline).ToArray(), SimulatedDecisions = simulated, SimulationNote = simulationNote,
            TrustPolicy = (iam as IIamTrustPolicySource)?.TrustPolicyOf(roleName),
        };
    }

    /// <summary>
    /// DescribeVpcAttribute has no batch form (2 calls per VPC): read it only for VPCs whose interface endpoints rely on
    /// private DNS, or for every VPC when the endpoints could not be read.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, (bool EnableDnsSupport, bool EnableDnsHostnames)?>> ReadDnsAttributesAsync(
        IReadOnlyList<string> vpcIds, Task<IReadOnlyList<VpcEndpoint>> endpointsTask, ConcurrentBag<DataGap> gaps, CancellationToken cancellationToken)
    {
        var endpoints = await endpointsTask.ConfigureAwait(false);
        var endpointsUnknown = gaps.Any(g => g.Operation == "ec2:DescribeVpcEndpoints");
        var relying = endpointsUnknown
            ? vpcIds
            : endpoints.Where(e => e.EndpointType == VpcEndpointType.Interface && e.PrivateDnsEnabled).Select(e => e.VpcId).Where(vpcIds.Contains).Distinct(StringComparer.Ordinal).ToList();
        var reads = relying.Select(async v => (VpcId: v, Attributes: await CallAsync<(bool EnableDnsSupport, bool EnableDnsHostnames)?>(
            async ct => await source.DescribeVpcDnsAttributesAsync(v, ct).ConfigureAwait(false), "ec2:DescribeVpcAttribute", new[] { v }, gaps, cancellationToken).ConfigureAwait(false)));
        return (await Task.WhenAll(reads).ConfigureAwait(false)).ToDictionary(r => r.VpcId, r => r.Attributes, StringComparer.Ordinal);
    }

    private async Task<IReadOnlyList<T>> Each<T>(IReadOnlyList<string> vpcIds, Func<CancellationToken, Task<IReadOnlyList<T>>> call, string operation, ConcurrentBag<DataGap> gaps, CancellationToken cancellationToken)
    {
        if (vpcIds.Count == 0)
        {
            return Array.Empty<T>();
        }

        return await CallAsync(call, operation, vpcIds, gaps, cancellationToken).ConfigureAwait(false) ?? Array.Empty<T>();
    }

    /// <summary>
    /// One throttled call; a failure becomes a gap on each resource it was about (null gaps: optional call, failure ignored).
    /// Throttling that outlasts the client's own retries is waited out a few more times (the limit is shared by the fleet).
    /// </summary>
    private async Task<T?> CallAsync<T>(Func<CancellationToken, Task<T>> call, string operation, IReadOnlyList<string> resourceIds, ConcurrentBag<DataGap>? gaps, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (throttled, result) = await CallOnceAsync(call, operation, resourceIds, gaps, attempt < ThrottledRetries, cancellationToken).ConfigureAwait(false);
            if (!throttled)
            {
                return result;
            }

            var backoff = ThrottleBackoff.Ticks * (1L << attempt);
            double fraction;
            lock (jitter)
            {
                fraction = 0.5 + (jitter.NextDouble() / 2);
            }

            log?.Invoke(operation + " throttled; retrying in " + TimeSpan.FromTicks((long)(backoff * fraction)).TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " ms");
            await Task.Delay(TimeSpan.FromTicks((long)(backoff * fraction)), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(bool Throttled, T? Result)> CallOnceAsync<T>(Func<CancellationToken, Task<T>> call, string operation, IReadOnlyList<string> resourceIds, ConcurrentBag<DataGap>? gaps, bool retryThrottling, CancellationToken cancellationToken)
    {
        await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (false, await call(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (retryThrottling && FailureClassifier.Classify(ex) == FailureKind.Throttled && !cancellationToken.IsCancellationRequested)
        {
            return (true, default);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            if (gaps is not null)
            {
                var kind = FailureClassifier.Classify(ex);
                var code = ex is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode) ? service.ErrorCode : kind.ToString();
                var detail = Aws.AwsFailureText.Describe(ex).Detail;
                foreach (var id in resourceIds)
                {
                    gaps.Add(new DataGap
                    {
                        ResourceId = id,
                        Operation = operation,
                        Message = detail.StartsWith(code, StringComparison.Ordinal) ? detail : code + ": " + detail,
                        ErrorCode = (ex as AmazonServiceException)?.ErrorCode,
                        Kind = kind,
                    });
                }
            }

            log?.Invoke(operation + " failed: " + ex.Message);
            return (false, default);
        }
        finally
        {
            throttle.Release();
        }
    }
}
