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
        text = PhaseLatencies().Replace(text, " <latency>");
        text = Milliseconds().Replace(text, "in <n> ms");
        text = Port().Replace(text, ":<port>");
        text = TranscriptFile().Replace(text, "ssm-transcript-<dir>");
        text = ExceptionContinuation().Replace(text, "$1\n");
        return text;
    }

    // Test-SsmEndpoint's "dns/tcp/tls/http" milliseconds, right-aligned: the spaces before them vary too.
    [GeneratedRegex(@" +[\d-]+/[\d-]+/[\d-]+/[\d-]+(?= |$)", RegexOptions.Multiline)]
    private static partial Regex PhaseLatencies();

    [GeneratedRegex(@"in \d+ ms")]
    private static partial Regex Milliseconds();

    // Loopback servers listen on free ports.
    [GeneratedRegex(@"(?<=[\w.]):\d{4,5}\b")]
    private static partial Regex Port();

    // The transcript runner's own script file, named in ScriptStackTrace.
    [GeneratedRegex(@"ssm-transcript-\w+")]
    private static partial Regex TranscriptFile();

    // Format-List * -Force of an ErrorRecord: the exception's first line stays, its stack trace (source paths and line numbers of this build) goes.
    [GeneratedRegex(@"^(Exception +: [^\n]*)\n(?: {24}[^\n]*\n)+", RegexOptions.Multiline)]
    private static partial Regex ExceptionContinuation();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    // "since 2026-12-03 20:51:47Z": now minus a window.
    [GeneratedRegex(@"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z")]
    private static partial Regex UtcTimestamp();

    // "0.5s", "12ms", "1.23s": how long something took (Wait-AutomationExecution, Pester).
    [GeneratedRegex(@"(?<![\w.])\d+(\.\d+)?(ms|s)\b")]
    private static partial Regex Duration();
}
