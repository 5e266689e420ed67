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
public sealed class TestManagedInstanceNetworkCommand : AwsCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByFilterSet = "ByFilter";
    private const string AllSet = "All";
    private const string Activity = "Test-ManagedInstanceNetwork";

    // Ids in input order with the region each came with: objects piped from several regions are read per region.
    private readonly List<(string Id, string? Region)> _instanceIds = new();
    private readonly HashSet<(string, string?)> _seen = new();

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

    /// <summary>Most AWS calls in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>Emit the check rows (NetworkCheck) instead of one report per instance.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ByIdSet)
        {
            return;
        }

        foreach (var id in InstanceId)
        {
            if (_seen.Add((id, Region)))
            {
                _instanceIds.Add((id, Region));
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == ByIdSet && _instanceIds.Count == 0)
        {
            return;
        }

        if (ParameterSetName == ByIdSet)
        {
            foreach (var group in _instanceIds.GroupBy(x => x.Region, StringComparer.Ordinal))
            {
                Region = group.Key;
                Evaluate(group.Select(x => x.Id).ToList(), Array.Empty<Ec2Filter>());
            }

            return;
        }

        IReadOnlyList<Ec2Filter> filters = Array.Empty<Ec2Filter>();
        if (ParameterSetName == ByFilterSet && !TryReadFilters(Filter, out filters, out var problem))
        {
            ThrowTerminatingError(ErrorRecords.Create(problem, ErrorIds.NetworkFilterInvalid, ErrorCategory.InvalidArgument, Filter,
                "Pass EC2 filter names with one or more values, e.g. -Filter @{ 'tag:Environment' = 'prod' }."));
        }

        Evaluate(null, filters);
    }

    /// <summary>One batched fetch for these ids (or the filters), then one report per instance in input order.</summary>
    private void Evaluate(List<string>? instanceIds, IReadOnlyList<Ec2Filter> filters)
    {
        var request = new NetworkFleetRequest
        {
            InstanceIds = instanceIds,
            Filters = filters,
            ThrottleLimit = ThrottleLimit,
        };
        var connection = ResolveAwsConnection();
        var inventory = FetchWithProgress(connection, request);

        // Amazon.* types (RegionEndpoint) must not appear in this assembly: the region comes back as text.
        WriteLookupErrors(inventory, inventory.Region);
        var snapshot = new NetworkSnapshot(inventory);
        var evaluator = new NetworkEvaluator(snapshot, new NetworkEvaluationOptions { IncludeOptionalServices = IncludeOptionalService });
        var ids = request.InstanceIds is null
            ? inventory.Instances.Select(i => i.InstanceId).ToList()
            : instanceIds!.Where(id => id.StartsWith("mi-", StringComparison.Ordinal) || snapshot.FindInstance(id) is not null).ToList();
        var progress = new ProgressRecord(1, Activity, "Evaluating");
        for (var i = 0; i < ids.Count; i++)
        {
            ThrowIfStopping();
            progress.StatusDescription = "Evaluating " + ids[i] + " (" + (i + 1).ToString(CultureInfo.InvariantCulture) + " of " + ids.Count.ToString(CultureInfo.InvariantCulture) + ")";
            progress.PercentComplete = (int)(100L * i / ids.Count);
            WriteProgress(progress);
            var report = evaluator.Evaluate(ids[i]);
            if (Detailed)
            {
                WriteObject(report.Checks, enumerateCollection: true);
            }
            else
            {
                WriteObject(report);
            }
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    /// <summary>Runs the fetch on the thread pool; its call log is written here, on the pipeline thread, as Verbose and progress.</summary>
    private NetworkInventory FetchWithProgress(Aws.AwsConnection connection, NetworkFleetRequest request)
    {
        var messages = new ConcurrentQueue<string>();
        var progress = new ProgressRecord(1, Activity, "Reading EC2, SSM and IAM configuration");
        WriteProgress(progress);
        var fetch = Task.Run(() => NetworkFleetReader.FetchAsync(connection, request, messages.Enqueue, CancelToken), CancelToken);
        var calls = 0;
        try
        {
            while (true)
            {
                var done = Task.WaitAny(new Task[] { fetch }, 50, CancelToken) == 0;
                while (messages.TryDequeue(out var message))
                {
                    WriteVerbose(message);
                    calls++;
                    progress.StatusDescription = "Reading EC2, SSM and IAM configuration (" + calls.ToString(CultureInfo.InvariantCulture) + "): " + message;
                    WriteProgress(progress);
                }

                if (done)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }

        try
        {
            return Await(_ => fetch);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowFailure(ex, ErrorIds.AwsCallFailed, connection.EndpointFor("EC2") ?? "ec2", "Check the credentials, the region and -EndpointUrl.");
            throw; // not reached: ThrowFailure always throws
        }
    }

    /// <summary>Ids EC2 did not know (or could not be asked about): one non-terminating error each; the others go on.</summary>
    private void WriteLookupErrors(NetworkInventory inventory, string region)
    {
        foreach (var record in LookupErrorRecords(inventory.Gaps, region))
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
        foreach (DictionaryEntry entry in filter)
        {
            var name = Unwrap(entry.Key)?.ToString();
            if (string.IsNullOrWhiteSpace(name))
            {
                problem = "Filter names must not be empty.";
                return false;
            }

            var value = Unwrap(entry.Value);
            var values = value is string text ? new[] { text }
                : value is IEnumerable many ? many.Cast<object?>().Select(v => Unwrap(v)?.ToString()).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray()
                : value is null ? Array.Empty<string>() : new[] { value.ToString() ?? string.Empty };
            if (values.Length == 0 || values.Any(string.IsNullOrEmpty))
            {
                problem = "Filter '" + name + "' has no value.";
                return false;
            }

            read.Add(new Ec2Filter(name!, values));
        }

        return true;
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
