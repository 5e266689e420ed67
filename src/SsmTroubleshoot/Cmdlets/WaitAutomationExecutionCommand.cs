using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Follows automation executions to the end with few calls (DescribeAutomationExecutions, 10 ids per call) and
/// outputs their results with the report findings parsed.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "AutomationExecution")]
[OutputType(typeof(AutomationExecutionResult))]
public sealed class WaitAutomationExecutionCommand : AutomationCmdlet
{
    private readonly List<(RunbookClient Client, string Id)> _ids = new();

    /// <summary>Execution ids: from Invoke-SawRunbook, Start-SSMAutomationExecution (the bare id) or by property name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionId")]
    [ValidateNotNullOrEmpty]
    public string[] AutomationExecutionId { get; set; } = Array.Empty<string>();

    /// <summary>The longest time to wait, in seconds; unfinished executions then get one OperationTimeout error each.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    /// <summary>Return executions that stop at Waiting or PendingApproval instead of waiting for a person.</summary>
    [Parameter]
    public SwitchParameter StopOnWaiting { get; set; }

    /// <summary>The first polling interval in seconds (default 2; it grows to 30).</summary>
    [Parameter]
    [ValidateRange(0.05, 60.0)]
    public double? PollIntervalSeconds { get; set; }

    /// <summary>Collects ids across the pipeline (the region may come with each record); the wait happens at the end.</summary>
    protected override void ProcessRecord()
    {
        var client = Client();
        foreach (var id in AutomationExecutionId)
        {
            _ids.Add((client, id));
        }
    }

    protected override void EndProcessing()
    {
        foreach (var group in _ids.GroupBy(i => i.Client))
        {
            WaitAndWrite(group.Key, group.Select(i => i.Id).Distinct(StringComparer.Ordinal).ToList(), TimeoutSeconds, StopOnWaiting, PollIntervalSeconds);
        }
    }
}
