using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Every check of AWSSupport-TroubleshootManagedInstance (and more) for a whole fleet, from describe calls: ids are
/// collected across the pipeline and read in one batched fetch in EndProcessing, then evaluated one by one.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ManagedInstanceNetwork", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ManagedInstanceNetworkReport))]
[OutputType(typeof(NetworkCheck))]
public sealed class TestManagedInstanceNetworkCommand : FleetAwsCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByFilterSet = "ByFilter";
    private const string AllSet = "All";
    private const string Activity = "Test-ManagedInstanceNetwork";

    // Ids in input order with the region each came with: objects piped from several regions are read per region.

    /// <summary>EC2 instance ids (i-) and hybrid node ids (mi-); binds InstanceId of Get-EC2Instance's instances.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidatePattern("^(i|mi)-[0-9a-f]{8,17}$")]
    public string[] InstanceId { get; set; } = Array.Empty<string>();

    /// <summary>EC2 filters: name -> value or values, e.g. @{ 'tag:Environment' = 'prod'; 'vpc-id' = 'vpc-1', 'vpc-2' }.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByFilterSet)]
    [ValidateNotNullOrEmpty]
    public Hashtable Filter { get; set; } = new();

    /// <summary>Every instance of the region (terminated ones left out).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Also check s3, kms, logs and monitoring.</summary>
    [Parameter]
    public SwitchParameter IncludeOptionalService { get; set; }

    /// <summary>
    /// Most AWS calls in flight at once in each region; when given, also the most (account, region) pairs read at once
    /// (at most 32; default 4 pairs).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override int? BoundThrottleLimit => MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : null;

    /// <summary>Emit the check rows (NetworkCheck) instead of one report per instance.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ByIdSet)
        {
            return;
        }

        CollectIds(InstanceId);
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == ByIdSet)
        {
            // Ids piped with different regions are read per set of regions.
            foreach (var (ids, regions) in PipedIdsByRegions())
            {
                Evaluate(ids.ToList(), Array.Empty<Ec2Filter>(), regions);
            }

            return;
        }

        IReadOnlyList<Ec2Filter> filters = Array.Empty<Ec2Filter>();
        if (ParameterSetName == ByFilterSet && !TryReadFilters(Filter, out filters, out var problem))
        {
            ThrowTerminatingError(ErrorRecords.Create(problem, ErrorIds.NetworkFilterInvalid, ErrorCategory.InvalidArgument, Filter,
                "Pass EC2 filter names with one or more values, e.g. -Filter @{ 'tag:Environment' = 'prod' }."));
        }

        Evaluate(null, filters, Region);
    }

    /// <summary>
    /// One batched fetch per (account, region) for these ids (or the filters), then one report per instance in input
    /// order, the targets in account then region order. Over several targets an id missing from each is one error.
    /// </summary>
    private void Evaluate(List<string>? instanceIds, IReadOnlyList<Ec2Filter> filters, IReadOnlyList<string>? regions)
    {
        var request = new NetworkFleetRequest
        {
            InstanceIds = instanceIds,
            Filters = filters,
            ThrottleLimit = ThrottleLimit,
        };
        var options = new NetworkEvaluationOptions { IncludeOptionalServices = IncludeOptionalService };
        var messages = new ConcurrentQueue<string>();
        var (connection, scope) = ResolveFleet(regions, messages.Enqueue);
        var notFound = new Dictionary<string, int>(StringComparer.Ordinal);
        var answered = 0;
        RunFleet<NetworkFleetResult>(
            scope, messages, Activity, 1,
            (target, fanOut, ct) => NetworkFleetReader.EvaluateAsync(target, request, options, fanOut, messages.Enqueue, ct),
            result =>
            {
                if (scope.IsFanOut && instanceIds is not null)
                {
                    // An id lives in one account and region: unknown elsewhere is expected, unknown everywhere is the error.
                    answered++;
                    foreach (var gap in result.Gaps.Where(g => g.Operation == "ec2:DescribeInstances" && g.IsNotFound))
                    {
                        notFound[gap.ResourceId] = notFound.TryGetValue(gap.ResourceId, out var n) ? n + 1 : 1;
                    }

                    WriteLookupErrors(result.Gaps.Where(g => !g.IsNotFound), result.Region);
                }
                else
                {
                    WriteLookupErrors(result.Gaps, result.Region);
                }

                WriteReports(result);
            },
            ex => ThrowFailure(ex, ErrorIds.AwsCallFailed, connection.EndpointFor("EC2") ?? "ec2", "Check the credentials, the region and -EndpointUrl."));

        if (answered > 0)
        {
            foreach (var id in instanceIds!.Where(id => notFound.TryGetValue(id, out var n) && n == answered))
            {
                WriteError(ErrorRecords.Create(
                    "Instance " + id + " was not found in " + (scope.AccountIds.Count > 0 ? "the accounts and regions " : "the regions ") + string.Join(", ", scope.Regions) + ".",
                    ErrorIds.InstanceNotFound, ErrorCategory.ObjectNotFound, id, "Check the instance id, -Region and -AccountId."));
            }
        }
    }

    /// <summary>Evaluates and writes one report (or its check rows) at a time, with progress.</summary>
    private void WriteReports(NetworkFleetResult result)
    {
        var ids = result.InstanceIds;
        var progress = new ProgressRecord(2, Activity, "Evaluating") { ParentActivityId = 1 };
        var i = 0;
        foreach (var report in result.Reports)
        {
            ThrowIfStopping();
            progress.StatusDescription = "Evaluating " + ids[i] + " (" + (i + 1).ToString(CultureInfo.InvariantCulture) + " of " + ids.Count.ToString(CultureInfo.InvariantCulture) + ")"
                                         + (result.AccountId is null ? " in " : " in " + result.AccountId + " ") + result.Region;
            progress.PercentComplete = (int)(100L * i / ids.Count);
            WriteProgress(progress);
            if (Detailed)
            {
                WriteObject(report.Checks, enumerateCollection: true);
            }
            else
            {
                WriteObject(report);
            }

            i++;
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    private void WriteLookupErrors(IEnumerable<DataGap> gaps, string region)
    {
        foreach (var record in LookupErrorRecords(gaps, region))
        {
            WriteError(record);
        }
    }

    /// <summary>The DescribeInstances gaps as error records (shared with Get-SsmNodeDiagnosis).</summary>
    internal static IEnumerable<ErrorRecord> LookupErrorRecords(IEnumerable<DataGap> gaps, string region)
    {
        foreach (var gap in gaps.Where(g => g.Operation == "ec2:DescribeInstances"))
        {
            if (gap.IsNotFound)
            {
                yield return ErrorRecords.Create(
                    "Instance " + gap.ResourceId + " was not found in " + region + ".",
                    ErrorIds.InstanceNotFound, ErrorCategory.ObjectNotFound, gap.ResourceId, "Check the instance id and the region (-Region).");
                continue;
            }

            var kind = gap.Kind != FailureKind.Unknown ? gap.Kind : FailureClassifier.ClassifyServiceError(gap.ErrorCode, 0);
            yield return ErrorRecords.Create(
                "ec2:DescribeInstances failed for " + gap.ResourceId + ": " + gap.Message,
                ErrorIds.InstanceLookupFailed, ErrorRecords.ToCategory(kind), gap.ResourceId,
                kind == FailureKind.Unknown ? "Retry; check the region and -EndpointUrl." : gap.Remediation("Grant ec2:DescribeInstances."));
        }
    }

    internal static bool TryReadFilters(Hashtable filter, out IReadOnlyList<Ec2Filter> filters, out string problem)
    {
        var read = new List<Ec2Filter>();
        filters = read;
        problem = string.Empty;
        foreach (var (name, all) in PSValues.Entries(filter))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                problem = "Filter names must not be empty.";
                return false;
            }

            // Empty items of a list are dropped (EC2 would refuse them); a filter left with none has no value.
            var values = all.Length > 1 ? all.Where(v => v.Length > 0).ToArray() : all;
            if (values.Length == 0 || values.Any(string.IsNullOrEmpty))
            {
                problem = "Filter '" + name + "' has no value.";
                return false;
            }

            read.Add(new Ec2Filter(name!, values));
        }

        return true;
    }

    private static object? Unwrap(object? value) => PSValues.BaseOf(value);
}
