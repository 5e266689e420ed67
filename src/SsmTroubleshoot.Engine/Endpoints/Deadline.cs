using System;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>Per-phase timeouts for APIs that take no CancellationToken on netstandard2.0: give up, then abort the socket.</summary>
internal static class Deadline
{
    public static async Task<T> Within<T>(Task<T> task, TimeSpan timeout, CancellationToken cancellationToken, IDisposable? abortOnGiveUp = null)
    {
        using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, delayCancel.Token);
        var first = await Task.WhenAny(task, delay).ConfigureAwait(false);
        if (first == task)
        {
            delayCancel.Cancel();
            return await task.ConfigureAwait(false);
        }

        abortOnGiveUp?.Dispose();
        Observe(task);
        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException();
    }

    public static async Task Within(Task task, TimeSpan timeout, CancellationToken cancellationToken, IDisposable? abortOnGiveUp = null)
    {
        await Within(WithResult(task), timeout, cancellationToken, abortOnGiveUp).ConfigureAwait(false);
    }

    private static async Task<bool> WithResult(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }

    // The abandoned operation fails once its socket is disposed; observe that so it is not reported as unobserved.
    private static void Observe(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
