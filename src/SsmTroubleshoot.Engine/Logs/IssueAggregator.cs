using System;
using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.Logs;

/// <summary>Folds classified entries of one source into one issue per category.</summary>
internal sealed class IssueAggregator
{
    private const int MaxLineNumbers = 100;
    private const int MaxSampleChars = 400;

    private readonly Dictionary<string, Builder> _byCategory = new(StringComparer.Ordinal);
    private readonly string? _path;

    internal IssueAggregator(string? path) => _path = path;

    internal void Add(string category, SsmAgentLogRule? rule, ParsedEntry entry, string? instanceId, string? endpoint, CauseSeen? likelyCause = null)
    {
        if (!_byCategory.TryGetValue(category, out var builder))
        {
            builder = new Builder(category, rule, entry);
            _byCategory.Add(category, builder);
        }
        else
        {
            builder.Consider(rule, entry);
        }

        builder.Count++;
        if (entry.Timestamp is { } ts)
        {
            builder.First = builder.First is null || ts < builder.First ? ts : builder.First;
            builder.Last = builder.Last is null || ts > builder.Last ? ts : builder.Last;
        }

        builder.InstanceId ??= instanceId;
        if (likelyCause is not null)
        {
            builder.LikelyCause = likelyCause; // the latest symptom entry's cause wins
        }

        builder.Endpoint ??= endpoint;
        if (builder.Lines.Count < MaxLineNumbers)
        {
            builder.Lines.Add(entry.LineNumber);
        }
    }

    internal IReadOnlyList<SsmAgentLogIssue> Build(string? sourceInstanceId, string? knownInstanceId = null) =>
        _byCategory.Values
            .Select(b => b.ToIssue(_path, sourceInstanceId, knownInstanceId))
            .OrderByDescending(i => i.Severity)
            .ThenByDescending(i => i.Count)
            .ThenBy(i => i.Category, StringComparer.Ordinal)
            .ToArray();

    internal static string Trim(string text)
    {
        var flat = text.Replace("\r", string.Empty).Replace("\n", " | ");
        return flat.Length <= MaxSampleChars ? flat : flat.Substring(0, MaxSampleChars) + "…";
    }

    private sealed class Builder
    {
        private SsmAgentLogRule? _rule;
        private ParsedEntry _sample;

        internal Builder(string category, SsmAgentLogRule? rule, ParsedEntry sample)
        {
            Category = category;
            _rule = rule;
            _sample = sample;
        }

        internal string Category { get; }

        /// <summary>
        /// The issue speaks with its most severe entry's rule (severity, cause, remediation, sample): a node service's
        /// warning or another agent's failure seen first does not stand for the agent's own, more severe error.
        /// </summary>
        internal void Consider(SsmAgentLogRule? rule, ParsedEntry entry)
        {
            if (rule is not null && (_rule is null || rule.Severity > _rule.Severity))
            {
                _rule = rule;
                _sample = entry;
            }
        }

        internal int Count { get; set; }

        internal DateTime? First { get; set; }

        internal DateTime? Last { get; set; }

        internal string? InstanceId { get; set; }

        internal string? Endpoint { get; set; }

        internal CauseSeen? LikelyCause { get; set; }

        internal List<long> Lines { get; } = new();

        internal SsmAgentLogIssue ToIssue(string? path, string? sourceInstanceId, string? knownInstanceId)
        {
            var instanceId = knownInstanceId ?? InstanceId ?? sourceInstanceId;
            var nextStep = _rule?.NextStep ?? "Read the sample entry; if it matters, add a rule for it with -RulePath so it is recognised next time.";
            if (LikelyCause is { } cause)
            {
                nextStep = $"Fix the likely cause first ({cause.Category}): {cause.Rule.NextStep}";
            }

            nextStep = nextStep.Replace("{InstanceId}", instanceId ?? "<instance-id>");
            return new SsmAgentLogIssue(
                Category,
                _rule?.Severity ?? SsmAgentLogSeverity.Low,
                Count,
                First,
                Last,
                instanceId,
                Endpoint,
                Trim(_sample.Text),
                _rule?.Id ?? LogRuleCatalog.UnknownCategory,
                _rule?.Cause ?? "ERROR or WARN entries that no rule of the catalog recognises.",
                _rule?.Remediation ?? "Judge them from the sample; most unrecognised agent errors are harmless, recurring ones deserve a rule.",
                _rule?.HelpUri ?? "https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-ssm-agent.html",
                nextStep,
                path,
                Lines.ToArray())
            {
                LikelyCause = LikelyCause?.Category,
                LikelyCauseSample = LikelyCause?.Sample,
            };
        }
    }
}
