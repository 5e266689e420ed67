using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Cli;

internal static class Program
{
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
            return await CliApp.RunAsync(args, host, cancel.Token).ConfigureAwait(false);
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
