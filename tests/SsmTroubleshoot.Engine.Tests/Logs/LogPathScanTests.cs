using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// The one log-reading workflow both front ends call (issue #18): folder expansion, each file once per run, every
/// source an outcome (issues, or why not), and the category selection both front ends validate -Category with.
/// </summary>
public sealed class LogPathScanTests : IDisposable
{
    private const string Timeout = "2024-06-11 07:43:10 ERROR [ssm-agent-worker] [MessageService] error when calling AWS APIs. error details - RequestError: send request failed\n"
        + "caused by: Post \"https://ec2messages.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ssmts-pathscan-" + Guid.NewGuid().ToString("N"));

    public LogPathScanTests() => Directory.CreateDirectory(_folder);

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

    private static AgentLogAnalyzer Analyzer() => new(LogRuleCatalog.BuiltIn, new LogScanOptions());

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    [Fact]
    public void A_folder_gives_one_outcome_per_log_file_its_notes_and_reads_a_file_named_again_only_once()
    {
        var log = Path.Combine(_folder, "amazon-ssm-agent.log");
        File.WriteAllText(log, Timeout);
        File.WriteAllBytes(Path.Combine(_folder, "errors.log"), new byte[] { 0, 1, 2, 0, 0, 255, 0, 7 });
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), Timeout); // not an agent log name
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Equal(0, MakeFifo(Path.Combine(_folder, "hibernate.log"), Convert.ToUInt32("644", 8)));
        }

        var scanned = new HashSet<string>(StringComparer.Ordinal);
        var analyzer = Analyzer();
        var outcomes = LogPathScan.Scan(analyzer, _folder, scanned, null, null, CancellationToken.None).ToList();
        var again = LogPathScan.Scan(analyzer, log, scanned, null, null, CancellationToken.None).ToList();

        var read = Assert.Single(outcomes, o => o.Path == log);
        Assert.Equal(LogReadProblem.None, read.Problem);
        Assert.Equal("EndpointUnreachable", Assert.Single(read.Result!.Issues).Category);
        var binary = Assert.Single(outcomes, o => o.Path.EndsWith("errors.log", StringComparison.Ordinal));
        Assert.Null(binary.Result);
        Assert.Contains("binary content", Assert.Single(binary.Warnings), StringComparison.Ordinal);
        Assert.DoesNotContain(outcomes, o => o.Path.EndsWith("notes.txt", StringComparison.Ordinal));
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var folder = Assert.Single(outcomes, o => o.IsFolder);
            Assert.Contains("named pipe", Assert.Single(folder.Warnings), StringComparison.Ordinal);
        }

        Assert.Empty(again); // already read by the folder
    }

    [Fact]
    public void Problems_are_outcomes_not_exceptions_and_an_empty_folder_says_so()
    {
        var scanned = new HashSet<string>(StringComparer.Ordinal);
        var missing = Assert.Single(LogPathScan.Scan(Analyzer(), Path.Combine(_folder, "nope.log"), scanned, null, null, CancellationToken.None));
        Assert.Equal((LogReadProblem.NotFound, false), (missing.Problem, missing.IsFolder));

        var empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        var note = Assert.Single(LogPathScan.Scan(Analyzer(), empty, scanned, null, null, CancellationToken.None));
        Assert.Equal((LogReadProblem.None, true), (note.Problem, note.IsFolder));
        Assert.Contains("No agent log files", Assert.Single(note.Warnings), StringComparison.Ordinal);

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var pipe = Path.Combine(_folder, "named.log");
            Assert.Equal(0, MakeFifo(pipe, Convert.ToUInt32("644", 8)));
            var refused = Assert.Single(LogPathScan.Scan(Analyzer(), pipe, scanned, null, null, CancellationToken.None));
            Assert.Equal(LogReadProblem.NotRegularFile, refused.Problem);
        }
    }

    [Fact]
    public void A_cancelled_scan_stops_with_OperationCanceledException()
    {
        var log = Path.Combine(_folder, "amazon-ssm-agent.log");
        File.WriteAllText(log, Timeout);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LogPathScan.Scan(Analyzer(), _folder, new HashSet<string>(), null, null, cancelled.Token).ToList());
    }

    [Fact]
    public void Category_names_select_with_wildcards_case_insensitively_and_the_first_unknown_name_is_reported()
    {
        var catalog = LogRuleCatalog.BuiltIn;
        var proxy = catalog.SelectCategories(new[] { "proxy*", "iamaccessdenied" }, allowUnknown: false);
        Assert.Null(proxy.Invalid);
        Assert.Contains("IamAccessDenied", proxy.Selected!);
        Assert.All(proxy.Selected!.Where(c => c != "IamAccessDenied"), c => Assert.StartsWith("Proxy", c, StringComparison.Ordinal));
        Assert.False(proxy.IncludesUnknown);

        Assert.True(catalog.SelectCategories(new[] { "Unknown" }, allowUnknown: true).IncludesUnknown);
        var refused = catalog.SelectCategories(new[] { "IamAccessDenied", "Unknown" }, allowUnknown: false);
        Assert.Equal(("Unknown", null), (refused.Invalid, refused.Selected));
        Assert.DoesNotContain("Unknown", refused.Valid);
        Assert.Null(catalog.SelectCategories(null, allowUnknown: true).Selected);
        Assert.Null(catalog.SelectCategories(new[] { " " }, allowUnknown: true).Selected);
    }
}
