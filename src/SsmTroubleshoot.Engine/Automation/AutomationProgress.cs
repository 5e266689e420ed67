using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Automation;

/// <summary>Progress of one execution, as Write-Progress shows it.</summary>
public sealed class AutomationProgress
{
    public AutomationProgress(string automationExecutionId, string? documentName, string? status, string? currentStepName, int? stepsDone, int? stepsTotal, int index = 0)
    {
        Index = index;
        AutomationExecutionId = automationExecutionId;
        DocumentName = documentName;
        Status = status;
        CurrentStepName = currentStepName;
        StepsDone = stepsDone;
        StepsTotal = stepsTotal;
    }

    public string AutomationExecutionId { get; }

    /// <summary>Position of the execution in the waited list (0-based): a stable Write-Progress ActivityId is Index + 1.</summary>
    public int Index { get; }

    public string? DocumentName { get; }

    public string? Status { get; }

    public string? CurrentStepName { get; }

    public int? StepsDone { get; }

    public int? StepsTotal { get; }

    public bool IsFinished => AutomationStatus.IsTerminal(Status);

    /// <summary>0-100, or -1 when the step count is unknown and the execution still runs (Write-Progress's "unknown").</summary>
    public int PercentComplete
    {
        get
        {
            if (IsFinished)
            {
                return 100;
            }

            if (StepsDone is int done && StepsTotal is int total && total > 0)
            {
                return Math.Min(99, done * 100 / total);
            }

            return -1;
        }
    }

    public override string ToString() =>
        $"{AutomationExecutionId} {Status} {CurrentStepName} {(StepsTotal is null ? string.Empty : $"{StepsDone}/{StepsTotal}")}".TrimEnd();
}

/// <summary>
/// Collects progress reported from worker threads; the pipeline thread drains it (only the latest record per
/// execution is kept, so a slow reader never falls behind).
/// </summary>
public sealed class AutomationProgressSink : IProgress<AutomationProgress>, IDisposable
{
    private readonly object _gate = new();
    private readonly List<string> _order = new();
    private readonly Dictionary<string, AutomationProgress> _latest = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim _signal = new(false);

    public void Report(AutomationProgress value)
    {
        if (value is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!_latest.ContainsKey(value.AutomationExecutionId))
            {
                _order.Add(value.AutomationExecutionId);
            }

            _latest[value.AutomationExecutionId] = value;
            _signal.Set();
        }
    }

    /// <summary>Returns what was reported since the last call, in first-seen order.</summary>
    public IReadOnlyList<AutomationProgress> Drain()
    {
        lock (_gate)
        {
            var result = new List<AutomationProgress>(_order.Count);
            foreach (var id in _order)
            {
                result.Add(_latest[id]);
            }

            _order.Clear();
            _latest.Clear();
            _signal.Reset();
            return result;
        }
    }

    /// <summary>Blocks until something is reported, <see cref="Wake"/> is called, or the timeout passes.</summary>
    public bool WaitForUpdate(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return _signal.Wait(timeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Wake() => _signal.Set();

    public void Dispose() => _signal.Dispose();
}

/// <summary>Runs async work on the thread pool while the calling (pipeline) thread writes its progress.</summary>
public static class ProgressPump
{
    /// <summary>
    /// Starts <paramref name="work"/> on the thread pool and, on the calling thread, hands every drained progress
    /// record to <paramref name="onProgress"/> until the work ends; then returns its result or rethrows its exception.
    /// </summary>
    public static T Run<T>(
        Func<IProgress<AutomationProgress>, CancellationToken, Task<T>> work,
        Action<AutomationProgress> onProgress,
        CancellationToken cancellationToken)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        if (onProgress is null)
        {
            throw new ArgumentNullException(nameof(onProgress));
        }

        using var sink = new AutomationProgressSink();
        var task = Task.Run(() => work(sink, cancellationToken), cancellationToken);
        task.ContinueWith(_ => sink.Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!task.IsCompleted)
        {
            // Cancellation wakes us too; the work itself observes the token and ends promptly.
            sink.WaitForUpdate(TimeSpan.FromMilliseconds(500), cancellationToken);
            foreach (var record in sink.Drain())
            {
                onProgress(record);
            }

            if (cancellationToken.IsCancellationRequested && !task.IsCompleted)
            {
                // The work got the token; give it a moment, then stop waiting for it (the automation goes on anyway).
                if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(2)))
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        foreach (var record in sink.Drain())
        {
            onProgress(record);
        }

        return task.GetAwaiter().GetResult();
    }
}
