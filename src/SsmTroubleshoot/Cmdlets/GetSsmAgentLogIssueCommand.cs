using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Reads SSM Agent logs (files, folders, rotated and .gz files, or lines from the pipeline) and reports what is
/// wrong: one issue per category and source, with cause, remediation and the next command to run.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SsmAgentLogIssue", DefaultParameterSetName = PathSet)]
[OutputType(typeof(SsmAgentLogIssue))]
[OutputType(typeof(SsmAgentLogEntry))]
public sealed class GetSsmAgentLogIssueCommand : SsmTroubleshootCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";

    // Progress only for files big enough to take a noticeable time.
    private const long ProgressThresholdBytes = 16L * 1024 * 1024;

    private readonly HashSet<string> _scanned = new(StringComparer.Ordinal);
    private AgentLogAnalyzer? _analyzer;
    private LogTextSession? _session;
    private long _lastProgressTicks;
    private int _progressId;

    /// <summary>Log files or folders; wildcards allowed. Default: the agent's log folder on this platform.</summary>
    [Parameter(ParameterSetName = PathSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Log files or folders, taken literally; binds FileInfo objects from Get-ChildItem.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Log text from the pipeline (Get-Content lines, or Run Command output from another instance).</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyString]
    [AllowNull]
    public string[]? InputObject { get; set; }

    /// <summary>Ignore entries older than this (the agent's timestamps are the instance's local time).</summary>
    [Parameter]
    public DateTime Since { get; set; }

    /// <summary>Ignore entries newer than this.</summary>
    [Parameter]
    public DateTime Until { get; set; }

    /// <summary>Only entries of this last period (e.g. 02:00:00 for two hours); the same as -Since (Get-Date) - Last.</summary>
    [Parameter]
    public TimeSpan Last { get; set; }

    /// <summary>Only these categories (wildcards allowed; Unknown implies -IncludeUnclassified).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Category { get; set; }

    /// <summary>Emit every classified entry instead of one summary per category.</summary>
    [Parameter]
    public SwitchParameter AsEntry { get; set; }

    /// <summary>Also report ERROR/WARN entries that match no rule, as category Unknown.</summary>
    [Parameter]
    public SwitchParameter IncludeUnclassified { get; set; }

    /// <summary>JSON rule files (same schema as the built-in catalog) to add; they are tried first.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RulePath { get; set; }

    protected override void BeginProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey(nameof(Last)) && bound.ContainsKey(nameof(Since)))
        {
            ThrowTerminatingError(ErrorRecords.Create("Use either -Since or -Last, not both.", ErrorIds.LogTimeRangeInvalid,
                ErrorCategory.InvalidArgument, Last, "-Last 02:00:00 means -Since (Get-Date).AddHours(-2)."));
        }

        if (bound.ContainsKey(nameof(Last)) && Last <= TimeSpan.Zero)
        {
            ThrowTerminatingError(ErrorRecords.Create($"-Last must be a positive duration, not {Last}.", ErrorIds.LogTimeRangeInvalid,
                ErrorCategory.InvalidArgument, Last, "For example -Last 02:00:00 or -Last (New-TimeSpan -Hours 2)."));
        }

        DateTime? since = bound.ContainsKey(nameof(Last)) ? DateTime.Now - Last : bound.ContainsKey(nameof(Since)) ? ToLocal(Since) : null;
        DateTime? until = bound.ContainsKey(nameof(Until)) ? ToLocal(Until) : null;
        if (since > until)
        {
            ThrowTerminatingError(ErrorRecords.Create($"-Since ({since:u}) is after -Until ({until:u}).", ErrorIds.LogTimeRangeInvalid,
                ErrorCategory.InvalidArgument, Until, "Swap the two dates."));
        }

        var catalog = LogCmdletSupport.LoadCatalog(this, RulePath);
        var categories = LogCmdletSupport.ValidateCategories(this, catalog, Category, allowUnknown: true);
        var includeUnknown = IncludeUnclassified.IsPresent
            || (categories is not null && Array.IndexOf(categories, LogRuleCatalog.UnknownCategory) >= 0);
        _analyzer = new AgentLogAnalyzer(catalog, new LogScanOptions
        {
            Since = since,
            Until = until,
            Categories = categories,
            IncludeUnclassified = includeUnknown,
        });
        WriteVerbose($"Rule catalog: {catalog.Rules.Count} rules in {catalog.Categories.Count} categories"
            + (since is null ? string.Empty : $"; entries since {since:yyyy-MM-dd HH:mm:ss}")
            + (until is null ? string.Empty : $"; entries until {until:yyyy-MM-dd HH:mm:ss}") + ".");
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case InputObjectSet:
                _session ??= _analyzer!.BeginText(null, AsEntry ? WriteObject : null);
                foreach (var text in InputObject ?? Array.Empty<string>())
                {
                    ThrowIfStopping();
                    _session.Add(text ?? string.Empty);
                }

                break;
            case LiteralPathSet:
                foreach (var path in LiteralPath!)
                {
                    ScanPath(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path), path);
                }

                break;
            default:
                if (Path is null)
                {
                    var folder = AgentLogAnalyzer.DefaultLogDirectory;
                    WriteVerbose($"No -Path: reading the agent's log folder {folder}.");
                    ScanPath(folder, folder);
                    break;
                }

                foreach (var path in Path)
                {
                    ScanResolved(path);
                }

                break;
        }
    }

    protected override void EndProcessing()
    {
        if (_session is not null)
        {
            var issues = _session.Complete();
            if (!AsEntry)
            {
                foreach (var issue in issues)
                {
                    WriteObject(issue);
                }
            }
        }
    }

    private static DateTime ToLocal(DateTime time) => time.Kind == DateTimeKind.Utc ? time.ToLocalTime() : time;

    private void ScanResolved(string path)
    {
        Collection<string> resolved;
        ProviderInfo provider;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (ItemNotFoundException)
        {
            WriteNotFound(path);
            return;
        }

        if (provider.ImplementingType != typeof(FileSystemProvider))
        {
            WriteError(ErrorRecords.Create($"'{path}' is not a file system path (provider {provider.Name}).", ErrorIds.LogPathNotFileSystem,
                ErrorCategory.InvalidArgument, path, "Give a file or folder path."));
            return;
        }

        if (resolved.Count == 0)
        {
            WriteNotFound(path);
        }

        foreach (var item in resolved)
        {
            ScanPath(item, path);
        }
    }

    private void ScanPath(string path, string asGiven)
    {
        if (Directory.Exists(path))
        {
            IReadOnlyList<string> files;
            try
            {
                files = AgentLogAnalyzer.LogFilesIn(path);
            }
            catch (UnauthorizedAccessException ex)
            {
                WriteFailure(ex, ErrorIds.LogPathAccessDenied, path, "Run as an administrator (root) or grant read access to the log folder.");
                return;
            }
            catch (IOException ex)
            {
                WriteFailure(ex, ErrorIds.LogReadFailed, path);
                return;
            }

            if (files.Count == 0)
            {
                WriteWarning($"No agent log files (*.log, *.log.N, *.gz) in '{path}'.");
            }

            foreach (var file in files)
            {
                ScanFile(file);
            }
        }
        else if (File.Exists(path))
        {
            ScanFile(path);
        }
        else
        {
            WriteNotFound(asGiven);
        }
    }

    private void ScanFile(string file)
    {
        if (!_scanned.Add(file))
        {
            return;
        }

        ThrowIfStopping();
        WriteVerbose($"Reading {file}.");
        LogSourceResult result;
        var watch = Stopwatch.StartNew();
        try
        {
            result = _analyzer!.ScanFile(file, AsEntry ? WriteObject : null, (position, length) => Progress(file, position, length), CancelToken);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            WriteNotFound(file);
            return;
        }
        catch (UnauthorizedAccessException ex)
        {
            WriteFailure(ex, ErrorIds.LogPathAccessDenied, file, "Run as an administrator (root) or grant read access to the agent logs.");
            return;
        }
        catch (IOException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.LogReadFailed, ErrorCategory.ReadError, file));
            return;
        }
        finally
        {
            CompleteProgress();
        }

        if (result.IsBinary)
        {
            WriteWarning($"'{file}' is not a text log (binary content); skipped.");
            return;
        }

        if (result.TruncatedLines > 0)
        {
            WriteVerbose($"{file}: {result.TruncatedLines} over-long line(s); only their start was kept.");
        }

        WriteVerbose($"{file}: {result.Lines} lines, {result.Classified} classified entries, {result.Issues.Count} issue(s) in {watch.ElapsedMilliseconds} ms.");
        if (result.Corruption is not null)
        {
            WriteError(ErrorRecords.Create($"'{file}': {result.Corruption}. Issues found before that point are reported.",
                ErrorIds.LogFileCorrupt, ErrorCategory.InvalidData, file, "Copy the file again or read the uncompressed log."));
        }

        if (!AsEntry)
        {
            foreach (var issue in result.Issues)
            {
                WriteObject(issue);
            }
        }
    }

    private void WriteNotFound(string path) =>
        WriteError(ErrorRecords.Create($"Cannot find the log path '{path}'.", ErrorIds.LogPathNotFound, ErrorCategory.ObjectNotFound, path,
            "Check the path; the agent writes to /var/log/amazon/ssm/ (Linux) or %ProgramData%\\Amazon\\SSM\\Logs\\ (Windows)."));

    private void Progress(string file, long position, long length)
    {
        if (length < ProgressThresholdBytes)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (now - _lastProgressTicks < Stopwatch.Frequency / 4)
        {
            return;
        }

        _lastProgressTicks = now;
        _progressId = 1;
        WriteProgress(new ProgressRecord(_progressId, "Reading SSM Agent logs", file)
        {
            PercentComplete = (int)Math.Min(100, position * 100 / Math.Max(1, length)),
        });
    }

    private void CompleteProgress()
    {
        if (_progressId != 0)
        {
            WriteProgress(new ProgressRecord(_progressId, "Reading SSM Agent logs", "Done") { RecordType = ProgressRecordType.Completed });
            _progressId = 0;
        }
    }
}
