using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>`logs`: Get-SsmAgentLogIssue. Reads agent logs (files, folders, rotated and .gz files, or - for stdin) and reports issues.</summary>
internal sealed class LogsCommand
{
    private const string StandardInput = "-";

    private readonly CliHost _host;
    private readonly GlobalOptions _global;

    private readonly Argument<string[]> _paths = new("paths")
    {
        Description = "Log files or folders (wildcards allowed; - reads standard input). Default: the agent's log folder ("
            + AgentLogAnalyzer.DefaultLogDirectory + ").",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<DateTime?> _since = TimeOption("--since", "Ignore entries older than this: 2h, 30m, 1d, today, yesterday or an ISO 8601 date/time (local time, as the agent's timestamps).");

    private readonly Option<DateTime?> _until = TimeOption("--until", "Ignore entries newer than this (the same forms as --since).");

    private readonly Option<TimeSpan?> _last = new("--last")
    {
        Description = "Only entries of this last period: 2h, 90m, 1d or 02:00:00 (the same as --since now minus it).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
            if (!Durations.TryParse(text, out var value, out var problem))
            {
                result.AddError(problem is null
                    ? $"--last '{text}' is not a duration (for example 2h, 90m, 1d or 02:00:00)."
                    : $"--last '{text}' {problem}.");
                return null;
            }

            if (value <= TimeSpan.Zero)
            {
                result.AddError($"--last must be a positive duration, not {text}.");
                return null;
            }

            if (Durations.Before(DateTime.Now, value, out var tooFar) is null)
            {
                result.AddError($"--last '{text}' {tooFar}; give a shorter period, or leave --last out to read everything.");
                return null;
            }

            return value;
        },
    };

    private readonly Option<string[]> _category = new("--category")
    {
        Description = "Only these categories (wildcards allowed; Unknown implies --include-unclassified).",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<bool> _asEntry = new("--as-entry") { Description = "List every classified entry instead of one summary per category." };

    private readonly Option<bool> _includeUnclassified = new("--include-unclassified") { Description = "Also report ERROR/WARN entries that match no rule, as category Unknown." };

    private readonly Option<string[]> _rulePath = new("--rule-path")
    {
        Description = "JSON rule files (the built-in catalog's schema) to add; they are tried first.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> _instanceId = new("--instance-id")
    {
        Description = "Read the agent logs of these managed nodes (i-/mi-) through Run Command instead of local files (default window: the last 24 h). Takes the AWS options (--region, --profile, --access-key/--secret-key, --endpoint-url, as `context`); --region a,b and --account-id with --role-name read several regions and accounts.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> _filter = new("--filter")
    {
        Description = "Read the agent logs of the managed nodes matching name=value[,value] (tag:Environment=prod, PlatformTypes=Linux, PingStatus=Online ...). Repeatable.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string?> _outputS3BucketName = new("--output-s3-bucket-name") { Description = "With --instance-id/--filter: have Run Command write the whole output to this bucket (read back from S3) instead of the 24 KB inline output." };

    private readonly Option<string?> _maxConcurrency = new("--max-concurrency") { Description = "With --instance-id/--filter: Run Command rate control, nodes at once (number or percentage)." };

    private readonly Option<string?> _maxErrors = new("--max-errors") { Description = "With --instance-id/--filter: Run Command stops sending after this many failed invocations (number or percentage)." };

    // Accepted but not listed: reading files is offline, only the fleet mode calls AWS.
    private readonly GlobalOptions _aws = GlobalOptions.HiddenAws();

    // With --instance-id/--filter: several regions (--region a,b) and accounts (--account-id with --role-name).
    private readonly FleetOptions _fleetScope = new();

    private LogsCommand(CliHost host, GlobalOptions global)
    {
        _host = host;
        _global = global;

        // Any token is a valid path to System.CommandLine, so a misspelt option would be read as a missing log file.
        _paths.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value[0] == '-'))
            {
                result.AddError($"Unrecognized option '{token.Value}' (a log file whose name starts with '-' can be given as ./{token.Value}).");
            }
        });
    }

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var logs = new LogsCommand(host, global);
        var command = new Command("logs", "Find what is wrong in SSM Agent logs: one issue per category and log, with cause, remediation and next step.")
        {
            logs._paths, logs._since, logs._until, logs._last, logs._category, logs._asEntry, logs._includeUnclassified, logs._rulePath,
            logs._instanceId, logs._filter, logs._outputS3BucketName, logs._maxConcurrency, logs._maxErrors,
        };
        logs._aws.AddAwsTo(command);
        logs._fleetScope.AddTo(command, hidden: true);
        command.SetAction((ParseResult parse, CancellationToken ct) => Task.FromResult(logs.Run(parse, ct)));
        command.Subcommands.Add(CreateRules(host, global));
        return command;
    }

    /// <summary>`logs rules`: the rule catalog (built-in plus --rule-path), as Get-SsmAgentLogRule lists it.</summary>
    private static Command CreateRules(CliHost host, GlobalOptions global)
    {
        var category = new Option<string[]>("--category") { Description = "Only the rules of these categories (wildcards allowed).", AllowMultipleArgumentsPerToken = true };
        var rulePath = new Option<string[]>("--rule-path") { Description = "JSON rule files to add to the built-in catalog (listed first).", AllowMultipleArgumentsPerToken = true };
        var detailed = new Option<bool>("--detailed") { Description = "Show each rule's cause, remediation and next step, not only the table." };
        var command = new Command("rules", "List the log rules: category, severity, what each rule matches, and with --detailed its cause, remediation and next step.")
        {
            category, rulePath, detailed,
        };
        command.SetAction((ParseResult parse) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var catalog = LoadCatalog(parse.GetValue(rulePath));
            var categories = ValidateCategories(catalog, parse.GetValue(category));
            var rules = catalog.Rules.Where(r => categories is null || categories.Contains(r.Category)).ToList();
            if (output.Json)
            {
                output.WriteJson(rules);
                return ExitCodes.Healthy;
            }

            output.WriteRows(
                rules,
                new Column<SsmAgentLogRule>("Id", r => r.Id),
                new Column<SsmAgentLogRule>("Category", r => r.Category),
                new Column<SsmAgentLogRule>("Severity", r => r.Severity),
                new Column<SsmAgentLogRule>("Matches", r => string.Join(" | ", r.Signatures.Count > 0 ? r.Signatures : r.Patterns), Wrap: true));
            if (parse.GetValue(detailed))
            {
                foreach (var rule in rules)
                {
                    output.Out.WriteLine();
                    output.WriteFields(rule.Id + " (" + rule.Category + ", " + rule.Severity + ")", new (string, string?)[]
                    {
                        ("Cause", rule.Cause),
                        ("Remediation", rule.Remediation),
                        ("Next step", rule.NextStep),
                        ("Help", rule.HelpUri),
                        ("Source", rule.Source),
                    });
                }
            }

            return ExitCodes.Healthy;
        });
        return command;
    }

    private int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = new CliOutput(_host.Output, _host.Error, _host.Width) { Json = parse.GetValue(_global.Json) };
        var last = parse.GetValue(_last);
        var sinceGiven = parse.GetValue(_since);
        if (last is not null && sinceGiven is not null)
        {
            throw new CliUsageException("Use either --since or --last, not both.");
        }

        DateTime? since = last is not null ? DateTime.Now - last.Value : ToLocal(sinceGiven);
        DateTime? until = ToLocal(parse.GetValue(_until));
        if (since > until)
        {
            throw new CliUsageException($"--since ({since:yyyy-MM-dd HH:mm:ss}) is after --until ({until:yyyy-MM-dd HH:mm:ss}).");
        }

        var catalog = LoadCatalog(parse.GetValue(_rulePath));
        var categories = ValidateCategories(catalog, parse.GetValue(_category));
        var includeUnknown = parse.GetValue(_includeUnclassified)
            || (categories is not null && categories.Contains(LogRuleCatalog.UnknownCategory));
        var analyzer = new AgentLogAnalyzer(catalog, new LogScanOptions
        {
            Since = since,
            Until = until,
            Categories = categories,
            IncludeUnclassified = includeUnknown,
        });

        var instanceIds = parse.GetValue(_instanceId) ?? Array.Empty<string>();
        var filters = parse.GetValue(_filter) ?? Array.Empty<string>();
        var paths = parse.GetValue(_paths);
        if (instanceIds.Length > 0 || filters.Length > 0)
        {
            if (instanceIds.Length > 0 && filters.Length > 0)
            {
                throw new CliUsageException("Give either --instance-id or --filter, not both.");
            }

            if (paths is { Length: > 0 } || parse.GetValue(_asEntry))
            {
                throw new CliUsageException("--instance-id and --filter read the nodes' logs through Run Command: give no log paths and no --as-entry with them.");
            }

            return CollectFleet(parse, output, analyzer, instanceIds, filters, since, until, cancellationToken);
        }

        var scan = new LogScan(analyzer, parse.GetValue(_asEntry), output, _host.Input, cancellationToken);
        if (paths is null || paths.Length == 0)
        {
            scan.ScanPath(AgentLogAnalyzer.DefaultLogDirectory);
        }
        else
        {
            foreach (var path in paths)
            {
                scan.ScanGiven(path);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return scan.Finish();
    }

    private static Option<DateTime?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[result.Tokens.Count - 1].Value;
            if (!Durations.TryParseTime(text, DateTime.Now, out var value, out var problem))
            {
                result.AddError($"{name} '{text}' {problem}.");
                return null;
            }

            return value;
        },
    };


    /// <summary>--instance-id/--filter: the engine's FleetLogCollector (batched Run Command), as Get-SsmAgentLogIssue -InstanceId.</summary>
    private int CollectFleet(ParseResult parse, CliOutput output, AgentLogAnalyzer analyzer, string[] instanceIds, string[] filterTexts, DateTime? since, DateTime? until, CancellationToken cancellationToken)
    {
        Dictionary<string, IReadOnlyList<string>>? filters = null;
        if (filterTexts.Length > 0)
        {
            filters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var text in filterTexts)
            {
                var equals = text.IndexOf('=');
                var name = equals < 0 ? text.Trim() : text.Substring(0, equals).Trim();
                var known = SsmTroubleshoot.LogCollection.ManagedNodeFilters.Normalize(name);
                if (known is null)
                {
                    throw new CliUsageException($"--filter '{text}': '{name}' is not a managed-node filter. Use tag:<Key>=value or one of {string.Join(", ", SsmTroubleshoot.LogCollection.ManagedNodeFilters.Keys)} (e.g. --filter tag:Environment=prod).");
                }

                var values = equals < 0 ? Array.Empty<string>() : text.Substring(equals + 1).Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
                if (values.Length == 0)
                {
                    throw new CliUsageException($"--filter '{text}' has no value: write name=value[,value].");
                }

                filters[known] = values;
            }
        }

        var request = new SsmTroubleshoot.LogCollection.FleetLogRequest
        {
            InstanceIds = instanceIds.Length > 0 ? instanceIds.Distinct(StringComparer.Ordinal).ToArray() : null,
            Filters = filters,
            SinceUtc = (since ?? DateTime.Now - TimeSpan.FromHours(24)).ToUniversalTime(),
            UntilUtc = until?.ToUniversalTime(),
            MaxConcurrency = parse.GetValue(_maxConcurrency),
            MaxErrors = parse.GetValue(_maxErrors),
            OutputS3BucketName = parse.GetValue(_outputS3BucketName),
        };
        return CollectFleetScope(parse, output, analyzer, request, cancellationToken);
    }

    /// <summary>
    /// One collection per (account, region) through the engine's FleetLogRun, as Get-SsmAgentLogIssue -InstanceId: the
    /// issues in account then region order, then one row per id no target lists. Over several targets one that could
    /// not be read is a line on stderr and makes the exit code "could not run"; a single region's failure ends the run.
    /// </summary>
    private int CollectFleetScope(ParseResult parse, CliOutput output, AgentLogAnalyzer analyzer, SsmTroubleshoot.LogCollection.FleetLogRequest request, CancellationToken cancellationToken)
    {
        var scope = _fleetScope.ScopeAsync(parse, _aws, cancellationToken).GetAwaiter().GetResult();
        List<SsmTroubleshoot.LogCollection.FleetLogResult> results;
        var failures = 0;
        if (scope.IsFanOut)
        {
            (results, failures) = FleetOptions.RunAsync(scope, output,
                (target, ct) => SsmTroubleshoot.LogCollection.FleetLogRun.CollectAsync(target, request, analyzer, true, null, ct), cancellationToken).GetAwaiter().GetResult();
        }
        else
        {
            results = new List<SsmTroubleshoot.LogCollection.FleetLogResult>
            {
                FleetOptions.RunSingleAsync(scope, (target, ct) => SsmTroubleshoot.LogCollection.FleetLogRun.CollectAsync(target, request, analyzer, false, null, ct),
                    ex => new CliRunException(AwsFailure.Describe(ex, "SSM Run Command", scope.Connection.EndpointFor("SSM"))
                        + " The caller needs ssm:DescribeInstanceInformation, ssm:SendCommand, ssm:ListCommandInvocations and ssm:GetCommandInvocation.", ex),
                    cancellationToken).GetAwaiter().GetResult(),
            };
        }

        foreach (var warning in results.SelectMany(r => r.Warnings))
        {
            output.WriteWarning(warning);
        }

        var unregistered = scope.IsFanOut && request.InstanceIds is { } ids
            ? SsmTroubleshoot.LogCollection.FleetLogRun.NotRegisteredAnywhere(ids, results, failures, scope.Description)
            : Array.Empty<SsmAgentLogIssue>();
        var asked = request.InstanceIds?.Count ?? results.Sum(r => r.Nodes);
        output.Error.WriteLine($"{results.Sum(r => r.Collected)} of {asked} node(s) collected{(scope.IsFanOut ? " in " + scope.Description : string.Empty)}; {results.Sum(r => r.Issues.Count) + unregistered.Count} issue(s).");
        var scan = new LogScan(analyzer, false, output, _host.Input, cancellationToken);
        scan.Add(results.SelectMany(r => r.Issues).Concat(unregistered));
        var code = scan.Finish();
        return failures > 0 ? ExitCodes.CouldNotRun : code;
    }

    private static DateTime? ToLocal(DateTime? time) => time?.Kind == DateTimeKind.Utc ? time.Value.ToLocalTime() : time;

    private static LogRuleCatalog LoadCatalog(string[]? rulePaths)
    {
        if (rulePaths is null || rulePaths.Length == 0)
        {
            return LogRuleCatalog.BuiltIn;
        }

        var files = new List<string>();
        foreach (var path in rulePaths)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new CliUsageException($"Rule file '{path}' was not found.");
            }

            files.Add(full);
        }

        try
        {
            return LogRuleCatalog.WithCustomRules(files);
        }
        catch (LogRuleException ex)
        {
            throw new CliUsageException(ex.Message + " (the schema of the built-in rules: ssmtroubleshoot logs rules --json shows them.)", ex);
        }
    }

    /// <summary>--category (repeatable or comma-separated) through the catalog's selection; an unknown name is a usage error.</summary>
    private static IReadOnlyList<string>? ValidateCategories(LogRuleCatalog catalog, string[]? categories)
    {
        var selection = catalog.SelectCategories((categories ?? Array.Empty<string>()).SelectMany(c => c.Split(',')), allowUnknown: true);
        if (selection.Invalid is { } invalid)
        {
            throw new CliUsageException($"'{invalid}' is not a log issue category. Valid categories: {string.Join(", ", selection.Valid)}.");
        }

        return selection.Selected;
    }

    /// <summary>One run over the inputs: what was found, and whether any input could not be read.</summary>
    private sealed class LogScan
    {
        private readonly AgentLogAnalyzer _analyzer;
        private readonly bool _asEntry;
        private readonly CliOutput _output;
        private readonly TextReader _input;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<string> _scanned = new(StringComparer.Ordinal);
        private readonly List<SsmAgentLogIssue> _issues = new();
        private readonly List<SsmAgentLogEntry> _entries = new();
        private bool _unreadable;
        private bool _fleet;

        public LogScan(AgentLogAnalyzer analyzer, bool asEntry, CliOutput output, TextReader input, CancellationToken cancellationToken)
        {
            _analyzer = analyzer;
            _asEntry = asEntry;
            _output = output;
            _input = input;
            _cancellationToken = cancellationToken;
        }

        public void ScanGiven(string path)
        {
            if (path == StandardInput)
            {
                ScanStandardInput();
                return;
            }

            if (!SsmTroubleshoot.Common.Wildcard.HasWildcard(path))
            {
                ScanPath(Path.GetFullPath(path), path);
                return;
            }

            // Shells expand wildcards on Linux; this serves cmd.exe and quoted patterns (last segment only).
            var folder = Path.GetDirectoryName(path);
            folder = string.IsNullOrEmpty(folder) ? "." : folder;
            string[] matches;
            try
            {
                matches = Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder, Path.GetFileName(path)) : Array.Empty<string>();
            }
            catch (UnauthorizedAccessException ex)
            {
                Unreadable($"Cannot read the folder '{folder}': {ex.Message} Run as root (sudo) or grant read access.");
                return;
            }

            if (matches.Length == 0)
            {
                NotFound(path);
                return;
            }

            foreach (var match in matches.OrderBy(m => m, StringComparer.Ordinal))
            {
                ScanPath(Path.GetFullPath(match), match);
            }
        }

        public void ScanPath(string path) => ScanPath(path, path);

        /// <summary>Issues found elsewhere (the fleet collection), reported like the files' ones.</summary>
        public void Add(IEnumerable<SsmAgentLogIssue> issues)
        {
            _fleet = true;
            _issues.AddRange(issues);
        }

        public int Finish()
        {
            if (_asEntry)
            {
                _output.WriteRows(
                    _entries,
                    new Column<SsmAgentLogEntry>("Timestamp", e => e.Timestamp),
                    new Column<SsmAgentLogEntry>("Level", e => e.Level),
                    new Column<SsmAgentLogEntry>("Category", e => e.Category),
                    new Column<SsmAgentLogEntry>("Line", e => e.LineNumber, AlignRight: true),
                    new Column<SsmAgentLogEntry>("Message", e => e.Message.Split('\n')[0]));
            }
            else if (_output.Json)
            {
                _output.WriteJson(_issues);
            }
            else
            {
                // Like the module's view: one table per log, headed by its path.
                // Over several regions and accounts a node's heading says where it was read.
                foreach (var group in _issues.GroupBy(i => (i.Path ?? (i.InstanceId is { } node && _fleet ? node : "(standard input)"))
                    + (i.Region is null ? string.Empty : " (" + i.AccountId + " " + i.Region + ")")))
                {
                    _output.Out.WriteLine();
                    _output.Out.WriteLine((_fleet && group.First().Path is null ? "   Node: " : "   Log: ") + group.Key);
                    _output.Out.WriteLine();
                    _output.WriteRows(
                        group.ToList(),
                        new Column<SsmAgentLogIssue>("Severity", i => i.Severity),
                        new Column<SsmAgentLogIssue>("Category", i => i.Category),
                        new Column<SsmAgentLogIssue>("Count", i => i.Count, AlignRight: true),
                        new Column<SsmAgentLogIssue>("LastSeen", i => i.LastSeen),
                        new Column<SsmAgentLogIssue>("Endpoint/Node", i => i.Endpoint ?? i.InstanceId, Wrap: true));

                    // What to act on, per issue: the table only says what was found (as ssm-cli's note column, in full).
                    foreach (var issue in group)
                    {
                        _output.Out.WriteLine();
                        _output.WriteFields(
                            $"{issue.Severity} {issue.Category}: {issue.Count} {(issue.Count == 1 ? "entry" : "entries")}, line {string.Join(", ", issue.LineNumbers.Take(5))}{(issue.LineNumbers.Count > 5 ? ", ..." : string.Empty)}",
                            new (string, string?)[]
                            {
                                ("Cause", issue.Cause),
                                ("Likely cause", issue.LikelyCause),
                                ("Sample", issue.Sample.Split('\n')[0]),
                                ("Remediation", issue.Remediation),
                                ("Next step", issue.NextStep),
                                ("Help", issue.HelpUri),
                            });
                    }
                }
            }

            var found = _asEntry ? _entries.Count : _issues.Count;
            if (!_output.Json && found == 0 && !_unreadable)
            {
                _output.Out.WriteLine(_asEntry ? "No classified entries." : "No issues found.");
            }

            if (_unreadable)
            {
                return ExitCodes.CouldNotRun;
            }

            // Low is informational (a failing script a document ran, unrecognised errors); Medium and above is a problem of the node.
            var problems = _asEntry
                ? _entries.Any(e => e.Severity >= SsmAgentLogSeverity.Medium)
                : _issues.Any(i => i.Severity >= SsmAgentLogSeverity.Medium);
            return problems ? ExitCodes.ProblemsFound : ExitCodes.Healthy;
        }

        private void ScanStandardInput()
        {
            if (!_scanned.Add(StandardInput))
            {
                return;
            }

            var session = _analyzer.BeginText(null, _asEntry ? _entries.Add : null, _cancellationToken);
            string? line;
            while ((line = _input.ReadLine()) is not null)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                session.Add(line);
            }

            var issues = session.Complete();
            foreach (var warning in _analyzer.TakeWarnings())
            {
                _output.WriteWarning(warning);
            }

            if (!_asEntry)
            {
                _issues.AddRange(issues);
            }
        }

        /// <summary>A file or folder through the engine's LogPathScan; here each outcome becomes lines (bind, call, write).</summary>
        private void ScanPath(string path, string asGiven)
        {
            foreach (var outcome in LogPathScan.Scan(_analyzer, path, _scanned, _asEntry ? _entries.Add : null, null, _cancellationToken))
            {
                var where = outcome.IsFolder ? "the log folder '" + outcome.Path + "'" : "'" + outcome.Path + "'";
                switch (outcome.Problem)
                {
                    case LogReadProblem.NotFound:
                        NotFound(outcome.Path == path ? asGiven : outcome.Path);
                        continue;
                    case LogReadProblem.AccessDenied:
                        Unreadable($"Access to {where} is denied. Run as root (sudo) or grant read access{(outcome.IsFolder ? "." : " to the agent logs.")}");
                        continue;
                    case LogReadProblem.NotRegularFile:
                        Unreadable(outcome.Error!.Message + " To read what it carries, pipe it in: ssmtroubleshoot logs - < " + outcome.Path);
                        continue;
                    case LogReadProblem.ReadFailed:
                        Unreadable($"Cannot read {where}: {outcome.Error!.Message}");
                        continue;
                }

                foreach (var warning in outcome.Warnings)
                {
                    _output.WriteWarning(warning);
                }

                if (outcome.Result is not { } result)
                {
                    continue;
                }

                if (result.Corruption is not null)
                {
                    Unreadable($"'{outcome.Path}': {result.Corruption}. Issues found before that point are reported.");
                }

                if (!_asEntry)
                {
                    _issues.AddRange(result.Issues);
                }
            }
        }

        private void NotFound(string path) =>
            Unreadable($"Cannot find the log path '{path}'. The agent writes to /var/log/amazon/ssm/ (Linux) or %ProgramData%\\Amazon\\SSM\\Logs\\ (Windows).");

        private void Unreadable(string message)
        {
            _unreadable = true;
            _output.WriteError(message);
        }
    }
}
