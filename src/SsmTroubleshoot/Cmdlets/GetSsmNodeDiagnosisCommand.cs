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
public sealed class GetSsmNodeDiagnosisCommand : FleetAwsCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByFilterSet = "ByFilter";
    private const string AllSet = "All";
    private const string Activity = "Get-SsmNodeDiagnosis";


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

    /// <summary>
    /// Most AWS calls in flight at once in each region; when given, also the most (account, region) pairs read at once
    /// (at most 32; default 4 pairs).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override int? BoundThrottleLimit => MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : null;

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
            var all = new List<NodeDiagnosis>();
            foreach (var (ids, regions) in PipedIdsByRegions())
            {
                all.AddRange(Diagnose(ids.ToList(), Array.Empty<Ec2Filter>(), regions));
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

        Write(Diagnose(null, filters, Region));
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

    /// <summary>
    /// One batched pass per (account, region), the targets in account then region order; lookup errors and warnings are
    /// written as each target completes. Over several targets an id missing from each is one error.
    /// </summary>
    private IReadOnlyList<NodeDiagnosis> Diagnose(List<string>? instanceIds, IReadOnlyList<Ec2Filter> filters, IReadOnlyList<string>? regions)
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
        var messages = new ConcurrentQueue<string>();
        var (connection, scope) = ResolveFleet(regions, messages.Enqueue);
        var diagnoses = new List<NodeDiagnosis>();
        var notFound = new Dictionary<string, int>(StringComparer.Ordinal);
        var answered = 0;
        var now = DateTime.UtcNow;
        RunFleet<NodeDiagnosisResult>(
            scope, messages, Activity + (IncludeAgentLog ? " (with agent logs through Run Command)" : string.Empty), 2,
            (target, fanOut, ct) => NodeDiagnosisReader.DiagnoseAsync(target, request, fanOut, messages.Enqueue, now, ct),
            result =>
            {
                var fanOutIds = scope.IsFanOut && instanceIds is not null;
                if (fanOutIds)
                {
                    answered++;
                    foreach (var gap in result.Gaps.Where(g => g.Operation == "ec2:DescribeInstances" && g.IsNotFound))
                    {
                        notFound[gap.ResourceId] = notFound.TryGetValue(gap.ResourceId, out var n) ? n + 1 : 1;
                    }
                }

                foreach (var record in TestManagedInstanceNetworkCommand.LookupErrorRecords(fanOutIds ? result.Gaps.Where(g => !g.IsNotFound) : result.Gaps, result.Region))
                {
                    WriteError(record);
                }

                foreach (var warning in result.Warnings)
                {
                    WriteWarning(scope.IsFanOut ? (result.AccountId ?? "?") + " " + result.Region + ": " + warning : warning);
                }

                // Unknown ids are reported as errors: no object for them (over several targets, only where found).
                var missing = new HashSet<string>(result.Gaps.Where(g => g.Operation == "ec2:DescribeInstances").Select(g => g.ResourceId), StringComparer.Ordinal);
                diagnoses.AddRange(result.Diagnoses.Where(d => !missing.Contains(d.InstanceId)));
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

        return diagnoses;
    }
}
