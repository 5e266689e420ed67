using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Lists the rules Get-SsmAgentLogIssue classifies with: the built-in catalog and any -RulePath files.</summary>
[Cmdlet(VerbsCommon.Get, "SsmAgentLogRule")]
[OutputType(typeof(SsmAgentLogRule))]
public sealed class GetSsmAgentLogRuleCommand : SsmTroubleshootCmdlet
{
    /// <summary>Only rules of these categories (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Category { get; set; }

    /// <summary>JSON rule files to add to the built-in catalog (same schema), listed first.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RulePath { get; set; }

    protected override void EndProcessing()
    {
        var catalog = LogCatalogParameters.LoadCatalog(this, RulePath);
        var categories = LogCatalogParameters.ValidateCategories(this, catalog, Category, allowUnknown: false).Selected;
        WriteVerbose($"Rule catalog: {catalog.Rules.Count} rules in {catalog.Categories.Count} categories.");
        foreach (var rule in catalog.Rules)
        {
            if (categories is null || categories.Contains(rule.Category))
            {
                WriteObject(rule);
            }
        }
    }
}
