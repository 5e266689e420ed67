using System;
using System.Linq;
using SsmTroubleshoot.Benchmarks.Corpus;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// How many real problems the catalog names, on the labelled corpus of public agent log lines (tests/corpus). The
/// held-out fifth is only ever reported as totals; "--misses" lists the tuning part's misses, never the held-out ones.
/// </summary>
internal static class CorpusBenchmark
{
    internal static int Run(string[] args)
    {
        var lines = LabelledCorpus.Load();
        var catalog = LogRuleCatalog.BuiltIn;
        var verdicts = lines.Select(l => LabelledCorpus.Judge(l, catalog)).ToList();
        var tuning = verdicts.Where(v => !v.Line.IsHeldOut).ToList();
        var heldOut = verdicts.Where(v => v.Line.IsHeldOut).ToList();

        Console.WriteLine($"Corpus: {lines.Count} lines from {lines.Select(l => l.Source).Distinct().Count()} public sources ({lines.Count(l => l.IsBenign)} benign)");
        Console.WriteLine($"  tuning part : {CorpusScore.Of(tuning)}");
        Console.WriteLine($"  held out    : {CorpusScore.Of(heldOut)}");
        Console.WriteLine($"  all         : {CorpusScore.Of(verdicts)}");
        Console.WriteLine("Bar (held out): recall >= 0.90, right category >= 0.80, false positives <= 3 %");

        if (args.Contains("--misses"))
        {
            Console.WriteLine();
            Console.WriteLine("Tuning-part lines the catalog gets wrong:");
            foreach (var v in tuning.Where(v => v.Line.IsBenign ? v.Detected : !v.RightCategory))
            {
                var text = v.Line.Text.Replace("\n", " | ");
                Console.WriteLine($"- {v.Line.Id}: label {v.Line.Label}, got {(v.Detected ? string.Join(",", v.Predicted) : "nothing")}");
                Console.WriteLine($"    {(text.Length > 300 ? text[..300] + "…" : text)}");
            }
        }

        var score = CorpusScore.Of(heldOut);
        return score.Recall >= 0.90 && score.RightCategoryRate >= 0.80 && score.FalsePositiveRate <= 0.03 ? 0 : 1;
    }
}
