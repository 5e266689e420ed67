using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Logs;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.LogCollection;

/// <summary>What to collect from which nodes, and how fast SSM may go.</summary>
public sealed record FleetLogRequest
{
    /// <summary>Nodes by id (i-… or mi-…); or null with <see cref="Filters"/>.</summary>
    public IReadOnlyList<string>? InstanceIds { get; init; }

    /// <summary>DescribeInstanceInformation filters (tag:Key, PlatformTypes, PingStatus, ...): Key → Values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Filters { get; init; }

    /// <summary>The window start; applied on the instance in its local time.</summary>
    public DateTime SinceUtc { get; init; }

    public DateTime? UntilUtc { get; init; }

    /// <summary>SendCommand MaxConcurrency (e.g. "50" or "10%"); null: the service default.</summary>
    public string? MaxConcurrency { get; init; }

    /// <summary>SendCommand MaxErrors (e.g. "0", "10%"); null: the service default.</summary>
    public string? MaxErrors { get; init; }

    public string? OutputS3BucketName { get; init; }

    public string? OutputS3KeyPrefix { get; init; }

    /// <summary>
    /// Whether an id that DescribeInstanceInformation does not list becomes a NotRegistered row (one region). Over several
    /// regions or accounts an id lives in one of them: the caller reports the ids no target lists
    /// (<see cref="FleetLogResult.NotRegistered"/>).
    /// </summary>
    public bool ReportNotRegistered { get; init; } = true;
}

/// <summary>Pacing and limits of a collection (defaults suit real accounts; tests shrink the delays).</summary>
public sealed class FleetCollectorOptions
{
    /// <summary>Ids per DescribeInstanceInformation and per SendCommand (the APIs' own limit is 50).</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>Bytes of log a node sends at most: below GetCommandInvocation's 24,000-character output limit.</summary>
    public int CapBytes { get; init; } = 23_000;

    /// <summary>
    /// Bytes a node sends at most when an output bucket is given (the full output is read back from S3): large
    /// enough for a busy day of agent log, small enough to bound what one node costs here; the newest bytes are kept.
    /// </summary>
    public int S3CapBytes { get; init; } = 8 * 1024 * 1024;

    public int ExecutionTimeoutSeconds { get; init; } = 120;

    /// <summary>
    /// SendCommand TimeoutSeconds for tag-targeted commands: an offline node the tag also selects is not waited for
    /// (it is reported from its ping status), and it must not run the script long after the collection has ended.
    /// </summary>
    public int DeliveryTimeoutSeconds { get; init; } = 600;

    public TimeSpan InitialPollDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for every invocation to end; the rest are reported as not finished.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>GetCommandInvocation calls in flight at once.</summary>
    public int FetchConcurrency { get; init; } = 8;

    /// <summary>
    /// How each call is tried again beyond the SDK's own retries: throttling is waited out (the account's rate is
    /// shared), 5xx answers and dropped connections get a few more attempts; then only that call's nodes are reported.
    /// </summary>
    public AwsRetryPolicy Retry { get; init; } = new();

    /// <summary>Polling rounds in a row a command's invocations may fail to list (not throttling) before its nodes are reported.</summary>
    public int MaxFailedListRounds { get; init; } = 5;
}

/// <summary>Where a collection is: the stage, and how many of its items are done.</summary>
public sealed class FleetProgress
{
    public FleetProgress(string stage, int done, int total)
    {
        Stage = stage;
        Done = done;
        Total = total;
    }

    public string Stage { get; }

    public int Done { get; }

    public int Total { get; }
}

/// <summary>The outcome of a fleet collection: issues per node (with InstanceId) and notes for the caller.</summary>
public sealed class FleetLogResult
{
    internal FleetLogResult(IReadOnlyList<SsmAgentLogIssue> issues, IReadOnlyList<string> warnings, IReadOnlyList<string> notes,
        IReadOnlyList<string> commandIds, int nodes, int collected, int throttled = 0, int retries = 0, IReadOnlyList<string>? notRegistered = null, bool byTag = false)
    {
        NotRegistered = notRegistered ?? Array.Empty<string>();
        ByTag = byTag;
        Throttled = throttled;
        Retries = retries;
        Issues = issues;
        Warnings = warnings;
        Notes = notes;
        CommandIds = commandIds;
        Nodes = nodes;
        Collected = collected;
    }

    /// <summary>Log issues of the nodes read, plus one AgentOffline / CollectionFailed row per node that could not be read.</summary>
    public IReadOnlyList<SsmAgentLogIssue> Issues { get; }

    /// <summary>Things the caller should see (output cut at the cap, invocations still running at the timeout).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Progress notes for the verbose stream.</summary>
    public IReadOnlyList<string> Notes { get; }

    public IReadOnlyList<string> CommandIds { get; }

    /// <summary>Nodes asked about.</summary>
    public int Nodes { get; }

    /// <summary>Nodes whose log window was read and classified.</summary>
    public int Collected { get; }

    /// <summary>Throttled answers the collection waited out (beyond the SDK's own retries).</summary>
    public int Throttled { get; }

    /// <summary>Calls made again after a throttled or transient failure.</summary>
    public int Retries { get; }

    /// <summary>Ids asked for that DescribeInstanceInformation does not list here (rows only when the request reports them).</summary>
    public IReadOnlyList<string> NotRegistered { get; }

    /// <summary>Ids whose DescribeInstanceInformation batch kept failing (rows only when the request reports unregistered ids).</summary>
    public IReadOnlyList<string> Undescribed { get; internal init; } = Array.Empty<string>();

    /// <summary>Whether the script was sent with Run Command's tag targeting instead of batches of ids.</summary>
    public bool ByTag { get; }
}

/// <summary>
/// Agent logs from many nodes through Run Command: DescribeInstanceInformation (platform, ping status), one
/// SendCommand per platform and 50 nodes with the read-only collection script, ListCommandInvocations with backoff
/// until every invocation ends, GetCommandInvocation for the output, and the same analyzer as for local files.
/// Nodes that cannot be read are reported as issue rows, never dropped.
/// </summary>
public sealed class FleetLogCollector
{
    public const string OfflineCategory = "AgentOffline";
    public const string FailedCategory = "CollectionFailed";

    private static readonly HashSet<string> s_terminal = new(StringComparer.OrdinalIgnoreCase) { "Success", "Failed", "Cancelled", "TimedOut" };

    private readonly IRunCommandApi _api;
    private readonly FleetCollectorOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly ICommandOutputStore? _outputStore;
    private readonly AwsRetry _retry;
    private readonly AwsRetryPolicy _listRetry;

    /// <summary>GetCommandInvocation's StandardOutputContent holds at most this many characters.</summary>
    public const int InlineOutputLimit = 24_000;

    /// <param name="outputStore">Reads the full output from the request's output bucket; null: inline output only.</param>
    public FleetLogCollector(IRunCommandApi api, FleetCollectorOptions? options = null, Func<TimeSpan, CancellationToken, Task>? delay = null,
        ICommandOutputStore? outputStore = null)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _options = options ?? new FleetCollectorOptions();
        _delay = delay ?? Task.Delay;
        _outputStore = outputStore;
        _retry = new AwsRetry(_options.Retry, _delay);
        _listRetry = new AwsRetryPolicy { MaxThrottledRetries = 1, MaxTransientRetries = 1, InitialDelay = _options.Retry.InitialDelay, MaxDelay = _options.Retry.MaxDelay };
    }

    /// <summary>Collects through an SDK client built for the connection (the cmdlet assembly never touches SDK types).</summary>
    public static async Task<FleetLogResult> CollectAsync(Aws.AwsConnection connection, FleetLogRequest request, AgentLogAnalyzer analyzer,
        Action<FleetProgress>? onProgress, CancellationToken cancellationToken)
    {
        var factory = new Aws.AwsClientFactory(connection ?? throw new ArgumentNullException(nameof(connection)));
        using var ssm = factory.CreateSsm();
        using var s3 = string.IsNullOrEmpty(request?.OutputS3BucketName) ? null : factory.CreateS3();
        var store = s3 is null ? null : new S3CommandOutputStore(s3, connection.Timeout);
        return await new FleetLogCollector(new SsmRunCommandApi(ssm), outputStore: store).CollectAsync(request!, analyzer, onProgress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Collects and classifies. <paramref name="onProgress"/> is called from pool threads.</summary>
    public async Task<FleetLogResult> CollectAsync(FleetLogRequest request, AgentLogAnalyzer analyzer, Action<FleetProgress>? onProgress, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (analyzer is null)
        {
            throw new ArgumentNullException(nameof(analyzer));
        }

        var issues = new List<SsmAgentLogIssue>();
        var warnings = new List<string>();
        var notes = new List<string>();
        var commandIds = new List<string>();

        onProgress?.Invoke(new FleetProgress("Describing managed nodes (DescribeInstanceInformation)", 0, 0));
        var (nodes, missing, undescribed) = await DescribeAsync(request, cancellationToken).ConfigureAwait(false);
        notes.Add($"DescribeInstanceInformation: {nodes.Count} node(s)" + (missing.Count > 0 ? $", {missing.Count} not registered with SSM" : string.Empty)
            + (undescribed.Count > 0 ? $", {undescribed.Count} could not be described." : "."));
        if (request.ReportNotRegistered)
        {
            foreach (var id in missing)
            {
                issues.Add(FleetIssues.NotRegistered(id));
            }
        }

        if (!request.ReportNotRegistered && undescribed.Count > 0 && nodes.Count == 0 && missing.Count == 0)
        {
            // One of several regions or accounts that cannot be described at all: the caller's error row for the
            // region, not a row per id (most of the ids live elsewhere).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(undescribed[0].Error).Throw();
        }

        foreach (var (ids, error) in undescribed.GroupBy(u => u.Error).Select(g => (g.Select(u => u.InstanceId).ToList(), g.Key)))
        {
            warnings.Add($"DescribeInstanceInformation failed for {Count(ids)}: {Aws.AwsFailureText.Describe(error).Message}");
            if (request.ReportNotRegistered)
            {
                issues.AddRange(ids.Select(id => FleetIssues.NotDescribed(id, error)));
            }
        }

        var online = new List<ManagedNode>();
        foreach (var node in nodes)
        {
            if (string.Equals(node.PingStatus, "Online", StringComparison.OrdinalIgnoreCase))
            {
                online.Add(node);
            }
            else
            {
                issues.Add(FleetIssues.Offline(node));
            }
        }

        // A selection by tags alone, all on one platform, goes out as one tag-targeted SendCommand: SSM resolves and paces
        // the whole selection (MaxConcurrency/MaxErrors apply to it, not to each batch of 50). Otherwise one SendCommand
        // per platform group and batch of ids (each group needs its own document), a few in flight at once.
        var tags = online.Count > 0 ? TagTargets(request, nodes) : null;
        var plan = tags is not null
            ? new List<(string Document, List<ManagedNode> Batch)> { (CollectionScripts.DocumentFor(online[0].PlatformType), online) }
            : online.GroupBy(n => CollectionScripts.DocumentFor(n.PlatformType)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => Batches(g.ToList(), _options.BatchSize).Select(batch => (Document: g.Key, Batch: batch)))
                .ToList();
        if (tags is not null)
        {
            notes.Add("Sending by tag (" + string.Join(", ", tags.Select(t => t.Key + "=" + string.Join("|", t.Value))) + "): Run Command paces the "
                + online.Count.ToString(CultureInfo.InvariantCulture) + " online node(s) with MaxConcurrency " + (request.MaxConcurrency ?? "50 (default)")
                + " and MaxErrors " + (request.MaxErrors ?? "0 (default)") + ".");
        }
        else if (request.InstanceIds is null && request.Filters is { Count: > 0 } && OnlyTagKeys(request.Filters) && online.Count > 0)
        {
            notes.Add("The tags select nodes of more than one platform: sending by id, so each platform gets its own document.");
        }
        var scripts = plan.Select(p => p.Document).Distinct(StringComparer.Ordinal)
            .ToDictionary(d => d, d => CollectionScripts.Render(d, request.SinceUtc, request.UntilUtc, UsesBucket(request) ? _options.S3CapBytes : _options.CapBytes), StringComparer.Ordinal);
        var commandIdsByBatch = new string?[plan.Count];
        var sendErrors = new Exception?[plan.Count];
        var sentNodes = 0;
        using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
        {
            await Task.WhenAll(plan.Select(async (item, index) =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    commandIdsByBatch[index] = await _retry.RunAsync(ct => _api.SendCommandAsync(new RunCommandRequest
                    {
                        DocumentName = item.Document,
                        InstanceIds = tags is null ? item.Batch.Select(n => n.InstanceId).ToArray() : Array.Empty<string>(),
                        Targets = tags,
                        DeliveryTimeoutSeconds = tags is null ? null : Math.Max(30, _options.DeliveryTimeoutSeconds),
                        Commands = scripts[item.Document],
                        ExecutionTimeoutSeconds = _options.ExecutionTimeoutSeconds,
                        MaxConcurrency = request.MaxConcurrency,
                        MaxErrors = request.MaxErrors,
                        OutputS3BucketName = request.OutputS3BucketName,
                        OutputS3KeyPrefix = request.OutputS3KeyPrefix,
                        Comment = "SsmTroubleshoot: read-only SSM Agent log collection",
                    }, ct), cancellationToken).ConfigureAwait(false);
                    onProgress?.Invoke(new FleetProgress("Sending the collection script (SendCommand)", Interlocked.Add(ref sentNodes, item.Batch.Count), online.Count));
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    // One refused batch (permissions on a document, a node gone Inactive) must not cost the others.
                    sendErrors[index] = ex;
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
        }

        for (var index = 0; index < plan.Count; index++)
        {
            if (sendErrors[index] is { } error)
            {
                warnings.Add($"SendCommand {plan[index].Document} to {plan[index].Batch.Count} node(s) failed: {Aws.AwsFailureText.Describe(error).Message}");
                issues.AddRange(plan[index].Batch.Select(node => FleetIssues.NotSent(node, plan[index].Document, error)));
            }
        }

        var sent = plan.Select((item, index) => (CommandId: commandIdsByBatch[index], item.Document, Nodes: item.Batch.ToDictionary(n => n.InstanceId, StringComparer.Ordinal)))
            .Where(s => s.CommandId is not null)
            .Select(s => (CommandId: s.CommandId!, s.Document, s.Nodes))
            .ToList();
        foreach (var (commandId, document, batch) in sent)
        {
            commandIds.Add(commandId);
            notes.Add($"SendCommand {document} to {batch.Count} node(s): command {commandId}.");
        }

        var expected = sent.ToDictionary(s => s.CommandId, s => (IReadOnlyCollection<string>)s.Nodes.Keys.ToList(), StringComparer.Ordinal);
        var (finals, unlisted) = await WaitAsync(expected, online.Count, notes, onProgress, cancellationToken).ConfigureAwait(false);
        if (tags is not null)
        {
            // A tag also reaches the offline nodes (reported above from their ping status) and nodes tagged since the
            // describe call: their invocations are not waited for or read.
            var known = new HashSet<string>(nodes.Select(n => n.InstanceId), StringComparer.Ordinal);
            var outside = finals.Keys.Where(k => expected.ContainsKey(k.Item1) && !known.Contains(k.Item2)).Select(k => k.Item2)
                .Distinct(StringComparer.Ordinal).ToList();
            if (outside.Count > 0)
            {
                notes.Add($"The tag also reached {Count(outside)} that DescribeInstanceInformation did not list when asked (tagged since): not read.");
            }
        }
        foreach (var pair in unlisted)
        {
            warnings.Add($"ListCommandInvocations for command {pair.Key} kept failing: {Aws.AwsFailureText.Describe(pair.Value).Message}");
        }

        // Fetch outputs (bounded parallelism), then classify on this thread in a stable order.
        var fetched = new ConcurrentDictionary<(string, string), InvocationOutput>();
        var toFetch = new List<(string CommandId, string InstanceId)>();
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (commandId, document, batch) in sent)
        {
            documents[commandId] = document;
            foreach (var id in batch.Keys)
            {
                if (finals.TryGetValue((commandId, id), out var summary) && (IsStatus(summary, "Success") || IsStatus(summary, "Failed")) && !IsDeliveryFailure(summary))
                {
                    toFetch.Add((commandId, id));
                }
            }
        }

        var s3Warnings = new ConcurrentDictionary<(string, string), string>();
        var readErrors = new ConcurrentDictionary<(string, string), Exception>();

        var read = 0;
        using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
        {
            await Task.WhenAll(toFetch.Select(async item =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var output = await _retry.RunAsync(ct => _api.GetInvocationAsync(item.CommandId, item.InstanceId, ct), cancellationToken).ConfigureAwait(false);
                    if (UsesBucket(request) && _outputStore is not null && IsTruncated(output) && IsStatus(finals[item], "Success"))
                    {
                        output = await ReadFullOutputAsync(request, item.CommandId, item.InstanceId, documents[item.CommandId], output, s3Warnings, cancellationToken)
                            .ConfigureAwait(false);
                    }

                    fetched[item] = output;
                    onProgress?.Invoke(new FleetProgress("Reading the outputs (GetCommandInvocation)", Interlocked.Increment(ref read), toFetch.Count));
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    // One node's output that cannot be read costs that node only.
                    readErrors[item] = ex;
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
        }

        var collected = 0;
        foreach (var (commandId, document, batch) in sent)
        {
            foreach (var node in batch.Values.OrderBy(n => n.InstanceId, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                finals.TryGetValue((commandId, node.InstanceId), out var summary);
                fetched.TryGetValue((commandId, node.InstanceId), out var output);
                if (readErrors.TryGetValue((commandId, node.InstanceId), out var readError))
                {
                    issues.Add(FleetIssues.NotRead(node, commandId, readError));
                }
                else if (summary is null && unlisted.TryGetValue(commandId, out var listError))
                {
                    issues.Add(FleetIssues.NotListed(node, commandId, listError));
                }
                else if (summary is null || !s_terminal.Contains(summary.Status))
                {
                    issues.Add(FleetIssues.NotFinished(node, commandId, summary?.Status, _options.Timeout));
                    warnings.Add($"{node.InstanceId}: command {commandId} still {summary?.Status ?? "unknown"} after {_options.Timeout.TotalSeconds:0} s; not collected.");
                }
                else if (output is not null && IsStatus(summary, "Success"))
                {
                    collected++;
                    if (s3Warnings.TryGetValue((commandId, node.InstanceId), out var s3Warning))
                    {
                        warnings.Add(s3Warning);
                    }

                    issues.AddRange(Classify(analyzer, node, output, request, warnings, cancellationToken));
                }
                else
                {
                    issues.Add(FleetIssues.Failed(node, commandId, document, summary, output));
                }
            }
        }

        if (readErrors.Count > 0)
        {
            warnings.Add($"GetCommandInvocation failed for {Count(readErrors.Keys.Select(k => k.Item2).ToList())}: {Aws.AwsFailureText.Describe(readErrors.Values.First()).Message}");
        }

        var asked = nodes.Count + missing.Count + undescribed.Count;
        AccountForEveryNode(request, nodes, request.ReportNotRegistered ? missing : new List<string>(), request.ReportNotRegistered ? undescribed : new List<(string, Exception)>(), issues,
            collectedIds: CollectedIds(sent, finals, fetched, readErrors));
        if (_retry.Throttled > 0)
        {
            notes.Add($"AWS throttled {_retry.Throttled} call(s); {_retry.Retries} call(s) were made again after backing off.");
        }

        return new FleetLogResult(issues, warnings, notes, commandIds, asked, collected, _retry.Throttled, _retry.Retries, missing, byTag: tags is not null)
        {
            Undescribed = undescribed.Select(u => u.InstanceId).ToList(),
        };
    }

    /// <summary>The ids of the nodes whose output was read and classified.</summary>
    private static HashSet<string> CollectedIds(List<(string CommandId, string Document, Dictionary<string, ManagedNode> Nodes)> sent,
        Dictionary<(string, string), InvocationSummary> finals, ConcurrentDictionary<(string, string), InvocationOutput> fetched,
        ConcurrentDictionary<(string, string), Exception> readErrors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (commandId, _, batch) in sent)
        {
            foreach (var id in batch.Keys)
            {
                if (!readErrors.ContainsKey((commandId, id)) && fetched.ContainsKey((commandId, id))
                    && finals.TryGetValue((commandId, id), out var summary) && IsStatus(summary, "Success"))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>
    /// The promise of the cmdlet: every node asked about comes back, collected or as a row saying why not. A node that
    /// fell through every branch above (it should not) gets a CollectionFailed row rather than vanishing.
    /// </summary>
    private static void AccountForEveryNode(FleetLogRequest request, List<ManagedNode> nodes, List<string> missing, List<(string InstanceId, Exception Error)> undescribed,
        List<SsmAgentLogIssue> issues, HashSet<string> collectedIds)
    {
        // Ids this region does not list are the caller's to report when it merges regions (ReportNotRegistered false).
        var notReportedHere = new HashSet<string>(request.InstanceIds ?? Array.Empty<string>(), StringComparer.Ordinal);
        notReportedHere.ExceptWith(nodes.Select(n => n.InstanceId));
        notReportedHere.ExceptWith(undescribed.Select(u => u.InstanceId)); // (empty when not reported here)
        var expected = new HashSet<string>(nodes.Select(n => n.InstanceId), StringComparer.Ordinal);
        expected.UnionWith(missing);
        expected.UnionWith(undescribed.Select(u => u.InstanceId));
        if (request.InstanceIds is { } asked)
        {
            expected.UnionWith(request.ReportNotRegistered ? asked : asked.Where(id => !notReportedHere.Contains(id)));
        }

        expected.ExceptWith(collectedIds);
        expected.ExceptWith(issues.Where(i => i.InstanceId is not null).Select(i => i.InstanceId!));
        foreach (var id in expected.OrderBy(i => i, StringComparer.Ordinal))
        {
            issues.Add(FleetIssues.Unaccounted(id));
        }
    }

    /// <summary>"3 node(s) (i-1, i-2, i-3)", or the first few and how many more: error text and targets stay short for 2,000 nodes.</summary>
    public static string DescribeNodes(IReadOnlyList<string> ids) => Count(ids ?? Array.Empty<string>());

    internal static string Count(IReadOnlyList<string> ids) =>
        ids.Count <= 3 ? $"{ids.Count} node(s) ({string.Join(", ", ids)})" : $"{ids.Count} node(s) ({string.Join(", ", ids.Take(3))} and {ids.Count - 3} more)";

    private static IEnumerable<SsmAgentLogIssue> Classify(AgentLogAnalyzer analyzer, ManagedNode node, InvocationOutput output, FleetLogRequest request, List<string> warnings,
        CancellationToken cancellationToken)
    {
        var text = output.StandardOutput;
        if (text.StartsWith(CollectionScripts.HeaderPrefix, StringComparison.Ordinal))
        {
            var end = text.IndexOf('\n');
            var header = end < 0 ? text : text.Substring(0, end);
            text = end < 0 ? string.Empty : text.Substring(end + 1);
            var total = HeaderValue(header, "total");
            var sentBytes = HeaderValue(header, "sent");
            if (total > sentBytes)
            {
                warnings.Add($"{node.InstanceId}: the log window holds {total:N0} bytes; only the newest {sentBytes:N0} were sent"
                    + (UsesBucket(request) ? " (the collection cap with -OutputS3BucketName). Narrow -Since." : " (the Run Command output limit). Narrow -Since or give -OutputS3BucketName."));
            }
        }

        var session = analyzer.BeginInstanceText(node.InstanceId, node.InstanceId, null, cancellationToken);
        session.Add(text);
        var issues = session.Complete();
        warnings.AddRange(analyzer.TakeWarnings());
        return issues;
    }

    private static bool UsesBucket(FleetLogRequest request) => !string.IsNullOrEmpty(request.OutputS3BucketName);

    /// <summary>Whether GetCommandInvocation cut the output: it returns the first 24,000 characters only.</summary>
    private static bool IsTruncated(InvocationOutput output) => output.StandardOutput.Length >= InlineOutputLimit;

    /// <summary>
    /// The node's full output from the output bucket (StandardOutputUrl, else the key Run Command writes); on a
    /// failure the inline (cut) output is kept and a warning says which object and permission.
    /// </summary>
    private async Task<InvocationOutput> ReadFullOutputAsync(FleetLogRequest request, string commandId, string instanceId, string document,
        InvocationOutput output, ConcurrentDictionary<(string, string), string> warnings, CancellationToken cancellationToken)
    {
        var (bucket, key) = CommandOutputLocation.FromUrl(output.StandardOutputUrl)
            ?? (request.OutputS3BucketName!, CommandOutputLocation.StandardOutputKey(request.OutputS3KeyPrefix, commandId, instanceId, document));
        try
        {
            var full = await _outputStore!.ReadAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            return new InvocationOutput
            {
                Status = output.Status,
                StatusDetails = output.StatusDetails,
                ResponseCode = output.ResponseCode,
                StandardOutput = full,
                StandardError = output.StandardError,
                StandardOutputUrl = output.StandardOutputUrl,
            };
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var code = ex is Amazon.Runtime.AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode) ? service.ErrorCode : ex.GetType().Name;
            var why = code == "NoSuchKey"
                ? "the object does not exist (the node's instance profile needs s3:PutObject on the bucket for the agent to upload it)"
                : $"the caller needs s3:GetObject on arn:aws:s3:::{bucket}/{key}";
            warnings[(commandId, instanceId)] = $"{instanceId}: could not read the full output from s3://{bucket}/{key} ({code}: {ex.Message}); {why}. "
                + $"Only the first {output.StandardOutput.Length:N0} characters GetCommandInvocation returned were classified.";
            return output;
        }
    }

    private static long HeaderValue(string header, string name)
    {
        foreach (var part in header.Split(' '))
        {
            if (part.StartsWith(name + "=", StringComparison.Ordinal)
                && long.TryParse(part.Substring(name.Length + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return 0;
    }

    private static bool IsStatus(InvocationSummary summary, string status) => string.Equals(summary.Status, status, StringComparison.OrdinalIgnoreCase);

    private static bool IsDeliveryFailure(InvocationSummary summary) =>
        string.Equals(summary.StatusDetails, "Undeliverable", StringComparison.OrdinalIgnoreCase)
        || string.Equals(summary.StatusDetails, "DeliveryTimedOut", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The nodes by id (50 per call, a few calls at once) or by filters. A batch of ids that cannot be described even
    /// after backing off is returned as undescribed (those nodes become rows); filters have no ids to fall back on, so
    /// a failure there ends the collection.
    /// </summary>
    private async Task<(List<ManagedNode> Nodes, List<string> Missing, List<(string InstanceId, Exception Error)> Undescribed)> DescribeAsync(
        FleetLogRequest request, CancellationToken cancellationToken)
    {
        var nodes = new List<ManagedNode>();
        var missing = new List<string>();
        var undescribed = new List<(string, Exception)>();
        if (request.InstanceIds is { Count: > 0 } ids)
        {
            var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
            var batches = Batches(wanted, _options.BatchSize).ToList();
            var found = new List<ManagedNode>?[batches.Count];
            var failures = new Exception?[batches.Count];
            using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
            {
                await Task.WhenAll(batches.Select(async (batch, index) =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        found[index] = await DescribeAllPagesAsync(batch, request.Filters, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                    {
                        failures[index] = ex;
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }

            for (var b = 0; b < batches.Count; b++)
            {
                if (failures[b] is { } failure)
                {
                    undescribed.AddRange(batches[b].Select(id => (id, failure)));
                    continue;
                }

                var byId = found[b]!.GroupBy(n => n.InstanceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                foreach (var id in batches[b])
                {
                    if (byId.TryGetValue(id, out var node))
                    {
                        nodes.Add(node);
                    }
                    else
                    {
                        missing.Add(id);
                    }
                }
            }
        }
        else
        {
            nodes.AddRange(await DescribeAllPagesAsync(null, request.Filters, cancellationToken).ConfigureAwait(false));
        }

        return (nodes, missing, undescribed);
    }

    private async Task<List<ManagedNode>> DescribeAllPagesAsync(IReadOnlyList<string>? ids, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters, CancellationToken cancellationToken)
    {
        var nodes = new List<ManagedNode>();
        string? token = null;
        var pages = 0;
        do
        {
            var next = token;
            var page = await _retry.RunAsync(ct => _api.DescribeNodesAsync(ids, filters, next, ct), cancellationToken).ConfigureAwait(false);
            nodes.AddRange(page.Nodes);
            token = page.NextToken == next ? null : page.NextToken; // a repeated token must not loop forever
        }
        while (token is not null && ++pages < 10_000);
        return nodes;
    }

    /// <summary>
    /// Lists every command's invocations until all have ended or the timeout passes. Jittered backoff between rounds;
    /// a throttled round backs off harder and is retried instead of failing the collection. A command whose listing
    /// keeps failing for another reason is given up after a few rounds (returned with its error); the others go on.
    /// </summary>
    private async Task<(Dictionary<(string, string), InvocationSummary> Finals, Dictionary<string, Exception> Unlisted)> WaitAsync(
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> expected, int total, List<string> notes, Action<FleetProgress>? onProgress, CancellationToken cancellationToken)
    {
        var commandIds = expected.Keys.ToList();
        var finals = new Dictionary<(string, string), InvocationSummary>();
        var unlisted = new Dictionary<string, Exception>(StringComparer.Ordinal);
        var failedRounds = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new HashSet<string>(commandIds, StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + _options.Timeout;
        var random = new Random(commandIds.Count);
        var backoff = new Backoff(_options.InitialPollDelay, _options.MaxPollDelay > _options.InitialPollDelay ? _options.MaxPollDelay : _options.InitialPollDelay,
            _options.MaxPollDelay + _options.MaxPollDelay, 1.5, 0.4, () =>
            {
                lock (random)
                {
                    return random.NextDouble();
                }
            });
        var rounds = 0;
        while (pending.Count > 0)
        {
            // One round lists every unfinished command, a few at a time (a 10,000-node fleet has 200 commands).
            var throttled = 0;
            var listed = new ConcurrentDictionary<string, List<InvocationSummary>>(StringComparer.Ordinal);
            var errors = new ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
            using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
            {
                await Task.WhenAll(pending.Select(async commandId =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        listed[commandId] = await ListAllAsync(commandId, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (FailureClassifier.Classify(ex) == FailureKind.Throttled && !cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref throttled);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                    {
                        errors[commandId] = ex;
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }

            foreach (var (commandId, invocations) in listed.Select(p => (p.Key, p.Value)))
            {
                failedRounds[commandId] = 0;
                foreach (var invocation in invocations)
                {
                    finals[(commandId, invocation.InstanceId)] = invocation;
                }

                // An invocation list can be empty right after SendCommand; wait for it to fill. Only the nodes the command
                // was meant for count: a tag-targeted command also lists offline nodes that stay Pending until delivery times out.
                if (invocations.Count > 0 && expected[commandId].All(id => finals.TryGetValue((commandId, id), out var i) && s_terminal.Contains(i.Status)))
                {
                    pending.Remove(commandId);
                }
            }

            foreach (var (commandId, error) in errors.Select(p => (p.Key, p.Value)))
            {
                failedRounds[commandId] = (failedRounds.TryGetValue(commandId, out var n) ? n : 0) + 1;
                if (failedRounds[commandId] >= _options.MaxFailedListRounds)
                {
                    pending.Remove(commandId);
                    unlisted[commandId] = error;
                }
            }

            rounds++;
            onProgress?.Invoke(new FleetProgress("Waiting for the invocations (ListCommandInvocations)",
                expected.Sum(e => e.Value.Count(id => finals.TryGetValue((e.Key, id), out var i) && s_terminal.Contains(i.Status))), total));
            if (pending.Count == 0 || DateTime.UtcNow >= deadline)
            {
                break;
            }

            var wait = backoff.Next(throttled > 0);
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await _delay(wait < left ? wait : left, cancellationToken).ConfigureAwait(false);
        }

        notes.Add($"ListCommandInvocations: {rounds} round(s); {pending.Count} command(s) still running.");
        return (finals, unlisted);
    }

    private async Task<List<InvocationSummary>> ListAllAsync(string commandId, CancellationToken cancellationToken)
    {
        var all = new List<InvocationSummary>();
        string? token = null;
        var pages = 0;
        do
        {
            var next = token;
            // Polling rounds already back off when throttled: one more attempt here is enough.
            var page = await _retry.RunAsync(ct => _api.ListInvocationsAsync(commandId, next, ct), cancellationToken, _listRetry).ConfigureAwait(false);
            all.AddRange(page.Invocations);
            token = page.NextToken == next ? null : page.NextToken;
        }
        while (token is not null && ++pages < 1000);
        return all;
    }

    /// <summary>
    /// The filters as SendCommand Targets when they hold only tag keys (tag:Name, tag-key: what both
    /// DescribeInstanceInformation and SendCommand select on alike) and every node they select runs one document;
    /// else null. At most 5 targets, as SendCommand allows.
    /// </summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>>? TagTargets(FleetLogRequest request, List<ManagedNode> selected)
    {
        if (request.InstanceIds is not null || request.Filters is not { Count: > 0 and <= 5 } filters || !OnlyTagKeys(filters))
        {
            return null;
        }

        return selected.Select(n => CollectionScripts.DocumentFor(n.PlatformType)).Distinct(StringComparer.Ordinal).Count() == 1 ? filters : null;
    }

    private static bool OnlyTagKeys(IReadOnlyDictionary<string, IReadOnlyList<string>> filters) =>
        filters.Keys.All(k => (k.StartsWith("tag:", StringComparison.Ordinal) && k.Length > 4) || k == "tag-key");

    private static IEnumerable<List<T>> Batches<T>(IReadOnlyList<T> items, int size)
    {
        for (var i = 0; i < items.Count; i += size)
        {
            yield return items.Skip(i).Take(size).ToList();
        }
    }

}
