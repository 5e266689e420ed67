using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Diagnosis;
using SsmTroubleshoot.Network;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// "Why is this node not managed?": one verdict per node from EC2 state and status checks, SSM registration, the
/// network and IAM evaluation of Test-ManagedInstanceNetwork, console output, hybrid activations and (with
/// -IncludeAgentLog) the agent's log through Run Command. Ids are collected across the pipeline and read in one
/// batched pass in EndProcessing (calls grow with VPCs, not nodes).
/// </summary>
[Cmdlet(VerbsCommon.Get, "SsmNodeDiagnosis", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(NodeDiagnosis))]
[OutputType(typeof(NodeDiagnosisGroup))]
public sealed class GetSsmNodeDiagnosisCommand : AwsCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByFilterSet = "ByFilter";
    private const string AllSet = "All";
    private const string Activity = "Get-SsmNodeDiagnosis";

    private readonly List<(string Id, string? Region)> _instanceIds = new();
    private readonly HashSet<(string, string?)> _seen = new();

    /// <summary>EC2 instance ids (i-) and hybrid node ids (mi-); binds InstanceId of Get-EC2Instance's instances and of our results.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidatePattern("^(i|mi)-[0-9a-f]{8,17}$")]
    public string[] InstanceId { get; set; } = Array.Empty<string>();

    /// <summary>EC2 filters: name -> value or values, e.g. @{ 'tag:Environment' = 'prod' }.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByFilterSet)]
    [ValidateNotNullOrEmpty]
    public Hashtable Filter { get; set; } = new();

    /// <summary>Every instance of the region (terminated ones left out).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Also read the agent log of Online nodes through Run Command (a read-only script; adds seconds to minutes).</summary>
    [Parameter]
    public SwitchParameter IncludeAgentLog { get; set; }

    /// <summary>With -IncludeAgentLog: agent log entries since this time (default: the last 24 hours), as Get-SsmAgentLogIssue -Since.</summary>
    [Parameter]
    public DateTime Since { get; set; }

    /// <summary>At most this many offline instances get their console output read (GetConsoleOutput has no batch form).</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int ConsoleOutputLimit { get; set; } = 50;

    /// <summary>One row per root cause and scope (VPC, role) with its node count, instead of one object per node.</summary>
    [Parameter]
    public SwitchParameter GroupByRootCause { get; set; }

    /// <summary>Most AWS calls in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

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
        if (ParameterSetName == ByIdSet)
        {
            var all = new List<NodeDiagnosis>();
            foreach (var group in _instanceIds.GroupBy(x => x.Region, StringComparer.Ordinal))
            {
                Region = group.Key;
                all.AddRange(Diagnose(group.Select(x => x.Id).ToList(), Array.Empty<Ec2Filter>()));
            }

            Write(all);
            return;
        }

        IReadOnlyList<Ec2Filter> filters = Array.Empty<Ec2Filter>();
        if (ParameterSetName == ByFilterSet && !TestManagedInstanceNetworkCommand.TryReadFilters(Filter, out filters, out var problem))
        {
            ThrowTerminatingError(ErrorRecords.Create(problem, ErrorIds.NetworkFilterInvalid, ErrorCategory.InvalidArgument, Filter,
                "Pass EC2 filter names with one or more values, e.g. -Filter @{ 'tag:Environment' = 'prod' }."));
        }

        Write(Diagnose(null, filters));
    }

    private void Write(IReadOnlyList<NodeDiagnosis> diagnoses)
    {
        if (GroupByRootCause)
        {
            WriteObject(NodeDiagnosisGroup.Group(diagnoses), enumerateCollection: true);
            return;
        }

        WriteObject(diagnoses, enumerateCollection: true);
    }

    private IReadOnlyList<NodeDiagnosis> Diagnose(List<string>? instanceIds, IReadOnlyList<Ec2Filter> filters)
    {
        var request = new NodeDiagnosisRequest
        {
            InstanceIds = instanceIds,
            Filters = filters,
            IncludeAgentLog = IncludeAgentLog,
            AgentLogWindow = MyInvocation.BoundParameters.ContainsKey(nameof(Since)) ? DateTime.UtcNow - Since.ToUniversalTime() : TimeSpan.FromHours(24),
            ConsoleOutputLimit = ConsoleOutputLimit,
            ThrottleLimit = ThrottleLimit,
        };
        var connection = ResolveAwsConnection();
        var messages = new ConcurrentQueue<string>();
        var progress = new ProgressRecord(2, Activity, "Reading EC2, SSM and IAM" + (IncludeAgentLog ? ", and agent logs through Run Command" : string.Empty));
        WriteProgress(progress);
        var work = Task.Run(() => NodeDiagnosisReader.DiagnoseAsync(connection, request, messages.Enqueue, DateTime.UtcNow, CancelToken), CancelToken);
        var calls = 0;
        try
        {
            while (true)
            {
                var done = Task.WaitAny(new Task[] { work }, 50, CancelToken) == 0;
                while (messages.TryDequeue(out var message))
                {
                    WriteVerbose(message);
                    calls++;
                    progress.StatusDescription = "Reading (" + calls.ToString(CultureInfo.InvariantCulture) + " calls): " + message;
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

        NodeDiagnosisResult result;
        try
        {
            result = Await(_ => work);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowFailure(ex, ErrorIds.AwsCallFailed, connection.EndpointFor("EC2") ?? "ec2", "Check the credentials, the region and -EndpointUrl.");
            throw; // not reached
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        foreach (var record in TestManagedInstanceNetworkCommand.LookupErrorRecords(result.Gaps, result.Region))
        {
            WriteError(record);
        }

        foreach (var warning in result.Warnings)
        {
            WriteWarning(warning);
        }

        // Unknown ids were reported as errors above: no object for them.
        var notFound = new HashSet<string>(result.Gaps.Where(g => g.Operation == "ec2:DescribeInstances").Select(g => g.ResourceId), StringComparer.Ordinal);
        return result.Diagnoses.Where(d => !notFound.Contains(d.InstanceId)).ToList();
    }

}
