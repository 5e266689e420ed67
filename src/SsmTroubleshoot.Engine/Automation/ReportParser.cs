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
    public RunbookFinding(string source, int? section, string? sectionTitle, FindingSeverity severity, string tag, string message, string? check = null)
    {
        Source = source;
        Section = section;
        SectionTitle = sectionTitle;
        Severity = severity;
        Tag = tag;
        Message = message;
        Check = string.IsNullOrEmpty(check) ? null : check;
    }

    /// <summary>The output the line came from ("FinalOutput.Message").</summary>
    public string Source { get; }

    /// <summary>The numbered section (1-based); null for lines before the first heading.</summary>
    public int? Section { get; }

    public string? SectionTitle { get; }

    public FindingSeverity Severity { get; }

    /// <summary>The tag as written (OK, INFO, WARNING, ERROR, SKIPPED, PASSED, FAILED, FAILURE, WARN...).</summary>
    public string Tag { get; }

    public string Message { get; }

    /// <summary>The check the line names next to its tag ("module run/openssh" in EC2Rescue output); null when it names none.</summary>
    public string? Check { get; }

    public override string ToString() => Check is null ? $"{Section}. [{Tag}] {Message}" : $"{Section}. [{Tag}] {Check}: {Message}";
}

/// <summary>
/// Parses report-style outputs into findings. Only tags, numbers and layout matter, never the wording, because the
/// wording changes between runbook versions. The line forms read:
/// <list type="bullet">
/// <item>a tag opening the line, after list bullets: "- [ERROR] No EC2 instance IAM profile attached ..." (TroubleshootManagedInstance's
/// FinalOutput.Message, "[SUCCESS]"/"[FAILED]" lines);</item>
/// <item>a check name, then the tag: "module run/openssh        [FAILURE] Improper configuration ..." (EC2Rescue for Linux's
/// Diagnostic Results, printed by TroubleshootSSH and ExecuteEC2Rescue);</item>
/// <item>an upper-case word and a colon, optionally after a section number, or after a check name:
/// "FAILED: ...", "2. PASSED: ...", "Instance profile: FAILED - ...";</item>
/// <item>symbols: "✅", "❌", "⚠️", "ℹ️";</item>
/// <item>numbered headings, which set the section of the findings under them.</item>
/// </list>
/// Lines are trimmed before matching and every pattern is anchored and free of nested or overlapping repeats, so a long
/// line costs time linear in its length (the 1-second timeouts are a backstop, not a limit we expect to reach).
/// </summary>
public static class ReportParser
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // The tag words of the colon forms: upper case only, so free text such as "Error: ..." or "failures: 1" is no finding.
    private const string ColonTags = "PASSED|PASS|FAILED|FAIL|FAILURE|ERROR|WARNING|WARN|INFO|SKIPPED|SKIP|SUCCESS|OK|UNKNOWN";

    // "1. Checks for ...", "2) Route table", "## 3. NACL", "Section 4: ...", "Step 5 - ..."
    private static readonly Regex Heading = new(
        @"^(?:#{1,6}\s*)?(?:(?:section|step|check)\s+)?(?<n>\d{1,2})\s*[.):\-]\s+(?<title>\S.*)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    // "- [INFO] text", "* [ERROR]: text", "[OK] text", "- [WARNING] - text"
    private static readonly Regex Tagged = new(
        @"^(?:[-*•>]\s*)*\[(?<tag>[A-Za-z]+)\]\s*[:\-–]?\s*(?<msg>.*)$",
        RegexOptions.CultureInvariant, Timeout);

    // "module run/openssh        [FAILURE] text", "--- checkNACL --- [ERROR] text": a label without brackets, white space, an
    // upper-case tag. The label is at most 120 characters so the lazy scan for the tag is bounded.
    private static readonly Regex Labelled = new(
        @"^(?<check>[^\[\]\s][^\[\]]{0,119}?)\s+\[(?<tag>[A-Z]{2,10})\]\s*[:\-–]?\s*(?<msg>.*)$",
        RegexOptions.CultureInvariant, Timeout);

    // "FAILED: text", "- WARNING: text", "3. SKIPPED: text"
    private static readonly Regex ColonTagFirst = new(
        @"^(?:[-*•>]\s*)*(?:(?<n>\d{1,2})\s*[.)]\s*)?(?<tag>" + ColonTags + @")\s*:\s*(?<msg>.*)$",
        RegexOptions.CultureInvariant, Timeout);

    // "Instance profile: FAILED", "2. Agent version: PASSED - 3.3.40.0": a check name without colons, then the tag.
    private static readonly Regex ColonCheckFirst = new(
        @"^(?:[-*•>]\s*)*(?:(?<n>\d{1,2})\s*[.)]\s+)?(?<check>[^:\[\]\s][^:\[\]]{0,119}?)\s*:\s*(?<tag>" + ColonTags + @")(?:$|\s*[-–:.]\s*(?<msg>.*)$|\s+(?<msg>.*)$)",
        RegexOptions.CultureInvariant, Timeout);

    // Symbol-tagged lines some reports use: "✅ text", "❌ text", "⚠️ text", "ℹ️ text".
    private static readonly Regex Symbol = new(
        @"^(?:[-*•>]\s*)*(?<sym>\u2705|\u274C|\u26A0\uFE0F?|\u2139\uFE0F?)\s*(?<msg>.*)$",
        RegexOptions.CultureInvariant, Timeout);

    private static readonly char[] LabelTrim = { ' ', '\t', '-', '–', ':', '*', '•', '>' };

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
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var tagged = Tagged.Match(line);
            if (tagged.Success && SeverityOf(tagged.Groups["tag"].Value) is FindingSeverity severity)
            {
                findings.Add(new RunbookFinding(source, section, title, severity, tagged.Groups["tag"].Value.ToUpperInvariant(), tagged.Groups["msg"].Value.Trim()));
                continue;
            }

            var labelled = Labelled.Match(line);
            if (labelled.Success && SeverityOf(labelled.Groups["tag"].Value) is FindingSeverity labelledSeverity)
            {
                findings.Add(new RunbookFinding(
                    source, section, title, labelledSeverity, labelled.Groups["tag"].Value, labelled.Groups["msg"].Value.Trim(), labelled.Groups["check"].Value.Trim(LabelTrim)));
                continue;
            }

            var colon = ColonTagFirst.Match(line);
            if (!colon.Success)
            {
                colon = ColonCheckFirst.Match(line);
            }

            if (colon.Success && SeverityOf(colon.Groups["tag"].Value) is FindingSeverity colonSeverity)
            {
                if (colon.Groups["n"].Success)
                {
                    // "2. FAILED: ..." is its own numbered section; it has no heading line to take a title from.
                    var n = int.Parse(colon.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
                    if (n != section)
                    {
                        section = n;
                        title = null;
                    }
                }

                var check = colon.Groups["check"].Success ? colon.Groups["check"].Value.Trim(LabelTrim) : null;
                var message = colon.Groups["msg"].Value.Trim();
                findings.Add(new RunbookFinding(
                    source, section, title, colonSeverity, colon.Groups["tag"].Value, message.Length == 0 && check is not null ? check : message, check));
                continue;
            }

            var symbol = Symbol.Match(line);
            if (symbol.Success)
            {
                var (symbolSeverity, symbolTag) = SymbolSeverity(symbol.Groups["sym"].Value);
                findings.Add(new RunbookFinding(source, section, title, symbolSeverity, symbolTag, symbol.Groups["msg"].Value.Trim()));
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
            // EC2Rescue's "[UNKNOWN] log missing SUCCESS, FAILURE, or WARN message.": the check ran but did not conclude.
            case "UNKNOWN":
                return FindingSeverity.Warning;
            case "ERROR":
            case "FAIL":
            case "FAILED":
            case "FAILURE":
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
