using System;
using System.Management.Automation;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Reads a runbook (DescribeDocument + GetDocument): parameters, steps and outputs.</summary>
[Cmdlet(VerbsCommon.Get, "SawRunbook")]
[OutputType(typeof(RunbookDocument))]
public sealed class GetSawRunbookCommand : AutomationCmdlet
{
    /// <summary>The runbook name (or ARN); binds from Find-SawRunbook output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DocumentName")]
    [ArgumentCompleter(typeof(RunbookNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>A document version (number, $LATEST or $DEFAULT); the default version otherwise.</summary>
    [Parameter]
    [ValidatePattern(@"^([$]LATEST|[$]DEFAULT|[1-9][0-9]*)$")]
    public string? DocumentVersion { get; set; }

    protected override void ProcessRecord()
    {
        var client = Client();
        foreach (var name in Name)
        {
            ThrowIfStopping();
            try
            {
                WriteObject(Await(ct => client.GetRunbookAsync(name, DocumentVersion, ct)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteError(RunbookError(ex, name, name, ErrorIds.RunbookLookupFailed));
            }
        }
    }
}
