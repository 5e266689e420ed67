using System;
using System.Globalization;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>Durations as operators type them: 90m, 2h, 1d, 45s, or TimeSpan text (02:00:00, 1.00:00:00).</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length >= 2 && double.TryParse(trimmed.Substring(0, trimmed.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            switch (char.ToLowerInvariant(trimmed[trimmed.Length - 1]))
            {
                case 's': value = TimeSpan.FromSeconds(amount); return true;
                case 'm': value = TimeSpan.FromMinutes(amount); return true;
                case 'h': value = TimeSpan.FromHours(amount); return true;
                case 'd': value = TimeSpan.FromDays(amount); return true;
            }
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
    }
}
