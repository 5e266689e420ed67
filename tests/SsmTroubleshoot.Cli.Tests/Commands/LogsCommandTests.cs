using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`logs` end to end: the shipped sample, folders, stdin, filters, JSON shape and exit codes.</summary>
public sealed class LogsCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] Categories(JsonElement array) => array.EnumerateArray().Select(e => e.GetProperty("Category").GetString()!).ToArray();

    [Fact]
    public async Task The_shipped_sample_gives_a_table_per_log_and_exit_code_1()
    {
        var result = await CliRun.RunAsync("logs", RepoPaths.SampleLog);
        Console.WriteLine(result.Output);
        Assert.Equal(ExitCodes.ProblemsFound, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var lines = CliRun.Lines(result.Output);
        Assert.Equal("Log: " + RepoPaths.SampleLog, lines[0].Trim());
        Assert.Equal(new[] { "Severity", "Category", "Count", "LastSeen", "Endpoint/Node" }, lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("--------", lines[2]);
        // Count is right-aligned under its header, as in the module's view.
        Assert.Contains(lines, l => l.StartsWith("Critical ProxyTls ") && l.Contains("    2 2024-06-11 07:45:30 ec2messages.us-east-1.amazonaws.com"));
        Assert.Contains(lines, l => l.StartsWith("Critical IamAccessDenied") && l.Contains("i-0123456789abcdef0"));
        Assert.Contains(lines, l => l.StartsWith("Low      DocumentPlugin"));

        // Then one block per issue with what to act on, next steps in CLI words.
        var block = lines.SkipWhile(l => l != "Critical ProxyTls: 2 entries, line 9, 11").Take(6).ToList();
        Assert.StartsWith("  Cause:       The TLS connection", block[1]);
        Assert.StartsWith("  Remediation: Exempt the SSM endpoints", block[3]);
        Assert.Equal("  Next step:   ssmtroubleshoot endpoints on the instance (TLS probe shows the certificate issuer)", block[4]);
        Assert.Equal(7, lines.Count(l => l.StartsWith("  Next step:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Json_carries_the_cmdlets_property_names_and_the_engines_results()
    {
        var result = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--json");
        Assert.Equal(ExitCodes.ProblemsFound, result.ExitCode);
        var issues = result.Json();
        Assert.Equal(JsonValueKind.Array, issues.ValueKind);

        // The same analysis the module runs, straight from the engine: the CLI must not change the answer.
        var expected = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions()).ScanFile(RepoPaths.SampleLog, null, null, CancellationToken.None).Issues;
        Assert.Equal(expected.Select(i => i.Category), Categories(issues));
        Assert.Equal(expected.Select(i => i.Count), issues.EnumerateArray().Select(e => e.GetProperty("Count").GetInt32()));

        var names = typeof(SsmAgentLogIssue).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.All(issues.EnumerateArray(), e => Assert.Equal(names, e.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal)));

        var proxyTls = issues.EnumerateArray().Single(e => e.GetProperty("Category").GetString() == "ProxyTls");
        Assert.Equal("Critical", proxyTls.GetProperty("Severity").GetString());
        Assert.Equal(2, proxyTls.GetProperty("Count").GetInt32());
        Assert.Equal(new long[] { 9, 11 }, proxyTls.GetProperty("LineNumbers").EnumerateArray().Select(n => n.GetInt64()));
        Assert.Equal("2024-06-11T07:45:00.0001", proxyTls.GetProperty("FirstSeen").GetString());
        Assert.Equal("ec2messages.us-east-1.amazonaws.com", proxyTls.GetProperty("Endpoint").GetString());
        Assert.Equal(RepoPaths.SampleLog, proxyTls.GetProperty("Path").GetString());
        Assert.Contains("x509: certificate signed by unknown authority", proxyTls.GetProperty("Sample").GetString());
        var iam = issues.EnumerateArray().Single(e => e.GetProperty("Category").GetString() == "IamAccessDenied");
        Assert.Equal(AgentLogSamples.InstanceId, iam.GetProperty("InstanceId").GetString());
        Console.WriteLine(result.Output);
    }

    [Fact]
    public async Task A_healthy_log_exits_0_and_low_severity_issues_alone_do_not_count_as_problems()
    {
        var benign = _dir.Write("healthy/amazon-ssm-agent.log", AgentLogSamples.Benign);
        var healthy = await CliRun.RunAsync("logs", benign);
        Assert.Equal(ExitCodes.Healthy, healthy.ExitCode);
        Assert.Equal("No issues found.", healthy.Output.Trim());
        var json = await CliRun.RunAsync("logs", benign, "--json");
        Assert.Equal(ExitCodes.Healthy, json.ExitCode);
        Assert.Equal(0, json.Json().GetArrayLength());

        var lowOnly = _dir.Write("low/amazon-ssm-agent.log", AgentLogSamples.Benign + AgentLogSamples.ByCategory["DocumentPlugin"]);
        var low = await CliRun.RunAsync("logs", lowOnly, "--json");
        Assert.Equal(ExitCodes.Healthy, low.ExitCode);
        Assert.Equal(new[] { "DocumentPlugin" }, Categories(low.Json()));

        var medium = _dir.Write("medium/amazon-ssm-agent.log", AgentLogSamples.Benign + AgentLogSamples.ByCategory["Throttling"]);
        Assert.Equal(ExitCodes.ProblemsFound, (await CliRun.RunAsync("logs", medium)).ExitCode);
    }

    [Fact]
    public async Task A_folder_reads_every_log_including_rotated_and_gzipped_ones()
    {
        _dir.Write("ssm/amazon-ssm-agent.log", AgentLogSamples.ByCategory["Throttling"]);
        _dir.Write("ssm/errors.log", AgentLogSamples.ByCategory["ClockSkew"]);
        _dir.Write("ssm/notes.txt", AgentLogSamples.ByCategory["NoCredentials"]);
        using (var gz = new GZipStream(File.Create(Path.Combine(_dir.Path, "ssm", "amazon-ssm-agent.log.1.gz")), CompressionLevel.Fastest))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(AgentLogSamples.ByCategory["IamAccessDenied"]);
            gz.Write(bytes, 0, bytes.Length);
        }

        var result = await CliRun.RunAsync("logs", Path.Combine(_dir.Path, "ssm"), "--json");
        Assert.Equal(ExitCodes.ProblemsFound, result.ExitCode);
        Assert.Equal(new[] { "ClockSkew", "IamAccessDenied", "Throttling" }, Categories(result.Json()).OrderBy(c => c, StringComparer.Ordinal));

        // A quoted wildcard (cmd.exe passes it through) is expanded by the tool itself.
        var wildcard = await CliRun.RunAsync("logs", Path.Combine(_dir.Path, "ssm", "err*.log"), "--json");
        Assert.Equal(new[] { "ClockSkew" }, Categories(wildcard.Json()));
    }

    [Fact]
    public async Task Dash_reads_log_text_from_standard_input()
    {
        var result = await CliRun.RunAsync(new[] { "logs", "-", "--json" }, AgentLogSamples.Benign + AgentLogSamples.ByCategory["CredentialsExpired"], CancellationToken.None);
        Assert.Equal(ExitCodes.ProblemsFound, result.ExitCode);
        var issue = Assert.Single(result.Json().EnumerateArray());
        Assert.Equal("CredentialsExpired", issue.GetProperty("Category").GetString());
        Assert.Equal(JsonValueKind.Null, issue.GetProperty("Path").ValueKind);
    }

    [Fact]
    public async Task Get_diagnostics_output_on_standard_input_names_each_failed_check()
    {
        // `ssm-cli get-diagnostics --output table | ssmtroubleshoot logs - --as-entry --json`
        var table = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "get-diagnostics.txt"));
        var result = await CliRun.RunAsync(new[] { "logs", "-", "--as-entry", "--json" }, table, CancellationToken.None);
        Assert.Equal(ExitCodes.ProblemsFound, result.ExitCode);
        var entries = result.Json().EnumerateArray().ToArray();
        Assert.Equal(new[] { "EndpointUnreachable", "NoCredentials" }, entries.Select(e => e.GetProperty("Category").GetString()).ToArray());
        Assert.Equal(new[] { 13L, 18L }, entries.Select(e => e.GetProperty("LineNumber").GetInt64()).ToArray());
    }

    [Fact]
    public async Task Category_since_until_and_last_filter_like_the_cmdlet()
    {
        var proxy = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--category", "Proxy*", "--json");
        Assert.Equal(new[] { "ProxyTls", "ProxyMisconfiguration" }, Categories(proxy.Json()));
        var two = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--category", "clockskew,SessionManager", "--json");
        Assert.Equal(new[] { "ClockSkew", "SessionManager" }, Categories(two.Json()));

        var window = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--since", "2024-06-11 07:46:00", "--until", "2024-06-11 07:52:00", "--json");
        Assert.Equal(new[] { "IamAccessDenied", "ClockSkew", "ProxyMisconfiguration" }.OrderBy(c => c, StringComparer.Ordinal), Categories(window.Json()).OrderBy(c => c, StringComparer.Ordinal));

        // The sample is from 2024: nothing of the last two hours.
        var last = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--last", "2h", "--json");
        Assert.Equal(ExitCodes.Healthy, last.ExitCode);
        Assert.Equal(0, last.Json().GetArrayLength());
    }

    [Fact]
    public async Task As_entry_lists_classified_entries_and_include_unclassified_adds_unknown()
    {
        var log = _dir.Write("entries/amazon-ssm-agent.log", AgentLogSamples.Benign + AgentLogSamples.ByCategory["ProxyTls"] + AgentLogSamples.Unclassified);
        var entries = await CliRun.RunAsync("logs", log, "--as-entry", "--include-unclassified", "--json");
        Assert.Equal(ExitCodes.ProblemsFound, entries.ExitCode);
        var rows = entries.Json().EnumerateArray().ToList();
        Assert.Equal(new[] { "ProxyTls", "Unknown" }, rows.Select(r => r.GetProperty("Category").GetString()));
        Assert.Equal("Error", rows[0].GetProperty("Level").GetString());
        Assert.Equal(AgentLogSamples.Benign.Count(c => c == '\n') + 1, rows[0].GetProperty("LineNumber").GetInt64());
        Assert.Contains("\ncaused by:", rows[0].GetProperty("Message").GetString());
        var names = typeof(SsmAgentLogEntry).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(names, rows[0].EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));

        var table = await CliRun.RunAsync("logs", log, "--as-entry");
        var lines = CliRun.Lines(table.Output);
        Assert.Equal(new[] { "Timestamp", "Level", "Category", "Line", "Message" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, lines.Count);
        Assert.Contains("2024-06-11 07:45:00 Error ProxyTls", lines[2]);
        Assert.DoesNotContain("caused by", lines[2]);

        var unknownOnly = await CliRun.RunAsync("logs", log, "--category", "Unknown", "--json");
        Assert.Equal(new[] { "Unknown" }, Categories(unknownOnly.Json()));
    }

    [Fact]
    public async Task Rule_path_adds_rules_and_a_bad_or_missing_rule_file_is_a_usage_error()
    {
        var rules = _dir.Write("rules/acme.json", """
            {
              "schemaVersion": 1,
              "rules": [
                {
                  "id": "acme.vault-agent", "category": "AcmeVault", "severity": "High",
                  "signatures": ["vault-agent"], "patterns": ["vault-agent: token renewal failed"],
                  "cause": "The ACME vault agent could not renew its token.", "remediation": "Restart vault-agent.",
                  "helpUri": "https://wiki.example.com/vault", "nextStep": "systemctl restart vault-agent"
                }
              ]
            }
            """);
        var log = _dir.Write("rules/amazon-ssm-agent.log", "2024-06-11 07:00:00 ERROR [Wrapper] vault-agent: token renewal failed\n" + AgentLogSamples.ByCategory["Throttling"]);
        var result = await CliRun.RunAsync("logs", log, "--rule-path", rules, "--category", "AcmeVault", "Throttling", "--json");
        Assert.Equal(ExitCodes.ProblemsFound, result.ExitCode);
        Assert.Equal(new[] { "AcmeVault", "Throttling" }, Categories(result.Json()));

        var bad = _dir.Write("rules/bad.json", """{ "rules": [ { "id": "x", "category": "C", "severity": "Low", "patterns": ["([a-"], "cause": "c", "remediation": "r", "nextStep": "n" } ] }""");
        var invalid = await CliRun.RunAsync("logs", log, "--rule-path", bad);
        Assert.Equal(ExitCodes.UsageError, invalid.ExitCode);
        Assert.Contains("rules[0].patterns[0]", invalid.Error);
        Assert.Equal(string.Empty, invalid.Output);

        var missing = await CliRun.RunAsync("logs", log, "--rule-path", Path.Combine(_dir.Path, "none.json"));
        Assert.Equal(ExitCodes.UsageError, missing.ExitCode);
        Assert.Contains("none.json' was not found", missing.Error);
    }

    [Theory]
    [InlineData("--category", "Bogus", "'Bogus' is not a log issue category. Valid categories: ")]
    [InlineData("--last", "yesterday", "--last 'yesterday' is not a duration")]
    [InlineData("--last", "-2h", "--last must be a positive duration")]
    [InlineData("--since", "not-a-date", "not-a-date")]
    [InlineData("--frobnicate", "x", "'--frobnicate'")]
    public async Task Bad_values_are_usage_errors_on_stderr(string option, string value, string message)
    {
        var result = await CliRun.RunAsync("logs", RepoPaths.SampleLog, option, value);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Contains("ssmtroubleshoot logs --help", result.Error);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task Since_with_last_or_since_after_until_are_usage_errors()
    {
        var both = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--since", "2024-06-11", "--last", "2h");
        Assert.Equal(ExitCodes.UsageError, both.ExitCode);
        Assert.Contains("either --since or --last", both.Error);
        var swapped = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--since", "2024-06-12", "--until", "2024-06-11");
        Assert.Equal(ExitCodes.UsageError, swapped.ExitCode);
        Assert.Contains("is after --until", swapped.Error);
    }

    [Fact]
    public async Task A_missing_log_is_could_not_run_but_what_was_read_is_still_reported()
    {
        var missing = Path.Combine(_dir.Path, "nowhere", "amazon-ssm-agent.log");
        var alone = await CliRun.RunAsync("logs", missing);
        Assert.Equal(ExitCodes.CouldNotRun, alone.ExitCode);
        Assert.Contains("Cannot find the log path '" + missing + "'", alone.Error);

        var mixed = await CliRun.RunAsync("logs", RepoPaths.SampleLog, missing, "--json");
        Assert.Equal(ExitCodes.CouldNotRun, mixed.ExitCode);
        Assert.Equal(7, mixed.Json().GetArrayLength());
        Assert.StartsWith("ERROR: Cannot find the log path", mixed.Error);
    }

    [Fact]
    public async Task A_binary_file_is_skipped_with_a_warning_and_an_empty_folder_is_warned()
    {
        var binary = Path.Combine(_dir.Path, "bin", "amazon-ssm-agent.log");
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        File.WriteAllBytes(binary, Enumerable.Range(0, 4096).Select(i => (byte)(i % 7)).ToArray());
        var result = await CliRun.RunAsync("logs", binary);
        Assert.Equal(ExitCodes.Healthy, result.ExitCode);
        Assert.Contains("WARNING: '" + binary + "' is not a text log", result.Error);

        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty"));
        var empty = await CliRun.RunAsync("logs", Path.Combine(_dir.Path, "empty"));
        Assert.Equal(ExitCodes.Healthy, empty.ExitCode);
        Assert.Contains("WARNING: No agent log files", empty.Error);
    }

    [Fact]
    public async Task Without_paths_the_agents_log_folder_is_read()
    {
        if (Directory.Exists(AgentLogAnalyzer.DefaultLogDirectory))
        {
            return; // an agent is installed here; its real logs are not this test's fixture
        }

        var result = await CliRun.RunAsync("logs");
        Assert.Equal(ExitCodes.CouldNotRun, result.ExitCode);
        Assert.Contains("Cannot find the log path '" + AgentLogAnalyzer.DefaultLogDirectory + "'", result.Error);
    }

    [Fact]
    public async Task A_cancelled_run_stops_with_exit_code_130()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var result = await CliRun.RunAsync(new[] { "logs", RepoPaths.SampleLog }, null, cancel.Token);
        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Contains("Cancelled.", result.Error);
    }
}
