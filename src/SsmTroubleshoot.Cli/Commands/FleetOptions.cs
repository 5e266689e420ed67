using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Diagnosis;
using SsmTroubleshoot.Network;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// `network` and `diagnose-node` over several regions (--region a,b) and accounts (--account-id with --role-name): the
/// module's -Region/-AccountId/-RoleName/-ExternalId/-RoleSessionName, through the engine's FleetScope. Kept apart from
/// the one-region path so that path prints exactly as before.
/// </summary>
internal sealed class FleetOptions
{
    public Option<string[]> AccountId { get; } = new("--account-id")
    {
        Description = "Accounts (12 digits; repeatable or comma-separated) to read through --role-name (sts:AssumeRole from your credentials). Each row then shows AccountId and Region.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string?> RoleName { get; } = new("--role-name") { Description = "The role assumed in each --account-id: arn:<partition>:iam::<account>:role/<name>." };

    public Option<string?> ExternalId { get; } = new("--external-id") { Description = "The external id the roles' trust policies require." };

    public Option<string?> RoleSessionName { get; } = new("--role-session-name") { Description = "Role session name shown in CloudTrail (default SsmTroubleshoot-<unix time>)." };

    public Option<int?> TargetLimit { get; } = new("--account-region-limit")
    {
        Description = "Most (account, region) pairs read at once (1-32, default 4).",
    };

    /// <param name="hidden">Accepted but not listed (the logs command lists no AWS option: reading files is offline).</param>
    public void AddTo(Command command, bool hidden = false)
    {
        foreach (var option in new Option[] { AccountId, RoleName, ExternalId, RoleSessionName, TargetLimit })
        {
            option.Hidden = hidden;
        }

        command.Options.Add(AccountId);
        command.Options.Add(RoleName);
        command.Options.Add(ExternalId);
        command.Options.Add(RoleSessionName);
        command.Options.Add(TargetLimit);
    }

    /// <summary>The regions of a comma-separated --region (empty: the default region).</summary>
    public static IReadOnlyList<string> Regions(ParseResult parse, GlobalOptions global) =>
        (global.ReadAws(parse).Region ?? string.Empty).Split(',').Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>A fan-out is asked for: several regions, or other accounts.</summary>
    public bool IsFleet(ParseResult parse, GlobalOptions global) =>
        Regions(parse, global).Count > 1 || (parse.GetValue(AccountId) ?? Array.Empty<string>()).Length > 0 || parse.GetValue(RoleName) is not null;

    /// <summary>The scope, validated (bad values are usage errors), on a connection resolved for the first region.</summary>
    public async Task<FleetScope> ScopeAsync(ParseResult parse, GlobalOptions global, CancellationToken cancellationToken)
    {
        var regions = Regions(parse, global);
        var options = new FleetScopeOptions
        {
            Regions = regions,
            AccountIds = (parse.GetValue(AccountId) ?? Array.Empty<string>()).SelectMany(a => a.Split(',')).Select(a => a.Trim()).Where(a => a.Length > 0).ToArray(),
            RoleName = parse.GetValue(RoleName),
            ExternalId = parse.GetValue(ExternalId),
            RoleSessionName = parse.GetValue(RoleSessionName),
            ThrottleLimit = parse.GetValue(TargetLimit) ?? FleetScopeOptions.DefaultThrottleLimit,
        };
        if (options.Validate() is { } problem)
        {
            throw new CliUsageException(GlobalOptions.OptionNames(problem));
        }

        var connection = await global.ConnectAsync(parse, cancellationToken, regions.FirstOrDefault()).ConfigureAwait(false);
        try
        {
            return new FleetScope(connection, options);
        }
        catch (AwsConfigurationException ex)
        {
            throw new CliUsageException(ex.Message + " " + ex.RecommendedAction);
        }
    }

    /// <summary>
    /// Runs a scope of one target (one region of the caller's account): its value, or its failure turned into the
    /// command's own error by <paramref name="failed"/> (a single region's failure ends the run, as before fleets).
    /// </summary>
    public static async Task<T> RunSingleAsync<T>(FleetScope scope, Func<FleetTarget, CancellationToken, Task<T>> work, Func<Exception, Exception> failed, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<FleetOutcome<T>>();
        await scope.RunAsync(work, outcomes.Add, cancellationToken).ConfigureAwait(false);
        var outcome = outcomes.Single();
        if (outcome.Failure is { } failure)
        {
            throw failed(failure.Exception);
        }

        return outcome.Value!;
    }

    /// <summary>
    /// Runs the scope; results come back in account, then region order; each failure is one line on stderr. Failures
    /// counts target positions (a denied AssumeRole counts each region of the account).
    /// </summary>
    public static async Task<(List<T> Results, int Failures)> RunAsync<T>(FleetScope scope, CliOutput output, Func<FleetTarget, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<FleetOutcome<T>>();
        await scope.RunAsync(work, outcomes.Add, cancellationToken).ConfigureAwait(false);
        var results = new List<T>();
        var failures = 0;
        var order = new FleetOutcomeOrder<T>();
        foreach (var outcome in outcomes.OrderBy(o => o.Ordinal).SelectMany(order.Add))
        {
            if (outcome.Failure is not { } failure)
            {
                results.Add(outcome.Value!);
                continue;
            }

            failures += outcome.Span;
            output.WriteError(failure.Stage == FleetFailureStage.AssumeRole
                ? "Account " + failure.AccountId + ": sts:AssumeRole failed: " + failure.Message + " Check that the role exists there and trusts your principal (and --external-id)."
                : (failure.AccountId ?? "(your account)") + " " + failure.Region + ": " + (failure.IsRegionNotEnabled
                    ? "the region is not enabled for the account (" + failure.ErrorCode + "). Enable it, or leave it out of --region."
                    : failure.Operation + " failed: " + failure.Message));
        }

        return (results, failures);
    }

    /// <summary>`network` over the scope: one row per instance with its account and region.</summary>
    public async Task<int> RunNetworkAsync(ParseResult parse, GlobalOptions global, CliOutput output, NetworkFleetRequest request, NetworkEvaluationOptions evaluation, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(parse, global, cancellationToken).ConfigureAwait(false);
        var (results, failures) = await RunAsync(scope, output, (target, ct) => NetworkFleetReader.EvaluateAsync(target, request, evaluation, true, null, ct), cancellationToken).ConfigureAwait(false);
        var reports = results.SelectMany(r => r.Reports).ToList();
        var unknown = UnknownIds(request.InstanceIds, results.Select(r => r.Gaps).ToList(), output, scope);
        if (output.Json)
        {
            output.WriteJson(reports);
        }
        else
        {
            output.WriteRows(
                reports,
                new Column<ManagedInstanceNetworkReport>("AccountId", r => r.AccountId),
                new Column<ManagedInstanceNetworkReport>("Region", r => r.Region),
                new Column<ManagedInstanceNetworkReport>("InstanceId", r => r.InstanceId),
                new Column<ManagedInstanceNetworkReport>("VpcId", r => r.VpcId),
                new Column<ManagedInstanceNetworkReport>("PingStatus", r => r.PingStatus ?? "(not managed)"),
                new Column<ManagedInstanceNetworkReport>("Verdict", r => r.Verdict),
                new Column<ManagedInstanceNetworkReport>("FailedChecks", r => string.Join(", ", r.FailedChecks), Wrap: true));
        }

        return failures > 0 ? ExitCodes.CouldNotRun
            : unknown || reports.Any(r => r.Verdict != NetworkVerdict.Healthy) ? ExitCodes.ProblemsFound
            : ExitCodes.Healthy;
    }

    /// <summary>`diagnose-node` over the scope: one row per node with its account and region.</summary>
    public async Task<int> RunDiagnosisAsync(ParseResult parse, GlobalOptions global, CliOutput output, NodeDiagnosisRequest request, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(parse, global, cancellationToken).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        var (results, failures) = await RunAsync(scope, output, (target, ct) => NodeDiagnosisReader.DiagnoseAsync(target, request, true, null, now, ct), cancellationToken).ConfigureAwait(false);
        var unknown = UnknownIds(request.InstanceIds, results.Select(r => r.Gaps).ToList(), output, scope);
        foreach (var result in results)
        {
            foreach (var warning in result.Warnings)
            {
                output.WriteWarning(result.AccountId + " " + result.Region + ": " + warning);
            }
        }

        var diagnoses = results.SelectMany(r =>
        {
            var missing = r.Gaps.Where(g => g.Operation == "ec2:DescribeInstances").Select(g => g.ResourceId).ToHashSet(StringComparer.Ordinal);
            return r.Diagnoses.Where(d => !missing.Contains(d.InstanceId));
        }).ToList();
        output.WriteRows(
            diagnoses,
            new Column<NodeDiagnosis>("AccountId", d => d.AccountId),
            new Column<NodeDiagnosis>("Region", d => d.Region),
            new Column<NodeDiagnosis>("InstanceId", d => d.InstanceId),
            new Column<NodeDiagnosis>("Verdict", d => d.Verdict),
            new Column<NodeDiagnosis>("RootCause", d => d.RootCause),
            new Column<NodeDiagnosis>("Summary", d => d.Summary, Wrap: true));
        return failures > 0 ? ExitCodes.CouldNotRun
            : unknown || diagnoses.Any(d => d.Verdict != NodeVerdict.Managed) ? ExitCodes.ProblemsFound
            : ExitCodes.Healthy;
    }

    /// <summary>Ids unknown in every pair that answered (an id lives in one account and region); other lookup failures too.</summary>
    private static bool UnknownIds(IReadOnlyList<string>? ids, IReadOnlyList<IReadOnlyList<Network.Model.DataGap>> gaps, CliOutput output, FleetScope scope)
    {
        var any = false;
        foreach (var id in NetworkFleetReader.NotFoundAnywhere(ids, gaps))
        {
            any = true;
            output.WriteError("Instance " + id + " was not found in " + string.Join(", ", scope.Regions) + (scope.AccountIds.Count > 0 ? " of accounts " + string.Join(", ", scope.AccountIds) : string.Empty) + ".");
        }

        return any;
    }
}
