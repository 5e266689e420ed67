using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Diagnosis;

/// <summary>A console line that says something: a boot failure, or an agent message the log catalog classified.</summary>
public sealed class ConsoleFinding
{
    public ConsoleFinding(string id, string category, SsmAgentLogSeverity severity, string line)
    {
        Id = id;
        Category = category;
        Severity = severity;
        Line = line;
    }

    /// <summary>Console.* for boot messages, else the catalog rule id.</summary>
    public string Id { get; }

    /// <summary>Boot for boot messages, else the catalog category (EndpointUnreachable, NoCredentials, ...).</summary>
    public string Category { get; }

    public SsmAgentLogSeverity Severity { get; }

    public string Line { get; }
}

/// <summary>
/// Reads GetConsoleOutput text: boot failures by a few fixed wordings (kernel panic, emergency mode, no bootable device,
/// the agent's service failing), and the agent's own lines (systemd journal or EC2Launch echo them) through the log catalog,
/// from the agent's timestamp on.
/// </summary>
public static class ConsoleOutputClassifier
{
    public const string BootCategory = "Boot";

    private static readonly (string Id, Regex Pattern)[] s_boot =
    {
        ("Console.KernelPanic", new Regex(@"Kernel panic - not syncing", RegexOptions.CultureInvariant)),
        ("Console.EmergencyMode", new Regex(@"You are in emergency mode|Welcome to emergency mode|Entering emergency mode", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)),
        ("Console.NoBootDevice", new Regex(@"No bootable device|INACCESSIBLE_BOOT_DEVICE|Boot failure", RegexOptions.CultureInvariant)),
        ("Console.FilesystemCheck", new Regex(@"fsck failed|UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY", RegexOptions.CultureInvariant)),
        ("Console.AgentServiceFailed", new Regex(@"Failed to start (?:amazon-ssm-agent|snap\.amazon-ssm-agent)|amazon-ssm-agent\.service: (?:Main process exited|Failed with result)", RegexOptions.CultureInvariant)),
    };

    private static readonly Regex s_agentTimestamp = new(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? (?:ERROR|WARN|CRITICAL|INFO|DEBUG)\b.*$", RegexOptions.CultureInvariant);

    public static IReadOnlyList<ConsoleFinding> Classify(string instanceId, string? consoleText, AgentLogAnalyzer analyzer)
    {
        if (string.IsNullOrEmpty(consoleText))
        {
            return Array.Empty<ConsoleFinding>();
        }

        if (analyzer is null)
        {
            throw new ArgumentNullException(nameof(analyzer));
        }

        var findings = new List<ConsoleFinding>();
        var agentText = new List<string>();
        var lines = consoleText!.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            foreach (var (id, pattern) in s_boot)
            {
                if (pattern.IsMatch(line) && !findings.Any(f => f.Id == id))
                {
                    findings.Add(new ConsoleFinding(id, BootCategory, id == "Console.AgentServiceFailed" ? SsmAgentLogSeverity.High : SsmAgentLogSeverity.Critical, line.Trim()));
                }
            }

            var agent = s_agentTimestamp.Match(line);
            if (agent.Success)
            {
                agentText.Add(agent.Value);
            }
            else if (agentText.Count > 0 && line.StartsWith("caused by:", StringComparison.Ordinal))
            {
                agentText.Add(line); // the agent's continuation lines
            }
        }

        if (agentText.Count > 0)
        {
            var session = analyzer.BeginInstanceText(instanceId, "console output", null);
            session.Add(string.Join("\n", agentText) + "\n");
            findings.AddRange(session.Complete()
                .Where(issue => issue.Category != LogRuleCatalog.UnknownCategory)
                .Select(issue => new ConsoleFinding(issue.RuleId, issue.Category, issue.Severity, issue.Sample)));
        }

        return findings;
    }
}
