using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

public sealed class RulePatternTests
{
    [Theory]
    [InlineData(@"Failed to rotate private key", "Failed to rotate private key", false)]
    [InlineData(@"error (occurred in|calling) RequestManagedInstanceRoleToken: ", " RequestManagedInstanceRoleToken: ", false)]
    [InlineData(@"failed to rollback \S{1,80} to \S{1,40}, ", "failed to rollback ", false)]
    [InlineData(@"(?i)failed to (write|read|remove) (data|value) file for ", "failed to ", true)]
    [InlineData(@"no space left on device.{0,200}?(inotify|watch)", "no space left on device", false)]
    [InlineData(@"Reach the retry limit \S+ for receive messages", "Reach the retry limit ", false)]
    [InlineData(@"abcd?e", "abc", false)]
    [InlineData(@"x509: certificate", "x509: certificate", false)]
    [InlineData(@"a\.b\.cde", "a.b.cde", false)]
    [InlineData(@"[Ff]ailed", "ailed", false)]
    [InlineData(@"\d+ seconds", " seconds", false)]
    [InlineData(@"xyzw+v", "xyzw", false)]
    public void The_required_literal_is_a_fixed_part_every_match_contains(string pattern, string expected, bool ignoreCase)
    {
        var (literal, caseless) = RulePattern.RequiredLiteral(pattern, RegexOptions.CultureInvariant);
        Assert.Equal(expected, literal);
        Assert.Equal(ignoreCase, caseless);
    }

    [Theory]
    [InlineData(@"Backing off|hibernat")]
    [InlineData(@"ab+cd")]
    [InlineData(@"a(b)?c")]
    [InlineData(@"ab")]
    public void Patterns_without_a_safe_literal_have_none(string pattern) =>
        Assert.Null(RulePattern.RequiredLiteral(pattern, RegexOptions.CultureInvariant).Literal);

    [Fact]
    public void Loading_the_built_in_rules_parses_none_of_their_patterns()
    {
        // A user's first scan pays for what the catalog parses at load: the ~1,000 built-in patterns wait for a text
        // that holds their fixed word. (Their cost at load, validation included, is measured by the logscan benchmark.)
        var assembly = typeof(LogRuleCatalog).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith("SsmTroubleshoot.Logs.Rules.", StringComparison.Ordinal)).ToList();
        Assert.True(names.Count >= 10, string.Join(", ", names));
        foreach (var name in names)
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var parsed = LogRuleCatalog.Parse(reader.ReadToEnd(), "built-in", compile: true);
            var patterns = parsed.Rules.SelectMany(r => r.PatternRegexes.Concat(r.ExcludeRegexes)).Concat(parsed.Exemptions.Select(e => e.Regex)).ToList();
            Assert.NotEmpty(patterns);
            Assert.All(patterns, p => Assert.False(p.IsParsed, name));
        }
    }

    [Fact]
    public void Every_built_in_pattern_parses()
    {
        // Built-in patterns are parsed when a text first holds their fixed word, so a broken one would otherwise surface mid-scan.
        var catalog = LogRuleCatalog.BuiltIn;
        var patterns = catalog.Rules.SelectMany(r => r.PatternRegexes.Concat(r.ExcludeRegexes))
            .Concat(catalog.Exemptions.Select(e => e.Regex))
            .Concat(catalog.Contexts.Select(c => c.Pattern))
            .Concat(catalog.Escalations.Select(e => e.Pattern))
            .ToArray();
        Assert.True(patterns.Length > 1000, $"only {patterns.Length} patterns");
        foreach (var pattern in patterns)
        {
            var regex = pattern.Regex;
            Assert.Equal(SsmAgentLogRule.MatchTimeout, regex.MatchTimeout);
            Assert.Equal(pattern.ToString(), regex.ToString());
        }
    }

    [Fact]
    public void A_pattern_is_compiled_after_enough_tries_and_still_answers_the_same()
    {
        var pattern = new RulePattern(@"dial tcp \S+:443: i/o timeout", SsmAgentLogRule.PatternOptions, TimeSpan.FromSeconds(1), mayCompile: true);
        for (var i = 0; i < RulePattern.CompileAfter + 10; i++)
        {
            Assert.True(pattern.IsMatch("Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout"));
            Assert.False(pattern.IsMatch("dial tcp 52.46.141.158:80: i/o timeout"));
        }
    }

    [Fact]
    public void The_literal_check_never_hides_a_match_of_any_built_in_pattern()
    {
        // Every message the agent can print (the extracted templates) and every line of the sample logs: wherever the
        // regex alone matches, the pattern with its literal check must match too.
        var root = SsmTroubleshoot.Benchmarks.Corpus.LabelledCorpus.RepositoryRoot();
        var texts = Directory.GetFiles(Path.Combine(root, "tools", "agent-messages", "templates"), "*.tsv")
            .SelectMany(File.ReadLines)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t').Last().Replace("\\n", "\n"))
            .Concat(Directory.GetFiles(Path.Combine(root, "examples"), "*.log", SearchOption.AllDirectories).SelectMany(File.ReadLines))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var catalog = LogRuleCatalog.BuiltIn;
        var patterns = catalog.Rules.SelectMany(r => r.PatternRegexes.Concat(r.ExcludeRegexes))
            .Concat(catalog.Exemptions.Select(e => e.Regex))
            .Concat(catalog.Contexts.Select(c => c.Pattern))
            .ToArray();
        Assert.True(patterns.Count(p => p.Literal is not null) > patterns.Length / 2, "most catalog patterns should have a literal to check first");
        foreach (var pattern in patterns.Where(p => p.Literal is not null))
        {
            var regex = new Regex(pattern.ToString(), SsmAgentLogRule.PatternOptions);
            foreach (var text in texts)
            {
                if (regex.IsMatch(text))
                {
                    Assert.True(pattern.IsMatch(text), $"'{pattern}' (literal '{pattern.Literal}') matches \"{text}\" only without its literal check");
                }
            }
        }
    }
}
