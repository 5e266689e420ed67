using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Common;

/// <summary>
/// The one way a front end waits for engine work: the work runs on the thread pool and reports through
/// <see cref="IProgress{T}"/>; the calling (pipeline) thread hands each report to its writer and runs a tick for progress
/// it polls. PowerShell allows writing only from the pipeline thread, which is why the reports travel.
/// </summary>
public static class ProgressPump
{
    /// <summary>
    /// Runs <paramref name="work"/> and returns its result (its exception rethrown as it is). Every report reaches
    /// <paramref name="onReport"/> on this thread, in order; with <paramref name="latestBy"/> only the latest report per
    /// key since the last drain (a slow writer never falls behind). <paramref name="onTick"/> runs at least every
    /// <paramref name="tick"/> while the work runs. Cancellation ends the wait at once with OperationCanceledException;
    /// the work has the token and ends on its own (a later failure of it is observed, not thrown).
    /// </summary>
    public static T Run<T, TReport>(Func<IProgress<TReport>, CancellationToken, Task<T>> work, Action<TReport>? onReport, Action? onTick, TimeSpan tick,
        CancellationToken cancellationToken, Func<TReport, object>? latestBy = null)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        // Not disposed: the work may still report after a cancelled wait has returned (the event holds no kernel handle).
        var reports = new ReportQueue<TReport>(latestBy);
        var task = Task.Run(() => work(reports, cancellationToken), cancellationToken);
        _ = task.ContinueWith(_ => reports.Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            while (true)
            {
                var done = task.IsCompleted;
                foreach (var report in reports.Drain())
                {
                    onReport?.Invoke(report);
                }

                if (done)
                {
                    break;
                }

                onTick?.Invoke();
                reports.Wait(tick, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Reports from any thread, drained by one; optionally only the latest per key.</summary>
    private sealed class ReportQueue<TReport> : IProgress<TReport>
    {
        private readonly object _gate = new();
        private readonly Func<TReport, object>? _latestBy;
        private readonly List<TReport> _items = new();
        private readonly Dictionary<object, int> _slots = new();
        private readonly ManualResetEventSlim _signal = new(false);

        public ReportQueue(Func<TReport, object>? latestBy) => _latestBy = latestBy;

        public void Report(TReport value)
        {
            lock (_gate)
            {
                if (_latestBy is not null && value is not null)
                {
                    var key = _latestBy(value);
                    if (_slots.TryGetValue(key, out var slot))
                    {
                        _items[slot] = value;
                    }
                    else
                    {
                        _slots[key] = _items.Count;
                        _items.Add(value);
                    }
                }
                else
                {
                    _items.Add(value);
                }

                _signal.Set();
            }
        }

        public List<TReport> Drain()
        {
            lock (_gate)
            {
                var drained = new List<TReport>(_items);
                _items.Clear();
                _slots.Clear();
                _signal.Reset();
                return drained;
            }
        }

        /// <summary>Until something is reported, the work ends, or the tick passes; throws when cancelled.</summary>
        public void Wait(TimeSpan timeout, CancellationToken cancellationToken) => _signal.Wait(timeout, cancellationToken);

        public void Wake() => _signal.Set();
    }
}
