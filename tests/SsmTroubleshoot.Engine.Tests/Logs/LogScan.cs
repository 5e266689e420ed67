using System.Collections.Generic;
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
}
