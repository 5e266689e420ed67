using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Reliability;

/// <summary>
/// Log inputs that used to hang, lie or go unnoticed (issue #19, items 2, 6 and 10): a named pipe, a catastrophic
/// custom pattern, a multi-member gzip, a file truncated while read, a problem named past 64 KB into a line.
/// </summary>
public sealed class LogInputTests : IDisposable
{
    private const string Timeout = "2024-06-11 07:43:10 ERROR [ssm-agent-worker] [MessageService] error when calling AWS APIs. error details - RequestError: send request failed\n"
        + "caused by: Post \"https://ec2messages.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ssmts-reliability-" + Guid.NewGuid().ToString("N"));

    public LogInputTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static AgentLogAnalyzer Analyzer(LogRuleCatalog? catalog = null) => new(catalog ?? LogRuleCatalog.BuiltIn, new LogScanOptions());

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    [Fact]
    public async Task A_named_pipe_called_log_is_skipped_in_a_folder_and_refused_by_name_without_blocking()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return; // no FIFOs in Windows folders
        }

        var pipe = Path.Combine(_folder, "amazon-ssm-agent.log");
        Assert.Equal(0, MakeFifo(pipe, Convert.ToUInt32("644", 8)));
        File.WriteAllText(Path.Combine(_folder, "errors.log"), Timeout);
        Assert.Equal("a named pipe (FIFO)", FileKinds.NotRegular(pipe));
        Assert.Null(FileKinds.NotRegular(Path.Combine(_folder, "errors.log")));

        var skipped = new List<string>();
        var files = AgentLogAnalyzer.LogFilesIn(_folder, skipped);
        Assert.Equal(new[] { Path.Combine(_folder, "errors.log") }, files);
        Assert.Contains("named pipe", Assert.Single(skipped), StringComparison.Ordinal);

        // Given by name it is refused at once (opening it would wait for a writer forever).
        var scan = Task.Run(() => Analyzer().ScanFile(pipe, null, null, CancellationToken.None));
        Assert.Same(scan, await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(10))));
        var error = await Assert.ThrowsAsync<NotRegularFileException>(() => scan);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_that_times_out_is_reported_once_and_turned_off_for_the_run()
    {
        var rules = Path.Combine(_folder, "rules.json");
        File.WriteAllText(rules, """
            { "schemaVersion": 1, "rules": [ { "id": "acme.runaway", "category": "AcmeRunaway", "severity": "High", "minimumLevel": "Warn",
              "signatures": ["aaaa"], "patterns": ["(a|aa)+$"], "cause": "c", "remediation": "r", "nextStep": "n" } ] }
            """);
        var evil = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            evil.Append("2024-06-11 07:00:").Append((i % 60).ToString("00")).Append(" ERROR ").Append(new string('a', 30_000)).Append("!\n");
        }

        var log = Path.Combine(_folder, "amazon-ssm-agent.log");
        File.WriteAllText(log, evil + Timeout);
        var analyzer = Analyzer(LogRuleCatalog.WithCustomRules(new[] { rules }));

        var watch = Stopwatch.StartNew();
        var result = analyzer.ScanFile(log, null, null, CancellationToken.None);

        // One time-out (about a second), not one per entry; the other rules still work.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        var warning = Assert.Single(result.Warnings, w => w.Contains("acme.runaway", StringComparison.Ordinal));
        Assert.Contains("turned off for the rest of this run", warning, StringComparison.Ordinal);
        Assert.Contains("rules.json", warning, StringComparison.Ordinal);
        Assert.Contains(result.Issues, i => i.Category == "EndpointUnreachable");

        // Off for the rest of the run: a second file does not time out (nor warn) again.
        var second = analyzer.ScanFile(log, null, null, CancellationToken.None);
        Assert.DoesNotContain(second.Warnings, w => w.Contains("acme.runaway", StringComparison.Ordinal));
    }

    [Fact]
    public void Cancellation_is_seen_at_the_next_entry_not_the_next_block()
    {
        var rules = Path.Combine(_folder, "marker.json");
        File.WriteAllText(rules, """
            { "schemaVersion": 1, "rules": [ { "id": "acme.marker", "category": "AcmeMarker", "severity": "High", "minimumLevel": "Warn",
              "signatures": ["ACME-MARK"], "patterns": ["ACME-MARK"], "cause": "c", "remediation": "r", "nextStep": "n" } ] }
            """);
        var log = Path.Combine(_folder, "amazon-ssm-agent.log");
        File.WriteAllText(log, string.Concat(Enumerable.Range(0, 200).Select(i => $"2024-06-11 07:00:00 ERROR [agent] ACME-MARK {i}\n")));
        using var cancel = new CancellationTokenSource();
        var entries = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => Analyzer(LogRuleCatalog.WithCustomRules(new[] { rules })).ScanFile(log, _ =>
        {
            if (++entries == 3)
            {
                cancel.Cancel();
            }
        }, null, cancel.Token));
        Assert.Equal(3, entries);

        var session = Analyzer().BeginText(null, null, new CancellationToken(canceled: true));
        Assert.ThrowsAny<OperationCanceledException>(() => session.Add(Timeout + Timeout));
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            gzip.Write(bytes, 0, bytes.Length);
        }

        return buffer.ToArray();
    }

    [Fact]
    public void A_multi_member_gzip_reads_whole_and_a_cut_one_is_still_corrupt()
    {
        var filler = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            filler.Append("2024-06-11 06:").Append((i / 60 % 60).ToString("00")).Append(':').Append((i % 60).ToString("00")).Append(" INFO [ssm-agent-worker] heartbeat ").Append(i).Append('\n');
        }

        var first = Gzip(filler + Timeout);
        var second = Gzip(Timeout.Replace("07:43:10", "08:00:00", StringComparison.Ordinal));

        // cat a.gz b.gz: a valid gzip (gzip -t passes), both members read, no corruption reported.
        var both = Path.Combine(_folder, "amazon-ssm-agent.log.1.gz");
        File.WriteAllBytes(both, first.Concat(second).ToArray());
        var result = Analyzer().ScanFile(both, null, null, CancellationToken.None);
        Assert.Null(result.Corruption);
        var unreachable = Assert.Single(result.Issues, i => i.Category == "EndpointUnreachable");
        Assert.Equal(2, unreachable.Count); // one entry from each member

        // The same two members cut short: corrupt, with what was read before.
        var cut = Path.Combine(_folder, "amazon-ssm-agent.log.2.gz");
        var whole = first.Concat(second).ToArray();
        File.WriteAllBytes(cut, whole.Take(whole.Length - 6).ToArray());
        Assert.Contains("ends early", Analyzer().ScanFile(cut, null, null, CancellationToken.None).Corruption, StringComparison.Ordinal);

        // A single member, whole and cut.
        var single = Path.Combine(_folder, "amazon-ssm-agent.log.3.gz");
        File.WriteAllBytes(single, first);
        Assert.Null(Analyzer().ScanFile(single, null, null, CancellationToken.None).Corruption);
        File.WriteAllBytes(single, first.Take(first.Length / 2).ToArray());
        Assert.NotNull(Analyzer().ScanFile(single, null, null, CancellationToken.None).Corruption);
    }

    [Fact]
    public void A_log_truncated_while_it_is_read_says_so()
    {
        var log = Path.Combine(_folder, "amazon-ssm-agent.log");
        var text = new StringBuilder();
        while (text.Length < 1_500_000)
        {
            text.Append("2024-06-11 06:00:00 INFO [ssm-agent-worker] heartbeat, nothing to report at all\n");
        }

        File.WriteAllText(log, text.ToString());
        var truncated = false;
        var result = Analyzer().ScanFile(log, null, (_, _) =>
        {
            if (!truncated)
            {
                truncated = true;
                using var writer = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                writer.SetLength(1000); // logrotate's copytruncate
            }
        }, CancellationToken.None);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("shrank", warning, StringComparison.Ordinal);
        Assert.Contains("were not read", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_named_past_64_KB_into_a_line_is_announced_as_not_seen()
    {
        var log = Path.Combine(_folder, "amazon-ssm-agent.log");
        File.WriteAllText(log, "2024-06-11 07:43:10 ERROR [ssm-agent-worker] payload " + new string('x', 70_000) + " dial tcp 52.46.141.158:443: i/o timeout\n");
        var result = Analyzer().ScanFile(log, null, null, CancellationToken.None);
        Assert.Equal(1, result.TruncatedLines);
        Assert.Contains(result.Warnings, w => w.Contains("longer than 64 KB", StringComparison.Ordinal) && w.Contains("not seen", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\n  \"schemaVersion\": 1,\n  \"rules\": []\n}\nx\n", 5)]
    [InlineData("{\n  \"schemaVersion\": 1,\n  \"rules\": [ { \"id\": }\n  ]\n}\n", 3)]
    public void A_rule_file_with_bad_json_names_one_line_counted_from_one(string json, int line)
    {
        var rules = Path.Combine(_folder, "bad.json");
        File.WriteAllText(rules, json);
        var error = Assert.Throws<LogRuleException>(() => LogRuleCatalog.WithCustomRules(new[] { rules }));
        Assert.Equal(line, error.Line);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }
}
