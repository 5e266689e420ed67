using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Logs;

/// <summary>One rule of the catalog: which entries it recognises and what they mean.</summary>
public sealed class SsmAgentLogRule
{
    // A rule pattern that runs away on a pathological entry must not hang the scan.
    internal static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    internal const RegexOptions PatternOptions = RegexOptions.CultureInvariant | RegexOptions.Singleline;

    internal SsmAgentLogRule(string id, string category, SsmAgentLogSeverity severity, AgentLogLevel minimumLevel,
        IReadOnlyList<string> signatures, IReadOnlyList<string> patterns, IReadOnlyList<string> exclude,
        string cause, string remediation, string? helpUri, string nextStep, string source, bool compile)
    {
        Id = id;
        Category = category;
        Severity = severity;
        MinimumLevel = minimumLevel;
        Signatures = signatures;
        Patterns = patterns;
        Exclude = exclude;
        Cause = cause;
        Remediation = remediation;
        HelpUri = helpUri;
        NextStep = nextStep;
        Source = source;
        PatternRegexes = patterns.Select(p => new RulePattern(p, PatternOptions, MatchTimeout, compile)).ToArray();
        ExcludeRegexes = exclude.Select(p => new RulePattern(p, PatternOptions, MatchTimeout, compile)).ToArray();
    }

    public string Id { get; }

    public string Category { get; }

    public SsmAgentLogSeverity Severity { get; }

    /// <summary>Entries below this level never match (INFO lines full of "failed" and "proxy" stay quiet).</summary>
    public AgentLogLevel MinimumLevel { get; }

    /// <summary>Literal strings (case-insensitive), one of which must occur in the entry: the fast prefilter.</summary>
    public IReadOnlyList<string> Signatures { get; }

    /// <summary>Regular expressions over the whole entry (continuation lines included); one must match.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>Regular expressions that veto the rule (known-benign variants of the same wording).</summary>
    public IReadOnlyList<string> Exclude { get; }

    public string Cause { get; }

    public string Remediation { get; }

    public string? HelpUri { get; }

    public string NextStep { get; }

    /// <summary>
    /// The entry shows an effect (hibernation, back-off) rather than a cause: its issue names the most recent specific
    /// issue before it in the same source as <see cref="SsmAgentLogIssue.LikelyCause"/>.
    /// </summary>
    public bool IsSymptom { get; internal init; }

    /// <summary>
    /// Whether what this rule finds may be named as a later symptom's <see cref="SsmAgentLogIssue.LikelyCause"/>: false
    /// for another agent's own failure (its unit failing does not explain the SSM Agent's).
    /// </summary>
    public bool CanBeLikelyCause { get; internal init; } = true;

    /// <summary>A rule of the built-in root-cause file (catalog.json): family exemptions cannot hide what it finds.</summary>
    public bool IsRootCause { get; internal set; }

    /// <summary>A context the source must show for the rule to apply (judged after the whole source is read); null: always.</summary>
    public string? Requires { get; internal init; }

    /// <summary>"BuiltIn" or the path of the -RulePath file the rule came from.</summary>
    public string Source { get; }

    internal RulePattern[] PatternRegexes { get; }

    internal RulePattern[] ExcludeRegexes { get; }

    /// <summary>Level, patterns and excludes; the signature prefilter is the caller's business.</summary>
    internal bool Matches(string text, AgentLogLevel level)
    {
        if (level != AgentLogLevel.Unknown && level < MinimumLevel)
        {
            return false;
        }

        if (!AnyMatch(PatternRegexes, text))
        {
            return false;
        }

        return !AnyMatch(ExcludeRegexes, text);
    }

    internal static bool AnyMatch(RulePattern[] regexes, string text)
    {
        foreach (var regex in regexes)
        {
            try
            {
                if (regex.IsMatch(text))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A runaway pattern counts as no match: one odd entry must not stop the scan.
            }
        }

        return false;
    }
}
