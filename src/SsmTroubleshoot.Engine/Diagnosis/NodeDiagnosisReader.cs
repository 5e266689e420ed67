using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Diagnosis;

/// <summary>What Get-SsmNodeDiagnosis reads: ids (i- and mi-) or EC2 filters, and which optional sources.</summary>
public sealed class NodeDiagnosisRequest
{
    /// <summary>EC2 (i-) and hybrid (mi-) ids; when null, <see cref="Filters"/> select the instances.</summary>
    public IReadOnlyList<string>? InstanceIds { get; init; }

    public IReadOnlyList<Ec2Filter> Filters { get; init; } = Array.Empty<Ec2Filter>();

    /// <summary>Collect the agent logs of Online nodes through Run Command (runs a read-only script on them; takes seconds to minutes).</summary>
    public bool IncludeAgentLog { get; init; }

    /// <summary>How far back the agent logs are read.</summary>
    public TimeSpan AgentLogWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>GetConsoleOutput has no batch form: at most this many offline instances are read (unexplained ones first).</summary>
    public int ConsoleOutputLimit { get; init; } = 50;

    public int ThrottleLimit { get; init; } = 8;
}

/// <summary>The diagnoses in input order, the lookups that failed for the whole request, and what the caller should see.</summary>
public sealed class NodeDiagnosisResult
{
    internal NodeDiagnosisResult(string region, IReadOnlyList<NodeDiagnosis> diagnoses, IReadOnlyList<DataGap> gaps, IReadOnlyList<string> warnings)
    {
        Region = region;
        Diagnoses = diagnoses;
        Gaps = gaps;
        Warnings = warnings;
    }

    public string Region { get; }

    /// <summary>The account of the nodes (fleet runs); null when unknown.</summary>
    public string? AccountId { get; internal set; }

    public IReadOnlyList<NodeDiagnosis> Diagnoses { get; }

    /// <summary>The network fetch's gaps (DescribeInstances per id: not found, denied).</summary>
    public IReadOnlyList<DataGap> Gaps { get; }

    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// One entry for "why is this node not managed?", for the cmdlet and the CLI: the network fleet fetch (the same
/// <see cref="NetworkInventoryFetcher"/> and <see cref="NetworkEvaluator"/> as Test-ManagedInstanceNetwork), then
/// DescribeInstanceStatus (100 ids a call), DescribeActivations (once, when hybrid nodes are asked about),
/// GetConsoleOutput for offline instances (bounded), and, when asked, the fleet log collector for Online nodes.
/// Every failure becomes evidence on the nodes it concerns; none stops the others.
/// </summary>
public sealed class NodeDiagnosisReader
{
    private readonly Func<CancellationToken, Task<NetworkInventory>> fetchNetwork;
    private readonly INodeStateSource state;
    private readonly Func<IReadOnlyList<string>, CancellationToken, Task<FleetLogResult>>? collectLogs;
    private readonly AgentLogAnalyzer analyzer;
    private readonly Action<string>? log;

    public NodeDiagnosisReader(
        Func<CancellationToken, Task<NetworkInventory>> fetchNetwork,
        INodeStateSource state,
        Func<IReadOnlyList<string>, CancellationToken, Task<FleetLogResult>>? collectLogs,
        AgentLogAnalyzer analyzer,
        Action<string>? log)
    {
        this.fetchNetwork = fetchNetwork ?? throw new ArgumentNullException(nameof(fetchNetwork));
        this.state = state ?? throw new ArgumentNullException(nameof(state));
        this.collectLogs = collectLogs;
        this.analyzer = analyzer ?? throw new ArgumentNullException(nameof(analyzer));
        this.log = log;
    }

    /// <summary>Builds the SDK clients for the connection and diagnoses. <paramref name="log"/> gets every API call (any thread).</summary>
    public static async Task<NodeDiagnosisResult> DiagnoseAsync(AwsConnection connection, NodeDiagnosisRequest request, Action<string>? log, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var factory = new AwsClientFactory(connection);
        using var ec2 = factory.CreateEc2();
        using var ssm = factory.CreateSsm();
        // The window is applied on the nodes by the collection script (as Get-SsmAgentLogIssue -InstanceId does); console output is read whole.
        var analyzer = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions());
        var networkRequest = new NetworkFleetRequest { InstanceIds = request.InstanceIds, Filters = request.Filters, ThrottleLimit = request.ThrottleLimit };
        Func<IReadOnlyList<string>, CancellationToken, Task<FleetLogResult>>? collect = request.IncludeAgentLog
            ? (ids, ct) => FleetLogCollector.CollectAsync(connection, new FleetLogRequest { InstanceIds = ids, SinceUtc = nowUtc - request.AgentLogWindow }, analyzer, null, ct)
            : null;
        var reader = new NodeDiagnosisReader(ct => NetworkFleetReader.FetchAsync(connection, networkRequest, log, ct), new AwsNodeStateSource(ec2, ssm, log), collect, analyzer, log);
        return await reader.DiagnoseAsync(request, connection.Region.SystemName, nowUtc, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One target of a fleet: the diagnoses stamped with its account and region. With <paramref name="regionFailureThrows"/>
    /// a lookup that failed for the whole region throws <see cref="FleetRegionException"/> (one row for the region).
    /// </summary>
    public static async Task<NodeDiagnosisResult> DiagnoseAsync(FleetTarget target, NodeDiagnosisRequest request, bool regionFailureThrows, Action<string>? log, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        var result = await DiagnoseAsync(target.Connection, request, log, nowUtc, cancellationToken).ConfigureAwait(false);
        if (regionFailureThrows)
        {
            NetworkFleetReader.ThrowIfRegionFailed(result.Gaps, target.Region, request.InstanceIds);
        }

        result.AccountId = await target.GetAccountIdAsync().ConfigureAwait(false);
        foreach (var diagnosis in result.Diagnoses)
        {
            diagnosis.AccountId = result.AccountId;
            diagnosis.Region = target.Region;
        }

        return result;
    }

    public async Task<NodeDiagnosisResult> DiagnoseAsync(NodeDiagnosisRequest request, string region, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var warnings = new List<string>();
        var inventory = await fetchNetwork(cancellationToken).ConfigureAwait(false);
        var snapshot = new NetworkSnapshot(inventory);
        var evaluator = new NetworkEvaluator(snapshot);
        var notFound = new HashSet<string>(inventory.Gaps.Where(g => g.Operation == "ec2:DescribeInstances" && g.IsNotFound).Select(g => g.ResourceId), StringComparer.Ordinal);
        var ids = request.InstanceIds is { } asked
            ? asked.Distinct(StringComparer.Ordinal).ToList()
            : inventory.Instances.Select(i => i.InstanceId).ToList();
        var ec2Ids = ids.Where(id => snapshot.FindInstance(id) is not null).ToList();
        var registrations = inventory.SsmInstances.GroupBy(s => s.InstanceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var lookupErrors = new ConcurrentDictionary<string, List<string>>(StringComparer.Ordinal);
        void LookupError(string id, string operation, Exception ex)
        {
            var list = lookupErrors.GetOrAdd(id, _ => new List<string>());
            lock (list)
            {
                list.Add(operation + ": " + AwsErrorText.Describe(ex));
            }
        }

        // EC2 status checks, 100 ids a call; hybrid activations once.
        var statusTask = ReadStatusesAsync(ec2Ids, LookupError, cancellationToken);
        var hybrid = ids.Where(id => id.StartsWith("mi-", StringComparison.Ordinal) && registrations.TryGetValue(id, out var r) && !string.IsNullOrEmpty(r.ActivationId)).ToList();
        var activationsTask = hybrid.Count == 0 ? Task.FromResult<IReadOnlyList<ActivationInfo>>(Array.Empty<ActivationInfo>()) : ReadActivationsAsync(hybrid, LookupError, cancellationToken);
        var online = ids.Where(id => registrations.TryGetValue(id, out var r) && string.Equals(r.PingStatus, "Online", StringComparison.OrdinalIgnoreCase)).ToList();
        var logsTask = collectLogs is null || online.Count == 0 ? Task.FromResult<FleetLogResult?>(null) : CollectAsync(online, warnings, cancellationToken);
        var statuses = await statusTask.ConfigureAwait(false);
        var activations = (await activationsTask.ConfigureAwait(false)).ToDictionary(a => a.ActivationId, StringComparer.Ordinal);
        var reports = ids.Where(id => !notFound.Contains(id)).ToDictionary(id => id, id => evaluator.Evaluate(id), StringComparer.Ordinal);

        // Console output for instances that are running and not Online: the unexplained ones (no failed check) first.
        var offline = ec2Ids.Where(id => !online.Contains(id) && (statuses.TryGetValue(id, out var s) ? s.State : snapshot.FindInstance(id)!.State) == "running")
            .OrderBy(id => reports[id].FailedChecks.Count > 0 ? 1 : 0).ToList();
        if (offline.Count > request.ConsoleOutputLimit)
        {
            warnings.Add("Console output read for " + request.ConsoleOutputLimit + " of " + offline.Count + " offline instances (-ConsoleOutputLimit); the others are judged without it.");
        }

        var consoles = new ConcurrentDictionary<string, IReadOnlyList<ConsoleFinding>>(StringComparer.Ordinal);
        using (var gate = new SemaphoreSlim(Math.Max(1, request.ThrottleLimit)))
        {
            await Task.WhenAll(offline.Take(request.ConsoleOutputLimit).Select(async id =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var text = await state.GetConsoleOutputAsync(id, cancellationToken).ConfigureAwait(false);
                    consoles[id] = ConsoleOutputClassifier.Classify(id, text, analyzer);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    LookupError(id, "ec2:GetConsoleOutput", ex);
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
        }

        var logs = await logsTask.ConfigureAwait(false);
        var issuesById = logs?.Issues.Where(i => i.InstanceId is not null).GroupBy(i => i.InstanceId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SsmAgentLogIssue>)g.ToList(), StringComparer.Ordinal);
        var diagnoses = ids.Select(id =>
        {
            registrations.TryGetValue(id, out var registration);
            var activation = registration?.ActivationId is { } activationId && activations.TryGetValue(activationId, out var a) ? a : null;
            IReadOnlyList<SsmAgentLogIssue>? issues = null;
            if (issuesById is not null && online.Contains(id))
            {
                issues = issuesById.TryGetValue(id, out var found) ? found : Array.Empty<SsmAgentLogIssue>();
            }

            return NodeDiagnoser.Diagnose(new NodeFacts
            {
                InstanceId = id,
                NotFound = notFound.Contains(id),
                Instance = snapshot.FindInstance(id),
                Status = statuses.TryGetValue(id, out var status) ? status : null,
                Registration = registration,
                Network = reports.TryGetValue(id, out var report) ? report : null,
                LogIssues = issues,
                Console = consoles.TryGetValue(id, out var console) ? console : null,
                Activation = activation,
                RoleName = snapshot.FindInstance(id)?.InstanceProfileArn is { } profileArn ? snapshot.FindInstanceProfile(profileArn)?.RoleNames.FirstOrDefault() : null,
                LookupErrors = lookupErrors.TryGetValue(id, out var errors) ? errors : (IReadOnlyList<string>)Array.Empty<string>(),
            }, region, nowUtc);
        }).ToList();
        return new NodeDiagnosisResult(region, diagnoses, inventory.Gaps, warnings);
    }

    private async Task<Dictionary<string, InstanceStatusInfo>> ReadStatusesAsync(IReadOnlyList<string> ec2Ids, Action<string, string, Exception> lookupError, CancellationToken cancellationToken)
    {
        if (ec2Ids.Count == 0)
        {
            return new Dictionary<string, InstanceStatusInfo>(StringComparer.Ordinal);
        }

        try
        {
            var read = await state.DescribeInstanceStatusAsync(ec2Ids, cancellationToken).ConfigureAwait(false);
            return read.GroupBy(s => s.InstanceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            log?.Invoke("ec2:DescribeInstanceStatus failed: " + ex.Message);
            foreach (var id in ec2Ids)
            {
                lookupError(id, "ec2:DescribeInstanceStatus", ex);
            }

            return new Dictionary<string, InstanceStatusInfo>(StringComparer.Ordinal);
        }
    }

    private async Task<IReadOnlyList<ActivationInfo>> ReadActivationsAsync(IReadOnlyList<string> hybridIds, Action<string, string, Exception> lookupError, CancellationToken cancellationToken)
    {
        try
        {
            return await state.DescribeActivationsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            log?.Invoke("ssm:DescribeActivations failed: " + ex.Message);
            foreach (var id in hybridIds)
            {
                lookupError(id, "ssm:DescribeActivations", ex);
            }

            return Array.Empty<ActivationInfo>();
        }
    }

    private async Task<FleetLogResult?> CollectAsync(IReadOnlyList<string> online, List<string> warnings, CancellationToken cancellationToken)
    {
        try
        {
            var result = await collectLogs!(online, cancellationToken).ConfigureAwait(false);
            lock (warnings)
            {
                // -OutputS3BucketName belongs to Get-SsmAgentLogIssue, which reads a node's whole window.
                warnings.AddRange(result.Warnings.Select(w => w.Replace("Narrow -Since or give -OutputS3BucketName.", "Narrow -Since, or read it whole with Get-SsmAgentLogIssue -OutputS3BucketName.")));
            }

            return result;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            lock (warnings)
            {
                warnings.Add("Agent logs not collected (Run Command): " + AwsErrorText.Describe(ex));
            }

            return null;
        }
    }
}
