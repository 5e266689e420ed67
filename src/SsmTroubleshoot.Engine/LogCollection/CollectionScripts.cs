using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace SsmTroubleshoot.LogCollection;

/// <summary>
/// The read-only collection scripts (LogCollection/Scripts, embedded): only integers are substituted into them, so nothing
/// a caller types can become shell or PowerShell code on the instance.
/// </summary>
public static class CollectionScripts
{
    public const string ShellDocument = "AWS-RunShellScript";
    public const string PowerShellDocument = "AWS-RunPowerShellScript";

    /// <summary>The first line the scripts print: what the window held and how much of it was sent.</summary>
    public const string HeaderPrefix = "#SsmTroubleshoot-collect v1 ";

    private static readonly Lazy<string> s_shell = new(() => Read("collect-agent-log.sh"));
    private static readonly Lazy<string> s_powerShell = new(() => Read("collect-agent-log.ps1"));

    /// <summary>The document for a PlatformType: PowerShell on Windows, the shell on Linux and macOS.</summary>
    public static string DocumentFor(string platformType) =>
        string.Equals(platformType, "Windows", StringComparison.OrdinalIgnoreCase) ? PowerShellDocument : ShellDocument;

    /// <summary>The script for a document, with the window (UTC) and the cap filled in; one array item per line.</summary>
    public static string[] Render(string documentName, DateTime sinceUtc, DateTime? untilUtc, int capBytes)
    {
        var template = documentName == PowerShellDocument ? s_powerShell.Value : s_shell.Value;
        var text = template
            .Replace("{{SINCE_EPOCH}}", Epoch(sinceUtc).ToString(CultureInfo.InvariantCulture))
            .Replace("{{UNTIL_EPOCH}}", (untilUtc is { } until ? Epoch(until) : 0).ToString(CultureInfo.InvariantCulture))
            .Replace("{{CAP_BYTES}}", capBytes.ToString(CultureInfo.InvariantCulture));
        return text.Replace("\r\n", "\n").Split('\n').Where(line => line.Length > 0).ToArray();
    }

    private static long Epoch(DateTime time) =>
        (long)Math.Floor((time.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds);

    private static string Read(string name)
    {
        using var stream = typeof(CollectionScripts).Assembly.GetManifestResourceStream("SsmTroubleshoot.LogCollection.Scripts." + name)
            ?? throw new InvalidOperationException($"The collection script {name} is not embedded in the engine.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
