using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `network`: Test-ManagedInstanceNetwork. Every check of AWSSupport-TroubleshootManagedInstance for a fleet, from
/// describe calls: one batched fetch (NetworkFleetReader), then one report per instance (NetworkEvaluator).
/// </summary>
internal static class NetworkCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var selection = new Ec2Selection(
            "EC2 instance ids (i-) and hybrid node ids (mi-; SSM and IAM checks only). Unknown ids are reported on stderr, the others evaluated.",
            "EC2 filter name=value[,value] (e.g. tag:Environment=prod, vpc-id=vpc-1,vpc-2). Repeatable. Terminated instances are left out unless a filter names instance-state-name.");
        var includeOptional = new Option<bool>("--include-optional-service") { Description = "Also check s3, kms, logs and monitoring." };
        var throttleLimit = new Option<int>("--throttle-limit")
        {
            Description = "Most AWS calls in flight at once (1-64).",
            DefaultValueFactory = _ => 8,
        };
        throttleLimit.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < 1 or > 64)
            {
                result.AddError($"--throttle-limit {value} is outside 1-64.");
            }
        });
        var detailed = new Option<bool>("--detailed") { Description = "Show the check rows (Status, CheckId, Detail) instead of one line per instance." };
        var command = new Command("network", "Can this fleet reach Systems Manager: profile, role, DHMC, VPC DNS, routes, endpoints, security groups and NACLs per service.");
        selection.AddTo(command);
        command.Options.Add(includeOptional);
        command.Options.Add(throttleLimit);
        command.Options.Add(detailed);
        var fleet = new FleetOptions();
        fleet.AddTo(command);
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var (ids, filters, filterCount) = selection.Read(parse, "instances");

            var request = new NetworkFleetRequest
            {
                InstanceIds = ids.Count > 0 ? ids : null,
                Filters = filters,
                ThrottleLimit = parse.GetValue(throttleLimit),
            };
            if (fleet.IsFleet(parse, global))
            {
                // Several regions or accounts (--region a,b, --account-id with --role-name): rows carry AccountId and Region.
                return await fleet.RunNetworkAsync(parse, global, output, request, new NetworkEvaluationOptions { IncludeOptionalServices = parse.GetValue(includeOptional) }, ct).ConfigureAwait(false);
            }

            // One region: the engine's entry for a fleet target (the same as the cmdlet's), rendered without the account columns.
            var scope = await fleet.ScopeAsync(parse, global, ct).ConfigureAwait(false);
            var result = await FleetOptions.RunSingleAsync(scope,
                (target, c) => NetworkFleetReader.EvaluateAsync(target, request, new NetworkEvaluationOptions { IncludeOptionalServices = parse.GetValue(includeOptional) }, false, null, c),
                ex => new CliRunException(AwsFailure.Describe(ex, "Reading the network configuration", scope.Connection.EndpointFor("EC2")), ex), ct).ConfigureAwait(false);
            var (unknown, lookupFailed) = WriteLookupErrors(output, result.Gaps, result.Region, ids.Count > 0);
            var reports = result.Reports.Select(report =>
            {
                ct.ThrowIfCancellationRequested();
                return report;
            }).ToList();

            if (parse.GetValue(detailed))
            {
                WriteChecks(output, reports);
            }
            else
            {
                WriteReports(output, reports);
            }

            if (reports.Count == 0 && request.InstanceIds is null && !lookupFailed)
            {
                output.WriteWarning("No instance of " + result.Region + " matches" + (filterCount > 0 ? " the filter." : "."));
            }

            // Checks that could not be evaluated (a call refused, throttled or unanswered) leave the verdict open: say which, on stderr.
            var unevaluated = WriteUnevaluated(output, reports);

            // Instances not looked up or checks not evaluated were not examined: "could not run (completely)" wins over a finding.
            return lookupFailed || unevaluated ? ExitCodes.CouldNotRun
                : unknown || reports.Any(r => r.Verdict != NetworkVerdict.Healthy) ? ExitCodes.ProblemsFound
                : ExitCodes.Healthy;
        });
        return command;
    }

    /// <summary>name=value[,value] -> EC2 filters; a name given twice takes the values of both (EC2 ORs a filter's values).</summary>
    internal static IReadOnlyList<Ec2Filter> ReadFilters(IReadOnlyList<string> texts)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? text.Trim() : text.Substring(0, equals).Trim();
            if (name.Length == 0)
            {
                throw new CliUsageException($"--filter '{text}' has no name: write name=value[,value], e.g. tag:Environment=prod.");
            }

            var given = equals < 0 ? Array.Empty<string>() : text.Substring(equals + 1).Split(',').Select(v => v.Trim()).ToArray();
            if (given.Length == 0 || given.Any(v => v.Length == 0))
            {
                throw new CliUsageException($"--filter '{text}': filter '{name}' has no value (or an empty one): write name=value[,value].");
            }

            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = new List<string>();
            }

            list.AddRange(given.Where(v => !list.Contains(v)));
        }

        return values.Select(p => new Ec2Filter(p.Key, p.Value.ToArray())).ToList();
    }

    /// <summary>The cmdlet's non-terminating errors, on stderr: ids EC2 does not know, and lookups that failed.</summary>
    private static (bool Unknown, bool LookupFailed) WriteLookupErrors(CliOutput output, IEnumerable<DataGap> gaps, string region, bool byId)
    {
        var unknown = false;
        var failed = false;
        foreach (var gap in gaps.Where(g => g.Operation == "ec2:DescribeInstances"))
        {
            if (gap.IsNotFound)
            {
                unknown = true;
                output.WriteError("Instance " + gap.ResourceId + " was not found in " + region + ". Check the instance id and the region (--region).");
                continue;
            }

            failed = true;
            var kind = gap.Kind != FailureKind.Unknown ? gap.Kind : FailureClassifier.ClassifyServiceError(gap.ErrorCode, 0);
            output.WriteError("ec2:DescribeInstances failed" + (byId ? " for " + gap.ResourceId : " in " + gap.ResourceId) + ": " + gap.Message + " "
                + GlobalOptions.OptionNames(kind == FailureKind.Unknown ? "Retry; check the region and --endpoint-url." : gap.Remediation("Grant ec2:DescribeInstances.")));
        }

        return (unknown, failed);
    }

    /// <summary>One note per instance whose checks could not all be evaluated: which checks, why (the first), and the fix.</summary>
    private static bool WriteUnevaluated(CliOutput output, IReadOnlyList<ManagedInstanceNetworkReport> reports)
    {
        var any = false;
        foreach (var report in reports)
        {
            var errors = report.Checks.Where(c => c.Status == NetworkCheckStatus.Error).ToList();
            if (errors.Count == 0)
            {
                continue;
            }

            any = true;
            output.WriteError(report.InstanceId + ": " + errors.Count + " check(s) could not be evaluated (" + string.Join(", ", errors.Take(5).Select(c => c.CheckId))
                + (errors.Count > 5 ? ", ..." : string.Empty) + "): " + errors[0].Detail
                + (errors[0].Remediation is { } fix ? " " + GlobalOptions.OptionNames(fix) : string.Empty));
        }

        return any;
    }

    private static void WriteReports(CliOutput output, IReadOnlyList<ManagedInstanceNetworkReport> reports) =>
        output.WriteRows(
            reports,
            new Column<ManagedInstanceNetworkReport>("InstanceId", r => r.InstanceId),
            new Column<ManagedInstanceNetworkReport>("Name", r => r.Name),
            new Column<ManagedInstanceNetworkReport>("VpcId", r => r.VpcId),
            new Column<ManagedInstanceNetworkReport>("PingStatus", r => r.PingStatus ?? "(not managed)"),
            new Column<ManagedInstanceNetworkReport>("Verdict", r => r.Verdict),
            new Column<ManagedInstanceNetworkReport>("FailedChecks", r => FailedChecks(r.FailedChecks)));

    // As the module's view: the first three failed checks, then how many more.
    private static string FailedChecks(IReadOnlyList<string> failed) =>
        failed.Count > 3
            ? string.Join(", ", failed.Take(3)) + " +" + (failed.Count - 3).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Join(", ", failed);

    /// <summary>--detailed: JSON is the flat list of check rows; the table is grouped by instance like the module's view.</summary>
    private static void WriteChecks(CliOutput output, IReadOnlyList<ManagedInstanceNetworkReport> reports)
    {
        if (output.Json)
        {
            output.WriteJson(reports.SelectMany(r => r.Checks).ToList());
            return;
        }

        foreach (var report in reports)
        {
            output.Out.WriteLine("Instance: " + report.InstanceId);
            output.Out.WriteLine();
            output.WriteRows(
                report.Checks,
                new Column<NetworkCheck>("Status", c => c.Status),
                new Column<NetworkCheck>("CheckId", c => c.CheckId),
                new Column<NetworkCheck>("Detail", c => c.Detail, Wrap: true));

            // What to change for each check that did not pass: the table's Detail says what is wrong, not the fix.
            foreach (var check in report.Checks.Where(c => c.Status is NetworkCheckStatus.Failed or NetworkCheckStatus.Warning or NetworkCheckStatus.Error && !string.IsNullOrWhiteSpace(c.Remediation)))
            {
                output.Out.WriteLine();
                output.WriteFields(check.Status + " " + check.CheckId, new (string, string?)[] { ("Remediation", check.Remediation) });
            }

            output.Out.WriteLine();
        }
    }
}
