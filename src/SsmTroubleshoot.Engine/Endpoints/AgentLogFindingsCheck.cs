using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Endpoints;

/// <summary>
/// The last 24 hours of Get-SsmAgentLogIssue findings as one diagnostic row: Critical findings fail it, High ones warn,
/// Medium and Low are only mentioned.
/// </summary>
internal static class AgentLogFindingsCheck
{
    public const string Title = "Agent log findings (24 h)";
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public static SsmDiagnosticCheck Run(HostFileSystem fileSystem, bool windows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var machineFolder = windows ? @"C:\ProgramData\Amazon\SSM\Logs" : "/var/log/amazon/ssm";
        var folder = fileSystem.Root is null && windows == RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? AgentLogAnalyzer.DefaultLogDirectory
            : fileSystem.Map(machineFolder);
        if (!Directory.Exists(folder))
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped, "No agent log folder (" + machineFolder + ").");
        }

        // The agent stamps its entries in the instance's local time.
        var since = now.LocalDateTime - Window;
        var analyzer = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions { Since = since });
        var issues = new List<SsmAgentLogIssue>();
        IReadOnlyList<string> files;
        int older;
        try
        {
            var all = AgentLogAnalyzer.LogFilesIn(folder);

            // A file last written before the window holds no entry inside it: old rotations and .gz are not read at all.
            files = all.Where(f => File.GetLastWriteTime(f) >= since).ToList();
            older = all.Count - files.Count;
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                issues.AddRange(analyzer.ScanFile(file, null, null, cancellationToken).Issues);
            }
        }
        catch (UnauthorizedAccessException)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped, "The agent logs in " + machineFolder + " are not readable.",
                windows ? "Run as Administrator." : "Run as root (sudo).");
        }
        catch (IOException ex)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped, "The agent logs in " + machineFolder + " could not be read: " + ex.Message);
        }

        if (files.Count == 0)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Skipped, older == 0
                ? "No agent log files in " + machineFolder + "."
                : "No agent log in " + machineFolder + " was written in the last 24 h (" + older.ToString(CultureInfo.InvariantCulture) + " older file(s)): the agent has not run or not logged since.");
        }

        // One line per category over every file: the worst severity, the total count, the busiest source's next step.
        var categories = issues
            .GroupBy(i => i.Category, StringComparer.Ordinal)
            .Select(g => (Category: g.Key, Severity: g.Max(i => i.Severity), Count: g.Sum(i => i.Count),
                Top: g.OrderByDescending(i => i.Severity).ThenByDescending(i => i.Count).First()))
            .OrderByDescending(c => c.Severity).ThenByDescending(c => c.Count).ThenBy(c => c.Category, StringComparer.Ordinal)
            .ToList();
        var scope = "the last 24 h (" + files.Count.ToString(CultureInfo.InvariantCulture) + " log file(s) in " + machineFolder + ")";
        if (categories.Count == 0)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Passed, "No known problem in " + scope + ".");
        }

        var summary = string.Join(", ", categories.Select(c => c.Category + " x" + c.Count.ToString(CultureInfo.InvariantCulture) + " (" + c.Severity + ")"));
        var worst = categories[0];
        if (worst.Severity < SsmAgentLogSeverity.High)
        {
            return new SsmDiagnosticCheck(Title, DiagnosticStatus.Passed, "Nothing of High or Critical severity in " + scope + "; minor: " + summary + ".");
        }

        var status = worst.Severity == SsmAgentLogSeverity.Critical ? DiagnosticStatus.Failed : DiagnosticStatus.Warning;
        return new SsmDiagnosticCheck(Title, status, summary + " in " + scope + ". " + worst.Top.Cause,
            worst.Top.NextStep + " (details: Get-SsmAgentLogIssue -Last 1.00:00:00)");
    }
}
