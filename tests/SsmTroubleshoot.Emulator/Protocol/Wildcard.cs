using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Emulator.Protocol;

/// <summary>EC2 filter values and IAM actions use * and ? wildcards.</summary>
internal static class Wildcard
{
    public static bool IsMatch(string pattern, string? value, bool ignoreCase = false)
    {
        if (value is null)
        {
            return false;
        }

        if (pattern.IndexOfAny(['*', '?']) < 0)
        {
            return ignoreCase ? string.Equals(pattern, value, System.StringComparison.OrdinalIgnoreCase) : pattern == value;
        }

        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
        return Regex.IsMatch(value, regex, ignoreCase ? RegexOptions.IgnoreCase | RegexOptions.CultureInvariant : RegexOptions.CultureInvariant);
    }
}
