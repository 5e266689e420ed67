using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks.Corpus;

/// <summary>
/// The ways people paste the same agent entry: through journalctl, a container runtime, a markdown quote, grep over
/// the file, Windows line ends, as the bare message, run together by a web page, or cut short by a terminal. A verdict
/// should not depend on the wrapping; a cut can take the cause away with it, so some loss there is expected. Run over the
/// tuning part only: it says which wrappings lose a diagnosis, never anything of the held-out lines.
/// </summary>
internal static class CorpusRobustness
{
    private static readonly Regex s_header = new(@"\A\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? (?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL) ", RegexOptions.CultureInvariant);

    internal static readonly (string Name, Func<string, string?> Wrap)[] Wrappings =
    {
        ("journal short-iso", t => EachLine(t, "2023-10-12T13:49:56+0000 ip-10-0-1-2 amazon-ssm-agent[1860]: ")),
        ("journal short", t => EachLine(t, "Oct 12 13:49:56 ip-10-0-1-2 amazon-ssm-agent[1860]: ")),
        ("container runtime (CRI)", t => EachLine(t, "2023-10-12T13:49:56.123456789Z stdout F ")),
        ("kubectl logs --timestamps", t => EachLine(t, "2023-10-12T13:49:56.123456789Z ")),
        ("CloudWatch Logs console copy (tab)", t => EachLine(t, "2023-10-12T13:49:56.123Z\t")),
        ("markdown quote", t => EachLine(t, "> ")),
        ("code indent", t => EachLine(t, "    ")),
        ("grep -H over the file", t => EachLine(t, "/var/log/amazon/ssm/amazon-ssm-agent.log:")),
        ("CRLF line ends", t => t.Contains('\n') ? t.Replace("\n", "\r\n") + "\r\n" : t + "\r\n"),
        ("bare message (no timestamp, no level)", t => s_header.IsMatch(t) ? s_header.Replace(t, string.Empty, 1) : null),
        ("lines run together (web page copy)", t => t.Contains('\n') ? Regex.Replace(t, @"\s*\n\s*", " ") : null),
        ("first line only", t => t.IndexOf('\n') is var i and > 0 ? t.Substring(0, i) : null),
        ("cut at 200 columns with \u2026 (systemctl status)", t => Cut(t, 200, "\u2026")),
        ("cut at 150 columns with > (journalctl pager)", t => Cut(t, 150, ">")),
    };

    internal static void Report(IReadOnlyList<CorpusVerdict> tuning, LogRuleCatalog catalog, bool list)
    {
        Console.WriteLine();
        Console.WriteLine("Wrappings (tuning part): problem lines whose category changes / benign lines newly flagged");
        foreach (var (name, wrap) in Wrappings)
        {
            var lost = new List<(CorpusVerdict Before, CorpusVerdict After)>();
            var flagged = new List<CorpusVerdict>();
            var tried = 0;
            foreach (var v in tuning)
            {
                var wrapped = wrap(v.Line.Text);
                if (wrapped is null)
                {
                    continue;
                }

                tried++;
                var after = LabelledCorpus.Judge(v.Line with { Text = wrapped }, catalog);
                if (v.Line.IsBenign && after.Detected && !v.Detected)
                {
                    flagged.Add(after);
                }
                else if (!v.Line.IsBenign && v.RightCategory && !after.RightCategory)
                {
                    lost.Add((v, after));
                }
            }

            Console.WriteLine($"  {name,-40} {tried,4} tried: {lost.Count,3} lost, {flagged.Count,3} benign flagged");
            if (list)
            {
                foreach (var (before, after) in lost.Take(8))
                {
                    Console.WriteLine($"      - {before.Line.Id}: {before.Predicted[0]} -> {(after.Detected ? after.Predicted[0] : "nothing")}");
                }

                foreach (var after in flagged.Take(8))
                {
                    Console.WriteLine($"      + {after.Line.Id}: {after.Predicted[0]}");
                }
            }
        }
    }

    /// <summary>Each line cut to <paramref name="width"/> columns and marked; null when no line is that long.</summary>
    private static string? Cut(string text, int width, string mark)
    {
        var lines = text.Split('\n');
        return lines.Any(l => l.Length > width)
            ? string.Join("\n", lines.Select(l => l.Length > width ? l.Substring(0, width - mark.Length) + mark : l))
            : null;
    }

    private static string EachLine(string text, string prefix) => string.Join("\n", text.Split('\n').Select(l => prefix + l));
}
