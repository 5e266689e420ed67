using System.Management.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Temporary: lets the harness be tested until the first real cmdlet lands. Must not ship.</summary>
[Cmdlet(VerbsCommon.Get, "SsmTroubleshootPlaceholder")]
[OutputType(typeof(string))]
public sealed class GetSsmTroubleshootPlaceholderCommand : SsmTroubleshootCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public string? Text { get; set; }

    protected override void ProcessRecord()
    {
        WriteVerbose("placeholder verbose");
        WriteObject(Text ?? "placeholder");
    }
}
