using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Logs;

/// <summary>An entry pulled out of the text because it may matter: its text is the agent's own, prefixes removed.</summary>
internal sealed class ParsedEntry
{
    internal ParsedEntry(string text, AgentLogLevel level, long lineNumber, bool hasHeader)
    {
        Text = text;
        Level = level;
        LineNumber = lineNumber;
        HasHeader = hasHeader;
    }

    /// <summary>The header line from its timestamp on, then each continuation line, joined with '\n'.</summary>
    internal string Text { get; }

    internal AgentLogLevel Level { get; }

    internal long LineNumber { get; }

    internal bool HasHeader { get; }

    private DateTime? _timestamp;
    private bool _timestampParsed;

    internal DateTime? Timestamp
    {
        get
        {
            if (!_timestampParsed)
            {
                _timestamp = HasHeader ? AgentLogSyntax.ParseTimestamp(Text, 0, Text.Length) : null;
                _timestampParsed = true;
            }

            return _timestamp;
        }
    }
}

/// <summary>
/// Walks blocks of whole lines, groups them into entries (continuation lines join their entry, also across blocks)
/// and classifies only the entries that can matter: those holding a rule signature, and ERROR/WARN ones when they
/// are wanted. Everything else costs one header check per line.
/// </summary>
internal sealed class EntryScanner
{
    private const int InstanceIdScanChars = 1024 * 1024;

    // Context-dependent entries wait for the end of their source; past this many they are judged on what is known so far.
    private const int MaxDeferredEntries = 10_000;

    private static readonly Regex s_instanceId = new(@"\b(?:i|mi)-(?:[0-9a-f]{17}|[0-9a-f]{8})\b", RegexOptions.CultureInvariant);


    private readonly LogRuleCatalog _catalog;
    private readonly LogScanOptions _options;
    private readonly string? _path;
    private readonly IssueAggregator _aggregator;
    private readonly Action<SsmAgentLogEntry>? _onEntry;
    private readonly HashSet<string>? _categories;
    private readonly List<int> _matches = new();
    private readonly List<int> _found = new();
    private readonly List<int> _candidates = new();
    private readonly List<string> _components = new();
    private readonly HashSet<string> _facts = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _seenCategories = new(StringComparer.Ordinal);
    private readonly List<DeferredEntry> _deferred = new();
    private EntryVerdicts? _verdicts;
    private HashSet<string>? _currentFacts;
    private (int Facts, int Categories, string? InstanceId) _currentFactsVersion;
    private CauseSeen? _lastCause;
    private long _nextLine = 1;
    private (int Year, int Month) _lastHeaderYearMonth;
    private int _idScanned;
    private string? _sourceInstanceId;

    // The entry still open at the end of the previous block.
    private StringBuilder? _open;
    private long _openLine;
    private AgentLogLevel _openLevel;
    private bool _openHeader;
    private bool _openInteresting;

    internal EntryScanner(LogRuleCatalog catalog, LogScanOptions options, string? path, Action<SsmAgentLogEntry>? onEntry)
    {
        _catalog = catalog;
        _options = options;
        _path = path;
        _onEntry = onEntry;
        _aggregator = new IssueAggregator(path);
        if (options.Categories is { Count: > 0 } categories)
        {
            _categories = new HashSet<string>(categories, StringComparer.OrdinalIgnoreCase);
        }
    }

    internal long Lines => _nextLine - 1;

    /// <summary>The instance the text certainly comes from (fleet collection); wins over ids read in the text.</summary>
    internal string? KnownInstanceId { get; set; }

    /// <summary>Checked at every entry, so a slow pattern cannot keep Ctrl+C waiting for the end of a block.</summary>
    internal System.Threading.CancellationToken Cancellation { get; init; }

    /// <summary>The run's patterns that timed out (turned off and reported once); null: a time-out is just no match.</summary>
    internal RuleTimeouts? Timeouts { get; init; }

    internal int Classified { get; private set; }

    /// <summary>Entries that differ only in their timestamp share one verdict (false: every entry is judged afresh; tests).</summary>
    internal bool RememberVerdicts { get; init; } = true;

    /// <summary>Processes text of whole lines (each ending with '\n'): pipeline input.</summary>
    internal void Feed(string text) => Feed(text.ToCharArray(), text.Length, null);

    /// <summary>
    /// Processes a block of whole lines (each ending with '\n'): the first <paramref name="length"/> characters of
    /// <paramref name="block"/>, a buffer the reader reuses once this returns. <paramref name="lowLevelMatches"/>: the
    /// positions of low-level signatures in the block when the reader thread already found them.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    internal void Feed(char[] block, int length, List<int>? lowLevelMatches)
    {
        if (_sourceInstanceId is null && _idScanned < InstanceIdScanChars)
        {
            var span = Math.Min(length, InstanceIdScanChars - _idScanned);
            var id = s_instanceId.Match(new string(block, 0, span));
            _sourceInstanceId = id.Success ? id.Value : null;
            _idScanned += span;
        }

        _matches.Clear();
        if (lowLevelMatches is null)
        {
            _catalog.FindLowLevelSignatures(block, length, _matches);
        }
        else
        {
            _matches.AddRange(lowLevelMatches);
        }

        var matchIndex = 0;
        var pos = 0;
        var entryStart = -1;
        long entryLine = 0;
        var entryLevel = AgentLogLevel.Unknown;
        var entryHeader = false;
        while (pos < length)
        {
            var newline = Array.IndexOf(block, '\n', pos, length - pos);
            if (newline < 0)
            {
                newline = length;
            }

            var end = newline > pos && block[newline - 1] == '\r' ? newline - 1 : newline;
            var kind = AgentLogSyntax.Classify(block, pos, end, out var content, out var level);
            if (kind is LineKind.Header or LineKind.Record)
            {
                if (_open is not null)
                {
                    CloseOpen(block, 0, pos, ref matchIndex);
                }
                else if (entryStart >= 0)
                {
                    Finish(block, entryStart, pos, entryLevel, entryLine, entryHeader, HasMatch(entryStart, pos, ref matchIndex));
                }

                entryStart = pos;
                entryLine = _nextLine;
                entryLevel = level;
                entryHeader = kind == LineKind.Header;
                if (entryHeader && AgentLogSyntax.YearMonthAt(block, content, end) is { Year: > 0 } yearMonth)
                {
                    _lastHeaderYearMonth = yearMonth; // the year of a later systemd line that has none
                }
            }
            else if (kind == LineKind.Continuation && _open is null && entryStart < 0)
            {
                // Lines before any header (pipeline text, a file cut mid-entry): an entry of their own, no level.
                entryStart = pos;
                entryLine = _nextLine;
                entryLevel = AgentLogLevel.Unknown;
                entryHeader = false;
            }

            pos = newline + 1;
            _nextLine++;
        }

        if (_open is not null)
        {
            // The whole block continued the open entry.
            AppendOpen(block, 0, length, ref matchIndex);
        }
        else if (entryStart >= 0)
        {
            _open = new StringBuilder();
            _openLine = entryLine;
            _openLevel = entryLevel;
            _openHeader = entryHeader;
            _openInteresting = false;
            AppendOpen(block, entryStart, length, ref matchIndex);
        }
    }

    /// <summary>Ends the text: the open entry is complete. Returns this source's issues.</summary>
    internal IReadOnlyList<SsmAgentLogIssue> Complete()
    {
        if (_open is not null)
        {
            var matchIndex = 0;
            _matches.Clear();
            CloseOpen(Array.Empty<char>(), 0, 0, ref matchIndex);
        }

        if (_deferred.Count > 0)
        {
            var facts = CurrentFacts();
            foreach (var deferred in _deferred)
            {
                Judge(deferred.Entry, deferred.Entry.Text, deferred.Level, deferred.Candidates, facts, deferred.Verdict);
            }

            _deferred.Clear();
        }

        return _aggregator.Build(_sourceInstanceId, KnownInstanceId);
    }

    private void AppendOpen(char[] block, int start, int end, ref int matchIndex)
    {
        _openInteresting |= HasMatch(start, end, ref matchIndex);
        var room = _options.MaxEntryChars - _open!.Length;
        if (room > 0)
        {
            _open.Append(block, start, Math.Min(room, end - start));
        }
    }

    private void CloseOpen(char[] block, int start, int end, ref int matchIndex)
    {
        AppendOpen(block, start, end, ref matchIndex);
        var text = new char[_open!.Length];
        _open.CopyTo(0, text, 0, text.Length);
        _open = null;
        Finish(text, 0, text.Length, _openLevel, _openLine, _openHeader, _openInteresting);
    }

    private bool HasMatch(int start, int end, ref int matchIndex)
    {
        while (matchIndex < _matches.Count && _matches[matchIndex] < start)
        {
            matchIndex++;
        }

        return matchIndex < _matches.Count && _matches[matchIndex] < end;
    }

    [MethodImpl(HotPath.Optimize)]
    private void Finish(char[] block, int start, int end, AgentLogLevel level, long line, bool header, bool hasLowLevelSignature)
    {
        Cancellation.ThrowIfCancellationRequested();
        // WARN and above (and text without a level) is always looked at; below that only a low-level signature counts.
        if (!hasLowLevelSignature && level is > AgentLogLevel.Unknown and < AgentLogLevel.Warn && !_catalog.EveryEntryMatters)
        {
            return;
        }

        var entry = Materialize(block, start, end, level, line, header);
        if (header && entry.Text.Length > 0 && entry.Text[0] is < '0' or > '9'
            && AgentLogSyntax.SyslogTime(block, start, end, _lastHeaderYearMonth, DateTime.Now) is { } time)
        {
            // systemd's line about the agent's unit: it gets the journal's time, so that -Since/-Until and LastSeen hold.
            entry = new ParsedEntry(time + " " + entry.Text, level, line, header);
        }

        if (!header && level == AgentLogLevel.Unknown)
        {
            var sniffed = AgentLogSyntax.SniffLevel(entry.Text);
            if (sniffed != AgentLogLevel.Unknown)
            {
                if (!hasLowLevelSignature && sniffed < AgentLogLevel.Warn && !_catalog.EveryEntryMatters)
                {
                    return;
                }

                entry = new ParsedEntry(entry.Text, sniffed, line, header);
            }
        }

        Classify(entry);
    }

    [MethodImpl(HotPath.Optimize)]
    private static ParsedEntry Materialize(char[] block, int start, int end, AgentLogLevel level, long line, bool header)
    {
        var text = new StringBuilder(end - start);
        var pos = start;
        while (pos < end)
        {
            var newline = Array.IndexOf(block, '\n', pos, end - pos);
            if (newline < 0)
            {
                newline = end;
            }

            var lineEnd = newline > pos && block[newline - 1] == '\r' ? newline - 1 : newline;
            if (AgentLogSyntax.Classify(block, pos, lineEnd, out var content, out _) == LineKind.Foreign)
            {
                pos = newline + 1;
                continue; // another process's syslog line interleaved with the agent's entry
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block, content, lineEnd - content);
            pos = newline + 1;
        }

        return new ParsedEntry(text.ToString(), level, line, header);
    }

    [MethodImpl(HotPath.Optimize)]
    private void Classify(ParsedEntry entry)
    {
        var text = entry.Text;
        var verdict = RememberVerdicts ? (_verdicts ??= new EntryVerdicts(_catalog)).For(entry) : new EntryVerdict(_catalog, entry.Level);
        NoteContexts(text, entry.LineNumber, verdict);
        var candidates = verdict.Candidates ??= CandidateRules(text);
        if (candidates.Length == 0 && !(_options.IncludeUnclassified && entry.Level >= AgentLogLevel.Warn))
        {
            return;
        }

        if (entry.HasHeader && (_options.Since.HasValue || _options.Until.HasValue))
        {
            var ts = entry.Timestamp;
            if (ts is { } t && ((_options.Since is { } since && t < since) || (_options.Until is { } until && t > until)))
            {
                return;
            }
        }

        var level = verdict.EffectiveLevel ??= EffectiveLevel(entry);
        if (!Judge(entry, text, level, candidates, facts: null, verdict))
        {
            // The verdict depends on what the rest of the source shows: judged in Complete().
            if (_deferred.Count < MaxDeferredEntries)
            {
                _deferred.Add(new DeferredEntry(entry, level, candidates, verdict));
            }
            else
            {
                Judge(entry, text, level, candidates, CurrentFacts(), verdict);
            }
        }
    }

    /// <summary>
    /// Classifies and records one entry. With <paramref name="facts"/> null (still reading), returns false without
    /// recording anything when a context-dependent rule or exemption would decide: the entry waits for the whole source.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private bool Judge(ParsedEntry entry, string text, AgentLogLevel level, int[] candidates, HashSet<string>? facts, EntryVerdict verdict)
    {
        SsmAgentLogRule? rule = null;
        var previous = -1;
        for (var i = 0; i < candidates.Length; i++)
        {
            var index = candidates[i];
            if (index == previous)
            {
                continue;
            }

            previous = index;
            var candidate = _catalog.Rules[index];
            if (!(verdict.Rule(index) ?? verdict.Rule(index, Timeouts?.Matches(candidate, text, level, _path, entry.LineNumber) ?? candidate.Matches(text, level))))
            {
                continue;
            }

            if (candidate.Requires is { } requires)
            {
                if (facts is null)
                {
                    return false;
                }

                if (!Holds(facts, requires))
                {
                    continue;
                }
            }

            rule = candidate;
            break;
        }

        if (rule is null && !(_options.IncludeUnclassified && level >= AgentLogLevel.Warn))
        {
            return true;
        }

        var exemptions = _catalog.Exemptions;
        for (var e = 0; e < exemptions.Count; e++)
        {
            var exemption = exemptions[e];
            if ((rule is { IsRootCause: true } && !exemption.HidesRootCauses)
                || !(verdict.Exemption(e) ?? verdict.Exemption(e, AnyMatch(exemption.RegexArray, text, exemption.Owner, entry.LineNumber))))
            {
                continue;
            }

            if (exemption.Unless is null && exemption.When is null)
            {
                return true;
            }

            if (facts is null)
            {
                return false;
            }

            if ((exemption.Unless is null || !Holds(facts, exemption.Unless)) && (exemption.When is null || Holds(facts, exemption.When)))
            {
                return true;
            }
        }

        var category = rule?.Category ?? LogRuleCatalog.UnknownCategory;
        string? likelyCause = null;
        string? likelyCauseSample = null;
        if (rule is { IsSymptom: true } && _lastCause is { } cause)
        {
            likelyCause = cause.Category;
            likelyCauseSample = cause.Sample;
        }
        else if (rule is { IsSymptom: false, CanBeLikelyCause: true })
        {
            _lastCause = new CauseSeen(rule.Category, rule, IssueAggregator.Trim(text));
        }

        _seenCategories.Add(category);
        if (_categories is not null && !_categories.Contains(category))
        {
            return true;
        }

        Classified++;
        var (instanceId, endpoint) = verdict.Names ??= (FindInstanceId(text), FindEndpoint(text));
        _aggregator.Add(category, rule, entry, instanceId, endpoint, likelyCause is null ? null : _lastCause);
        if (_onEntry is not null)
        {
            _onEntry(ToEntry(entry, category, rule, instanceId, endpoint, likelyCause));
        }

        return true;
    }

    /// <summary>"a|b": any of the alternatives holds.</summary>
    private static bool Holds(HashSet<string> facts, string condition)
    {
        foreach (var name in condition.Split('|'))
        {
            if (facts.Contains(name.Trim()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets the declared contexts this entry shows.</summary>
    [MethodImpl(HotPath.Optimize)]
    private void NoteContexts(string text, long line, EntryVerdict verdict)
    {
        var contexts = _catalog.Contexts;
        for (var c = 0; c < contexts.Count; c++)
        {
            var context = contexts[c];
            if (!_facts.Contains(context.Name) && (verdict.Context(c) ?? verdict.Context(c, AnyMatch(context.PatternArray, text, context.Owner, line))))
            {
                _facts.Add(context.Name);
            }
        }
    }

    private bool AnyMatch(RulePattern[] regexes, string text, Func<string> owner, long line) =>
        Timeouts?.AnyMatch(regexes, text, owner, _path, line) ?? SsmAgentLogRule.AnyMatch(regexes, text);

    /// <summary>Declared contexts seen, category:Name for every category classified, node:hybrid / node:ec2 from the instance id.</summary>
    private HashSet<string> CurrentFacts()
    {
        // Past MaxDeferredEntries this runs for every context-dependent entry. Facts are only ever added, so the
        // counts (and the instance id) tell whether the set built last time is still the current one.
        var id = KnownInstanceId ?? _sourceInstanceId;
        var version = (_facts.Count, _seenCategories.Count, id);
        if (_currentFacts is not null && version == _currentFactsVersion)
        {
            return _currentFacts;
        }

        var facts = new HashSet<string>(_facts, StringComparer.OrdinalIgnoreCase);
        foreach (var category in _seenCategories)
        {
            facts.Add(LogContext.CategoryPrefix + category);
        }

        if (id is not null)
        {
            facts.Add(id.StartsWith("mi-", StringComparison.Ordinal) ? "node:hybrid" : "node:ec2");
        }

        _currentFacts = facts;
        _currentFactsVersion = version;
        return facts;
    }

    [MethodImpl(HotPath.Optimize)]
    private AgentLogLevel EffectiveLevel(ParsedEntry entry)
    {
        var level = entry.Level;
        foreach (var escalation in _catalog.Escalations)
        {
            if (level != AgentLogLevel.Unknown && escalation.Level > level && AnyMatch(escalation.PatternArray, entry.Text, () => $"The escalation '{escalation.Pattern}'", entry.LineNumber))
            {
                level = escalation.Level;
            }
        }

        return level;
    }

    /// <summary>The first AWS host (or the IMDS address) the entry names; a plain scan, no backtracking regex.</summary>
    internal static string? FindEndpoint(string text)
    {
        string? best = null;
        var bestAt = int.MaxValue;
        var at = text.IndexOf(".amazonaws.com", StringComparison.OrdinalIgnoreCase);
        if (at > 0)
        {
            var start = at;
            while (start > 0 && IsHostChar(text[start - 1]))
            {
                start--;
            }

            var end = at + ".amazonaws.com".Length;
            if (end + 3 <= text.Length && string.Compare(text, end, ".cn", 0, 3, StringComparison.OrdinalIgnoreCase) == 0)
            {
                end += 3;
            }

            if (start < at)
            {
                best = text.Substring(start, end - start).ToLowerInvariant();
                bestAt = start;
            }
        }

        foreach (var imds in new[] { "169.254.169.254", "fd00:ec2::254" })
        {
            var i = text.IndexOf(imds, StringComparison.Ordinal);
            if (i >= 0 && i < bestAt)
            {
                best = imds;
                bestAt = i;
            }
        }

        return best;
    }

    private static bool IsHostChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.';

    private static string? FindInstanceId(string text)
    {
        var match = s_instanceId.Match(text);
        return match.Success ? match.Value : null;
    }

    [MethodImpl(HotPath.Optimize)]
    private int[] CandidateRules(string text)
    {
        _found.Clear();
        _catalog.Matcher.FindAll(text, _found);
        _candidates.Clear();
        _candidates.AddRange(_catalog.UnsignedRules);
        foreach (var signature in _found)
        {
            _candidates.AddRange(_catalog.RulesForSignatureIndex(signature));
        }

        // Catalog order decides: the first matching rule wins.
        _candidates.Sort();
        return _candidates.ToArray();
    }

    private SsmAgentLogEntry ToEntry(ParsedEntry entry, string category, SsmAgentLogRule? rule, string? instanceId, string? endpoint, string? likelyCause)
    {
        _components.Clear();
        string? component = null;
        var message = entry.Text;
        if (entry.HasHeader)
        {
            var firstLineEnd = message.IndexOf('\n');
            AgentLogSyntax.SplitHeader(message, 0, firstLineEnd < 0 ? message.Length : firstLineEnd, _components, out var bracketId, out var messageStart);
            component = _components.Count > 0 ? string.Join("/", _components) : null;
            instanceId ??= bracketId;
            message = message.Substring(messageStart);
        }

        return new SsmAgentLogEntry(entry.Timestamp, entry.Level, component, message, category, rule?.Id, rule?.Severity,
            _path, entry.LineNumber, KnownInstanceId ?? instanceId ?? _sourceInstanceId, endpoint) { LikelyCause = likelyCause };
    }

    private sealed record DeferredEntry(ParsedEntry Entry, AgentLogLevel Level, int[] Candidates, EntryVerdict Verdict);
}

/// <summary>The most recent specific (non-symptom) entry of a source: what a later symptom most likely comes from.</summary>
internal sealed record CauseSeen(string Category, SsmAgentLogRule Rule, string Sample);
