using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `runbook`: the built-in catalog of AWS Support runbooks for managed-node problems, offline: what each is for and
/// what it does to the instance; `wait` follows executions through the AWS plumbing.
/// </summary>
internal static class RunbookCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var runbook = new Command("runbook", "AWS Support runbooks for managed-node problems: what each is for and what it does to the instance.");
        runbook.Subcommands.Add(CreateCatalog(host, global));
        runbook.Subcommands.Add(CreateFind(host, global));
        runbook.Subcommands.Add(CreateShow(host, global));
        runbook.Subcommands.Add(RunbookStartCommand.Create(host, global));
        runbook.Subcommands.Add(RunbookWaitCommand.Create(host, global));
        runbook.Subcommands.Add(CreateExport(host, global));
        return runbook;
    }

    private static Command CreateCatalog(CliHost host, GlobalOptions global)
    {
        var command = new Command("catalog", "List the built-in runbook catalog with its disruption facts (offline).");
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            WriteList(new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) }, RunbookCatalog.All);
            return Task.FromResult(ExitCodes.Healthy);
        });
        return command;
    }

    private static Command CreateFind(CliHost host, GlobalOptions global)
    {
        var keyword = new Argument<string?>("keyword")
        {
            Description = "Only runbooks whose name, display name or catalog purpose contains this word.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var premium = new Option<bool>("--include-premium-support") { Description = "Also list AWSPremiumSupport-* runbooks (Business, Enterprise On-Ramp or Enterprise Support plans only)." };
        var offline = new Option<bool>("--offline") { Description = "Search the built-in catalog instead of the region (no AWS call)." };
        var command = new Command("find", "List the AWS Support runbooks available in the region, or with --offline those of the built-in catalog.")
        {
            keyword,
            premium,
            offline,
        };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var word = parse.GetValue(keyword);
            if (parse.GetValue(offline))
            {
                var found = RunbookCatalog.All.Where(r => word is null || Matches(r, word)).ToList();
                WriteList(output, found);
                if (found.Count == 0)
                {
                    output.WriteError($"No runbook of the built-in catalog matches '{word}'. 'ssmtroubleshoot runbook catalog' lists them all.");
                    return ExitCodes.NothingFound;
                }

                return ExitCodes.Healthy;
            }

            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            using var client = RunbookClient.Create(connection);
            IReadOnlyList<RunbookSummary> runbooks;
            try
            {
                runbooks = await client.ListSupportRunbooksAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(AwsFailure.Describe(ex, "SSM ListDocuments", connection.EndpointFor("SSM")), ex);
            }

            var includePremium = parse.GetValue(premium);
            var matching = runbooks.Where(r => (includePremium || !r.IsPremiumSupport) && r.Matches(word)).ToList();
            if (matching.Count == 0)
            {
                // Nothing on stdout but an empty JSON array with --json; the why on stderr; a non-zero code for scripts.
                if (output.Json)
                {
                    output.WriteJson(matching);
                }

                output.WriteError(word is null
                    ? $"No AWS Support runbook is shared in {connection.Region.SystemName}{(includePremium ? string.Empty : " (AWSPremiumSupport-* left out: --include-premium-support lists them)")}."
                    : $"No AWS Support runbook in {connection.Region.SystemName} matches '{word}'{(includePremium ? string.Empty : " (AWSPremiumSupport-* left out: --include-premium-support)")}. "
                        + "'ssmtroubleshoot runbook find' without a keyword lists them all; --offline searches the built-in catalog.");
                return ExitCodes.NothingFound;
            }

            output.WriteRows(
                matching,
                new Column<RunbookSummary>("Name", r => r.Name),
                new Column<RunbookSummary>("Ver", r => r.DocumentVersion),
                new Column<RunbookSummary>("Purpose", r => r.Purpose ?? r.DisplayName),
                new Column<RunbookSummary>("Disruptive", r => r.Disruption));
            return ExitCodes.Healthy;
        });
        return command;
    }

    private static Command CreateShow(CliHost host, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Runbook name (the AWSSupport- prefix may be left out) or document ARN." };
        var live = new Option<bool>("--live") { Description = "Read the document from the region (DescribeDocument + GetDocument): its current parameters, types, defaults and steps. Any document, not only the catalog's." };
        var version = new Option<string?>("--document-version") { Description = "With --live: this version instead of the default one." };
        var command = new Command("show", "Show one runbook of the built-in catalog: purpose, target parameter, every disruption and its condition; with --live the document's parameters as the region has them.") { name, live, version };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var given = parse.GetValue(name) ?? string.Empty;
            if (parse.GetValue(live))
            {
                return await ShowLiveAsync(output, global, parse, given, parse.GetValue(version), ct).ConfigureAwait(false);
            }

            var entry = RunbookCatalog.Find(given) ?? RunbookCatalog.Find(RunbookCatalog.SupportPrefix + given);
            if (entry is null)
            {
                var near = RunbookCatalog.Complete(given);
                throw new CliUsageException($"'{given}' is not in the built-in runbook catalog."
                    + (near.Count > 0 ? " Did you mean: " + string.Join(", ", near) + "?" : " 'ssmtroubleshoot runbook catalog' lists them."));
            }

            if (output.Json)
            {
                output.WriteJson(entry);
            }
            else
            {
                WriteDetail(output, entry);
            }

            return ExitCodes.Healthy;
        });
        return command;
    }

    /// <summary>`runbook export`: Export-SawSupportCase. The execution's result as Markdown and JSON files for a support case.</summary>
    private static Command CreateExport(CliHost host, GlobalOptions global)
    {
        var id = new Argument<string>("automation-execution-id") { Description = "The execution to export (as `runbook start` prints it)." };
        var path = new Option<string?>("--path") { Description = "Folder to write saw-<id>.md and saw-<id>.json into (default: the current folder)." };
        var redact = new Option<bool>("--redact") { Description = "Mask account ids, IP addresses, instance ids, access keys and e-mail addresses in the files." };
        var force = new Option<bool>("--force") { Description = "Replace files of an earlier export." };
        var command = new Command("export", "Write an automation execution's result (status, steps, outputs, report findings) as Markdown and JSON to attach to an AWS Support case.")
        {
            id, path, redact, force,
        };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var executionId = parse.GetValue(id) ?? string.Empty;
            var folder = System.IO.Path.GetFullPath(parse.GetValue(path) ?? ".");
            if (!System.IO.Directory.Exists(folder))
            {
                throw new CliUsageException($"--path '{folder}' is not an existing folder.");
            }

            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            using var client = RunbookClient.Create(connection);
            AutomationExecutionResult result;
            try
            {
                result = await client.GetResultAsync(executionId, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(AwsFailure.Describe(ex, "SSM GetAutomationExecution", connection.EndpointFor("SSM"))
                    + $" Check the id and the region ({connection.Region.SystemName}): executions are regional.", ex);
            }

            SupportCaseFiles files;
            try
            {
                // One switch on the command line: everything the module can mask (its -Redact plus every -RedactAlso kind).
                var masked = parse.GetValue(redact);
                files = SupportCaseExport.Write(result, folder, connection.Region.SystemName, masked, overwrite: parse.GetValue(force),
                    also: masked ? SupportCaseRedaction.InstanceId | SupportCaseRedaction.AccessKeyId | SupportCaseRedaction.EmailAddress : SupportCaseRedaction.None);
            }
            catch (System.IO.IOException ex)
            {
                throw new CliRunException(ex.Message.Replace("use -Force", "use --force", StringComparison.Ordinal), ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new CliRunException($"Cannot write into '{folder}': {ex.Message}", ex);
            }

            if (output.Json)
            {
                output.WriteJson(files);
            }
            else
            {
                output.WriteFields("Support case files of " + files.AutomationExecutionId, new (string, string?)[]
                {
                    ("Markdown", files.MarkdownPath),
                    ("JSON", files.JsonPath),
                    ("Redacted", files.Redacted ? "yes" : "no"),
                });
            }

            return ExitCodes.Healthy;
        });
        return command;
    }

    /// <summary>runbook show --live: the document as the region serves it, the parameters `runbook start --parameter` validates against.</summary>
    private static async Task<int> ShowLiveAsync(CliOutput output, GlobalOptions global, ParseResult parse, string given, string? version, CancellationToken ct)
    {
        var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
        using var client = RunbookClient.Create(connection);
        var documentName = RunbookCatalog.Find(given) is null && RunbookCatalog.Find(RunbookCatalog.SupportPrefix + given) is { } prefixed ? prefixed.Name : given;
        RunbookDocument document;
        try
        {
            document = await client.GetRunbookAsync(documentName, version, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new CliRunException(AwsFailure.Describe(ex, "SSM DescribeDocument/GetDocument", connection.EndpointFor("SSM"))
                + $" Check the name and the region ({connection.Region.SystemName}): 'ssmtroubleshoot runbook find' lists the runbooks shared there.", ex);
        }

        if (output.Json)
        {
            output.WriteJson(document);
            return ExitCodes.Healthy;
        }

        output.WriteFields(document.Name, new (string, string?)[]
        {
            ("Version", document.DocumentVersion + (document.DefaultVersion is { } d && d != document.DocumentVersion ? " (default " + d + ")" : string.Empty)),
            ("Owner", document.Owner),
            ("Platforms", string.Join(", ", document.PlatformTypes)),
            ("Target", document.InstanceParameterName),
            ("Assume role", document.AssumeRoleParameter),
            ("Steps", string.Join(", ", document.Steps.Select(step => step.Name))),
            ("Description", document.Description),
        });
        output.Out.WriteLine();
        output.WriteRows(
            document.Parameters,
            new Column<RunbookParameter>("Parameter", p => p.Name),
            new Column<RunbookParameter>("Type", p => p.Type),
            new Column<RunbookParameter>("Required", p => p.Required ? "yes" : "no"),
            new Column<RunbookParameter>("Description", p => p.Description, Wrap: true));
        return ExitCodes.Healthy;
    }

    private static bool Matches(CatalogRunbook runbook, string term) =>
        runbook.Name.IndexOf(term, StringComparison.OrdinalIgnoreCase) >= 0
        || runbook.Purpose.IndexOf(term, StringComparison.OrdinalIgnoreCase) >= 0
        || runbook.Notes.Any(n => n.IndexOf(term, StringComparison.OrdinalIgnoreCase) >= 0);

    private static void WriteList(CliOutput output, IReadOnlyList<CatalogRunbook> runbooks) =>
        output.WriteRows(
            runbooks,
            new Column<CatalogRunbook>("Name", r => r.Name),
            new Column<CatalogRunbook>("Impact", Impact),
            new Column<CatalogRunbook>("Disruptions", r => r.Disruptions.Select(d => d.Kind.ToString()).Distinct().ToList()),
            new Column<CatalogRunbook>("Purpose", r => r.Purpose));

    // What the runbook does to the instance with its default parameters, and what a parameter can switch on.
    private static string Impact(CatalogRunbook runbook)
    {
        if (runbook.Disruptions.Any(d => d.AffectsInstance && !d.IsConditional))
        {
            return "High";
        }

        var conditional = runbook.Disruptions.Where(d => d.AffectsInstance && d.IsConditional)
            .Select(d => d.WhenParameter + (d.UnlessValue ? "!=" : "=") + d.WhenValue).Distinct().ToList();
        if (conditional.Count > 0)
        {
            return "High if " + conditional[0] + (conditional.Count > 1 ? " +" + (conditional.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more" : string.Empty);
        }

        return runbook.Disruptions.Count > 0 ? "Medium" : "None";
    }

    private static void WriteDetail(CliOutput output, CatalogRunbook runbook)
    {
        var lines = new List<(string Label, string Value)>
        {
            ("Name", runbook.Name),
            ("Purpose", runbook.Purpose),
            ("Platforms", runbook.Platforms),
            ("InstanceParameterName", runbook.InstanceParameterName),
            ("Impact", Impact(runbook)),
            ("IsPremiumSupport", runbook.IsPremiumSupport ? "True" : "False"),
        };
        lines.AddRange(Items("Disruptions", runbook.Disruptions.Select(d => d.Kind + ": " + d)));
        lines.AddRange(Items("ReportOutputs", runbook.ReportOutputs));
        lines.AddRange(Items("LogParameters", runbook.LogParameters));
        lines.AddRange(Items("Notes", runbook.Notes));
        var width = lines.Max(l => l.Label.Length);
        foreach (var (label, value) in lines)
        {
            output.Out.WriteLine((label.Length == 0 ? string.Empty.PadRight(width) : label.PadRight(width)) + (label.Length == 0 ? "   " : " : ") + value);
        }
    }

    private static IEnumerable<(string Label, string Value)> Items(string label, IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            yield return (label, "(none)");
            yield break;
        }

        for (var i = 0; i < list.Count; i++)
        {
            yield return (i == 0 ? label : string.Empty, list[i]);
        }
    }
}
