using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Cli;

internal static class Program
{
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(2);

    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
        {
            // The first Ctrl+C stops the engines cleanly; a second one ends the process the usual way.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        }

        Console.CancelKeyPress += OnCancelKey;
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            var host = new CliHost(Console.Out, Console.Error, Console.In, TableWidth());

            // The run goes on a pool thread so that this one can still end the process if something below ignores
            // Ctrl+C or SIGTERM: the engines get a grace period to stop cleanly, then the command exits 130 anyway.
            var run = Task.Run(() => CliApp.RunAsync(args, host, cancel.Token));
            var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancel.Token.Register(() => stopped.TrySetResult(true)))
            {
                if (await Task.WhenAny(run, stopped.Task).ConfigureAwait(false) == run)
                {
                    return await run.ConfigureAwait(false);
                }
            }

            if (await Task.WhenAny(run, Task.Delay(CancelGrace)).ConfigureAwait(false) == run)
            {
                return await run.ConfigureAwait(false);
            }

            await host.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            await host.Error.FlushAsync().ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKey;
        }
    }

    // Fit the terminal; when piped, never cut the last column.
    private static int TableWidth()
    {
        if (Console.IsOutputRedirected)
        {
            return int.MaxValue / 2;
        }

        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth - 1 : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
