using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Collections.Concurrent;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Fleet;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Reads SSM Agent logs (files, folders, rotated and .gz files, or lines from the pipeline) and reports what is
/// wrong: one issue per category and source, with cause, remediation and the next command to run. With -InstanceId
/// or -Filter it collects the logs of many managed nodes through Run Command and classifies them here.
/// </summary>
/// <remarks>
/// The AWS common parameters are declared here, in the two fleet sets only (not inherited from AwsCmdlet), so the
/// file and pipeline syntaxes stay free of them.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "SsmAgentLogIssue", DefaultParameterSetName = PathSet)]
[OutputType(typeof(SsmAgentLogIssue))]
[OutputType(typeof(SsmAgentLogEntry))]
public sealed class GetSsmAgentLogIssueCommand : SsmTroubleshootCmdlet, IAwsParameters
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";
    private const string InstanceIdSet = "InstanceId";
    private const string FilterSet = "Filter";

    // Without -Since/-Last a fleet collection reads the last day: only the window travels.
    private static readonly TimeSpan DefaultFleetWindow = TimeSpan.FromHours(24);

    private static readonly string[] FilterKeys = { "InstanceIds", "AgentVersion", "PingStatus", "PlatformTypes", "ResourceType", "AssociationStatus", "IamRole", "tag-key" };

    // Progress only for files big enough to take a noticeable time.
    private const long ProgressThresholdBytes = 16L * 1024 * 1024;

    private readonly HashSet<string> _scanned = new(StringComparer.Ordinal);
    private AgentLogAnalyzer? _analyzer;
    private LogTextSession? _session;
    private long _lastProgressTicks;
    private int _progressId;
    private readonly List<string> _instanceIds = new();
    private DateTime? _since;
    private DateTime? _until;

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

    /// <summary>Managed nodes (i-… or mi-…) whose agent log is collected through Run Command; binds InstanceId from the pipeline.</summary>
    [Parameter(ParameterSetName = InstanceIdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidatePattern("^(i|mi)-[0-9a-f]{8,17}$")]
    public string[]? InstanceId { get; set; }

    /// <summary>DescribeInstanceInformation filters selecting the nodes, e.g. @{ 'tag:Environment' = 'prod'; PlatformTypes = 'Linux' }.</summary>
    [Parameter(ParameterSetName = FilterSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public Hashtable? Filter { get; set; }

    /// <summary>Run Command MaxConcurrency: nodes or percentage running the script at once (e.g. 50 or 10%).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidatePattern("^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")]
    public string? MaxConcurrency { get; set; }

    /// <summary>Run Command MaxErrors: failed invocations after which SSM stops sending (e.g. 0, 10 or 5%).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidatePattern("^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$")]
    public string? MaxErrors { get; set; }

    /// <summary>An S3 bucket where Run Command also stores each node's full output.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public string? OutputS3BucketName { get; set; }

    /// <summary>The key prefix of the output in -OutputS3BucketName.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public string? OutputS3KeyPrefix { get; set; }

    /// <summary>The AWS region (e.g. us-east-1). Else $StoredAWSRegion, the profile, AWS_REGION, IMDS.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    public string? Region { get; set; }

    /// <summary>A named profile from the SDK store or the shared credentials file.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>The shared credentials file to read profiles from.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>An AWSCredentials object (from any AWS.Tools version) or a PSCredential (user = access key, password = secret key).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>The access key id of explicit credentials.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    /// <summary>The secret access key of explicit credentials.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    public string? SecretKey { get; set; }

    /// <summary>The session token of explicit temporary credentials.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    public string? SessionToken { get; set; }

    /// <summary>Sends every AWS call to this URL (an emulator such as LocalStack or moto, or a VPC endpoint).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    /// <summary>Seconds each AWS call may take, its retries and the whole answer included (default 30, or $env:SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateRange(1, 3600)]
    public int? CallTimeoutSeconds { get; set; }

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
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
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

        var now = DateTime.Now;
        if (bound.ContainsKey(nameof(Last)) && Last > now - DateTime.MinValue)
        {
            // DateTime arithmetic would throw a raw ArgumentOutOfRangeException: say it in words.
            ThrowTerminatingError(ErrorRecords.Create($"-Last {Last} reaches back before the year 1.", ErrorIds.LogTimeRangeInvalid,
                ErrorCategory.InvalidArgument, Last, "Give a shorter period (for example -Last 30.00:00:00), or leave -Last out to read everything."));
        }

        _since = bound.ContainsKey(nameof(Last)) ? now - Last : bound.ContainsKey(nameof(Since)) ? ToLocal(Since) : null;
        _until = bound.ContainsKey(nameof(Until)) ? ToLocal(Until) : null;
        DateTime? since = _since;
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
        // A fleet's window is applied on each instance, in its own local time; the text that comes back is all in it.
        var fleet = IsFleet;
        _analyzer = new AgentLogAnalyzer(catalog, new LogScanOptions
        {
            Since = fleet ? null : since,
            Until = fleet ? null : until,
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
            case InstanceIdSet:
                _instanceIds.AddRange(InstanceId!);
                break;
            case FilterSet:
                break;
            case InputObjectSet:
                _session ??= _analyzer!.BeginText(null, AsEntry ? WriteObject : null, CancelToken);
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
        if (IsFleet)
        {
            CollectFleet();
            return;
        }

        if (_session is not null)
        {
            IReadOnlyList<SsmAgentLogIssue> issues;
            try
            {
                issues = _session.Complete();
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            foreach (var warning in _analyzer!.TakeWarnings())
            {
                WriteWarning(warning);
            }

            if (!AsEntry)
            {
                foreach (var issue in issues)
                {
                    WriteObject(issue);
                }
            }
        }
    }

    private bool IsFleet => ParameterSetName is InstanceIdSet or FilterSet;

    /// <summary>
    /// All nodes of the pipeline in one collection (batched SendCommands), run on the pool while this thread writes
    /// the progress it reports; then warnings, then the issues.
    /// </summary>
    private void CollectFleet()
    {
        var filters = ParameterSetName == FilterSet ? ConvertFilter(Filter!) : null;
        if (ParameterSetName == InstanceIdSet && _instanceIds.Count == 0)
        {
            return;
        }

        var connection = AwsConnectionSupport.Resolve(this, this, work => Await(work));
        var request = new FleetLogRequest
        {
            InstanceIds = ParameterSetName == InstanceIdSet ? _instanceIds.Distinct(StringComparer.Ordinal).ToArray() : null,
            Filters = filters,
            SinceUtc = (_since ?? DateTime.Now - DefaultFleetWindow).ToUniversalTime(),
            UntilUtc = _until?.ToUniversalTime(),
            MaxConcurrency = MaxConcurrency,
            MaxErrors = MaxErrors,
            OutputS3BucketName = OutputS3BucketName,
            OutputS3KeyPrefix = OutputS3KeyPrefix,
        };
        WriteVerbose($"Collecting agent logs since {request.SinceUtc:yyyy-MM-dd HH:mm:ss}Z from "
            + (request.InstanceIds is null ? "the nodes matching -Filter" : $"{request.InstanceIds.Count} node(s)")
            + $" through Run Command (region from {connection.RegionSource}" + (connection.EndpointFor("SSM") is { } endpoint ? $", endpoint {endpoint}" : string.Empty) + ").");

        FleetLogResult result;
        using (var progress = new BlockingCollection<FleetProgress>())
        {
            var work = Task.Run(async () =>
            {
                try
                {
                    return await FleetLogCollector.CollectAsync(connection, request, _analyzer!, p => progress.TryAdd(p), CancelToken).ConfigureAwait(false);
                }
                finally
                {
                    progress.CompleteAdding();
                }
            });
            foreach (var step in progress.GetConsumingEnumerable())
            {
                var record = new ProgressRecord(2, "Collecting SSM Agent logs through Run Command", step.Stage);
                if (step.Total > 0)
                {
                    record.PercentComplete = (int)Math.Min(100, step.Done * 100L / step.Total);
                    record.StatusDescription = $"{step.Stage}: {step.Done} of {step.Total}";
                }

                WriteProgress(record);
            }

            try
            {
                result = work.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                // The target stays short (the first ids and how many more), whatever the size of the fleet.
                ThrowFailure(ex, ErrorIds.LogFleetCollectionFailed, request.InstanceIds is null ? (object)Filter! : FleetLogCollector.DescribeNodes(request.InstanceIds),
                    "Check the credentials and region (Get-SsmAwsContext), and that the caller may call ssm:DescribeInstanceInformation, ssm:SendCommand, ssm:ListCommandInvocations and ssm:GetCommandInvocation.");
                return;
            }
            finally
            {
                WriteProgress(new ProgressRecord(2, "Collecting SSM Agent logs through Run Command", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        foreach (var note in result.Notes)
        {
            WriteVerbose(note);
        }

        WriteVerbose($"{result.Collected} of {result.Nodes} node(s) collected; {result.Issues.Count} issue(s).");
        foreach (var warning in result.Warnings)
        {
            WriteWarning(warning);
        }

        foreach (var issue in result.Issues)
        {
            WriteObject(issue);
        }
    }

    /// <summary>-Filter: DescribeInstanceInformation keys (tag:Key, tag-key, PlatformTypes, PingStatus, ...) to string lists.</summary>
    private Dictionary<string, IReadOnlyList<string>> ConvertFilter(Hashtable filter)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in filter)
        {
            var key = entry.Key?.ToString() ?? string.Empty;
            var known = FilterKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (known is null && !(key.StartsWith("tag:", StringComparison.OrdinalIgnoreCase) && key.Length > 4))
            {
                ThrowTerminatingError(ErrorRecords.Create($"'{key}' is not a DescribeInstanceInformation filter. Use tag:<Key> or one of: {string.Join(", ", FilterKeys)}.",
                    ErrorIds.LogFleetFilterInvalid, ErrorCategory.InvalidArgument, key, "For example -Filter @{ 'tag:Environment' = 'prod'; PlatformTypes = 'Linux' }."));
            }

            var values = LanguagePrimitives.GetEnumerable(entry.Value) is { } many
                ? many.Cast<object?>().Select(v => v?.ToString() ?? string.Empty).ToArray()
                : new[] { entry.Value?.ToString() ?? string.Empty };
            if (values.Length == 0 || values.Any(string.IsNullOrEmpty))
            {
                ThrowTerminatingError(ErrorRecords.Create($"The filter '{key}' needs at least one non-empty value.",
                    ErrorIds.LogFleetFilterInvalid, ErrorCategory.InvalidArgument, key, "For example -Filter @{ 'tag:Environment' = 'prod' }."));
            }

            // tag: keys keep the tag's own spelling; the fixed keys take the API's.
            result[known ?? "tag:" + key.Substring(4)] = values;
        }

        return result;
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
            var skipped = new List<string>();
            try
            {
                files = AgentLogAnalyzer.LogFilesIn(path, skipped);
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

            foreach (var note in skipped)
            {
                WriteWarning(note);
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
        catch (Common.NotRegularFileException ex)
        {
            WriteError(ErrorRecords.Create(ex.Message, ErrorIds.LogPathNotRegularFile, ErrorCategory.InvalidArgument, file,
                "Give the log files themselves; to read what a pipe carries, pipe it in: Get-Content <path> | Get-SsmAgentLogIssue."));
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

        foreach (var warning in result.Warnings)
        {
            WriteWarning(warning);
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
