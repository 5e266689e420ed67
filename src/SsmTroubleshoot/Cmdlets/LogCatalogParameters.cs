using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>What the two log cmdlets share: -RulePath files and -Category names into the catalog's terms, with stable errors.</summary>
internal static class LogCatalogParameters
{
    /// <summary>The built-in catalog, plus the -RulePath files (wildcards resolved); terminating error when unusable.</summary>
    internal static LogRuleCatalog LoadCatalog(PSCmdlet cmdlet, string[]? rulePath)
    {
        if (rulePath is null || rulePath.Length == 0)
        {
            return LogRuleCatalog.BuiltIn;
        }

        var files = new List<string>();
        foreach (var path in rulePath)
        {
            try
            {
                files.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out _));
            }
            catch (ItemNotFoundException ex)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create($"Rule file '{path}' was not found: {ex.Message}",
                    ErrorIds.LogRuleFileNotFound, ErrorCategory.ObjectNotFound, path, "Check -RulePath."));
            }
        }

        try
        {
            return LogRuleCatalog.WithCustomRules(files);
        }
        catch (LogRuleException ex)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.FromException(ex, ErrorIds.LogRuleFileInvalid, ex.RuleSource,
                "Fix the rule file; run Get-SsmAgentLogRule to see the schema of the built-in rules.", ErrorCategory.InvalidData));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    /// <summary>-Category through the catalog's selection (plus Unknown); terminating error listing the valid names.</summary>
    internal static CategorySelection ValidateCategories(PSCmdlet cmdlet, LogRuleCatalog catalog, string[]? categories, bool allowUnknown)
    {
        var selection = catalog.SelectCategories(categories, allowUnknown);
        if (selection.Invalid is { } invalid)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(
                $"'{invalid}' is not a log issue category. Valid categories: {string.Join(", ", selection.Valid)}.",
                ErrorIds.LogCategoryInvalid, ErrorCategory.InvalidArgument, invalid,
                "Use one of the listed categories (Get-SsmAgentLogRule shows them with their rules)."));
        }

        return selection;
    }
}
