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
