using System;
using System.CommandLine;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using SsmTroubleshoot.Diagnosis;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `diagnose-node`: Get-SsmNodeDiagnosis. One verdict per node from every source (NodeDiagnosisReader, the same
/// entry as the cmdlet); --group-by-root-cause for the fleet view.
/// </summary>
internal static class NodeDiagnosisCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var selection = new Ec2Selection(
            "EC2 instance ids (i-) and hybrid node ids (mi-). Unknown ids are reported on stderr, the others diagnosed.",
            "EC2 filter name=value[,value] (e.g. tag:Environment=prod). Repeatable.");
        var includeAgentLog = new Option<bool>("--include-agent-log") { Description = "Also read the agent log of Online nodes through Run Command (runs a read-only script on them; seconds to minutes)." };
        var consoleLimit = new Option<int>("--console-output-limit") { Description = "Most offline instances whose console output is read (one call each).", DefaultValueFactory = _ => 50 };
        var group = new Option<bool>("--group-by-root-cause") { Description = "One line per root cause and scope with its node count: the fleet view." };
        var detailed = new Option<bool>("--detailed") { Description = "Show each node's evidence, remediation and next step." };
        var command = new Command("diagnose-node", "Why is this node not managed: one verdict, root cause, evidence and next runbook per node.");
        selection.AddTo(command);
        command.Options.Add(includeAgentLog);
        command.Options.Add(consoleLimit);
        command.Options.Add(group);
        command.Options.Add(detailed);
        var fleet = new FleetOptions();
        fleet.AddTo(command);
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var (ids, filters, _) = selection.Read(parse, "nodes");

            if (fleet.IsFleet(parse, global))
            {
                // Several regions or accounts (--region a,b, --account-id with --role-name): rows carry AccountId and Region.
                return await fleet.RunDiagnosisAsync(parse, global, output, new NodeDiagnosisRequest
                {
                    InstanceIds = ids.Count > 0 ? ids : null,
                    Filters = filters,
                    IncludeAgentLog = parse.GetValue(includeAgentLog),
                    ConsoleOutputLimit = Math.Max(0, parse.GetValue(consoleLimit)),
                }, ct).ConfigureAwait(false);
            }

            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            NodeDiagnosisResult result;
            try
            {
                result = await NodeDiagnosisReader.DiagnoseAsync(connection, new NodeDiagnosisRequest
                {
                    InstanceIds = ids.Count > 0 ? ids : null,
                    Filters = filters,
                    IncludeAgentLog = parse.GetValue(includeAgentLog),
                    ConsoleOutputLimit = Math.Max(0, parse.GetValue(consoleLimit)),
                }, null, DateTime.UtcNow, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(AwsFailure.Describe(ex, "Diagnosing the nodes", connection.EndpointFor("EC2")), ex);
            }

            var missing = result.Gaps.Where(g => g.Operation == "ec2:DescribeInstances").ToList();
            foreach (var gap in missing)
            {
                output.WriteError(gap.IsNotFound
                    ? "Instance " + gap.ResourceId + " was not found in " + result.Region + ". Check the instance id and the region (--region)."
                    : "ec2:DescribeInstances failed for " + gap.ResourceId + ": " + gap.Message);
            }

            foreach (var warning in result.Warnings)
            {
                output.WriteWarning(warning);
            }

            var skip = missing.Select(g => g.ResourceId).ToHashSet(StringComparer.Ordinal);
            var diagnoses = result.Diagnoses.Where(d => !skip.Contains(d.InstanceId)).ToList();
            if (parse.GetValue(group))
            {
                output.WriteRows(
                    NodeDiagnosisGroup.Group(diagnoses),
                    new Column<NodeDiagnosisGroup>("Count", g => g.Count, AlignRight: true),
                    new Column<NodeDiagnosisGroup>("Verdict", g => g.Verdict),
                    new Column<NodeDiagnosisGroup>("RootCause", g => g.RootCause),
                    new Column<NodeDiagnosisGroup>("Summary", g => g.Summary),
                    new Column<NodeDiagnosisGroup>("InstanceIds", g => string.Join(", ", g.InstanceIds), Wrap: true));
            }
            else if (parse.GetValue(detailed) && !output.Json)
            {
                foreach (var d in diagnoses)
                {
                    output.Out.WriteLine(d.InstanceId + ": " + d.Verdict + ", " + d.RootCause + " (" + d.Confidence + "): " + d.Summary);
                    output.Out.WriteLine();
                    output.WriteRows(
                        d.Evidence,
                        new Column<NodeEvidence>("Source", e => e.Source),
                        new Column<NodeEvidence>("Id", e => e.Id),
                        new Column<NodeEvidence>("Status", e => e.Status),
                        new Column<NodeEvidence>("Detail", e => e.Detail, Wrap: true));
                    if (d.Remediation.Length > 0)
                    {
                        output.Out.WriteLine("Remediation: " + d.Remediation);
                    }

                    if (d.NextStep is { } next)
                    {
                        output.Out.WriteLine("Next step:   " + next.CommandLine);
                    }

                    output.Out.WriteLine();
                }
            }
            else
            {
                output.WriteRows(
                    diagnoses,
                    new Column<NodeDiagnosis>("InstanceId", d => d.InstanceId),
                    new Column<NodeDiagnosis>("Name", d => d.Name),
                    new Column<NodeDiagnosis>("PingStatus", d => d.PingStatus ?? "(not managed)"),
                    new Column<NodeDiagnosis>("Verdict", d => d.Verdict),
                    new Column<NodeDiagnosis>("RootCause", d => d.RootCause),
                    new Column<NodeDiagnosis>("Confidence", d => d.Confidence),
                    new Column<NodeDiagnosis>("Summary", d => d.OtherCauses.Count > 0 ? d.Summary + " (+" + d.OtherCauses.Count + " more)" : d.Summary, Wrap: true));
            }

            return missing.Any(g => !g.IsNotFound) ? ExitCodes.CouldNotRun
                : missing.Count > 0 || diagnoses.Any(d => d.Verdict != NodeVerdict.Managed) ? ExitCodes.ProblemsFound
                : ExitCodes.Healthy;
        });
        return command;
    }
}
