using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks.Corpus;

/// <summary>One real agent log entry from a public report, with the diagnosis a person gave it.</summary>
internal sealed record CorpusLine(string Id, string Text, string Label, IReadOnlyList<string> AlsoAccept, string Source, string File)
{
    internal const string BenignLabel = "Benign";

    internal bool IsBenign => Label == BenignLabel;

    /// <summary>
    /// A fifth of the corpus, chosen by the source URL (so lines of one report stay together) and never looked at while
    /// the catalog is tuned: the figures that matter are measured on it.
    /// </summary>
    internal bool IsHeldOut => HeldOut(Source);

    /// <summary>
    /// Whether the line is in the agent's own log format (the agent's or the Session Manager plugin's "date time LEVEL"
    /// header, a bare "LEVEL [Component]" or "LEVEL Message" fragment, the agent's syslog/journal tag or one of its worker processes'
    /// names), as against a client's, a tool's, the system's or a script's output. Read from the text alone, never the
    /// label; the benchmark's --by-kind breakdown uses it.
    /// </summary>
    internal bool IsAgentFormat => AgentFormat.IsMatch(Text);

    private static readonly System.Text.RegularExpressions.Regex AgentFormat = new(
        @"\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s+(?:ERROR|WARN|INFO|DEBUG|CRITICAL|TRACE)\b"
        + @"|(?:^|\s)(?:ERROR|WARN|INFO|DEBUG|CRITICAL)\s+(?:\[|[A-Z])"
        + @"|amazon-ssm-agent(?:\.amazon-ssm-agent)?\[\d+\]:"
        + @"|\[(?:ssm-agent-worker|ssm-session-worker|ssm-document-worker|amazon-ssm-agent)\]",
        System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    internal static bool HeldOut(string source) => SHA256.HashData(Encoding.UTF8.GetBytes(source))[0] % 5 == 0;
}

/// <summary>What the catalog made of one line.</summary>
internal sealed record CorpusVerdict(CorpusLine Line, IReadOnlyList<string> Predicted)
{
    internal bool Detected => Predicted.Count > 0;

    /// <summary>The first (most severe) issue's category is the label or one the labeller also accepted.</summary>
    internal bool RightCategory => Detected && (Predicted[0] == Line.Label || Line.AlsoAccept.Contains(Predicted[0]));
}

/// <summary>Recall, right-category rate and false-positive rate over a set of lines.</summary>
internal sealed record CorpusScore(int Problems, int Benign, int Detected, int Right, int FalsePositives)
{
    internal double Recall => Problems == 0 ? 0 : (double)Detected / Problems;

    internal double RightCategoryRate => Problems == 0 ? 0 : (double)Right / Problems;

    internal double FalsePositiveRate => Benign == 0 ? 0 : (double)FalsePositives / Benign;

    internal static CorpusScore Of(IEnumerable<CorpusVerdict> verdicts)
    {
        var list = verdicts.ToList();
        var problems = list.Where(v => !v.Line.IsBenign).ToList();
        var benign = list.Where(v => v.Line.IsBenign).ToList();
        return new CorpusScore(problems.Count, benign.Count, problems.Count(v => v.Detected), problems.Count(v => v.RightCategory),
            benign.Count(v => v.Detected));
    }

    public override string ToString() =>
        $"{Problems} problem lines, {Benign} benign: recall {Recall:0.00}, right category {RightCategoryRate:0.00}, false positives {FalsePositiveRate:P1} ({FalsePositives})";
}

/// <summary>Loads tests/corpus/*.jsonl and runs every line through the built-in catalog, one line a source.</summary>
internal static class LabelledCorpus
{
    internal static string Directory => Path.Combine(RepositoryRoot(), "tests", "corpus");

    internal static IReadOnlyList<CorpusLine> Load(string? directory = null)
    {
        var lines = new List<CorpusLine>();
        foreach (var file in System.IO.Directory.GetFiles(directory ?? Directory, "*.jsonl").OrderBy(f => f, StringComparer.Ordinal))
        {
            var number = 0;
            foreach (var raw in File.ReadLines(file))
            {
                number++;
                if (string.IsNullOrWhiteSpace(raw))
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(raw);
                var root = doc.RootElement;
                string Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
                    ? v.GetString()!
                    : throw new InvalidDataException($"{Path.GetFileName(file)} line {number}: '{name}' is required.");
                var also = root.TryGetProperty("alsoAccept", out var a) && a.ValueKind == JsonValueKind.Array
                    ? a.EnumerateArray().Select(x => x.GetString()!).ToArray()
                    : Array.Empty<string>();
                lines.Add(new CorpusLine(Field("id"), Field("text"), Field("label"), also, Field("source"), Path.GetFileName(file)));
            }
        }

        return lines;
    }

    internal static CorpusVerdict Judge(CorpusLine line, LogRuleCatalog catalog)
    {
        var session = new AgentLogAnalyzer(catalog, new LogScanOptions()).BeginText(null, null);
        session.Add(line.Text);
        var predicted = session.Complete().Select(i => i.Category).Where(c => c != LogRuleCatalog.UnknownCategory).ToArray();
        return new CorpusVerdict(line, predicted);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SsmTroubleshoot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("SsmTroubleshoot.sln not found above " + AppContext.BaseDirectory);
    }
}
