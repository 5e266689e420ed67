using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Logs;

/// <summary>
/// What the catalog's patterns made of one entry text, filled in as the scanner asks. An agent log repeats the same
/// few messages with a new timestamp (a back-off every five minutes, a health ping every five), so each pattern runs
/// once per distinct message of a source instead of once per entry: the regular expressions were most of a scan's time.
/// </summary>
internal sealed class EntryVerdict
{
    // 0: not asked yet.
    private const byte No = 1;
    private const byte Yes = 2;

    private readonly byte[] _rules;
    private readonly byte[] _exemptions;
    private readonly byte[] _contexts;

    internal EntryVerdict(LogRuleCatalog catalog, AgentLogLevel level)
    {
        Level = level;
        _rules = new byte[catalog.Rules.Count];
        _exemptions = new byte[catalog.Exemptions.Count];
        _contexts = new byte[catalog.Contexts.Count];
    }

    /// <summary>The level the entry's header gave (the effective level may be raised by an escalation).</summary>
    internal AgentLogLevel Level { get; }

    internal AgentLogLevel? EffectiveLevel { get; set; }

    /// <summary>The rules whose signatures the text holds, in catalog order (with duplicates).</summary>
    internal int[]? Candidates { get; set; }

    /// <summary>Whether rule <paramref name="rule"/> matched this text (null: not asked yet).</summary>
    internal bool? Rule(int rule) => Known(_rules, rule);

    /// <summary>Remembers whether rule <paramref name="rule"/> matched; returns <paramref name="matches"/>.</summary>
    internal bool Rule(int rule, bool matches) => Remember(_rules, rule, matches);

    internal bool? Exemption(int exemption) => Known(_exemptions, exemption);

    internal bool Exemption(int exemption, bool matches) => Remember(_exemptions, exemption, matches);

    internal bool? Context(int context) => Known(_contexts, context);

    internal bool Context(int context, bool matches) => Remember(_contexts, context, matches);

    /// <summary>The instance id and the endpoint the text names, once looked for.</summary>
    internal (string? InstanceId, string? Endpoint)? Names { get; set; }

    private static bool? Known(byte[] known, int index) => known[index] switch
    {
        Yes => true,
        No => false,
        _ => null,
    };

    private static bool Remember(byte[] known, int index, bool matches)
    {
        known[index] = matches ? Yes : No;
        return matches;
    }
}

/// <summary>
/// The verdicts of one source, keyed by entry text without its timestamp (built-in catalog: no pattern looks at the
/// timestamp) or by the whole text (custom rules may). Bounded: a log of all-different messages just starts over.
/// </summary>
internal sealed class EntryVerdicts
{
    private const int Capacity = 4096;

    private readonly LogRuleCatalog _catalog;
    private readonly Dictionary<string, EntryVerdict> _verdicts = new(StringComparer.Ordinal);

    internal EntryVerdicts(LogRuleCatalog catalog) => _catalog = catalog;

    /// <summary>The verdict of an entry with this text and header level: a remembered one, or a new empty one.</summary>
    internal EntryVerdict For(ParsedEntry entry)
    {
        var key = Key(entry);
        if (_verdicts.TryGetValue(key, out var verdict) && verdict.Level == entry.Level)
        {
            return verdict;
        }

        if (_verdicts.Count >= Capacity)
        {
            _verdicts.Clear();
        }

        verdict = new EntryVerdict(_catalog, entry.Level);
        _verdicts[key] = verdict;
        return verdict;
    }

    private string Key(ParsedEntry entry)
    {
        var text = entry.Text;
        if (!entry.HasHeader || !_catalog.TimestampBlind)
        {
            return text;
        }

        var end = AgentLogSyntax.TimestampEnd(text, 0, text.Length);
        return end <= 0 ? text : text.Substring(end);
    }
}
