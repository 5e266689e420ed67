using System;
using System.Collections;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `runbook start`: Invoke-SawRunbook's flow on the engine — fetch the document, validate the parameters against it,
/// say what the runbook does to the instance, refuse a disruptive start without --yes, start, and optionally wait.
/// </summary>
internal static class RunbookStartCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Runbook (document) name; the AWSSupport- prefix may be left out for catalog runbooks." };
        var instanceId = new Option<string?>("--instance-id") { Description = "The instance; goes to the runbook's instance parameter (InstanceId, UnreachableInstanceId...)." };
        var parameter = new Option<string[]>("--parameter")
        {
            Description = "Name=Value runbook parameter; repeat a name for a list. Repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var assumeRole = new Option<string?>("--automation-assume-role") { Description = "IAM role ARN the automation runs as." };
        var documentVersion = new Option<string?>("--document-version") { Description = "Document version to run (default: the default version)." };
        var whatIf = new Option<bool>("--what-if") { Description = "Show the validated request and its effect on the instance; start nothing." };
        var yes = new Option<bool>("--yes") { Description = "Required to start a runbook that stops or changes the instance (ConfirmImpact High); nothing is asked interactively." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the execution to finish and show its result." };
        var timeout = RunbookWaitCommand.TimeoutOption();
        var command = new Command("start", "Start an AWS Support runbook (Invoke-SawRunbook): parameters validated against the document, disruption stated, --yes for disruptive ones.")
        {
            name, instanceId, parameter, assumeRole, documentVersion, whatIf, yes, wait, timeout,
        };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var given = parse.GetValue(name)!;
            var documentName = RunbookCatalog.Find(given)?.Name ?? RunbookCatalog.Find(RunbookCatalog.SupportPrefix + given)?.Name ?? given;
            var parameters = ReadParameters(parse.GetValue(parameter));
            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            using var ssm = new AwsClientFactory(connection).CreateSsm();
            var api = new SsmAutomationApi(ssm);

            RunbookDocument document;
            try
            {
                document = await api.GetRunbookAsync(documentName, parse.GetValue(documentVersion), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(Failure(ex, "Reading runbook " + documentName, documentName, connection), ex);
            }

            var plan = RunbookStarter.Plan(document, parameters, new RunbookStartOptions
            {
                InstanceId = parse.GetValue(instanceId),
                AutomationAssumeRole = parse.GetValue(assumeRole),
                DocumentVersion = parse.GetValue(documentVersion),
            });
            if (!plan.IsValid)
            {
                throw new CliUsageException(string.Join(" ", plan.Problems.Select(p => p.Message)));
            }

            foreach (var warning in plan.Validation.Warnings)
            {
                output.WriteWarning(warning);
            }

            if (parse.GetValue(whatIf))
            {
                output.Out.WriteLine("What if: " + plan.DescribeEffects());
                output.Out.WriteLine(plan.DescribeRequest());
                return ExitCodes.Healthy;
            }

            if (plan.Impact == RunbookImpact.High && !parse.GetValue(yes))
            {
                throw new CliUsageException(plan.DescribeEffects() + " Add --yes to start it anyway (--what-if shows the request).");
            }

            string executionId;
            try
            {
                executionId = await api.StartAsync(plan.ToSdkRequest(), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(Failure(ex, "StartAutomationExecution " + documentName, documentName, connection), ex);
            }

            var region = connection.Region.SystemName;
            output.Error.WriteLine("Started " + documentName + ": " + executionId + " (" + RunbookStarter.ConsoleUrl(region, executionId) + ")");
            if (!parse.GetValue(wait))
            {
                var started = new SawExecution(executionId, documentName, region, AutomationStatus.Pending, DateTime.UtcNow, plan.Request.Parameters);
                output.WriteRows(
                    new[] { started },
                    new Column<SawExecution>("AutomationExecutionId", e => e.AutomationExecutionId),
                    new Column<SawExecution>("DocumentName", e => e.DocumentName),
                    new Column<SawExecution>("Region", e => e.Region),
                    new Column<SawExecution>("Status", e => e.Status),
                    new Column<SawExecution>("ConsoleUrl", e => e.ConsoleUrl));
                return ExitCodes.Healthy;
            }

            var seconds = parse.GetValue(timeout);
            var outcomes = await new ExecutionWaiter(api).WaitAsync(
                new[] { executionId },
                new ExecutionWaitOptions { Timeout = seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), Region = region },
                null,
                ct).ConfigureAwait(false);
            return RunbookWaitCommand.Report(output, outcomes, connection);
        });
        return command;
    }

    private static string Failure(Exception ex, string call, string documentName, AwsConnection connection)
    {
        var advice = RunbookStarter.Advice(documentName, FailureClassifier.Classify(ex));
        return AwsFailure.Describe(ex, call, connection.EndpointFor("SSM")) + (advice is null ? string.Empty : " " + advice);
    }

    // Name=Value pairs; a repeated name becomes a list (StringList / MapList parameters).
    private static Hashtable ReadParameters(string[]? values)
    {
        var grouped = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var text in values ?? Array.Empty<string>())
        {
            var equals = text.IndexOf('=');
            if (equals <= 0)
            {
                throw new CliUsageException($"--parameter '{text}' is not Name=Value (for example --parameter LogDestination=my-bucket).");
            }

            var key = text.Substring(0, equals).Trim();
            if (!grouped.TryGetValue(key, out var list))
            {
                grouped[key] = list = new List<string>();
            }

            list.Add(text.Substring(equals + 1));
        }

        var table = new Hashtable(StringComparer.Ordinal);
        foreach (var pair in grouped)
        {
            table[pair.Key] = pair.Value.Count == 1 ? pair.Value[0] : pair.Value.ToArray();
        }

        return table;
    }
}
