using System;
using System.Text;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Common;

/// <summary>PowerShell-style * and ? patterns (what -Category and --category accept), case-insensitive.</summary>
public static class Wildcard
{
    public static bool HasWildcard(string text) => text.IndexOfAny(new[] { '*', '?' }) >= 0;

    public static Regex ToRegex(string pattern)
    {
        var builder = new StringBuilder("^");
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(builder.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
