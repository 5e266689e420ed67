using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Commands;

namespace SsmTroubleshoot.Cli;

/// <summary>Where a run reads and writes: the console for Program, captured writers for tests.</summary>
internal sealed class CliHost
{
    public CliHost(TextWriter output, TextWriter error, TextReader? input = null, int width = 120)
    {
        // Log lines and server replies can hold terminal control sequences: nothing reaches the terminal unescaped.
        Output = output is TerminalSafeWriter ? output : new TerminalSafeWriter(output);
        Error = error is TerminalSafeWriter ? error : new TerminalSafeWriter(error);
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
            // The same message can come from several parse errors (an unknown token and its "Did you mean"): say each once.
            var secrets = SecretValues(args);
            var suggestion = Suggestion(parse);

            // "Required command was not provided" says nothing more once the mistyped command is named and corrected.
            var required = parse.Errors.Count(e => e.Message.StartsWith("Required command", StringComparison.Ordinal));
            foreach (var message in parse.Errors.Select(e => e.Message)
                .Where(m => suggestion is null || required == parse.Errors.Count || !m.StartsWith("Required command", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal))
            {
                await host.Error.WriteLineAsync("ERROR: " + SecretScrubber.Scrub(message, secrets)).ConfigureAwait(false);
            }

            if (suggestion is not null)
            {
                await host.Error.WriteLineAsync(suggestion).ConfigureAwait(false);
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
            await host.Error.WriteLineAsync("ERROR: " + SecretScrubber.Scrub(ex.Message, SecretValues(args))).ConfigureAwait(false);
            await host.Error.WriteLineAsync("Run 'ssmtroubleshoot " + CommandPath(parse) + "--help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (CliRunException ex)
        {
            await host.Error.WriteLineAsync("ERROR: " + SecretScrubber.Scrub(GlobalOptions.OptionNames(ex.Message), SecretValues(args))).ConfigureAwait(false);
            return ExitCodes.CouldNotRun;
        }
#pragma warning disable CA1031 // The last line of defence: any engine failure is "could not run", with its message and no stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var text = AwsCallInfo.Of(ex) is not null || ex.GetType().FullName?.StartsWith("Amazon.", StringComparison.Ordinal) == true
                ? Commands.AwsFailure.Describe(ex, "The AWS call", null)
                : ex.GetType().Name + ": " + GlobalOptions.OptionNames(ex.Message);
            await host.Error.WriteLineAsync("ERROR: " + SecretScrubber.Scrub(text, SecretValues(args))).ConfigureAwait(false);
            return ExitCodes.CouldNotRun;
        }
    }

    /// <summary>
    /// Values on the command line that may be secrets: what follows an option named like one (--secret-key,
    /// a mistyped --secret-keys, --session-token, --password...), or is glued to it with '='. Never echoed back.
    /// </summary>
    internal static IReadOnlyList<string> SecretValues(IReadOnlyList<string> args)
    {
        var secrets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!SecretScrubber.IsSecretOptionName(token))
            {
                continue;
            }

            var equals = token.IndexOf('=');
            if (equals > 0 && equals < token.Length - 1)
            {
                secrets.Add(token.Substring(equals + 1));
            }
            else if (i + 1 < args.Count)
            {
                secrets.Add(args[i + 1]);
            }
        }

        return secrets;
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
        Describe(root, global, string.Empty);
        return root;
    }

    /// <summary>Which commands call AWS (and so list the AWS options), and what to type: every --help ends with examples.</summary>
    private static readonly Dictionary<string, (AwsOptions Aws, string[] Examples)> CommandSpecs = new(StringComparer.Ordinal)
    {
        [string.Empty] = (AwsOptions.None, new[] { "ssmtroubleshoot logs", "ssmtroubleshoot endpoints", "ssmtroubleshoot diagnose-node --instance-id i-0123456789abcdef0 --region us-east-1" }),
        ["logs"] = (AwsOptions.None, new[]
        {
            "ssmtroubleshoot logs                                  (the agent's log folder)",
            "ssmtroubleshoot logs /var/log/amazon/ssm --since 2h",
            "journalctl -u amazon-ssm-agent | ssmtroubleshoot logs -",
            "ssmtroubleshoot logs --instance-id i-0123456789abcdef0 --region us-east-1 --since yesterday   (through Run Command)",
            "ssmtroubleshoot logs rules --category ProxyTls",
        }),
        ["logs rules"] = (AwsOptions.None, new[] { "ssmtroubleshoot logs rules", "ssmtroubleshoot logs rules --category 'Proxy*' --json" }),
        ["endpoints"] = (AwsOptions.RegionOnly, new[] { "ssmtroubleshoot endpoints", "ssmtroubleshoot endpoints --region eu-west-1 --service ssm --service ssmmessages" }),
        ["diagnose"] = (AwsOptions.RegionOnly, new[] { "ssmtroubleshoot diagnose", "ssmtroubleshoot diagnose --agent-version 3.3.40.0" }),
        ["network"] = (AwsOptions.All, new[] { "ssmtroubleshoot network --instance-id i-0123456789abcdef0 --region us-east-1 --detailed", "AWS_PROFILE=prod ssmtroubleshoot network --filter tag:Environment=prod" }),
        ["diagnose-node"] = (AwsOptions.All, new[] { "ssmtroubleshoot diagnose-node --instance-id i-0123456789abcdef0 --detailed", "ssmtroubleshoot diagnose-node --all --group-by-root-cause --region us-east-1" }),
        ["context"] = (AwsOptions.All, new[] { "ssmtroubleshoot context", "ssmtroubleshoot context --profile prod --region eu-west-1" }),
        ["runbook"] = (AwsOptions.None, new[] { "ssmtroubleshoot runbook find ssh", "ssmtroubleshoot runbook start TroubleshootManagedInstance --instance-id i-0123456789abcdef0 --wait" }),
        ["runbook catalog"] = (AwsOptions.None, new[] { "ssmtroubleshoot runbook catalog", "ssmtroubleshoot runbook catalog --json" }),
        ["runbook find"] = (AwsOptions.All, new[] { "ssmtroubleshoot runbook find", "ssmtroubleshoot runbook find rescue --region us-east-1", "ssmtroubleshoot runbook find 'session manager' --offline" }),
        ["runbook show"] = (AwsOptions.All, new[] { "ssmtroubleshoot runbook show TroubleshootManagedInstance", "ssmtroubleshoot runbook show AWSSupport-ExecuteEC2Rescue --live --region us-east-1" }),
        ["runbook start"] = (AwsOptions.All, new[]
        {
            "ssmtroubleshoot runbook start TroubleshootManagedInstance --instance-id i-0123456789abcdef0 --wait",
            "ssmtroubleshoot runbook start ExecuteEC2Rescue --instance-id i-0123456789abcdef0 --what-if",
        }),
        ["runbook wait"] = (AwsOptions.All, new[] { "ssmtroubleshoot runbook wait 12345678-90ab-cdef-1234-567890abcdef --timeout-seconds 600" }),
        ["runbook export"] = (AwsOptions.All, new[] { "ssmtroubleshoot runbook export 12345678-90ab-cdef-1234-567890abcdef --path ./case --redact" }),
    };

    private enum AwsOptions
    {
        None,
        RegionOnly,
        All,
    }

    private static void Describe(Command command, GlobalOptions global, string path)
    {
        if (CommandSpecs.TryGetValue(path, out var spec))
        {
            if (spec.Aws == AwsOptions.All)
            {
                global.AddAwsTo(command);
            }
            else if (spec.Aws == AwsOptions.RegionOnly)
            {
                command.Options.Add(global.Region);
            }

            command.Description += Environment.NewLine + Environment.NewLine + "Examples:" + Environment.NewLine
                + string.Join(Environment.NewLine, spec.Examples.Select(e => "  " + e));
        }

        foreach (var sub in command.Subcommands)
        {
            Describe(sub, global, path.Length == 0 ? sub.Name : path + " " + sub.Name);
        }
    }

    /// <summary>
    /// "Did you mean 'logs'?" for a mistyped command: System.CommandLine 2.0 only says the token is unrecognised.
    /// Close means a prefix of a command (or the command a prefix of it), or at most two edits away.
    /// </summary>
    internal static string? Suggestion(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var unknown = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith("-", StringComparison.Ordinal));
        if (unknown is null || command.Subcommands.Count == 0)
        {
            return null;
        }

        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        var close = names
            .Select(n => (Name: n, Distance: n.StartsWith(unknown, StringComparison.OrdinalIgnoreCase) || unknown.StartsWith(n, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(unknown.ToLowerInvariant(), n)))
            .Where(c => c.Distance <= Math.Min(2, Math.Max(1, unknown.Length / 3)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name).Take(3).ToList();
        var path = "ssmtroubleshoot " + CommandPath(parse);
        return close.Count == 0
            ? null
            : $"Did you mean {string.Join(" or ", close.Select(n => "'" + path + n + "'"))}?";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
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
