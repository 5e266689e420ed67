using System;
using System.Linq;
using SsmTroubleshoot.Benchmarks.Corpus;
using SsmTroubleshoot.Logs;
using Xunit;
using Xunit.Abstractions;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// The labelled corpus of real agent lines (tests/corpus) is well formed, and the catalog keeps its figures on the
/// tuning part. The held-out fifth is measured by the benchmark (`Benchmarks corpus`), never asserted line by line here.
/// </summary>
public sealed class LabelledCorpusTests
{
    private readonly ITestOutputHelper _output;

    public LabelledCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void The_corpus_has_300_real_lines_a_third_benign_each_with_its_public_source()
    {
        var lines = LabelledCorpus.Load();
        var categories = LogRuleCatalog.BuiltIn.Categories.Append(CorpusLine.BenignLabel).ToHashSet(StringComparer.Ordinal);

        Assert.True(lines.Count >= 300, $"{lines.Count} lines");
        Assert.True(lines.Count(l => l.IsBenign) * 3 >= lines.Count, $"{lines.Count(l => l.IsBenign)} benign of {lines.Count}");
        Assert.All(lines, l =>
        {
            Assert.True(Uri.TryCreate(l.Source, UriKind.Absolute, out var uri) && uri.Scheme == "https", $"{l.Id}: source '{l.Source}'");
            Assert.Contains(l.Label, categories);
            Assert.All(l.AlsoAccept, a => Assert.Contains(a, categories));
        });
        Assert.Equal(lines.Count, lines.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(lines.Count, lines.Select(l => l.Text).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("fresh")]
    [InlineData("plugin")]
    public void Each_final_test_set_is_well_formed_and_shares_no_source_with_the_corpus(string set)
    {
        var lines = LabelledCorpus.Load(System.IO.Path.Combine(LabelledCorpus.Directory, set));
        var categories = LogRuleCatalog.BuiltIn.Categories.Append(CorpusLine.BenignLabel).ToHashSet(StringComparer.Ordinal);
        var corpusSources = LabelledCorpus.Load().Select(l => l.Source.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

        Assert.True(lines.Count >= 40, $"{lines.Count} lines");
        Assert.All(lines, l =>
        {
            Assert.True(Uri.TryCreate(l.Source, UriKind.Absolute, out var uri) && uri.Scheme == "https", $"{l.Id}: source '{l.Source}'");
            Assert.DoesNotContain(l.Source.TrimEnd('/'), corpusSources);
            Assert.Contains(l.Label, categories);
            Assert.All(l.AlsoAccept, a => Assert.Contains(a, categories));
        });
        Assert.Equal(lines.Count, lines.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(lines.Count, lines.Select(l => l.Text).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void About_a_fifth_of_the_corpus_is_held_out_by_source()
    {
        var lines = LabelledCorpus.Load();
        var share = (double)lines.Count(l => l.IsHeldOut) / lines.Count;
        _output.WriteLine($"held out: {share:P1}");
        Assert.InRange(share, 0.12, 0.30);
        Assert.All(lines.GroupBy(l => l.Source), g => Assert.Single(g.Select(l => l.IsHeldOut).Distinct()));
    }

    // A floor that keeps the catalog from sliding back on the lines it was tuned on; the bar itself (0.90 / 0.80 / 3 %)
    // is for lines nobody tuned on and is the benchmark's to report. Right category and false positives are held to the
    // bar here too; recall is held to 0.86: session 11's last blind batch joined the tuning part (mostly saved Run
    // Command output of deployment scripts: their own psql, git, docker and shell errors, labelled as the document's
    // failure, which no family rule names without also naming harmless script noise), and session 14's (the other agents
    // on a managed node, CodeDeploy's and the CloudWatch agent's, and lines labelled by the thread rather than the line).
    [Fact]
    public void The_catalog_keeps_its_floor_on_the_tuning_part()
    {
        var verdicts = LabelledCorpus.Load().Where(l => !l.IsHeldOut).Select(l => LabelledCorpus.Judge(l, LogRuleCatalog.BuiltIn)).ToList();
        var score = CorpusScore.Of(verdicts);
        _output.WriteLine(score.ToString());
        Assert.True(score.Recall >= 0.86, score.ToString());
        Assert.True(score.RightCategoryRate >= 0.80, score.ToString());
        Assert.True(score.FalsePositiveRate <= 0.03, score.ToString());
    }
}
