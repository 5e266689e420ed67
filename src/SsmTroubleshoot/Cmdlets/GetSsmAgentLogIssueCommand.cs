using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Collections.Concurrent;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Reads SSM Agent logs (files, folders, rotated and .gz files, or lines from the pipeline) and reports what is
/// wrong: one issue per category and source, with cause, remediation and the next command to run. With -InstanceId
/// or -Filter it collects the logs of many managed nodes through Run Command, over several regions and accounts, and
/// classifies them here.
/// </summary>
/// <remarks>
/// The AWS and fleet parameters of <see cref="FleetAwsCmdlet"/> are re-declared here (hiding the base's, storing in
/// it) only to scope them to the two fleet sets, so the file and pipeline syntaxes stay free of them; a test checks
/// that each keeps the base's type, aliases and validation.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "SsmAgentLogIssue", DefaultParameterSetName = PathSet)]
[OutputType(typeof(SsmAgentLogIssue))]
[OutputType(typeof(SsmAgentLogEntry))]
public sealed partial class GetSsmAgentLogIssueCommand : FleetAwsCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";
    private const string InstanceIdSet = "InstanceId";
    private const string FilterSet = "Filter";
    private const string FleetActivity = "Collecting SSM Agent logs through Run Command";

    // Without -Since/-Last a fleet collection reads the last day: only the window travels.
    private static readonly TimeSpan DefaultFleetWindow = TimeSpan.FromHours(24);

    // Progress only for files big enough to take a noticeable time.
    private const long ProgressThresholdBytes = 16L * 1024 * 1024;

    private readonly HashSet<string> _scanned = new(StringComparer.Ordinal);
    private AgentLogAnalyzer? _analyzer;
    private LogTextSession? _session;
    private long _lastProgressTicks;
    private int _progressId;
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

    /// <summary>
    /// DescribeInstanceInformation filters selecting the nodes, e.g. @{ 'tag:Environment' = 'prod'; PlatformTypes = 'Linux' }.
    /// Tags alone (tag:Key, tag-key) selecting nodes of one platform are sent with Run Command's own tag targeting,
    /// which applies -MaxConcurrency and -MaxErrors to the whole selection.
    /// </summary>
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

    /// <summary>(account, region) pairs collected at once (1-32, default 4).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateRange(1, FleetScopeOptions.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = FleetScopeOptions.DefaultThrottleLimit;

    protected override int? BoundThrottleLimit => MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : null;

    /// <summary>
    /// One or more regions (e.g. us-east-1, eu-west-1) whose nodes are collected concurrently; each issue carries its
    /// Region. Else $StoredAWSRegion, the profile, AWS_REGION, IMDS. Binds the Region property of piped objects.
    /// </summary>
    [Parameter(ParameterSetName = InstanceIdSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    public new string[]? Region { get => base.Region; set => base.Region = value; }

    /// <summary>A named profile from the SDK store or the shared credentials file.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    public new string? ProfileName { get => base.ProfileName; set => base.ProfileName = value; }

    /// <summary>The shared credentials file to read profiles from.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    [ValidateNotNullOrEmpty]
    public new string? ProfileLocation { get => base.ProfileLocation; set => base.ProfileLocation = value; }

    /// <summary>An AWSCredentials object (from any AWS.Tools version) or a PSCredential (user = access key, password = secret key).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNull]
    public new object? Credential { get => base.Credential; set => base.Credential = value; }

    /// <summary>The access key id of explicit credentials.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    public new string? AccessKey { get => base.AccessKey; set => base.AccessKey = value; }

    /// <summary>The secret access key of explicit credentials.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    public new string? SecretKey { get => base.SecretKey; set => base.SecretKey = value; }

    /// <summary>The session token of explicit temporary credentials.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    public new string? SessionToken { get => base.SessionToken; set => base.SessionToken = value; }

    /// <summary>Sends every AWS call to this URL (an emulator such as LocalStack or moto, or a VPC endpoint).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public new string? EndpointUrl { get => base.EndpointUrl; set => base.EndpointUrl = value; }

    /// <summary>Seconds each AWS call may take, its retries and the whole answer included (default 30, or $env:SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateRange(1, 3600)]
    public new int? CallTimeoutSeconds { get => base.CallTimeoutSeconds; set => base.CallTimeoutSeconds = value; }

    /// <summary>Accounts (12 digits) to collect from through -RoleName (sts:AssumeRole from your credentials); each issue carries its AccountId.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public new string[]? AccountId { get => base.AccountId; set => base.AccountId = value; }

    /// <summary>The role assumed in each -AccountId: arn:&lt;partition of the region&gt;:iam::&lt;account&gt;:role/&lt;RoleName&gt;.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public new string? RoleName { get => base.RoleName; set => base.RoleName = value; }

    /// <summary>The external id the roles' trust policies require.</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public new string? ExternalId { get => base.ExternalId; set => base.ExternalId = value; }

    /// <summary>The session name shown in CloudTrail (default: SsmTroubleshoot-&lt;unix time&gt;).</summary>
    [Parameter(ParameterSetName = InstanceIdSet)]
    [Parameter(ParameterSetName = FilterSet)]
    [ValidateNotNullOrEmpty]
    public new string? RoleSessionName { get => base.RoleSessionName; set => base.RoleSessionName = value; }

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

        var catalog = LogCatalogParameters.LoadCatalog(this, RulePath);
        var selection = LogCatalogParameters.ValidateCategories(this, catalog, Category, allowUnknown: true);
        var includeUnknown = IncludeUnclassified.IsPresent || selection.IncludesUnknown;
        // A fleet's window is applied on each instance, in its own local time; the text that comes back is all in it.
        var fleet = IsFleet;
        _analyzer = new AgentLogAnalyzer(catalog, new LogScanOptions
        {
            Since = fleet ? null : since,
            Until = fleet ? null : until,
            Categories = selection.Selected?.ToArray(),
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
                CollectIds(InstanceId!);

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
        if (ParameterSetName == InstanceIdSet)
        {
            foreach (var (ids, regions) in PipedIdsByRegions())
            {
                CollectFleet(ids, regions);
            }

            return;
        }

        if (ParameterSetName == FilterSet)
        {
            CollectFleet(null, Region);
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

    /// <summary>A file or folder through the engine's LogPathScan; here each outcome becomes records (bind, call, write).</summary>
    private void ScanPath(string path, string asGiven)
    {
        try
        {
            foreach (var outcome in LogPathScan.Scan(_analyzer!, path, _scanned, AsEntry ? WriteObject : null, Progress, CancelToken))
            {
                CompleteProgress();
                Write(outcome, outcome.Path == path ? asGiven : outcome.Path);
                ThrowIfStopping();
            }
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            CompleteProgress();
        }
    }

    private void Write(LogFileOutcome outcome, string asGiven)
    {
        var where = outcome.IsFolder ? "the log folder" : "the agent logs";
        switch (outcome.Problem)
        {
            case LogReadProblem.NotFound:
                WriteNotFound(asGiven);
                return;
            case LogReadProblem.AccessDenied:
                WriteFailure(outcome.Error!, ErrorIds.LogPathAccessDenied, outcome.Path, "Run as an administrator (root) or grant read access to " + where + ".");
                return;
            case LogReadProblem.NotRegularFile:
                WriteError(ErrorRecords.Create(outcome.Error!.Message, ErrorIds.LogPathNotRegularFile, ErrorCategory.InvalidArgument, outcome.Path,
                    "Give the log files themselves; to read what a pipe carries, pipe it in: Get-Content <path> | Get-SsmAgentLogIssue."));
                return;
            case LogReadProblem.ReadFailed:
                WriteError(ErrorRecords.FromException(outcome.Error!, ErrorIds.LogReadFailed, outcome.Path, category: ErrorCategory.ReadError));
                return;
        }

        if (outcome.Result is { } result && result.TruncatedLines > 0)
        {
            WriteVerbose($"{outcome.Path}: {result.TruncatedLines} over-long line(s); only their start was kept.");
        }

        foreach (var warning in outcome.Warnings)
        {
            WriteWarning(warning);
        }

        if (outcome.Result is not { } read)
        {
            return;
        }

        WriteVerbose($"{outcome.Path}: {read.Lines} lines, {read.Classified} classified entries, {read.Issues.Count} issue(s) in {(long)outcome.Elapsed.TotalMilliseconds} ms.");
        if (read.Corruption is not null)
        {
            WriteError(ErrorRecords.Create($"'{outcome.Path}': {read.Corruption}. Issues found before that point are reported.",
                ErrorIds.LogFileCorrupt, ErrorCategory.InvalidData, outcome.Path, "Copy the file again or read the uncompressed log."));
        }

        if (!AsEntry)
        {
            foreach (var issue in read.Issues)
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
