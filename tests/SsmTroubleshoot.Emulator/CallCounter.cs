using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace SsmTroubleshoot.Emulator;

/// <summary>Calls received per "service:Operation" (e.g. "ec2:DescribeInstances"); thread-safe and resettable.</summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(System.StringComparer.OrdinalIgnoreCase);
    private int _total;

    /// <summary>Calls to one operation ("ec2:DescribeInstances"); 0 when never called.</summary>
    public int this[string operation] => _counts.TryGetValue(operation, out var count) ? count : 0;

    public int Total => Volatile.Read(ref _total);

    /// <summary>Waits (polling) until the operation has been called at least once or the timeout passes: a test's way to act while a call is in flight.</summary>
    public async System.Threading.Tasks.Task<bool> WaitForAsync(string operation, System.TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (this[operation] == 0 && waited.Elapsed < timeout)
        {
            await System.Threading.Tasks.Task.Delay(20).ConfigureAwait(false);
        }

        return this[operation] > 0;
    }

    /// <summary>A copy of every counter.</summary>
    public IReadOnlyDictionary<string, int> Snapshot() => _counts.ToDictionary(p => p.Key, p => p.Value);

    public void Reset()
    {
        _counts.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    internal int Increment(string operation)
    {
        Interlocked.Increment(ref _total);
        return _counts.AddOrUpdate(operation, 1, (_, count) => count + 1);
    }
}
