using System;
using System.Globalization;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>Durations as operators type them: 90m, 2h, 1d, 45s, or TimeSpan text (02:00:00, 1.00:00:00).</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Parses a duration; <paramref name="problem"/> says why not (in words) when it fails.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? problem)
    {
        value = default;
        problem = null;
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length >= 2 && double.TryParse(trimmed.Substring(0, trimmed.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            long unit;
            switch (char.ToLowerInvariant(trimmed[trimmed.Length - 1]))
            {
                case 's': unit = TimeSpan.TicksPerSecond; break;
                case 'm': unit = TimeSpan.TicksPerMinute; break;
                case 'h': unit = TimeSpan.TicksPerHour; break;
                case 'd': unit = TimeSpan.TicksPerDay; break;
                default: unit = 0; break;
            }

            if (unit != 0)
            {
                // TimeSpan.FromDays and friends throw OverflowException past about 29,000 years: refuse in words instead.
                var ticks = amount * unit;
                if (double.IsNaN(ticks) || double.IsInfinity(ticks) || Math.Abs(ticks) >= TimeSpan.MaxValue.Ticks)
                {
                    problem = "is longer than any date range (at most about 10,000,000 days)";
                    return false;
                }

                value = TimeSpan.FromTicks((long)ticks);
                return true;
            }
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Now minus the duration, or null with a reason when that is before the first representable date.</summary>
    public static DateTime? Before(DateTime now, TimeSpan duration, out string? problem)
    {
        problem = null;
        if (duration > now - DateTime.MinValue)
        {
            problem = $"reaches back before the year 1 (today minus {duration.TotalDays.ToString("N0", CultureInfo.InvariantCulture)} days)";
            return null;
        }

        return now - duration;
    }
}
