using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SsmTroubleshoot.LogCollection;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Fleet;

/// <summary>The collection scripts: only integers go in, nothing on the instance is changed, and the shell one really cuts the window.</summary>
public sealed class CollectionScriptTests
{
    private static readonly DateTime Since = new(2024, 6, 11, 8, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(CollectionScripts.ShellDocument)]
    [InlineData(CollectionScripts.PowerShellDocument)]
    public void Rendering_fills_only_integers_and_the_script_changes_nothing(string document)
    {
        var lines = CollectionScripts.Render(document, Since, Since.AddHours(1), 23_000);
        var text = string.Join("\n", lines);
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
        var epoch = new DateTimeOffset(Since).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Contains(epoch, text, StringComparison.Ordinal);
        Assert.Contains((long.Parse(epoch, CultureInfo.InvariantCulture) + 3600).ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);

        // Review aid: nothing that writes, deletes, restarts, escalates or talks to the network.
        var forbidden = new Regex(@"\b(Set-Content|Out-File|Add-Content|Remove-Item|New-Item|Move-Item|Copy-Item|Stop-\w+|Restart-\w+|Start-Process|Invoke-WebRequest|Invoke-RestMethod|Invoke-Expression|iex|curl|wget|systemctl|service|chmod|chown|sudo|kill|dd\s+(if|of)=|sed\s+-i|tee|WriteAllText|Delete)\b", RegexOptions.IgnoreCase);
        Assert.DoesNotContain(lines, l => !l.TrimStart().StartsWith("#", StringComparison.Ordinal) && forbidden.IsMatch(l));

        // The only file written is the shell script's own temporary file, removed on exit.
        var redirects = lines.Where(l => Regex.IsMatch(l, @"(?<![0-9&])>{1,2}(?!=)\s*(?!/dev/null)")).ToArray();
        Assert.All(redirects, l => Assert.Contains("\"$tmp\"", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Shell_script_prints_the_window_in_local_time_continuations_included_and_caps_the_newest_bytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the shell script is exercised where bash and GNU date exist
        }

        var dir = Directory.CreateTempSubdirectory("ssm-collect-").FullName;
        try
        {
            var log = string.Join("\n",
                "2024-06-11 07:59:59 ERROR too old",
                "caused by: old continuation",
                "2024-06-11 08:00:00 ERROR [HealthCheck] first in window",
                "caused by: kept continuation",
                "2024-06-11 08:30:00 INFO middle",
                "2024-06-11 09:00:01 ERROR after until") + "\n";
            File.WriteAllText(Path.Combine(dir, "amazon-ssm-agent.log"), log);
            File.WriteAllText(Path.Combine(dir, "amazon-ssm-agent.log.gz"), "not read");
            File.WriteAllText(Path.Combine(dir, "errors.log"), "2024-06-11 08:10:00 ERROR duplicate of the main log\n");

            // TZ=UTC on the "instance": the agent's local timestamps are UTC here.
            var output = RunBash(dir, Since, Since.AddHours(1), 23_000);
            var lines = output.Split('\n');
            Assert.StartsWith(CollectionScripts.HeaderPrefix + "total=", lines[0], StringComparison.Ordinal);
            Assert.Contains("files=1", lines[0], StringComparison.Ordinal);
            Assert.Equal(
                "2024-06-11 08:00:00 ERROR [HealthCheck] first in window\ncaused by: kept continuation\n2024-06-11 08:30:00 INFO middle\n",
                string.Join("\n", lines.Skip(1)));

            var capped = RunBash(dir, Since, null, 40).Split('\n', 2);
            Assert.Matches(@"total=\d+ sent=40 ", capped[0]);
            Assert.Equal(40, capped[1].Length);
            Assert.EndsWith("ERROR after until\n", capped[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string RunBash(string logDirectory, DateTime since, DateTime? until, int cap)
    {
        var lines = CollectionScripts.Render(CollectionScripts.ShellDocument, since, until, cap)
            .Select(l => l == "dir=/var/log/amazon/ssm" ? "dir='" + logDirectory + "'" : l);
        var start = new ProcessStartInfo("bash", "-s") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(string.Join("\n", lines) + "\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "bash did not finish");
        Assert.True(process.ExitCode == 0, error);
        return output;
    }
}
