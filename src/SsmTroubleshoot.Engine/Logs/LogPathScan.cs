using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace SsmTroubleshoot.Logs;

/// <summary>Why a path, or one log file under it, was not read.</summary>
public enum LogReadProblem
{
    None = 0,

    /// <summary>The path (or a file that vanished before it was opened) does not exist.</summary>
    NotFound,

    /// <summary>The folder or file may not be read by this user.</summary>
    AccessDenied,

    /// <summary>A named pipe or device given by name: opening it could block, so it is refused.</summary>
    NotRegularFile,

    /// <summary>Any other I/O failure (see <see cref="LogFileOutcome.Error"/>).</summary>
    ReadFailed,
}

/// <summary>What reading one log file came to, or why a path gave none: what both front ends report per source.</summary>
public sealed class LogFileOutcome
{
    internal LogFileOutcome(string path, bool isFolder, LogSourceResult? result, LogReadProblem problem, Exception? error, IReadOnlyList<string> warnings, TimeSpan elapsed)
    {
        Path = path;
        IsFolder = isFolder;
        Result = result;
        Problem = problem;
        Error = error;
        Warnings = warnings;
        Elapsed = elapsed;
    }

    /// <summary>The file read; for a problem of the folder itself, the folder.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Problem"/> concerns a folder (its listing), not a file.</summary>
    public bool IsFolder { get; }

    /// <summary>The file's issues and counts; null when it was not read (a problem, or binary content).</summary>
    public LogSourceResult? Result { get; }

    public LogReadProblem Problem { get; }

    public Exception? Error { get; }

    /// <summary>What the user should see about this source: skipped pipes, an empty folder, binary content, rule time-outs, a file that shrank.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public TimeSpan Elapsed { get; }
}

/// <summary>
/// The log-reading workflow of both front ends for one file system path: a folder is expanded to its agent log files
/// (regular files only), each file is read once per run, and each comes back as one <see cref="LogFileOutcome"/>,
/// lazily, so the caller writes results as they come. Callbacks run on the caller's thread.
/// </summary>
public static class LogPathScan
{
    /// <param name="fullPath">An absolute file or folder path (wildcards resolved by the caller).</param>
    /// <param name="scanned">Files read so far in this run: a file named twice (or by a folder and by name) is read once.</param>
    /// <param name="onProgress">(file, position, length) while a file is read.</param>
    public static IEnumerable<LogFileOutcome> Scan(AgentLogAnalyzer analyzer, string fullPath, ISet<string> scanned, Action<SsmAgentLogEntry>? onEntry,
        Action<string, long, long>? onProgress, CancellationToken cancellationToken)
    {
        if (analyzer is null)
        {
            throw new ArgumentNullException(nameof(analyzer));
        }

        if (scanned is null)
        {
            throw new ArgumentNullException(nameof(scanned));
        }

        if (!Directory.Exists(fullPath))
        {
            if (File.Exists(fullPath))
            {
                if (scanned.Add(fullPath))
                {
                    yield return ScanFile(analyzer, fullPath, onEntry, onProgress, cancellationToken);
                }
            }
            else
            {
                yield return new LogFileOutcome(fullPath, false, null, LogReadProblem.NotFound, null, Array.Empty<string>(), TimeSpan.Zero);
            }

            yield break;
        }

        var skipped = new List<string>();
        IReadOnlyList<string>? files = null;
        LogFileOutcome? failure = null;
        try
        {
            files = AgentLogAnalyzer.LogFilesIn(fullPath, skipped);
        }
        catch (UnauthorizedAccessException ex)
        {
            failure = new LogFileOutcome(fullPath, true, null, LogReadProblem.AccessDenied, ex, Array.Empty<string>(), TimeSpan.Zero);
        }
        catch (IOException ex)
        {
            failure = new LogFileOutcome(fullPath, true, null, LogReadProblem.ReadFailed, ex, Array.Empty<string>(), TimeSpan.Zero);
        }

        if (failure is not null)
        {
            yield return failure;
            yield break;
        }

        if (files!.Count == 0)
        {
            skipped.Add($"No agent log files (*.log, *.log.N, *.gz) in '{fullPath}'.");
        }

        if (skipped.Count > 0)
        {
            // The folder's own notes, as a source without a result.
            yield return new LogFileOutcome(fullPath, true, null, LogReadProblem.None, null, skipped, TimeSpan.Zero);
        }

        foreach (var file in files)
        {
            if (scanned.Add(file))
            {
                yield return ScanFile(analyzer, file, onEntry, onProgress, cancellationToken);
            }
        }
    }

    private static LogFileOutcome ScanFile(AgentLogAnalyzer analyzer, string file, Action<SsmAgentLogEntry>? onEntry, Action<string, long, long>? onProgress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        LogSourceResult result;
        try
        {
            result = analyzer.ScanFile(file, onEntry, onProgress is null ? null : (position, length) => onProgress(file, position, length), cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new LogFileOutcome(file, false, null, LogReadProblem.NotFound, ex, Array.Empty<string>(), watch.Elapsed);
        }
        catch (Common.NotRegularFileException ex)
        {
            return new LogFileOutcome(file, false, null, LogReadProblem.NotRegularFile, ex, Array.Empty<string>(), watch.Elapsed);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new LogFileOutcome(file, false, null, LogReadProblem.AccessDenied, ex, Array.Empty<string>(), watch.Elapsed);
        }
        catch (IOException ex)
        {
            return new LogFileOutcome(file, false, null, LogReadProblem.ReadFailed, ex, Array.Empty<string>(), watch.Elapsed);
        }

        if (result.IsBinary)
        {
            return new LogFileOutcome(file, false, null, LogReadProblem.None, null, new[] { $"'{file}' is not a text log (binary content); skipped." }, watch.Elapsed);
        }

        return new LogFileOutcome(file, false, result, LogReadProblem.None, null, result.Warnings, watch.Elapsed);
    }
}
