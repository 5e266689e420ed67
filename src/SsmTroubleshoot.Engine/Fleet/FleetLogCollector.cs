using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Fleet;

/// <summary>What to collect from which nodes, and how fast SSM may go.</summary>
public sealed class FleetLogRequest
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

    public TimeSpan InitialPollDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for every invocation to end; the rest are reported as not finished.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>GetCommandInvocation calls in flight at once.</summary>
    public int FetchConcurrency { get; init; } = 8;
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
        IReadOnlyList<string> commandIds, int nodes, int collected)
    {
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
    }

    /// <summary>Collects through an SDK client built for the connection (the cmdlet assembly never touches SDK types).</summary>
    public static async Task<FleetLogResult> CollectAsync(Aws.AwsConnection connection, FleetLogRequest request, AgentLogAnalyzer analyzer,
        Action<FleetProgress>? onProgress, CancellationToken cancellationToken)
    {
        var factory = new Aws.AwsClientFactory(connection ?? throw new ArgumentNullException(nameof(connection)));
        using var ssm = factory.CreateSsm();
        using var s3 = string.IsNullOrEmpty(request?.OutputS3BucketName) ? null : factory.CreateS3();
        var store = s3 is null ? null : new S3CommandOutputStore(s3);
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
        var (nodes, missing) = await DescribeAsync(request, cancellationToken).ConfigureAwait(false);
        notes.Add($"DescribeInstanceInformation: {nodes.Count} node(s)" + (missing.Count > 0 ? $", {missing.Count} not registered with SSM." : "."));
        foreach (var id in missing)
        {
            issues.Add(FleetIssues.NotRegistered(id));
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

        // One SendCommand per platform group and batch (each group needs its own document), a few in flight at once.
        var plan = online.GroupBy(n => CollectionScripts.DocumentFor(n.PlatformType)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => Batches(g.ToList(), _options.BatchSize).Select(batch => (Document: g.Key, Batch: batch)))
            .ToList();
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
                    commandIdsByBatch[index] = await _api.SendCommandAsync(new RunCommandRequest
                    {
                        DocumentName = item.Document,
                        InstanceIds = item.Batch.Select(n => n.InstanceId).ToArray(),
                        Commands = scripts[item.Document],
                        ExecutionTimeoutSeconds = _options.ExecutionTimeoutSeconds,
                        MaxConcurrency = request.MaxConcurrency,
                        MaxErrors = request.MaxErrors,
                        OutputS3BucketName = request.OutputS3BucketName,
                        OutputS3KeyPrefix = request.OutputS3KeyPrefix,
                        Comment = "SsmTroubleshoot: read-only SSM Agent log collection",
                    }, cancellationToken).ConfigureAwait(false);
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
                warnings.Add($"SendCommand {plan[index].Document} to {plan[index].Batch.Count} node(s) failed: {error.Message}");
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

        var finals = await WaitAsync(sent.Select(s => s.CommandId).ToList(), online.Count, notes, onProgress, cancellationToken).ConfigureAwait(false);

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

        var read = 0;
        using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
        {
            await Task.WhenAll(toFetch.Select(async item =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var output = await _api.GetInvocationAsync(item.CommandId, item.InstanceId, cancellationToken).ConfigureAwait(false);
                    if (UsesBucket(request) && _outputStore is not null && IsTruncated(output) && IsStatus(finals[item], "Success"))
                    {
                        output = await ReadFullOutputAsync(request, item.CommandId, item.InstanceId, documents[item.CommandId], output, s3Warnings, cancellationToken)
                            .ConfigureAwait(false);
                    }

                    fetched[item] = output;
                    onProgress?.Invoke(new FleetProgress("Reading the outputs (GetCommandInvocation)", Interlocked.Increment(ref read), toFetch.Count));
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
                if (summary is null || !s_terminal.Contains(summary.Status))
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

                    issues.AddRange(Classify(analyzer, node, output, request, warnings));
                }
                else
                {
                    issues.Add(FleetIssues.Failed(node, commandId, document, summary, output));
                }
            }
        }

        return new FleetLogResult(issues, warnings, notes, commandIds, nodes.Count + missing.Count, collected);
    }

    private static IEnumerable<SsmAgentLogIssue> Classify(AgentLogAnalyzer analyzer, ManagedNode node, InvocationOutput output, FleetLogRequest request, List<string> warnings)
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

        var session = analyzer.BeginInstanceText(node.InstanceId, node.InstanceId, null);
        session.Add(text);
        return session.Complete();
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

    private async Task<(List<ManagedNode> Nodes, List<string> Missing)> DescribeAsync(FleetLogRequest request, CancellationToken cancellationToken)
    {
        var nodes = new List<ManagedNode>();
        var missing = new List<string>();
        if (request.InstanceIds is { Count: > 0 } ids)
        {
            var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
            var batches = Batches(wanted, _options.BatchSize).ToList();
            var found = new List<ManagedNode>[batches.Count];
            using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
            {
                await Task.WhenAll(batches.Select(async (batch, index) =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        found[index] = await DescribeAllPagesAsync(batch, request.Filters, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }

            for (var b = 0; b < batches.Count; b++)
            {
                var byId = found[b].GroupBy(n => n.InstanceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
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

        return (nodes, missing);
    }

    private async Task<List<ManagedNode>> DescribeAllPagesAsync(IReadOnlyList<string>? ids, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters, CancellationToken cancellationToken)
    {
        var nodes = new List<ManagedNode>();
        string? token = null;
        do
        {
            var page = await _api.DescribeNodesAsync(ids, filters, token, cancellationToken).ConfigureAwait(false);
            nodes.AddRange(page.Nodes);
            token = page.NextToken;
        }
        while (token is not null);
        return nodes;
    }

    /// <summary>
    /// Lists every command's invocations until all have ended or the timeout passes. Jittered backoff between
    /// rounds; a throttled round backs off harder and is retried instead of failing the collection.
    /// </summary>
    private async Task<Dictionary<(string, string), InvocationSummary>> WaitAsync(List<string> commandIds, int total, List<string> notes,
        Action<FleetProgress>? onProgress, CancellationToken cancellationToken)
    {
        var finals = new Dictionary<(string, string), InvocationSummary>();
        var pending = new HashSet<string>(commandIds, StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + _options.Timeout;
        var delay = _options.InitialPollDelay;
        var random = new Random(commandIds.Count);
        var rounds = 0;
        while (pending.Count > 0)
        {
            // One round lists every unfinished command, a few at a time (a 10,000-node fleet has 200 commands).
            var throttled = 0;
            var listed = new ConcurrentDictionary<string, List<InvocationSummary>>(StringComparer.Ordinal);
            using (var gate = new SemaphoreSlim(Math.Max(1, _options.FetchConcurrency)))
            {
                await Task.WhenAll(pending.Select(async commandId =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        listed[commandId] = await ListAllAsync(commandId, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (FailureClassifier.Classify(ex) == FailureKind.Throttled)
                    {
                        Interlocked.Increment(ref throttled);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }

            foreach (var (commandId, invocations) in listed.Select(p => (p.Key, p.Value)))
            {
                foreach (var invocation in invocations)
                {
                    finals[(commandId, invocation.InstanceId)] = invocation;
                }

                // An invocation list can be empty right after SendCommand; wait for it to fill.
                if (invocations.Count > 0 && invocations.All(i => s_terminal.Contains(i.Status)))
                {
                    pending.Remove(commandId);
                }
            }

            rounds++;
            onProgress?.Invoke(new FleetProgress("Waiting for the invocations (ListCommandInvocations)", finals.Values.Count(i => s_terminal.Contains(i.Status)), total));
            if (pending.Count == 0 || DateTime.UtcNow >= deadline)
            {
                break;
            }

            var wait = throttled > 0 ? Min(Scale(delay, 2), _options.MaxPollDelay + _options.MaxPollDelay) : delay;
            wait = Scale(wait, 0.8 + (0.4 * random.NextDouble()));
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await _delay(wait < left ? wait : left, cancellationToken).ConfigureAwait(false);
            delay = Min(Scale(delay, 1.5), _options.MaxPollDelay);
        }

        notes.Add($"ListCommandInvocations: {rounds} round(s); {pending.Count} command(s) still running.");
        return finals;
    }

    private async Task<List<InvocationSummary>> ListAllAsync(string commandId, CancellationToken cancellationToken)
    {
        var all = new List<InvocationSummary>();
        string? token = null;
        do
        {
            var page = await _api.ListInvocationsAsync(commandId, token, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Invocations);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }

    private static IEnumerable<List<T>> Batches<T>(IReadOnlyList<T> items, int size)
    {
        for (var i = 0; i < items.Count; i += size)
        {
            yield return items.Skip(i).Take(size).ToList();
        }
    }

    private static TimeSpan Scale(TimeSpan value, double factor) => TimeSpan.FromTicks((long)(value.Ticks * factor));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
