using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading;

namespace SsmTroubleshoot.Logs;

/// <summary>
/// Regular expressions of one run that exceeded their match time-out: each is turned off for the rest of the run (a
/// catastrophic pattern would otherwise cost its full time-out on every entry) and reported once, naming its rule.
/// Shared by the scanners of one <see cref="AgentLogAnalyzer"/>; thread-safe.
/// </summary>
internal sealed class RuleTimeouts
{
    private readonly object _sync = new();
    private readonly HashSet<RulePattern> _disabled = new();
    private readonly List<string> _warnings = new();
    private bool _anyDisabled; // read without the lock on every entry: a disabled pattern is rare

    /// <summary>Whether any pattern matches; a pattern that times out counts as no match, now and for the rest of the run.</summary>
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Optimize)]
    internal bool AnyMatch(RulePattern[] regexes, string text, Func<string> owner, string? path, long line)
    {
        foreach (var regex in regexes)
        {
            if (Volatile.Read(ref _anyDisabled))
            {
                lock (_sync)
                {
                    if (_disabled.Contains(regex))
                    {
                        continue;
                    }
                }
            }

            try
            {
                if (regex.IsMatch(text))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                Disable(regex, owner(), path, line);
            }
        }

        return false;
    }

    /// <summary>Level, patterns and excludes of a rule, as <see cref="SsmAgentLogRule"/> decides them, with the time-out guard.</summary>
    internal bool Matches(SsmAgentLogRule rule, string text, AgentLogLevel level, string? path, long line)
    {
        if (level != AgentLogLevel.Unknown && level < rule.MinimumLevel)
        {
            return false;
        }

        string Owner() => $"Rule '{rule.Id}'" + (rule.Source == LogRuleCatalog.BuiltInSource ? string.Empty : $" ({rule.Source})");
        return AnyMatch(rule.PatternRegexes, text, Owner, path, line) && !AnyMatch(rule.ExcludeRegexes, text, Owner, path, line);
    }

    /// <summary>The warnings not taken yet (each time-out once).</summary>
    internal IReadOnlyList<string> Take()
    {
        lock (_sync)
        {
            if (_warnings.Count == 0)
            {
                return Array.Empty<string>();
            }

            var taken = _warnings.ToArray();
            _warnings.Clear();
            return taken;
        }
    }

    private void Disable(RulePattern regex, string owner, string? path, long line)
    {
        lock (_sync)
        {
            if (!_disabled.Add(regex))
            {
                return;
            }

            Volatile.Write(ref _anyDisabled, true);

            var where = path is null ? $"line {line}" : $"line {line} of {path}";
            _warnings.Add($"{owner} took longer than {regex.MatchTimeout.TotalSeconds:0.#} s to match the entry at {where} and is turned off for the rest of this run: "
                + $"its pattern '{Shorten(regex.ToString())}' backtracks without end on such text. Simplify it (no nested quantifiers such as (a+)+ or (.*)*).");
        }
    }

    private static string Shorten(string pattern) => pattern.Length <= 120 ? pattern : pattern.Substring(0, 120) + "…";
}
