using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// A cmdlet that reads a fleet: the AWS parameters with -Region taking several regions, and -AccountId/-RoleName
/// (-ExternalId, -RoleSessionName) to cover other accounts through sts:AssumeRole. The fan-out itself is the engine's
/// <see cref="FleetScope"/>; this class binds, pumps its log to Verbose/progress and its outcomes to the pipeline.
/// </summary>
public abstract class FleetAwsCmdlet : AwsCmdlet
{
    /// <summary>
    /// One or more regions (e.g. us-east-1, eu-west-1), read concurrently; each result carries its Region. Else
    /// $StoredAWSRegion, the profile, AWS_REGION, IMDS. Binds the Region property of piped objects.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    public new string[]? Region { get; set; }

    /// <summary>Accounts (12 digits) to read through -RoleName (sts:AssumeRole from your credentials); each result carries its AccountId.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? AccountId { get; set; }

    /// <summary>The role assumed in each -AccountId: arn:&lt;partition of the region&gt;:iam::&lt;account&gt;:role/&lt;RoleName&gt;.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleName { get; set; }

    /// <summary>The external id the roles' trust policies require.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExternalId { get; set; }

    /// <summary>The session name shown in CloudTrail (default: SsmTroubleshoot-&lt;unix time&gt;).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleSessionName { get; set; }

    private readonly List<(string Id, string? Regions)> _pipedIds = new();
    private readonly HashSet<(string, string?)> _seenIds = new();

    /// <summary>
    /// Remembers ids of this pipeline record with the record's -Region (piped objects may each carry their own): the
    /// whole pipeline is read in EndProcessing, one batched pass per set of regions (<see cref="PipedIdsByRegions"/>).
    /// </summary>
    protected void CollectIds(IEnumerable<string> instanceIds)
    {
        var regions = Region is { Length: > 0 } ? string.Join(",", Region) : null;
        foreach (var id in instanceIds)
        {
            if (_seenIds.Add((id, regions)))
            {
                _pipedIds.Add((id, regions));
            }
        }
    }

    /// <summary>The ids collected so far, grouped by the regions they came with (null: the default region), in input order.</summary>
    protected IEnumerable<(IReadOnlyList<string> Ids, IReadOnlyList<string>? Regions)> PipedIdsByRegions() =>
        _pipedIds.GroupBy(x => x.Regions, StringComparer.Ordinal)
            .Select(g => ((IReadOnlyList<string>)g.Select(x => x.Id).ToList(), (IReadOnlyList<string>?)g.Key?.Split(',')));

    /// <summary>Subclasses' -ThrottleLimit when bound: it then also bounds the (account, region) pairs read at once.</summary>
    protected abstract int? BoundThrottleLimit { get; }

    /// <summary>Validates the fleet parameters (before any AWS call) and resolves the caller's connection.</summary>
    protected (AwsConnection Connection, FleetScope Scope) ResolveFleet(IReadOnlyList<string>? regions, Action<string> log)
    {
        foreach (var account in AccountId ?? Array.Empty<string>())
        {
            if (!FleetScopeOptions.IsAccountId(account))
            {
                ThrowTerminatingError(ErrorRecords.Create("'" + account + "' is not an AWS account id: it must be 12 digits.", ErrorIds.FleetAccountIdInvalid,
                    ErrorCategory.InvalidArgument, account, "Pass 12-digit account ids, e.g. -AccountId 111111111111, 222222222222."));
            }
        }

        var options = new FleetScopeOptions
        {
            Regions = regions ?? Array.Empty<string>(),
            AccountIds = AccountId ?? Array.Empty<string>(),
            RoleName = RoleName,
            ExternalId = ExternalId,
            RoleSessionName = RoleSessionName,
            ThrottleLimit = Math.Min(BoundThrottleLimit ?? FleetScopeOptions.DefaultThrottleLimit, FleetScopeOptions.MaxThrottleLimit),
        };
        if (options.Validate() is { } problem)
        {
            ThrowTerminatingError(ErrorRecords.Create(problem, ErrorIds.FleetScopeInvalid, ErrorCategory.InvalidArgument, RoleName ?? RoleSessionName ?? (object?)ExternalId,
                "Pass -AccountId with -RoleName (an IAM role name such as SsmTroubleshootRead), and a -RoleSessionName of 2-64 characters."));
        }

        // The caller's connection is resolved for the first region; the scope derives the others from it.
        var connection = AwsParameterResolver.Resolve(this, this, work => Await(work), regions?.FirstOrDefault());
        try
        {
            return (connection, new FleetScope(connection, options, log));
        }
        catch (AwsConfigurationException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromException(ex, ErrorIds.AwsRegionInvalid, regions, ex.RecommendedAction, ErrorCategory.InvalidArgument));
            throw; // not reached
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for every target of the scope on the thread pool; here, on the pipeline thread, writes
    /// the engine's log as Verbose and progress, each outcome in target order through <paramref name="write"/>, and each
    /// failure as one error record (an account that could not be assumed, a region that could not be read). A single
    /// target without other accounts keeps the one-region behaviour: its failure ends the command as before.
    /// <paramref name="status"/>, when given, is read each tick for the progress line (the engine's latest stage).
    /// Returns how many target positions could not be read.
    /// </summary>
    protected int RunFleet<T>(FleetScope scope, ConcurrentQueue<string> messages, string activity, int activityId, Func<FleetTarget, bool, System.Threading.CancellationToken, Task<T>> work,
        Action<T> write, Action<Exception> singleTargetFailure, Func<string?>? status = null)
    {
        var failed = 0;
        string? shown = null;
        var fanOut = scope.IsFanOut;
        var progress = new ProgressRecord(activityId, activity, "Reading " + scope.Description);
        WriteProgress(progress);
        var order = new FleetOutcomeOrder<T>();
        var calls = 0;
        var done = 0;

        // The engine's log lines: verbose, and the latest one as the progress status.
        void Drain()
        {
            while (messages.TryDequeue(out var message))
            {
                WriteVerbose(message);
                calls++;
                progress.StatusDescription = "Reading " + scope.Description + " (" + calls.ToString(CultureInfo.InvariantCulture) + " calls): " + message;
                WriteProgress(progress);
            }
        }

        Pump<bool, FleetOutcome<T>>(
            async (outcomes, ct) =>
            {
                await scope.RunAsync((target, c) => work(target, fanOut, c), outcomes.Report, ct).ConfigureAwait(false);
                return true;
            },
            outcome =>
            {
                Drain();
                foreach (var due in order.Add(outcome))
                {
                    done += due.Span;
                    progress.PercentComplete = (int)(100L * done / scope.TargetCount);
                    WriteProgress(progress);
                    if (due.Failure is not { } failure)
                    {
                        write(due.Value!);
                    }
                    else if (!fanOut)
                    {
                        singleTargetFailure(failure.Exception);
                    }
                    else
                    {
                        failed += due.Span;
                        WriteError(ToErrorRecord(failure));
                    }
                }
            },
            () =>
            {
                Drain();
                if (status?.Invoke() is { } now && now != shown)
                {
                    shown = now;
                    progress.StatusDescription = now;
                    WriteProgress(progress);
                }
            });

        Drain();
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        return failed;
    }

    /// <summary>An account that could not be assumed, or a region that could not be read: one error row, the others go on.</summary>
    private static ErrorRecord ToErrorRecord(FleetFailure failure)
    {
        if (failure.Stage == FleetFailureStage.AssumeRole)
        {
            // AccessDenied is what STS answers for a role that does not exist, too: the fix is the same either way.
            return ErrorRecords.Create("Account " + failure.AccountId + ": sts:AssumeRole failed: " + SecretScrubber.Scrub(failure.Message),
                ErrorIds.FleetAssumeRoleFailed, failure.Kind == FailureKind.Unknown ? ErrorCategory.PermissionDenied : ErrorRecords.ToCategory(failure.Kind), failure.AccountId,
                "Check that the role exists in account " + failure.AccountId + " and that its trust policy allows your principal (and -ExternalId, if it requires one).");
        }

        var where = (failure.AccountId ?? "(caller's account)") + " " + failure.Region;
        if (failure.IsRegionNotEnabled)
        {
            return ErrorRecords.Create(where + ": the region is not enabled for the account (" + failure.ErrorCode + "): " + SecretScrubber.Scrub(failure.Message),
                ErrorIds.FleetRegionNotEnabled, ErrorCategory.AuthenticationError, failure,
                "Enable the region for the account (Account settings, AWS Regions), or leave it out of -Region.");
        }

        var advice = failure.Kind == FailureKind.Throttled
            ? "The region stayed throttled after retries: run again later or with a lower -ThrottleLimit; request a quota increase if it is sustained."
            : "Check the role's permissions in " + where + " (" + failure.Operation + ").";
        return ErrorRecords.Create(where + ": " + failure.Operation + " failed: " + SecretScrubber.Scrub(failure.Message),
            ErrorIds.FleetRegionFailed, failure.Kind == FailureKind.Unknown ? ErrorCategory.NotSpecified : ErrorRecords.ToCategory(failure.Kind), failure, advice);
    }
}
