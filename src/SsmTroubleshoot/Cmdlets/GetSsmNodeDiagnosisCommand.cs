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
public sealed class GetSsmNodeDiagnosisCommand : Ec2FleetCmdlet
{
    private const string Activity = "Get-SsmNodeDiagnosis";

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

        Write(Diagnose(null, ReadFilters(), Region));
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
        var answered = new List<IReadOnlyList<SsmTroubleshoot.Network.Model.DataGap>>();
        var now = DateTime.UtcNow;
        RunFleet<NodeDiagnosisResult>(
            scope, messages, Activity + (IncludeAgentLog ? " (with agent logs through Run Command)" : string.Empty), 2,
            (target, fanOut, ct) => NodeDiagnosisReader.DiagnoseAsync(target, request, fanOut, messages.Enqueue, now, ct),
            result =>
            {
                var fanOutIds = scope.IsFanOut && instanceIds is not null;
                if (fanOutIds)
                {
                    answered.Add(result.Gaps);
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

        foreach (var id in NetworkFleetReader.NotFoundAnywhere(instanceIds, answered))
        {
            WriteError(ErrorRecords.Create(
                "Instance " + id + " was not found in " + (scope.AccountIds.Count > 0 ? "the accounts and regions " : "the regions ") + string.Join(", ", scope.Regions) + ".",
                ErrorIds.InstanceNotFound, ErrorCategory.ObjectNotFound, id, "Check the instance id, -Region and -AccountId."));
        }

        return diagnoses;
    }
}
