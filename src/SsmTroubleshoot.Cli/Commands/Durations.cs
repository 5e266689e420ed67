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

    /// <summary>What --since and --until accept, said in their help and in the error for anything else.</summary>
    public const string TimeForms = "a period back from now (2h, 30m, 1d, 45s), today, yesterday, now, or an ISO 8601 date or time (2024-06-11, 2024-06-11T07:45, 2024-06-11 07:45:30, 2024-06-11T07:45:30Z)";

    private static readonly string[] IsoForms =
    {
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    };

    /// <summary>
    /// A point in time as people type it: a period back from now (2h), today/yesterday/now, or ISO 8601. Times without
    /// a zone are local (the agent's timestamps are the instance's local time); with Z or an offset they are converted.
    /// </summary>
    public static bool TryParseTime(string text, DateTime now, out DateTime value, out string? problem)
    {
        value = default;
        problem = null;
        var trimmed = (text ?? string.Empty).Trim();
        switch (trimmed.ToLowerInvariant())
        {
            case "now": value = now; return true;
            case "today": value = now.Date; return true;
            case "yesterday": value = now.Date.AddDays(-1); return true;
        }

        if (trimmed.Length >= 2 && char.IsLetter(trimmed[trimmed.Length - 1]) && char.IsDigit(trimmed[0]) && TryParse(trimmed, out var ago, out problem) && problem is null)
        {
            if (ago <= TimeSpan.Zero)
            {
                problem = "must be a positive period back from now";
                return false;
            }

            if (Before(now, ago, out problem) is not DateTime since)
            {
                return false;
            }

            value = since;
            return true;
        }

        if (problem is not null)
        {
            return false;
        }

        if (DateTime.TryParseExact(trimmed, IsoForms, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            value = DateTime.SpecifyKind(local, DateTimeKind.Local);
            return true;
        }

        // With a zone (Z or +02:00): the moment it names, in local time like the log's timestamps.
        if ((trimmed.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || System.Text.RegularExpressions.Regex.IsMatch(trimmed, @"[+-]\d\d:?\d\d$"))
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var zoned))
        {
            value = zoned.LocalDateTime;
            return true;
        }

        problem = "is not a time; use " + TimeForms;
        return false;
    }
}
