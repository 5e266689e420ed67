using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

// The 50 MB line test counts the process's allocations: no other test may allocate meanwhile.
[Collection(AllocationMeasurements.Name)]
public sealed class LogReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ssmlogs-engine-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string AllCategories => string.Concat(AgentLogSamples.ByCategory.Values);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static LogSourceResult ScanFile(string path, LogScanOptions? options = null, List<SsmAgentLogEntry>? entries = null) =>
        new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, options ?? new LogScanOptions()).ScanFile(path, entries is null ? null : entries.Add, null, CancellationToken.None);

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }

    public static IEnumerable<object[]> Encodings() => new[]
    {
        new object[] { "utf8", new UTF8Encoding(false), false },
        new object[] { "utf8bom", new UTF8Encoding(true), true },
        new object[] { "utf16le", new UnicodeEncoding(false, true), true },
        new object[] { "utf16be", new UnicodeEncoding(true, true), true },
        new object[] { "utf16le-nobom", new UnicodeEncoding(false, false), false },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_encoding_and_crlf_reads_the_same_issues(string name, Encoding encoding, bool bom)
    {
        var text = AllCategories.Replace("\n", "\r\n", StringComparison.Ordinal);
        var bytes = (bom ? encoding.GetPreamble() : Array.Empty<byte>()).Concat(encoding.GetBytes(text)).ToArray();
        var result = ScanFile(Write(name + ".log", bytes));
        Assert.False(result.IsBinary);
        Assert.Equal(AgentLogSamples.ByCategory.Keys.OrderBy(k => k), result.Issues.Select(i => i.Category).OrderBy(k => k));
    }

    [Fact]
    public void Gzip_rotations_are_read_and_a_truncated_one_keeps_what_was_read_and_says_so()
    {
        var text = Encoding.UTF8.GetBytes(AgentLogSamples.ByCategory["Throttling"] + string.Concat(Enumerable.Repeat(AgentLogSamples.Benign, 3000)) + AgentLogSamples.ByCategory["DnsResolution"]);
        var gz = Gzip(text);
        var whole = ScanFile(Write("amazon-ssm-agent.log.2.gz", gz));
        Assert.Null(whole.Corruption);
        Assert.Equal(new[] { "DnsResolution", "Throttling" }, whole.Issues.Select(i => i.Category).OrderBy(c => c));

        var cut = ScanFile(Write("amazon-ssm-agent.log.3.gz", gz.Take(gz.Length / 2).ToArray()));
        Assert.NotNull(cut.Corruption);
        Assert.Contains("truncated", cut.Corruption, StringComparison.Ordinal);
        Assert.Equal("Throttling", Assert.Single(cut.Issues).Category);
    }

    [Fact]
    public void A_binary_file_is_reported_and_not_read()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[10] = 0;
        bytes[13] = 0;
        var result = ScanFile(Write("core.log", bytes));
        Assert.True(result.IsBinary);
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void A_50_MB_line_is_capped_and_the_entries_around_it_still_classify()
    {
        var path = Path.Combine(_dir, "huge.log");
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            writer.Write(AgentLogSamples.ByCategory["Throttling"]);
            writer.Write("2024-06-11 07:50:30 ERROR [ssm-agent-worker] payload: too many open files ");
            var chunk = new string('x', 1024 * 1024);
            for (var i = 0; i < 50; i++)
            {
                writer.Write(chunk);
            }

            writer.Write('\n');
            writer.Write(AgentLogSamples.ByCategory["DnsResolution"]);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var entries = new List<SsmAgentLogEntry>();
        var result = ScanFile(path, new LogScanOptions { MaxLineChars = 16 * 1024 }, entries);
        Assert.Equal(1, result.TruncatedLines);
        Assert.Equal(new[] { "DnsResolution", "FileDescriptorExhaustion", "Throttling" }, result.Issues.Select(i => i.Category).OrderBy(c => c));
        var huge = entries.Single(e => e.Category == "FileDescriptorExhaustion");
        Assert.True(huge.Message.Length < 17 * 1024, "kept " + huge.Message.Length);
        Assert.EndsWith("[line truncated]", huge.Message, StringComparison.Ordinal);
        Assert.Equal(4, entries.Single(e => e.Category == "DnsResolution").LineNumber);
        // Reading 50 MB must not mean holding 50 MB (UTF-16 would be 100 MB): allow decode buffers only.
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 40L * 1024 * 1024, "allocated " + (GC.GetTotalAllocatedBytes(precise: true) - before));

        // The default cap is larger than a block: the rest of the line must still be skipped, not become new lines.
        var defaults = new List<SsmAgentLogEntry>();
        var again = ScanFile(path, new LogScanOptions(), defaults);
        Assert.Equal(1, again.TruncatedLines);
        Assert.Equal(5, again.Lines);
        Assert.InRange(defaults.Single(e => e.Category == "FileDescriptorExhaustion").Message.Length, 60 * 1024, 65 * 1024);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(4096)]
    public void Every_line_over_the_cap_is_truncated_wherever_it_falls_in_what_was_read(int cap)
    {
        // Lines just under, at and over the cap, far more text than one read: the reader keeps a read as decoded when
        // no line in it is over the cap and copies line by line otherwise; both ways must count and cut the same lines.
        var random = new Random(cap);
        var text = new StringBuilder();
        var over = 0;
        var lines = 0;
        while (text.Length < 3 * 1024 * 1024)
        {
            var length = random.Next(8) == 0 ? cap + random.Next(-2, 3) : random.Next(1, cap);
            over += length > cap ? 1 : 0;
            lines++;
            text.Append("2024-06-11 07:40:00 INFO ".PadRight(Math.Min(length, 25), 'x').Substring(0, Math.Min(length, 25)));
            text.Append('y', Math.Max(0, length - 25));
            text.Append('\n');
        }

        var path = Write("caps.log", Encoding.UTF8.GetBytes(text.ToString()));
        var result = ScanFile(path, new LogScanOptions { MaxLineChars = cap, BlockChars = Math.Max(1024, 2 * cap) });
        Assert.Equal(over, result.TruncatedLines);
        Assert.Equal(lines, result.Lines);
    }

    [Fact]
    public void Entries_that_span_block_boundaries_and_the_reader_thread_give_the_same_result()
    {
        var text = new StringBuilder();
        var expected = new Dictionary<string, int>();
        var random = new Random(42);
        var categories = AgentLogSamples.ByCategory.Keys.ToArray();
        for (var i = 0; i < 4000; i++)
        {
            if (random.Next(20) == 0)
            {
                var category = categories[random.Next(categories.Length)];
                text.Append(AgentLogSamples.ByCategory[category]);
                expected[category] = expected.TryGetValue(category, out var n) ? n + 1 : 1;
            }
            else
            {
                text.Append(AgentLogSamples.Benign);
            }
        }

        var path = Write("amazon-ssm-agent.log", Encoding.UTF8.GetBytes(text.ToString()));
        var small = ScanFile(path, new LogScanOptions { BlockChars = 4096, ParallelReadThreshold = long.MaxValue });
        var threaded = ScanFile(path, new LogScanOptions { BlockChars = 8192, ParallelReadThreshold = 0 });
        Assert.Equal(expected.OrderBy(p => p.Key), small.Issues.Select(i => new KeyValuePair<string, int>(i.Category, i.Count)).OrderBy(p => p.Key));
        Assert.Equal(
            small.Issues.Select(i => (i.Category, i.Count, string.Join(",", i.LineNumbers))),
            threaded.Issues.Select(i => (i.Category, i.Count, string.Join(",", i.LineNumbers))));
        Assert.Equal(text.ToString().Count(c => c == '\n'), small.Lines);
    }

    [Fact]
    public void Cancellation_stops_a_threaded_scan()
    {
        var path = Write("big.log", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(AgentLogSamples.Benign, 20000))));
        using var cts = new CancellationTokenSource();
        var analyzer = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions { BlockChars = 4096, ParallelReadThreshold = 0 });
        var blocks = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => analyzer.ScanFile(path, null, (_, _) =>
        {
            if (++blocks == 3)
            {
                cts.Cancel();
            }
        }, cts.Token));
        Assert.Equal(3, blocks);
    }

    [Fact]
    public void A_folder_lists_current_and_rotated_logs_oldest_first()
    {
        foreach (var name in new[] { "amazon-ssm-agent.log", "amazon-ssm-agent.log.1", "amazon-ssm-agent.log.2.gz", "errors.log", "hibernate.log", "notes.txt", "ssm-cli.json" })
        {
            Write(name, Encoding.UTF8.GetBytes("x\n"));
        }

        Directory.CreateDirectory(Path.Combine(_dir, "audits"));
        var files = AgentLogAnalyzer.LogFilesIn(_dir).Select(Path.GetFileName);
        Assert.Equal(new[] { "amazon-ssm-agent.log.2.gz", "amazon-ssm-agent.log.1", "amazon-ssm-agent.log", "errors.log", "hibernate.log" }, files);
    }
}

/// <summary>Tests that measure the whole process's allocations: run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    internal const string Name = "Allocation measurements";
}
