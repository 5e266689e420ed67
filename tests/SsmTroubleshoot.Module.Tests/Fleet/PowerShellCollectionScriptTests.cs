using System;
using System.Globalization;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Fleet;

/// <summary>The Windows collection script run in a real PowerShell runspace against a log folder written here.</summary>
public sealed class PowerShellCollectionScriptTests
{
    private static string Render(string logDirectory, DateTime sinceLocal, DateTime? untilLocal, int cap)
    {
        var template = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "SsmTroubleshoot.Engine", "LogCollection", "Scripts", "collect-agent-log.ps1"));
        static string Epoch(DateTime local) => new DateTimeOffset(local).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var lines = template
            .Replace("{{SINCE_EPOCH}}", Epoch(sinceLocal))
            .Replace("{{UNTIL_EPOCH}}", untilLocal is { } until ? Epoch(until) : "0")
            .Replace("{{CAP_BYTES}}", cap.ToString(CultureInfo.InvariantCulture))
            .Split('\n')
            .Select(l => l.StartsWith("$dir = ", StringComparison.Ordinal) ? $"$dir = '{logDirectory}'" : l);
        return string.Join("\n", lines);
    }

    [Fact]
    public void Prints_the_window_of_the_rotated_and_current_logs_in_time_order_and_keeps_the_newest_bytes_over_the_cap()
    {
        var dir = Directory.CreateTempSubdirectory("ssm-collect-ps-").FullName;
        try
        {
            var rotated = Path.Combine(dir, "amazon-ssm-agent.log.1");
            File.WriteAllText(rotated, "2024-06-11 07:59:59 ERROR too old\ncaused by: old\n2024-06-11 08:05:00 ERROR in rotated\ncaused by: kept\n");
            File.SetLastWriteTime(rotated, new DateTime(2024, 6, 11, 8, 6, 0, DateTimeKind.Local));
            var current = Path.Combine(dir, "amazon-ssm-agent.log");
            File.WriteAllText(current, "2024-06-11 08:30:00 INFO in current\n2024-06-11 09:00:01 ERROR after until\n");
            File.SetLastWriteTime(current, new DateTime(2024, 6, 11, 9, 0, 1, DateTimeKind.Local));
            var stale = Path.Combine(dir, "amazon-ssm-agent.log.2");
            File.WriteAllText(stale, "2024-06-10 01:00:00 ERROR stale file\n");
            File.SetLastWriteTime(stale, new DateTime(2024, 6, 10, 1, 0, 0, DateTimeKind.Local));

            using var session = new PowerShellSession(importModule: false);
            var since = new DateTime(2024, 6, 11, 8, 0, 0, DateTimeKind.Local);
            var result = session.Run(Render(dir, since, since.AddHours(1), 23_000));
            Assert.Empty(result.AllErrors);
            var output = result.Output.Select(o => o.BaseObject.ToString()).ToArray();
            Assert.Equal(2, output.Length);
            Assert.StartsWith("#SsmTroubleshoot-collect v1 total=", output[0], StringComparison.Ordinal);
            Assert.Contains(" files=2 ", output[0], StringComparison.Ordinal);
            Assert.Equal("2024-06-11 08:05:00 ERROR in rotated\ncaused by: kept\n2024-06-11 08:30:00 INFO in current\n", output[1]);

            var capped = session.Run(Render(dir, since, null, 30)).Output.Select(o => o.BaseObject.ToString()!).ToArray();
            Assert.Matches(@"total=\d+ sent=30 ", capped[0]);
            Assert.Equal(30, capped[1].Length);
            Assert.EndsWith("ERROR after until\n", capped[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
