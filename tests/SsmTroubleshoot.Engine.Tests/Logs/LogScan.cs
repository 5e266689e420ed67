using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>Text scanned as one source (pipeline input): its issues, and every classified entry.</summary>
internal static class LogScan
{
    internal static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Text(string text, LogScanOptions? options = null, LogRuleCatalog? catalog = null)
    {
        var entries = new List<SsmAgentLogEntry>();
        var session = new AgentLogAnalyzer(catalog ?? LogRuleCatalog.BuiltIn, options ?? new LogScanOptions()).BeginText(null, entries.Add);
        session.Add(text);
        return (session.Complete(), entries);
    }

    /// <summary>The category of the first (most severe) issue of one pasted line or block; null when nothing is found.</summary>
    internal static string? FirstCategory(string text, LogScanOptions? options = null) =>
        Text(text + "\n", options).Issues.Select(i => i.Category).FirstOrDefault();
}
