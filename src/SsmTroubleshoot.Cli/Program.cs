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

    // COLUMNS (as ls and git honour it) wins; else fit the terminal; when piped, never cut or wrap a row (grep sees it whole).
    private static int TableWidth() => TableWidth(Environment.GetEnvironmentVariable("COLUMNS"), Console.IsOutputRedirected, () => Console.WindowWidth);

    internal static int TableWidth(string? columns, bool redirected, Func<int> windowWidth)
    {
        if (int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var given) && given >= 40)
        {
            return given - 1;
        }

        if (redirected)
        {
            return int.MaxValue / 2;
        }

        try
        {
            var width = windowWidth();
            return width > 20 ? width - 1 : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
