using System;
using System.Text;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Logs;

/// <summary>
/// One regular expression of the catalog (rule pattern or exclude, exemption, context, escalation). Three costs are kept
/// off a scan: a built-in pattern is parsed when a text first holds its fixed word (a scan meets a few dozen of ~1,100;
/// a test parses them all), it is interpreted until it has been tried <see cref="CompileAfter"/> times and only then compiled
/// (a user's single scan no longer pays Reflection.Emit and JIT for ~800 patterns, of which it uses a few dozen), and a
/// pattern whose text must contain a fixed word is not run at all on text without that word (one vectorised IndexOf).
/// Shared by every scan of the process: the swap to the compiled form is a single reference write.
/// </summary>
internal sealed class RulePattern
{
    /// <summary>Tries before a pattern is compiled: enough to tell the patterns a log keeps hitting from the rest.</summary>
    internal const int CompileAfter = 256;

    private const int MinimumLiteral = 3;

    private readonly string _pattern;
    private readonly RegexOptions _options;
    private readonly bool _mayCompile;
    private readonly string? _literal;
    private readonly StringComparison _literalComparison;
    private readonly TimeSpan _matchTimeout;
    private Regex? _regex;
    private int _tries;

    /// <summary>
    /// A built-in pattern (<paramref name="mayCompile"/>: tested when the engine is built) is parsed when first needed and
    /// compiled later; any other is parsed now, so an invalid one throws ArgumentException where the rule file is read.
    /// </summary>
    internal RulePattern(string pattern, RegexOptions options, TimeSpan matchTimeout, bool mayCompile)
    {
        _pattern = pattern;
        _options = options & ~RegexOptions.Compiled;
        _mayCompile = mayCompile;
        _matchTimeout = matchTimeout;
        if (!mayCompile)
        {
            _regex = new Regex(pattern, _options, matchTimeout);
        }

        (_literal, var ignoreCase) = RequiredLiteral(pattern, options);
        _literalComparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    internal TimeSpan MatchTimeout => _matchTimeout;

    /// <summary>The interpreted or compiled regular expression; parsed on first use. Two threads may both parse it: harmless.</summary>
    internal Regex Regex => _regex ??= new Regex(_pattern, _options, _matchTimeout);

    /// <summary>Whether the regular expression has been parsed yet (a built-in pattern is not until a scan needs it).</summary>
    internal bool IsParsed => _regex is not null;

    /// <summary>The fixed word every match contains (null: none long enough was found).</summary>
    internal string? Literal => _literal;

    /// <summary>Whether the pattern matches; throws RegexMatchTimeoutException like Regex.IsMatch.</summary>
    internal bool IsMatch(string text)
    {
        if (_literal is not null && text.IndexOf(_literal, _literalComparison) < 0)
        {
            return false;
        }

        var regex = Regex;
        if (_mayCompile && ++_tries == CompileAfter)
        {
            // Compiled on a pool thread, and run once there so its code is JIT-compiled too: the scan goes on with the
            // interpreter meanwhile instead of stalling. Two scans may get here together and compile twice: harmless,
            // and no lock on the path every entry takes.
            var timeout = regex.MatchTimeout;
            System.Threading.Tasks.Task.Run(() =>
            {
                var compiled = new Regex(_pattern, _options | RegexOptions.Compiled, timeout);
                try
                {
                    compiled.IsMatch(text);
                }
                catch (RegexMatchTimeoutException)
                {
                    // The scan that asked reports the time-out itself; the compiled form is still the better one.
                }

                _regex = compiled;
            });
        }

        return regex.IsMatch(text);
    }

    public override string ToString() => _pattern;

    /// <summary>
    /// The longest run of fixed characters outside groups, classes and quantified atoms, when the pattern has no
    /// top-level alternation: text without it cannot match. Conservative: anything unusual gives no literal.
    /// </summary>
    internal static (string? Literal, bool IgnoreCase) RequiredLiteral(string pattern, RegexOptions options)
    {
        var ignoreCase = (options & RegexOptions.IgnoreCase) != 0;
        if ((options & RegexOptions.IgnorePatternWhitespace) != 0)
        {
            return (null, ignoreCase);
        }

        var i = 0;
        if (pattern.StartsWith("(?i)", StringComparison.Ordinal))
        {
            ignoreCase = true;
            i = 4;
        }

        string? best = null;
        var run = new StringBuilder();
        void EndRun()
        {
            if (run.Length >= MinimumLiteral && (best is null || run.Length > best.Length))
            {
                best = run.ToString();
            }

            run.Clear();
        }

        while (i < pattern.Length)
        {
            var c = pattern[i];
            char? literal = null;
            var width = 1;
            switch (c)
            {
                case '|':
                    return (null, ignoreCase); // a top-level alternative need not contain the run
                case '(':
                {
                    if (pattern.IndexOf("(?i", i, StringComparison.Ordinal) == i)
                    {
                        ignoreCase = true; // an inline option: its scope is not tracked, so compare without case
                    }

                    var close = SkipGroup(pattern, i);
                    if (close < 0)
                    {
                        return (null, ignoreCase);
                    }

                    EndRun();
                    i = SkipQuantifier(pattern, close + 1);
                    continue;
                }

                case '[':
                {
                    var close = SkipClass(pattern, i);
                    if (close < 0)
                    {
                        return (null, ignoreCase);
                    }

                    EndRun();
                    i = SkipQuantifier(pattern, close + 1);
                    continue;
                }

                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        return (null, ignoreCase);
                    }

                    var e = pattern[i + 1];
                    width = 2;
                    literal = e switch
                    {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        _ when !char.IsLetterOrDigit(e) => e,
                        _ => null, // \d \s \w \b \p{..} \x.. \u.... and back-references
                    };
                    if (literal is null && (e is 'x' or 'u' or 'p' or 'P' or 'k' or 'c' || char.IsDigit(e)))
                    {
                        return (null, ignoreCase); // escapes with operands: not worth parsing
                    }

                    break;
                case '.':
                case '^':
                case '$':
                    break;
                case '*':
                case '+':
                case '?':
                case '{':
                case ')':
                case ']':
                    return (null, ignoreCase); // a quantifier or bracket where none is expected: leave it to the regex
                default:
                    literal = c;
                    break;
            }

            var next = i + width;
            if (literal is null)
            {
                EndRun();
                i = SkipQuantifier(pattern, next);
                continue;
            }

            if (next < pattern.Length && pattern[next] is '*' or '?' or '{' or '+')
            {
                // A quantified character: optional ones leave the run before them; '+' and {n,} with n >= 1 keep one copy.
                var required = pattern[next] == '+' || (pattern[next] == '{' && next + 1 < pattern.Length && pattern[next + 1] is >= '1' and <= '9');
                if (required)
                {
                    run.Append(literal.Value);
                }

                EndRun();
                i = SkipQuantifier(pattern, next);
                continue;
            }

            run.Append(literal.Value);
            i = next;
        }

        EndRun();
        return (best, ignoreCase);
    }

    /// <summary>Index of the ')' closing the group that opens at <paramref name="open"/>, or -1.</summary>
    private static int SkipGroup(string pattern, int open)
    {
        var depth = 0;
        for (var i = open; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = SkipClass(pattern, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    /// <summary>Index of the ']' closing the class that opens at <paramref name="open"/>, or -1.</summary>
    private static int SkipClass(string pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++; // a leading ']' is a member
        }

        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
            {
                continue;
            }
            else if (pattern[i] == ']')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Past a quantifier at <paramref name="i"/> (*, +, ?, {n}, {n,m}, each with an optional lazy '?').</summary>
    private static int SkipQuantifier(string pattern, int i)
    {
        if (i >= pattern.Length)
        {
            return i;
        }

        if (pattern[i] is '*' or '+' or '?')
        {
            i++;
        }
        else if (pattern[i] == '{')
        {
            var close = pattern.IndexOf('}', i);
            if (close < 0)
            {
                return i;
            }

            i = close + 1;
        }
        else
        {
            return i;
        }

        return i < pattern.Length && pattern[i] == '?' ? i + 1 : i;
    }
}
