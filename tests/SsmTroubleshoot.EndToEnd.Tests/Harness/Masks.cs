using System.Text.RegularExpressions;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>
/// What may differ between two runs of the same example and is masked on both sides before output is compared:
/// ids, run times and clock-relative timestamps. Everything else must match character for character.
/// </summary>
public static partial class Masks
{
    public static string Apply(string text)
    {
        text = Guid().Replace(text, "<guid>");
        text = UtcTimestamp().Replace(text, "<utc>");
        text = Duration().Replace(text, "<t>");
        return text;
    }

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    // "since 2026-12-03 20:51:47Z": now minus a window.
    [GeneratedRegex(@"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z")]
    private static partial Regex UtcTimestamp();

    // "0.5s", "12ms", "1.23s": how long something took (Wait-AutomationExecution, Pester).
    [GeneratedRegex(@"(?<![\w.])\d+(\.\d+)?(ms|s)\b")]
    private static partial Regex Duration();
}
