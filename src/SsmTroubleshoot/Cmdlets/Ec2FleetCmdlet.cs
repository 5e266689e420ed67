using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Network;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// A fleet cmdlet that selects EC2 instances the way Test-ManagedInstanceNetwork and Get-SsmNodeDiagnosis both do:
/// -InstanceId (piped ids gathered per set of regions), -Filter (EC2 filters) or -All, with -ThrottleLimit bounding the
/// calls in flight in each region. Subclasses declare DefaultParameterSetName = <see cref="ByIdSet"/>.
/// </summary>
public abstract class Ec2FleetCmdlet : FleetAwsCmdlet
{
    protected const string ByIdSet = "ById";
    protected const string ByFilterSet = "ByFilter";
    protected const string AllSet = "All";

    /// <summary>EC2 instance ids (i-) and hybrid node ids (mi-); binds InstanceId of Get-EC2Instance's instances and of this module's results.</summary>
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

    /// <summary>
    /// Most AWS calls in flight at once in each region; when given, also the most (account, region) pairs read at once
    /// (at most 32; default 4 pairs).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override int? BoundThrottleLimit => MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : null;

    /// <summary>-InstanceId of each pipeline record, remembered with its regions.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIdSet)
        {
            CollectIds(InstanceId);
        }
    }

    /// <summary>-Filter as EC2 filters (none for -All); a name without a value stops the command (NetworkFilterInvalid).</summary>
    protected IReadOnlyList<Ec2Filter> ReadFilters()
    {
        if (ParameterSetName != ByFilterSet)
        {
            return Array.Empty<Ec2Filter>();
        }

        if (!TryReadFilters(Filter, out var filters, out var problem))
        {
            ThrowTerminatingError(ErrorRecords.Create(problem, ErrorIds.NetworkFilterInvalid, ErrorCategory.InvalidArgument, Filter,
                "Pass EC2 filter names with one or more values, e.g. -Filter @{ 'tag:Environment' = 'prod' }."));
        }

        return filters;
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

            read.Add(new Ec2Filter(name, values));
        }

        return true;
    }
}
