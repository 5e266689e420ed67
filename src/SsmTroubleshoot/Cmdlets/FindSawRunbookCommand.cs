using System;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Lists the AWS Support runbooks (Amazon-owned AWSSupport-* Automation documents) available in the region.</summary>
[Cmdlet(VerbsCommon.Find, "SawRunbook")]
[OutputType(typeof(RunbookSummary))]
public sealed class FindSawRunbookCommand : AutomationCmdlet
{
    /// <summary>Only runbooks whose name, display name or catalog purpose contains this word.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Keyword { get; set; }

    /// <summary>Also list AWSPremiumSupport-* runbooks (Business, Enterprise On-Ramp or Enterprise Support plans only).</summary>
    [Parameter]
    public SwitchParameter IncludePremiumSupport { get; set; }

    protected override void ProcessRecord()
    {
        var client = Client();
        WriteVerbose($"ListDocuments (Owner Amazon, Automation, AWSSupport-/AWSPremiumSupport-) in {client.Region}.");
        try
        {
            var runbooks = Await(ct => client.ListSupportRunbooksAsync(ct));
            foreach (var runbook in runbooks.Where(r => (IncludePremiumSupport || !r.IsPremiumSupport) && r.Matches(Keyword)))
            {
                WriteObject(runbook);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowFailure(ex, ErrorIds.RunbookListFailed, client.Region, "Allow ssm:ListDocuments, and check the Region and credentials (Get-SsmAwsContext).");
        }
    }
}
