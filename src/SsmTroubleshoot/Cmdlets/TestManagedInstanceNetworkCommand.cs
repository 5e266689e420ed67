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
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Every check of AWSSupport-TroubleshootManagedInstance (and more) for a whole fleet, from describe calls: ids are
/// collected across the pipeline and read in one batched fetch in EndProcessing, then evaluated one by one.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ManagedInstanceNetwork", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ManagedInstanceNetworkReport))]
[OutputType(typeof(NetworkCheck))]
public sealed class TestManagedInstanceNetworkCommand : Ec2FleetCmdlet
{
    private const string Activity = "Test-ManagedInstanceNetwork";

    /// <summary>Also check s3, kms, logs and monitoring.</summary>
    [Parameter]
    public SwitchParameter IncludeOptionalService { get; set; }

    /// <summary>Emit the check rows (NetworkCheck) instead of one report per instance.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

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

        Evaluate(null, ReadFilters(), Region);
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
        var answered = new List<IReadOnlyList<DataGap>>();
        RunFleet<NetworkFleetResult>(
            scope, messages, Activity, 1,
            (target, fanOut, ct) => NetworkFleetReader.EvaluateAsync(target, request, options, fanOut, messages.Enqueue, ct),
            result =>
            {
                if (scope.IsFanOut && instanceIds is not null)
                {
                    // An id lives in one account and region: unknown elsewhere is expected, unknown everywhere is the error.
                    answered.Add(result.Gaps);

                    WriteLookupErrors(result.Gaps.Where(g => !g.IsNotFound), result.Region);
                }
                else
                {
                    WriteLookupErrors(result.Gaps, result.Region);
                }

                WriteReports(result);
            },
            ex => ThrowFailure(ex, ErrorIds.AwsCallFailed, connection.EndpointFor("EC2") ?? "ec2", "Check the credentials, the region and -EndpointUrl."));

        foreach (var id in NetworkFleetReader.NotFoundAnywhere(instanceIds, answered))
        {
            WriteError(ErrorRecords.Create(
                "Instance " + id + " was not found in " + (scope.AccountIds.Count > 0 ? "the accounts and regions " : "the regions ") + string.Join(", ", scope.Regions) + ".",
                ErrorIds.InstanceNotFound, ErrorCategory.ObjectNotFound, id, "Check the instance id, -Region and -AccountId."));
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
}
