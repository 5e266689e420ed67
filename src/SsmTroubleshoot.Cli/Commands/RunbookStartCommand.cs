using System;
using System.Collections;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `runbook start`: Invoke-SawRunbook on the same engine (RunbookClient, RunbookStarter) — fetch the document,
/// validate the parameters against it, state what the runbook does to the instance, refuse a disruptive start
/// without --force, start one execution per instance, and with --wait report results as Wait-AutomationExecution.
/// </summary>
internal static class RunbookStartCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Runbook (document) name; the AWSSupport- prefix may be left out for catalog runbooks." };
        var instanceId = new Option<string[]>("--instance-id")
        {
            Description = "Instance(s); each gets its own execution, with the id in the runbook's instance parameter (InstanceId, UnreachableInstanceId...).",
            AllowMultipleArgumentsPerToken = true,
        };
        var parameter = new Option<string[]>("--parameter")
        {
            Description = "Name=Value runbook parameter; repeat a name for a list. Repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var assumeRole = new Option<string?>("--automation-assume-role") { Description = "IAM role ARN the automation runs as." };
        var documentVersion = new Option<string?>("--document-version") { Description = "Document version to run (default: the default version)." };
        var target = new Option<string[]>("--target")
        {
            Description = "Rate control target Key=Value[,Value]: tag:Env=Prod, ResourceGroup=MyGroup, ParameterValues=i-1,i-2 (needs --target-parameter-name).",
            AllowMultipleArgumentsPerToken = true,
        };
        var targetParameterName = new Option<string?>("--target-parameter-name") { Description = "The parameter rate control fills from --target." };
        var maxConcurrency = new Option<string?>("--max-concurrency") { Description = "Rate control: targets at once (number or percentage)." };
        var maxErrors = new Option<string?>("--max-errors") { Description = "Rate control: errors before the rest is stopped (number or percentage)." };
        var targetLocation = new Option<string[]>("--target-location")
        {
            Description = "Multi-account/multi-Region: Accounts=id[,id];Regions=region[,region][;ExecutionRoleName=name][;TargetLocationMaxConcurrency=n|n%][;TargetLocationMaxErrors=n|n%]. Repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var tag = new Option<string[]>("--tag") { Description = "Key=Value tag on the execution. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var mode = new Option<string?>("--mode") { Description = "Auto (default) or Interactive." };
        var clientToken = new Option<string?>("--client-token") { Description = "Idempotency token (one instance per token)." };
        var whatIf = new Option<bool>("--what-if") { Description = "Show each validated request and its effect on the instance; start nothing." };
        var force = new Option<bool>("--force", "--yes") { Description = "Required to start a runbook that stops or changes the instance (ConfirmImpact High); nothing is asked interactively." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the executions and show their results (as `runbook wait`)." };
        var timeout = RunbookWaitCommand.TimeoutOption();
        var pollInterval = RunbookWaitCommand.PollIntervalOption();
        var command = new Command("start", "Start an AWS Support runbook: parameters validated against the document, disruption stated, --force for disruptive ones.")
        {
            name, instanceId, parameter, assumeRole, documentVersion, target, targetParameterName, maxConcurrency, maxErrors, targetLocation, tag, mode, clientToken,
            whatIf, force, wait, timeout, pollInterval,
        };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var given = parse.GetValue(name)!;
            var documentName = RunbookCatalog.Find(given)?.Name ?? RunbookCatalog.Find(RunbookCatalog.SupportPrefix + given)?.Name ?? given;
            var parameters = ReadParameters(parse.GetValue(parameter));
            var instances = parse.GetValue(instanceId) ?? Array.Empty<string>();
            var clientTokenValue = parse.GetValue(clientToken);
            if (clientTokenValue is not null && instances.Length > 1)
            {
                throw new CliUsageException("--client-token names one execution; give one instance per --client-token, or leave it out (a new token is made per execution).");
            }

            IReadOnlyList<AutomationTarget> targets;
            try
            {
                targets = (parse.GetValue(target) ?? Array.Empty<string>()).Select(AutomationTarget.Parse).ToList();
            }
            catch (FormatException ex)
            {
                throw new CliUsageException(ex.Message, ex);
            }

            IReadOnlyList<AutomationTargetLocation> locations;
            try
            {
                locations = (parse.GetValue(targetLocation) ?? Array.Empty<string>()).Select(AutomationTargetLocation.Parse).ToList();
            }
            catch (FormatException ex)
            {
                throw new CliUsageException(ex.Message, ex);
            }

            if (!parse.GetValue(wait) && (parse.GetValue(timeout) is not null || parse.GetValue(pollInterval) is not null))
            {
                output.WriteWarning("--timeout-seconds and --poll-interval-seconds apply only with --wait; the executions are started without waiting.");
            }

            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            using var client = RunbookClient.Create(connection);
            RunbookDocument document;
            try
            {
                document = await client.GetRunbookAsync(documentName, parse.GetValue(documentVersion), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(Failure(ex, "Reading runbook " + documentName, documentName, connection.EndpointFor("SSM")), ex);
            }

            // Every plan is checked before anything starts: a script gets all or nothing.
            var plans = (instances.Length > 0 ? instances.Cast<string?>() : new string?[] { null }).Select(instance => RunbookStarter.Plan(document, parameters, new RunbookStartOptions
            {
                InstanceId = instance,
                AutomationAssumeRole = parse.GetValue(assumeRole),
                DocumentVersion = parse.GetValue(documentVersion),
                Mode = parse.GetValue(mode),
                ClientToken = clientTokenValue,
                Targets = targets,
                TargetParameterName = parse.GetValue(targetParameterName),
                MaxConcurrency = parse.GetValue(maxConcurrency),
                MaxErrors = parse.GetValue(maxErrors),
                TargetLocations = locations,
                Tags = ReadTags(parse.GetValue(tag)),
            })).ToList();
            foreach (var warning in plans.SelectMany(p => p.Validation.Warnings).Distinct(StringComparer.Ordinal))
            {
                output.WriteWarning(warning);
            }

            // The validator's message already names the closest parameter ("Did you mean ..."): say it once.
            var problems = plans.SelectMany(p => p.Problems.Select(problem => problem.Message)).Distinct(StringComparer.Ordinal).ToList();
            if (problems.Count > 0)
            {
                throw new CliUsageException(string.Join(Environment.NewLine + "ERROR: ", problems)
                    + $"{Environment.NewLine}The parameters of {document.Name} are in its document (ssmtroubleshoot runbook show {document.Name} --live).");
            }

            // The runbook's own pre-checks (ExecuteEC2Rescue: Availability Zone, encryption, platform), as Invoke-SawRunbook.
            var refused = new List<string>();
            foreach (var plan in plans)
            {
                RunbookPreCheckResult preCheck;
                try
                {
                    preCheck = await client.PreCheckAsync(plan, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    output.WriteWarning($"The pre-checks of {document.Name} could not run: {Failures.AwsErrorText.Describe(ex)}");
                    continue;
                }

                foreach (var warning in preCheck.Warnings)
                {
                    output.WriteWarning(warning);
                }

                refused.AddRange(preCheck.Problems);
            }

            if (refused.Count > 0)
            {
                throw new CliUsageException(string.Join(Environment.NewLine + "ERROR: ", refused) + $"{Environment.NewLine}Nothing was started.");
            }

            if (parse.GetValue(whatIf))
            {
                foreach (var plan in plans)
                {
                    output.Out.WriteLine("What if: " + plan.DescribeEffects());
                    output.Out.WriteLine(plan.DescribeRequest());
                }

                return ExitCodes.Healthy;
            }

            var disruptive = plans.FirstOrDefault(p => p.Impact == RunbookImpact.High);
            if (disruptive is not null && !parse.GetValue(force))
            {
                throw new CliUsageException(disruptive.DescribeEffects() + " Add --force to start it anyway (--what-if shows the request).");
            }

            var started = new List<SawExecution>();
            foreach (var plan in plans)
            {
                try
                {
                    started.Add(await client.StartAsync(plan, ct).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    output.WriteError($"{plan.Target}: " + Failure(ex, "StartAutomationExecution " + document.Name, document.Name, connection.EndpointFor("SSM")));
                    continue;
                }

                output.Error.WriteLine($"Started {started[started.Count - 1].DocumentName} on {plan.Target}: {started[started.Count - 1].AutomationExecutionId} ({started[started.Count - 1].ConsoleUrl})");
            }

            if (started.Count == 0)
            {
                return ExitCodes.CouldNotRun;
            }

            if (!parse.GetValue(wait))
            {
                output.WriteRows(
                    started,
                    new Column<SawExecution>("AutomationExecutionId", e => e.AutomationExecutionId),
                    new Column<SawExecution>("DocumentName", e => e.DocumentName),
                    new Column<SawExecution>("Target", TargetOf),
                    new Column<SawExecution>("Region", e => e.Region),
                    new Column<SawExecution>("Status", e => e.Status));
                return started.Count < plans.Count ? ExitCodes.CouldNotRun : ExitCodes.Healthy;
            }

            var seconds = parse.GetValue(timeout);
            var outcomes = await RunbookWaitCommand.WaitAsync(client, started.Select(s => s.AutomationExecutionId).ToList(), seconds, false, parse.GetValue(pollInterval), ct).ConfigureAwait(false);
            var exit = RunbookWaitCommand.Report(output, outcomes, client, seconds);
            return started.Count < plans.Count ? ExitCodes.CouldNotRun : exit;
        });
        return command;
    }

    // The module's SawExecution view: the first instance-like parameter.
    private static string? TargetOf(SawExecution execution) =>
        new[] { "InstanceId", "UnreachableInstanceId", "Source" }.Where(execution.Parameters.ContainsKey).Select(k => string.Join(",", execution.Parameters[k])).FirstOrDefault();

    private static string Failure(Exception ex, string call, string documentName, string? endpoint)
    {
        var advice = RunbookStarter.Advice(documentName, FailureClassifier.Classify(ex));
        return AwsFailure.Describe(ex, call, endpoint) + (advice is null ? string.Empty : " " + GlobalOptions.OptionNames(advice));
    }

    private static (string Key, string Value) Pair(string text, string option, string example)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new CliUsageException($"{option} '{text}' is not Name=Value (for example {option} {example}).");
        }

        return (text.Substring(0, equals).Trim(), text.Substring(equals + 1));
    }

    // Name=Value pairs; a repeated name becomes a list (StringList / MapList parameters). Names match case-insensitively, as the cmdlet's hashtable.
    private static Hashtable ReadParameters(string[]? values)
    {
        var grouped = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in values ?? Array.Empty<string>())
        {
            var (key, value) = Pair(text, "--parameter", "LogDestination=my-bucket");
            if (!grouped.TryGetValue(key, out var list))
            {
                grouped[key] = list = new List<string>();
            }

            list.Add(value);
        }

        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in grouped)
        {
            table[pair.Key] = pair.Value.Count == 1 ? pair.Value[0] : pair.Value.ToArray();
        }

        return table;
    }

    private static Dictionary<string, string> ReadTags(string[]? values)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in values ?? Array.Empty<string>())
        {
            var (key, value) = Pair(text, "--tag", "Ticket=CASE-123");
            tags[key] = value;
        }

        return tags;
    }
}
