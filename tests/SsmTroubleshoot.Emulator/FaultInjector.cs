using System;
using System.Collections.Concurrent;
using System.Threading;

namespace SsmTroubleshoot.Emulator;

/// <summary>What goes wrong for one operation. Counts ("first N") are consumed as calls arrive.</summary>
public sealed class InjectedFault
{
    /// <summary>The first N calls get the service's throttling error.</summary>
    public int ThrottleFirst { get; set; }

    /// <summary>Share of calls (0..1) throttled after ThrottleFirst is used up; deterministic per seed.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>The first N calls get a 5xx service error (EC2 InternalError 500, IAM/STS ServiceUnavailable 503, SSM InternalServerError 500).</summary>
    public int ServerErrorFirst { get; set; }

    /// <summary>Share of calls (0..1) answered with a 5xx error.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>The first N calls have their connection dropped without an answer.</summary>
    public int DropFirst { get; set; }

    /// <summary>Delay before every answer (honours the client giving up).</summary>
    public TimeSpan Latency { get; set; }
}

/// <summary>What the emulator does to one call.</summary>
internal enum FaultAction
{
    None,
    Throttle,
    ServerError,
    Drop,
}

/// <summary>
/// Faults per operation ("ec2:DescribeInstances") or for every operation ("*"), settable while the emulator runs.
/// </summary>
public sealed class FaultInjector
{
    private readonly ConcurrentDictionary<string, InjectedFault> _faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _sync = new();
    private readonly Random _random;

    public FaultInjector(int seed = 7) => _random = new Random(seed);

    /// <summary>Sets (replaces) the fault of an operation, or of every operation with "*".</summary>
    public InjectedFault Set(string operation, InjectedFault fault)
    {
        _faults[operation] = fault ?? throw new ArgumentNullException(nameof(fault));
        return fault;
    }

    public void Clear(string operation) => _faults.TryRemove(operation, out _);

    public void ClearAll() => _faults.Clear();

    public InjectedFault? Get(string operation) =>
        _faults.TryGetValue(operation, out var fault) ? fault : _faults.TryGetValue("*", out var any) ? any : null;

    internal (FaultAction Action, TimeSpan Latency) Decide(string operation)
    {
        var fault = Get(operation);
        if (fault is null)
        {
            return (FaultAction.None, TimeSpan.Zero);
        }

        lock (_sync)
        {
            if (fault.DropFirst > 0)
            {
                fault.DropFirst--;
                return (FaultAction.Drop, fault.Latency);
            }

            if (fault.ThrottleFirst > 0)
            {
                fault.ThrottleFirst--;
                return (FaultAction.Throttle, fault.Latency);
            }

            if (fault.ServerErrorFirst > 0)
            {
                fault.ServerErrorFirst--;
                return (FaultAction.ServerError, fault.Latency);
            }

            if (fault.ThrottleRate > 0 && _random.NextDouble() < fault.ThrottleRate)
            {
                return (FaultAction.Throttle, fault.Latency);
            }

            if (fault.ServerErrorRate > 0 && _random.NextDouble() < fault.ServerErrorRate)
            {
                return (FaultAction.ServerError, fault.Latency);
            }
        }

        return (FaultAction.None, fault.Latency);
    }
}
