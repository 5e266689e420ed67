using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Logs;

/// <summary>What reading one file produced: its issues, and why it was skipped or cut short.</summary>
public sealed class LogSourceResult
{
    internal LogSourceResult(string? path, IReadOnlyList<SsmAgentLogIssue> issues, long lines, int classified, bool isBinary,
        int truncatedLines, string? corruption, IReadOnlyList<string>? warnings = null)
    {
        Warnings = warnings ?? Array.Empty<string>();
        Path = path;
        Issues = issues;
        Lines = lines;
        Classified = classified;
        IsBinary = isBinary;
        TruncatedLines = truncatedLines;
        Corruption = corruption;
    }

    public string? Path { get; }

    public IReadOnlyList<SsmAgentLogIssue> Issues { get; }

    public long Lines { get; }

    public int Classified { get; }

    /// <summary>The file is not text (NUL bytes in its first block); nothing was read.</summary>
    public bool IsBinary { get; }

    /// <summary>Lines longer than the cap; only their start was kept.</summary>
    public int TruncatedLines { get; }

    /// <summary>Why the file ended early (a truncated or corrupt .gz); the issues hold what was read before.</summary>
    public string? Corruption { get; }

    /// <summary>
    /// What the reader should know about this file: it shrank while read (the rest was not read), over-long lines were
    /// classified on their first part only, a rule's pattern timed out and was turned off.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Reads agent logs and turns them into issues. The caller's thread classifies and receives every callback;
/// big files are read and decoded on a second thread meanwhile (bounded hand-off, so memory stays flat).
/// </summary>
public sealed class AgentLogAnalyzer
{
    private static readonly Regex s_logFileName = new(@"\.log(\.[0-9A-Za-z_-]+)?(\.gz)?$|\.log\.gz$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex s_rotation = new(@"\.log\.(\d+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public AgentLogAnalyzer(LogRuleCatalog catalog, LogScanOptions options)
    {
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public LogRuleCatalog Catalog { get; }

    public LogScanOptions Options { get; }

    // One per run: a pattern that times out is turned off for every later file and text of the run.
    private readonly RuleTimeouts _timeouts = new();

    /// <summary>
    /// Warnings since the last call (a rule whose pattern timed out and was turned off), each once; front ends write
    /// them after each source.
    /// </summary>
    public IReadOnlyList<string> TakeWarnings() => _timeouts.Take();

    /// <summary>Where the agent writes its logs on this platform.</summary>
    public static string DefaultLogDirectory => RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
        ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Amazon", "SSM", "Logs")
        : "/var/log/amazon/ssm/";

    /// <summary>
    /// The log files of a folder (not its subfolders): *.log, rotated *.log.N and .gz; grouped by log, the oldest
    /// rotation first so that each log reads in time order.
    /// </summary>
    public static IReadOnlyList<string> LogFilesIn(string directory) => LogFilesIn(directory, null);

    /// <summary>
    /// As <see cref="LogFilesIn(string)"/>; regular files only: a named pipe or device named like a log is left out
    /// (opening a pipe blocks until something writes to it) and added to <paramref name="skipped"/> with its kind.
    /// </summary>
    public static IReadOnlyList<string> LogFilesIn(string directory, ICollection<string>? skipped) =>
        Directory.EnumerateFiles(directory)
            .Where(f => s_logFileName.IsMatch(System.IO.Path.GetFileName(f)))
            .Where(f =>
            {
                var kind = Common.FileKinds.NotRegular(f);
                if (kind is not null)
                {
                    skipped?.Add($"'{f}' is {kind}, not a regular file; skipped.");
                }

                return kind is null;
            })
            .Select(f => (Path: f, Name: System.IO.Path.GetFileName(f)))
            .Select(f => (f.Path, Base: BaseName(f.Name), Rotation: Rotation(f.Name)))
            .OrderBy(f => f.Base, StringComparer.OrdinalIgnoreCase)
            .ThenByDescending(f => f.Rotation)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path)
            .ToArray();

    /// <summary>
    /// Reads one file. Throws the IO exception when it cannot be opened (missing, access denied); reports binary
    /// files and truncated .gz in the result. <paramref name="onEntry"/> and <paramref name="onProgress"/> run on
    /// the calling thread.
    /// </summary>
    public LogSourceResult ScanFile(string path, Action<SsmAgentLogEntry>? onEntry, Action<long, long>? onProgress, CancellationToken cancellationToken)
    {
        if (Common.FileKinds.NotRegular(path) is { } kind)
        {
            throw new Common.NotRegularFileException(path, kind);
        }

        using var reader = LogTextReader.Open(path, Options.BlockChars, Options.MaxLineChars);
        if (reader.IsBinary)
        {
            return new LogSourceResult(path, Array.Empty<SsmAgentLogIssue>(), 0, 0, true, 0, null);
        }

        var scanner = new EntryScanner(Catalog, Options, path, onEntry) { Cancellation = cancellationToken, Timeouts = _timeouts };
        if (reader.Length >= Options.ParallelReadThreshold)
        {
            ScanWithReaderThread(reader, scanner, onProgress, cancellationToken);
        }
        else
        {
            var block = new char[Options.BlockChars];
            int length;
            while ((length = reader.ReadBlock(ref block)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                scanner.Feed(block, length, null);
                onProgress?.Invoke(reader.Position, reader.Length);
            }
        }

        var issues = scanner.Complete();
        var warnings = new List<string>();
        if (reader.ShrankMessage is { } shrank)
        {
            warnings.Add($"'{path}': {shrank}.");
        }

        if (reader.TruncatedLines > 0)
        {
            warnings.Add($"'{path}': {reader.TruncatedLines:N0} line(s) longer than {reader.MaxLineChars / 1024} KB: only their first {reader.MaxLineChars / 1024} KB "
                + "were classified, so a problem named further along such a line is not seen.");
        }

        warnings.AddRange(_timeouts.Take());
        return new LogSourceResult(path, issues, scanner.Lines, scanner.Classified, false, reader.TruncatedLines, reader.CorruptionMessage, warnings);
    }

    /// <summary>Scans text that arrives piece by piece (pipeline input): add text, then complete.</summary>
    public LogTextSession BeginText(string? sourceName, Action<SsmAgentLogEntry>? onEntry, CancellationToken cancellationToken = default) =>
        new(new EntryScanner(Catalog, Options, sourceName, onEntry) { Cancellation = cancellationToken, Timeouts = _timeouts }, Options.MaxLineChars);

    /// <summary>Scans text collected from one instance (Run Command output): every issue and entry carries that instance id.</summary>
    public LogTextSession BeginInstanceText(string instanceId, string? sourceName, Action<SsmAgentLogEntry>? onEntry, CancellationToken cancellationToken = default) =>
        new(new EntryScanner(Catalog, Options, sourceName, onEntry) { KnownInstanceId = instanceId, Cancellation = cancellationToken, Timeouts = _timeouts }, Options.MaxLineChars);

    [MethodImpl(HotPath.Optimize)]
    private void Produce(LogTextReader reader, BlockingCollection<ScanChunk> free, BlockingCollection<ScanChunk> blocks, CancellationToken stop)
    {
        try
        {
            // The signature search is the largest share of the work. This thread does it whenever the scanning thread
            // has blocks waiting (it is the slower one then), and leaves it to that thread when it is about to run dry,
            // so neither core waits for the other whatever the mix of the log.
            while (true)
            {
                var chunk = free.Take(stop);
                chunk.Length = reader.ReadBlock(ref chunk.Text);
                if (chunk.Length == 0)
                {
                    break;
                }

                chunk.Searched = blocks.Count >= 2;
                if (chunk.Searched)
                {
                    chunk.Matches.Clear();
                    Catalog.FindLowLevelSignatures(chunk.Text, chunk.Length, chunk.Matches);
                }

                chunk.Position = reader.Position;
                blocks.Add(chunk, stop);
            }
        }
        finally
        {
            blocks.CompleteAdding();
        }
    }

    [MethodImpl(HotPath.Optimize)]
    private void ScanWithReaderThread(LogTextReader reader, EntryScanner scanner, Action<long, long>? onProgress, CancellationToken cancellationToken)
    {
        // Sixteen small blocks in flight at most, in arrays that go back and forth between the two threads: the reader
        // stays ahead without memory growing with the file, and a scan allocates no text of its own size.
        const int InFlight = 16;
        using var free = new BlockingCollection<ScanChunk>();
        for (var i = 0; i < InFlight + 2; i++)
        {
            free.Add(new ScanChunk(Options.BlockChars));
        }

        using var blocks = new BlockingCollection<ScanChunk>(boundedCapacity: InFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(reader, free, blocks, stop.Token), stop.Token);

        try
        {
            foreach (var chunk in blocks.GetConsumingEnumerable(stop.Token))
            {
                scanner.Feed(chunk.Text, chunk.Length, chunk.Searched ? chunk.Matches : null);
                onProgress?.Invoke(chunk.Position, reader.Length);
                free.Add(chunk);
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped first (Ctrl+C or its own failure); that is what propagates.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A block in flight from the reader thread to the scanning thread; reused once scanned.</summary>
    private sealed class ScanChunk
    {
        internal ScanChunk(int chars) => Text = new char[chars];

        internal char[] Text;

        internal int Length;

        /// <summary>Whether <see cref="Matches"/> holds the block's low-level signatures (else the scanning thread finds them).</summary>
        internal bool Searched;

        internal long Position;

        internal List<int> Matches { get; } = new();
    }

    private static string BaseName(string name)
    {
        var index = name.IndexOf(".log", StringComparison.OrdinalIgnoreCase);
        return index < 0 ? name : name.Substring(0, index);
    }

    private static int Rotation(string name)
    {
        var match = s_rotation.Match(name);
        return match.Success && int.TryParse(match.Groups[1].Value, out var n) ? n : 0;
    }
}

/// <summary>Text fed piece by piece (pipeline lines); lines are capped like file lines.</summary>
public sealed class LogTextSession
{
    private readonly EntryScanner _scanner;
    private readonly int _maxLineChars;

    internal LogTextSession(EntryScanner scanner, int maxLineChars)
    {
        _scanner = scanner;
        _maxLineChars = maxLineChars;
    }

    /// <summary>Adds one or more lines (a string from Get-Content, or a whole multi-line command output).</summary>
    public void Add(string? text)
    {
        if (text is null)
        {
            return;
        }

        if (text.Length > _maxLineChars && text.IndexOf('\n') < 0)
        {
            text = text.Substring(0, _maxLineChars) + LogTextReader.TruncationMarker;
        }

        _scanner.Feed(text.EndsWith("\n", StringComparison.Ordinal) ? text : text + "\n");
    }

    public IReadOnlyList<SsmAgentLogIssue> Complete() => _scanner.Complete();
}
