using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Base of every cmdlet: owns the cancellation token that Ctrl+C (StopProcessing) cancels, runs async engine
/// work without a captured synchronization context, and turns exceptions into ErrorRecords in one way.
/// </summary>
public abstract class SsmTroubleshootCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    protected override void StopProcessing()
    {
        _stopping.Cancel();
        base.StopProcessing();
    }

    /// <summary>
    /// The one way a cmdlet waits for engine work (<see cref="Common.ProgressPump"/>): the work runs on the thread pool
    /// (a host with a synchronization context cannot deadlock it) and reports through IProgress; here, on the pipeline
    /// thread, each report goes to <paramref name="onReport"/> and <paramref name="onTick"/> runs every 100 ms for polled
    /// progress. Ctrl+C ends the wait at once as PipelineStoppedException; engine exceptions are rethrown as they are.
    /// </summary>
    /// <param name="latestBy">Keep only the latest report per key between two writes (progress per execution, say).</param>
    protected T Pump<T, TReport>(Func<IProgress<TReport>, CancellationToken, Task<T>> work, Action<TReport>? onReport, Action? onTick = null,
        Func<TReport, object>? latestBy = null)
    {
        try
        {
            return Common.ProgressPump.Run(work, onReport, onTick, TimeSpan.FromMilliseconds(100), _stopping.Token, latestBy);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs async engine work to completion on the pipeline thread (<see cref="Pump{T, TReport}"/> without progress).</summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work) => Pump<T, object?>((_, ct) => work(ct), null);

    /// <summary>
    /// Writes a verbose message. PowerShell turns a compiled cmdlet's verbose preference into Inquire when -Debug is
    /// given without -Verbose, so every verbose message would stop at a "Continue with this operation?" prompt (and
    /// fail in pwsh -NonInteractive). Then the message goes to the debug stream instead: -Debug shows it, nobody is asked.
    /// </summary>
    protected new void WriteVerbose(string text)
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true } && !bound.ContainsKey("Verbose"))
        {
            WriteDebug(text);
            return;
        }

        base.WriteVerbose(text);
    }

    /// <summary>Throws PipelineStoppedException once Ctrl+C was pressed; loops call it between items.</summary>
    protected void ThrowIfStopping()
    {
        if (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Writes a non-terminating error for one failed input; the pipeline goes on.</summary>
    protected void WriteFailure(Exception exception, string errorId, object? target, string? recommendedAction = null)
    {
        if (exception is OperationCanceledException && _stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        WriteError(ErrorRecords.FromException(exception, errorId, target, recommendedAction));
    }

    /// <summary>Stops the command: only when nothing can proceed (no region, no credentials, bad catalog).</summary>
    protected void ThrowFailure(Exception exception, string errorId, object? target, string? recommendedAction = null)
    {
        if (exception is OperationCanceledException && _stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        ThrowTerminatingError(ErrorRecords.FromException(exception, errorId, target, recommendedAction));
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            _stopping.Dispose();
        }

        _disposed = true;
    }
}
