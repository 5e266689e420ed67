using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Automation;

/// <summary>How a wait ended for one execution.</summary>
public enum ExecutionWaitState
{
    /// <summary>Reached a terminal status; <see cref="ExecutionWaitOutcome.Result"/> is complete.</summary>
    Finished,

    /// <summary>Stopped at Waiting/PendingApproval because the caller asked to (StopOnWaiting).</summary>
    NeedsHuman,

    /// <summary>Still running when the overall timeout passed: the cmdlet writes one OperationTimeout error.</summary>
    TimedOut,

    /// <summary>
    /// Could not be read (not found, access denied, malformed id, or every call failed until the deadline: throttled,
    /// unreachable): see <see cref="ExecutionWaitOutcome.Error"/>.
    /// </summary>
    Failed,
}

/// <summary>The end of a wait for one execution.</summary>
public sealed class ExecutionWaitOutcome
{
    internal ExecutionWaitOutcome(string automationExecutionId, ExecutionWaitState state, AutomationExecutionResult result, Exception? error)
    {
        AutomationExecutionId = automationExecutionId;
        State = state;
        Result = result;
        Error = error;
    }

    public string AutomationExecutionId { get; }

    public ExecutionWaitState State { get; }

    /// <summary>The full result when finished; what was last seen otherwise.</summary>
    public AutomationExecutionResult Result { get; }

    /// <summary>Why it could not be read (Failed); for TimedOut, the call failure that kept it from being read lately, if any.</summary>
    public Exception? Error { get; }
}

/// <summary>Tuning of a wait. Defaults follow REFERENCE §6: jittered exponential backoff from about 2 s to 30 s.</summary>
public sealed class ExecutionWaitOptions
{
    /// <summary>Overall limit; null waits until every execution finished (or Ctrl+C).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Return executions that reach Waiting/PendingApproval instead of waiting for a person.</summary>
    public bool StopOnWaiting { get; init; }

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public double BackoffFactor { get; init; } = 1.5;

    /// <summary>Ceiling while the API throttles us: slower than the normal ceiling.</summary>
    public TimeSpan ThrottledMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fraction of each delay that is randomised (0.5: between half and the full delay).</summary>
    public double JitterFraction { get; init; } = 0.5;

    /// <summary>Consecutive transient errors (5xx, network) tolerated before the executions are reported failed.</summary>
    public int MaxConsecutiveErrors { get; init; } = 5;

    /// <summary>Polls an id may be missing from DescribeAutomationExecutions before GetAutomationExecution decides.</summary>
    public int MissingPollsBeforeLookup { get; init; } = 3;

    /// <summary>Region stamped on results (for the support export and console URLs).</summary>
    public string? Region { get; init; }

    /// <summary>The SSM endpoint, for messages about calls that did not answer; null when not known.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Step names of a document (for "steps done / total" in progress); null when unknown.</summary>
    public Func<string, IReadOnlyList<string>?>? DocumentSteps { get; init; }
}

/// <summary>
/// Follows many automation executions with few calls: DescribeAutomationExecutions with up to 10 ids per call
/// while they run, one GetAutomationExecution (+ step pages) for each once it finished.
/// </summary>
public sealed class ExecutionWaiter
{
    /// <summary>DescribeAutomationExecutions accepts at most 10 values per filter.</summary>
    public const int BatchSize = 10;

    private static readonly Regex ExecutionIdPattern = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

    private readonly IAutomationApi _api;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Func<DateTimeOffset> _clock;
    private readonly Func<double> _random;
    private readonly Func<Exception, FailureKind> _classify;

    public ExecutionWaiter(
        IAutomationApi api,
        Func<TimeSpan, CancellationToken, Task>? delay = null,
        Func<DateTimeOffset>? clock = null,
        Func<double>? random = null,
        Func<Exception, FailureKind>? classify = null)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _delay = delay ?? Task.Delay;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        var rng = new Random();
        _random = random ?? rng.NextDouble;
        _classify = classify ?? FailureClassifier.Classify;
    }

    /// <summary>
    /// Waits for every execution; returns one outcome per distinct id, in input order. Cancellation throws
    /// OperationCanceledException at once (the automations go on).
    /// </summary>
    public async Task<IReadOnlyList<ExecutionWaitOutcome>> WaitAsync(
        IEnumerable<string> automationExecutionIds,
        ExecutionWaitOptions? options = null,
        IProgress<AutomationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (automationExecutionIds is null)
        {
            throw new ArgumentNullException(nameof(automationExecutionIds));
        }

        options ??= new ExecutionWaitOptions();
        var ids = automationExecutionIds.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var state = new WaitState(ids);
        var deadline = options.Timeout is { } timeout ? _clock() + timeout : (DateTimeOffset?)null;

        foreach (var id in ids.Where(i => !ExecutionIdPattern.IsMatch(i)))
        {
            state.Fail(id, new ArgumentException($"'{id}' is not an automation execution id (a 36-character UUID such as 4b0a2f9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b)."), options.Region);
        }

        var backoff = new Backoff(options.InitialDelay, options.MaxDelay > options.InitialDelay ? options.MaxDelay : options.InitialDelay,
            options.ThrottledMaxDelay, options.BackoffFactor, options.JitterFraction, _random);

        // The deadline also cuts a call in flight (a silent or throttled endpoint must not push the wait past it).
        using var deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } limitAfter)
        {
            deadlineSource.CancelAfter(limitAfter);
        }

        var ct = deadlineSource.Token;
        while (state.Open.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool throttled;
            try
            {
                throttled = await PollRoundAsync(state, options, progress, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadlineSource.IsCancellationRequested)
            {
                // The deadline cut a call that had not answered yet: unless an earlier poll failed (throttled), that is what
                // the unread executions report.
                state.LastError ??= new Aws.AwsCallTimeoutException(new Aws.AwsCallInfo("SSM", state.InFlight ?? "DescribeAutomationExecutions", options.Endpoint),
                    options.Timeout ?? TimeSpan.Zero);
                Expire(state, options);
                break;
            }

            if (state.Open.Count == 0)
            {
                break;
            }

            var now = _clock();
            if ((deadline is { } end && now >= end) || deadlineSource.IsCancellationRequested)
            {
                Expire(state, options);
                break;
            }

            var wait = backoff.Next(throttled);
            if (deadline is { } limit && now + wait > limit)
            {
                wait = limit - now; // one last poll exactly at the deadline
            }

            try
            {
                await _delay(wait, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadlineSource.IsCancellationRequested)
            {
                // The deadline passed during the pause: one last look is not possible, report what is known.
                Expire(state, options);
                break;
            }
        }

        return ids.Select(state.Outcome).ToList();
    }

    /// <summary>
    /// The deadline passed: what is still open timed out, except executions seen finished (their final fetch did not get
    /// through) and executions whose status was never read because every call failed: those could not be read.
    /// </summary>
    private static void Expire(WaitState state, ExecutionWaitOptions options)
    {
        foreach (var id in state.Open.ToList())
        {
            var last = state.LastSeen(id);
            if (last is null && state.LastError is { } error)
            {
                state.Complete(id, ExecutionWaitState.Failed, AutomationExecutionResult.FromSummary(id, null, options.Region), error);
                continue;
            }

            var waitState = AutomationStatus.IsTerminal(last?.Status) ? ExecutionWaitState.Finished
                : options.StopOnWaiting && AutomationStatus.NeedsHuman(last?.Status) ? ExecutionWaitState.NeedsHuman
                : ExecutionWaitState.TimedOut;
            state.Complete(id, waitState, AutomationExecutionResult.FromSummary(id, last, options.Region), waitState == ExecutionWaitState.TimedOut ? state.LastError : null);
        }
    }

    /// <summary>Polls every open execution once; returns true when the API throttled us.</summary>
    private async Task<bool> PollRoundAsync(WaitState state, ExecutionWaitOptions options, IProgress<AutomationProgress>? progress, CancellationToken ct)
    {
        state.Rounds++;
        var throttled = false;

        // Executions that finished earlier but whose final fetch was throttled or failed transiently.
        foreach (var id in state.ToFetch.ToList())
        {
            if (!await TryFinishAsync(state, id, options, ct).ConfigureAwait(false))
            {
                return true;
            }
        }

        var polling = state.Open.Where(id => !state.ToFetch.Contains(id)).ToList();
        for (var start = 0; start < polling.Count; start += BatchSize)
        {
            var batch = polling.Skip(start).Take(BatchSize).ToList();
            IReadOnlyList<AutomationExecutionSummary> summaries;
            try
            {
                state.InFlight = "DescribeAutomationExecutions";
                summaries = await _api.DescribeExecutionsAsync(batch, ct).ConfigureAwait(false);
                state.ConsecutiveErrors = 0;
                state.LastError = null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var kind = _classify(ex);
                state.LastError = ex;
                if (kind == FailureKind.Throttled)
                {
                    throttled = true;
                    break;
                }

                if (IsTransient(kind) && ++state.ConsecutiveErrors <= options.MaxConsecutiveErrors)
                {
                    break;
                }

                foreach (var id in batch)
                {
                    state.Fail(id, ex, options.Region);
                }

                continue;
            }

            var byId = summaries.Where(s => s is not null).GroupBy(s => s.AutomationExecutionId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var id in batch)
            {
                if (!byId.TryGetValue(id, out var summary))
                {
                    if (++state.Missing[id] >= options.MissingPollsBeforeLookup)
                    {
                        state.ToFetch.Add(id); // GetAutomationExecution decides: found (finish it) or NotFound (fail it)
                    }

                    continue;
                }

                state.Missing[id] = 0;
                state.Seen[id] = summary;
                progress?.Report(ProgressOf(summary, options, state.IndexOf(id)));
                if (AutomationStatus.IsTerminal(summary.Status)
                    || (options.StopOnWaiting && AutomationStatus.NeedsHuman(summary.Status)))
                {
                    state.ToFetch.Add(id);
                }
            }
        }

        if (throttled)
        {
            return true;
        }

        foreach (var id in state.ToFetch.ToList())
        {
            if (!await TryFinishAsync(state, id, options, ct).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The final fetch. Returns false when throttled (try again next round).</summary>
    private async Task<bool> TryFinishAsync(WaitState state, string id, ExecutionWaitOptions options, CancellationToken ct)
    {
        try
        {
            state.InFlight = "GetAutomationExecution";
            var execution = await _api.GetExecutionAsync(id, ct).ConfigureAwait(false);
            var steps = await AllStepsAsync(execution, ct).ConfigureAwait(false);
            var result = AutomationExecutionResult.FromExecution(execution, steps, options.Region);
            if (result.Children.Count == 0 && !string.IsNullOrEmpty(execution.TargetParameterName) && AutomationStatus.IsTerminal(execution.Status))
            {
                // Rate control: the parent has no steps of its own; its children are listed by ParentExecutionId.
                state.InFlight = "DescribeAutomationExecutions";
                var children = await _api.DescribeChildExecutionsAsync(id, ct).ConfigureAwait(false);
                result.Children = children
                    .Select(c => new AutomationChildResult(id, c.AutomationExecutionId, null, options.Region, c.Target, c.Status, c.ExecutionStartTime, c.ExecutionEndTime, c.FailureMessage, c.Outputs))
                    .ToList();
            }

            state.ConsecutiveErrors = 0;
            if (AutomationStatus.IsTerminal(execution.Status))
            {
                state.Complete(id, ExecutionWaitState.Finished, result, null);
            }
            else if (options.StopOnWaiting && AutomationStatus.NeedsHuman(execution.Status))
            {
                state.Complete(id, ExecutionWaitState.NeedsHuman, result, null);
            }
            else
            {
                // Found by Get although Describe missed it, or resumed meanwhile: keep polling.
                state.ToFetch.Remove(id);
                state.Missing[id] = 0;
            }

            return true;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            var kind = _classify(ex);
            state.LastError = ex;
            if (kind == FailureKind.Throttled)
            {
                return false;
            }

            if (IsTransient(kind) && ++state.ConsecutiveErrors <= options.MaxConsecutiveErrors)
            {
                return true;
            }

            state.Fail(id, ex, options.Region);
            return true;
        }
    }

    private async Task<IReadOnlyList<AutomationStepDetail>> AllStepsAsync(AutomationExecutionDetail execution, CancellationToken ct)
    {
        if (!execution.StepExecutionsTruncated)
        {
            return execution.StepExecutions;
        }

        var steps = new List<AutomationStepDetail>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _api.DescribeStepExecutionsAsync(execution.AutomationExecutionId, token, ct).ConfigureAwait(false);
            steps.AddRange(page.Steps);
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (token is not null && ++pages < 1000); // a service bug repeating tokens must not loop forever

        return steps;
    }

    private static AutomationProgress ProgressOf(AutomationExecutionSummary summary, ExecutionWaitOptions options, int index)
    {
        int? done = null;
        int? total = null;
        var names = summary.DocumentName is { } doc ? options.DocumentSteps?.Invoke(doc) : null;
        if (names is { Count: > 0 })
        {
            total = names.Count;
            var current = summary.CurrentStepName is null ? -1 : names.ToList().IndexOf(summary.CurrentStepName);
            done = AutomationStatus.IsTerminal(summary.Status) ? total : Math.Max(0, current);
        }

        return new AutomationProgress(summary.AutomationExecutionId, summary.DocumentName, summary.Status, summary.CurrentStepName, done, total, index);
    }

    private static bool IsTransient(FailureKind kind) => kind is FailureKind.Unreachable or FailureKind.Timeout or FailureKind.ServiceError or FailureKind.Unknown;


    private sealed class WaitState
    {
        private readonly Dictionary<string, ExecutionWaitOutcome> _outcomes = new(StringComparer.Ordinal);

        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public WaitState(IReadOnlyList<string> ids)
        {
            Open = new List<string>(ids);
            for (var i = 0; i < ids.Count; i++)
            {
                Missing[ids[i]] = 0;
                _index[ids[i]] = i;
            }
        }

        public int IndexOf(string id) => _index[id];

        public List<string> Open { get; }

        public HashSet<string> ToFetch { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Missing { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AutomationExecutionSummary> Seen { get; } = new(StringComparer.Ordinal);

        public int Rounds { get; set; }

        public int ConsecutiveErrors { get; set; }

        /// <summary>The operation called last (what a deadline that cuts a call names).</summary>
        public string? InFlight { get; set; }

        /// <summary>The most recent failed call since the last one that went through (what a timed-out wait reports).</summary>
        public Exception? LastError { get; set; }

        public AutomationExecutionSummary? LastSeen(string id) => Seen.TryGetValue(id, out var s) ? s : null;

        public void Complete(string id, ExecutionWaitState state, AutomationExecutionResult result, Exception? error)
        {
            _outcomes[id] = new ExecutionWaitOutcome(id, state, result, error);
            Open.Remove(id);
            ToFetch.Remove(id);
        }

        public void Fail(string id, Exception error, string? region) =>
            Complete(id, ExecutionWaitState.Failed, AutomationExecutionResult.FromSummary(id, LastSeen(id), region), error);

        public ExecutionWaitOutcome Outcome(string id) => _outcomes[id];
    }
}
