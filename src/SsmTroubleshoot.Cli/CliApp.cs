using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Commands;

namespace SsmTroubleshoot.Cli;

/// <summary>Where a run reads and writes: the console for Program, captured writers for tests.</summary>
internal sealed class CliHost
{
    public CliHost(TextWriter output, TextWriter error, TextReader? input = null, int width = 120)
    {
        Output = output;
        Error = error;
        Input = input ?? TextReader.Null;
        Width = width;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Standard input, read by `logs -`.</summary>
    public TextReader Input { get; }

    public int Width { get; }
}

/// <summary>The command tree and how a run maps to an exit code. Program.Main and the tests both come in here.</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, new CliHost(output, error), cancellationToken);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliHost host, CancellationToken cancellationToken)
    {
        if (args is null)
        {
            throw new ArgumentNullException(nameof(args));
        }

        if (host is null)
        {
            throw new ArgumentNullException(nameof(host));
        }

        var root = BuildRoot(host);
        var parse = root.Parse(args);

        // System.CommandLine would exit 1 on a parse error; here that means "problems found", so usage errors are ours to report.
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var parseError in parse.Errors)
            {
                await host.Error.WriteLineAsync("ERROR: " + parseError.Message).ConfigureAwait(false);
            }

            await host.Error.WriteLineAsync("Run 'ssmtroubleshoot " + CommandPath(parse) + "--help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = host.Output,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,

            // Program owns Ctrl+C (it cancels the token passed in); the library must not install its own handler.
            ProcessTerminationTimeout = null,
        };

        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await host.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (CliUsageException ex)
        {
            await host.Error.WriteLineAsync("ERROR: " + ex.Message).ConfigureAwait(false);
            await host.Error.WriteLineAsync("Run 'ssmtroubleshoot " + CommandPath(parse) + "--help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (CliRunException ex)
        {
            await host.Error.WriteLineAsync("ERROR: " + GlobalOptions.OptionNames(ex.Message)).ConfigureAwait(false);
            return ExitCodes.CouldNotRun;
        }
#pragma warning disable CA1031 // The last line of defence: any engine failure is "could not run", with its message and no stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await host.Error.WriteLineAsync("ERROR: " + ex.GetType().Name + ": " + GlobalOptions.OptionNames(ex.Message)).ConfigureAwait(false);
            return ExitCodes.CouldNotRun;
        }
    }

    internal static RootCommand BuildRoot(CliHost host)
    {
        var global = new GlobalOptions();
        var root = new RootCommand(
            "ssmtroubleshoot: why is this EC2 instance not a working Systems Manager managed node? "
            + "The SsmTroubleshoot module's diagnoses, without PowerShell.");
        global.AddTo(root);
        root.Subcommands.Add(LogsCommand.Create(host, global));
        root.Subcommands.Add(EndpointsCommand.Create(host, global));
        root.Subcommands.Add(DiagnoseCommand.Create(host, global));
        root.Subcommands.Add(NetworkCommand.Create(host, global));
        root.Subcommands.Add(NodeDiagnosisCommand.Create(host, global));
        root.Subcommands.Add(RunbookCommand.Create(host, global));
        root.Subcommands.Add(ContextCommand.Create(host, global));
        return root;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Parent is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names.Count == 0 ? string.Empty : string.Join(" ", names) + " ";
    }
}
