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
    /// Runs async engine work to completion on the pipeline thread. The work itself runs on the thread pool,
    /// so a host with a synchronization context cannot deadlock it; Ctrl+C surfaces as PipelineStoppedException.
    /// </summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(_stopping.Token), _stopping.Token);
        try
        {
            // Ctrl+C returns at once even if some layer below does not honour the token (it ends on its own later).
            task.Wait(_stopping.Token);
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new PipelineStoppedException();
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1)
        {
            if (aggregate.InnerException is OperationCanceledException && _stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(aggregate.InnerException!).Throw();
            throw; // not reached
        }
    }

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
