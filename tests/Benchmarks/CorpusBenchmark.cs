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
    private static readonly string[] Options = { "--set", "--fresh", "--tuning-only", "--misses", "--wrappings", "--by-kind" };

    internal static int Run(string[] args)
    {
        // An option it does not know (a typo of --tuning-only, --help) must not fall through to the full report: that
        // would print the held-out totals nobody asked for.
        var unknown = args.Where((a, i) => !Options.Contains(a) && !(i > 0 && args[i - 1] == "--set")).ToList();
        if (unknown.Count > 0 || (Array.IndexOf(args, "--set") is var s && s >= 0 && s == args.Length - 1))
        {
            Console.Error.WriteLine($"corpus: unknown option or missing value: {string.Join(" ", unknown.DefaultIfEmpty("--set"))}");
            Console.Error.WriteLine("usage: corpus [--tuning-only] [--misses] [--wrappings] [--by-kind] | --fresh | --set <name>");
            return 2;
        }

        // Final test sets gathered after the tuning ended, each read only on its own: tests/corpus/fresh (--fresh) and
        // tests/corpus/<name> (--set <name>, e.g. plugin: Session Manager plugin and AWS CLI threads).
        var setIndex = Array.IndexOf(args, "--set");
        var set = setIndex >= 0 && setIndex + 1 < args.Length ? args[setIndex + 1] : args.Contains("--fresh") ? "fresh" : null;
        var fresh = set is not null;
        var lines = LabelledCorpus.Load(fresh ? System.IO.Path.Combine(LabelledCorpus.Directory, set!) : null);
        var catalog = LogRuleCatalog.BuiltIn;
        var verdicts = lines.Select(l => LabelledCorpus.Judge(l, catalog)).ToList();
        var tuning = verdicts.Where(v => !v.Line.IsHeldOut).ToList();
        var heldOut = verdicts.Where(v => v.Line.IsHeldOut).ToList();

        Console.WriteLine($"Corpus: {lines.Count} lines from {lines.Select(l => l.Source).Distinct().Count()} public sources ({lines.Count(l => l.IsBenign)} benign)");
        if (fresh)
        {
            Console.WriteLine($"  {set + " set",-12}: {CorpusScore.Of(verdicts)}");
            var all = CorpusScore.Of(verdicts);
            return all.Recall >= 0.90 && all.RightCategoryRate >= 0.80 && all.FalsePositiveRate <= 0.03 ? 0 : 1;
        }

        Console.WriteLine($"  tuning part : {CorpusScore.Of(tuning)}");
        if (args.Contains("--tuning-only"))
        {
            heldOut.Clear(); // while tuning: not even the totals of the held-out part
        }
        else
        {
            Console.WriteLine($"  held out    : {CorpusScore.Of(heldOut)}");
            Console.WriteLine($"  all         : {CorpusScore.Of(verdicts)}");
        }
        Console.WriteLine("Bar (held out): recall >= 0.90, right category >= 0.80, false positives <= 3 %");

        if (args.Contains("--by-kind"))
        {
            // The same parts split by what the line is, read from its text (CorpusLine.IsAgentFormat): the agent's own
            // log format, or what clients, tools, the system and scripts print around it.
            Console.WriteLine();
            foreach (var (name, part) in new[] { ("tuning part", tuning), ("held out", heldOut) })
            {
                if (part.Count == 0)
                {
                    continue;
                }

                Console.WriteLine($"  {name}, the agent's log format : {CorpusScore.Of(part.Where(v => v.Line.IsAgentFormat))}");
                Console.WriteLine($"  {name}, everything else       : {CorpusScore.Of(part.Where(v => !v.Line.IsAgentFormat))}");
            }
        }

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

        if (args.Contains("--wrappings"))
        {
            CorpusRobustness.Report(tuning, catalog, args.Contains("--misses"));
        }

        var score = CorpusScore.Of(heldOut);
        return score.Recall >= 0.90 && score.RightCategoryRate >= 0.80 && score.FalsePositiveRate <= 0.03 ? 0 : 1;
    }
}
