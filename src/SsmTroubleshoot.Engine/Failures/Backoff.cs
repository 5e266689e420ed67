using System;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Failures;

/// <summary>
/// Jittered exponential back-off: the one schedule for everything that polls or retries AWS (the automation waiter's
/// polls, fleet collection's polls and its per-call retries). Throttling backs off harder and to a higher ceiling,
/// because the rate limit is shared with every other caller of the account.
/// </summary>
public sealed class Backoff
{
    private readonly Func<double> _random;
    private TimeSpan _current;
    private int _steps;

    /// <param name="random">A source of numbers in [0, 1) for the jitter; tests pass a fixed one.</param>
    public Backoff(TimeSpan initial, TimeSpan max, TimeSpan? throttledMax = null, double factor = 1.5, double jitterFraction = 0.5, Func<double>? random = null)
    {
        if (initial <= TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), "initial must be positive and no more than max.");
        }

        Initial = initial;
        Max = max;
        ThrottledMax = throttledMax is { } t && t >= max ? t : max + max;
        Factor = factor < 1 ? 1 : factor;
        JitterFraction = Math.Max(0, Math.Min(1, jitterFraction));
        var shared = new Random();
        _random = random ?? (() =>
        {
            lock (shared)
            {
                return shared.NextDouble();
            }
        });
        _current = initial;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>The ceiling while AWS throttles: above <see cref="Max"/>.</summary>
    public TimeSpan ThrottledMax { get; }

    public double Factor { get; }

    /// <summary>Share of each delay that is random: 0.5 waits between half and the whole delay.</summary>
    public double JitterFraction { get; }

    /// <summary>The delay before the next attempt or poll (jitter applied), growing by <see cref="Factor"/> each time; twice as fast and to <see cref="ThrottledMax"/> when throttled.</summary>
    public TimeSpan Next(bool throttled = false)
    {
        if (_steps > 0 || throttled)
        {
            _current = throttled
                ? Smaller(Larger(Scale(_current, 2), Scale(Initial, 2.5)), ThrottledMax)
                : Smaller(Scale(_current, Factor), Max);
        }

        _steps++;
        return Scale(_current, 1 - (JitterFraction * _random()));
    }

    /// <summary>Back to the first delay (after a call that went through).</summary>
    public void Reset()
    {
        _current = Initial;
        _steps = 0;
    }

    internal static TimeSpan Scale(TimeSpan value, double factor) => TimeSpan.FromTicks((long)(value.Ticks * factor));

    private static TimeSpan Smaller(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Larger(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>How often and how patiently one AWS call is tried again beyond the SDK's own retries.</summary>
public sealed class AwsRetryPolicy
{
    /// <summary>Further attempts after a throttled one (the rate limit clears within seconds).</summary>
    public int MaxThrottledRetries { get; init; } = 8;

    /// <summary>Further attempts after a 5xx, a dropped connection or a call timeout (the SDK already retried).</summary>
    public int MaxTransientRetries { get; init; } = 2;

    /// <summary>
    /// The first pause (a throttled attempt waits 2.5 times it, jittered): short, because the SDK has already backed
    /// off before the call reaches us; the pauses double up to <see cref="MaxDelay"/>.
    /// </summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Whether another attempt is safe: false for a call that may have taken effect when its answer was lost.</summary>
    public bool RetryTransient { get; init; } = true;
}

/// <summary>Runs one AWS call, trying again on throttling (and on transient failures) with <see cref="Backoff"/>.</summary>
public sealed class AwsRetry
{
    private readonly AwsRetryPolicy _policy;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Func<double>? _random;
    private int _retries;
    private int _throttled;

    public AwsRetry(AwsRetryPolicy? policy = null, Func<TimeSpan, CancellationToken, Task>? delay = null, Func<double>? random = null)
    {
        _policy = policy ?? new AwsRetryPolicy();
        _delay = delay ?? Task.Delay;
        _random = random;
    }

    /// <summary>Attempts made again so far (all calls).</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Throttled answers seen so far (all calls).</summary>
    public int Throttled => Volatile.Read(ref _throttled);

    /// <summary>Whether a failure of this kind is worth another attempt.</summary>
    public static bool IsTransient(FailureKind kind) => kind is FailureKind.ServiceError or FailureKind.Unreachable or FailureKind.Timeout;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, AwsRetryPolicy? policy = null)
    {
        if (call is null)
        {
            throw new ArgumentNullException(nameof(call));
        }

        policy ??= _policy;
        var backoff = new Backoff(policy.InitialDelay, policy.MaxDelay, policy.MaxDelay, 2, 0.5, _random);
        var throttledRetries = 0;
        var transientRetries = 0;
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var kind = FailureClassifier.Classify(ex);
                bool again;
                if (kind == FailureKind.Throttled)
                {
                    Interlocked.Increment(ref _throttled);
                    again = throttledRetries++ < policy.MaxThrottledRetries;
                }
                else
                {
                    again = policy.RetryTransient && IsTransient(kind) && transientRetries++ < policy.MaxTransientRetries;
                }

                if (!again)
                {
                    throw;
                }

                Interlocked.Increment(ref _retries);
                await _delay(backoff.Next(kind == FailureKind.Throttled), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
