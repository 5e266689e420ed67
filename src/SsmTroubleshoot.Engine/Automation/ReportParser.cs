using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Automation;

/// <summary>Severity of one report line, from its tag.</summary>
public enum FindingSeverity
{
    Ok,
    Info,
    Warning,
    Error,
    Skipped,
}

/// <summary>One tagged line of a runbook report, keyed on section number and tag (never the wording).</summary>
public sealed class RunbookFinding
{
    public RunbookFinding(string source, int? section, string? sectionTitle, FindingSeverity severity, string tag, string message)
    {
        Source = source;
        Section = section;
        SectionTitle = sectionTitle;
        Severity = severity;
        Tag = tag;
        Message = message;
    }

    /// <summary>The output the line came from ("FinalOutput.Message").</summary>
    public string Source { get; }

    /// <summary>The numbered section (1-based); null for lines before the first heading.</summary>
    public int? Section { get; }

    public string? SectionTitle { get; }

    public FindingSeverity Severity { get; }

    /// <summary>The tag as written (OK, INFO, WARNING, ERROR, SKIPPED, PASSED, FAILED...).</summary>
    public string Tag { get; }

    public string Message { get; }

    public override string ToString() => $"{Section}. [{Tag}] {Message}";
}

/// <summary>
/// Parses report-style outputs: TroubleshootManagedInstance's FinalOutput.Message (numbered sections, lines tagged
/// [OK]/[INFO]/[WARNING]/[ERROR]/[SKIPPED]) and the EvalReport of TroubleshootSessionManager /
/// AnalyzeAWSEndpointReachabilityFromEC2. Wording changes between runbook versions, so only tags and numbers matter.
/// </summary>
public static class ReportParser
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // "1. Checks for ...", "2) Route table", "## 3. NACL", "Section 4: ...", "Step 5 - ..."
    private static readonly Regex Heading = new(
        @"^\s*(?:#{1,6}\s*)?(?:(?:section|step|check)\s+)?(?<n>\d{1,2})\s*[.):\-]\s+(?<title>\S.*?)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    // "- [INFO] text", "* [ERROR]: text", "[OK] text", "  - [WARNING] - text"
    private static readonly Regex Tagged = new(
        @"^\s*(?:[-*•>]\s*)*\[(?<tag>[A-Za-z]+)\]\s*[:\-–]?\s*(?<msg>.*?)\s*$",
        RegexOptions.CultureInvariant, Timeout);

    // Symbol-tagged lines some reports use: "✅ text", "❌ text", "⚠️ text", "ℹ️ text".
    private static readonly Regex Symbol = new(
        @"^\s*(?:[-*•>]\s*)*(?<sym>\u2705|\u274C|\u26A0\uFE0F?|\u2139\uFE0F?)\s*(?<msg>.*?)\s*$",
        RegexOptions.CultureInvariant, Timeout);

    public static IReadOnlyList<RunbookFinding> Parse(string? report, string source)
    {
        var findings = new List<RunbookFinding>();
        if (string.IsNullOrEmpty(report))
        {
            return findings;
        }

        int? section = null;
        string? title = null;
        foreach (var rawLine in report!.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var tagged = Tagged.Match(line);
            if (tagged.Success && SeverityOf(tagged.Groups["tag"].Value) is FindingSeverity severity)
            {
                findings.Add(new RunbookFinding(source, section, title, severity, tagged.Groups["tag"].Value.ToUpperInvariant(), tagged.Groups["msg"].Value));
                continue;
            }

            var symbol = Symbol.Match(line);
            if (symbol.Success)
            {
                var (symbolSeverity, symbolTag) = SymbolSeverity(symbol.Groups["sym"].Value);
                findings.Add(new RunbookFinding(source, section, title, symbolSeverity, symbolTag, symbol.Groups["msg"].Value));
                continue;
            }

            var heading = Heading.Match(line);
            if (heading.Success)
            {
                section = int.Parse(heading.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
                title = heading.Groups["title"].Value.TrimEnd(':');
            }
        }

        return findings;
    }

    /// <summary>Tags we know, with the spellings other report versions use; unknown tags are not findings.</summary>
    public static FindingSeverity? SeverityOf(string tag)
    {
        switch (tag.ToUpperInvariant())
        {
            case "OK":
            case "PASS":
            case "PASSED":
            case "SUCCESS":
                return FindingSeverity.Ok;
            case "INFO":
            case "NOTE":
                return FindingSeverity.Info;
            case "WARNING":
            case "WARN":
                return FindingSeverity.Warning;
            case "ERROR":
            case "FAIL":
            case "FAILED":
            case "CRITICAL":
                return FindingSeverity.Error;
            case "SKIPPED":
            case "SKIP":
                return FindingSeverity.Skipped;
            default:
                return null;
        }
    }

    private static (FindingSeverity Severity, string Tag) SymbolSeverity(string symbol) => symbol[0] switch
    {
        '\u2705' => (FindingSeverity.Ok, "OK"),
        '\u274C' => (FindingSeverity.Error, "ERROR"),
        '\u26A0' => (FindingSeverity.Warning, "WARNING"),
        _ => (FindingSeverity.Info, "INFO"),
    };
}
