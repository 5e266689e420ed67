using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Logs;

/// <summary>One runspace and one temp folder of log files for the whole class (a runspace costs more than a test).</summary>
public sealed class LogSessionFixture : IDisposable
{
    public LogSessionFixture()
    {
        Session = new PowerShellSession();
        Directory = System.IO.Directory.CreateTempSubdirectory("ssmlogs-module-").FullName;
    }

    public PowerShellSession Session { get; }

    public string Directory { get; }

    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        Session.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

public sealed class GetSsmAgentLogIssueTests : IClassFixture<LogSessionFixture>
{
    private readonly LogSessionFixture _fx;

    public GetSsmAgentLogIssueTests(LogSessionFixture fixture) => _fx = fixture;

    private static string AllCategories => string.Join(AgentLogSamples.Benign, AgentLogSamples.ByCategory.Values);

    private ScriptResult Run(string script, params (string Name, object? Value)[] variables) =>
        _fx.Session.Run(script, variables.ToDictionary(v => v.Name, v => v.Value));

    private static string[] Categories(ScriptResult result) =>
        result.Output.Select(o => (string)ScriptResult.Prop(o, "Category")!).OrderBy(c => c, StringComparer.Ordinal).ToArray();

    private static string[] Expected => AgentLogSamples.ByCategory.Keys.OrderBy(c => c, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Every_category_is_diagnosed_from_a_realistic_log_with_cause_remediation_and_next_step()
    {
        var path = _fx.Write("all/amazon-ssm-agent.log", AgentLogSamples.Benign + AllCategories + AgentLogSamples.Benign);
        var result = Run("Get-SsmAgentLogIssue -Path $p", ("p", path));
        Assert.Empty(result.AllErrors);
        Assert.Equal(Expected, Categories(result));
        foreach (var issue in result.Output)
        {
            Assert.Equal("SsmTroubleshoot.Logs.SsmAgentLogIssue", issue.TypeNames[0]);
            Assert.Equal(1, ScriptResult.Prop(issue, "Count"));
            Assert.Equal(path, ScriptResult.Prop(issue, "Path"));
            foreach (var property in new[] { "Cause", "Remediation", "HelpUri", "NextStep", "Sample", "RuleId" })
            {
                Assert.False(string.IsNullOrWhiteSpace(ScriptResult.Prop(issue, property) as string), property);
            }
        }

        var access = result.Output.Single(o => (string)ScriptResult.Prop(o, "Category")! == "IamAccessDenied");
        Assert.Equal(AgentLogSamples.InstanceId, ScriptResult.Prop(access, "InstanceId"));
        Assert.Contains("AWSSupport-TroubleshootManagedInstance -InstanceId " + AgentLogSamples.InstanceId, (string)ScriptResult.Prop(access, "NextStep")!);
        Assert.Equal("Critical", ScriptResult.Prop(access, "Severity")!.ToString());
        Assert.Equal("Critical", ScriptResult.Prop(result.Output[0], "Severity")!.ToString()); // most severe first
    }

    [Fact]
    public void The_cause_only_on_a_continuation_line_is_found()
    {
        var path = _fx.Write("cont/amazon-ssm-agent.log", AgentLogSamples.ByCategory["ImdsUnreachable"] + AgentLogSamples.ByCategory["NoCredentials"]);
        var result = Run("Get-SsmAgentLogIssue -LiteralPath $p", ("p", path));
        Assert.Equal(new[] { "ImdsUnreachable", "NoCredentials" }, Categories(result));
        var imds = result.Output.Single(o => (string)ScriptResult.Prop(o, "Category")! == "ImdsUnreachable");
        Assert.Equal("169.254.169.254", ScriptResult.Prop(imds, "Endpoint"));
    }

    [Fact]
    public void Benign_lines_are_not_flagged_even_with_include_unclassified_but_unknown_errors_are()
    {
        var path = _fx.Write("benign/amazon-ssm-agent.log", string.Concat(Enumerable.Repeat(AgentLogSamples.Benign, 50)));
        Assert.Empty(Run("Get-SsmAgentLogIssue -Path $p -IncludeUnclassified", ("p", path)).Output);
        var mixed = _fx.Write("benign/errors.log", AgentLogSamples.Benign + AgentLogSamples.Unclassified);
        Assert.Empty(Run("Get-SsmAgentLogIssue -Path $p", ("p", mixed)).Output);
        var unknown = Assert.Single(Run("Get-SsmAgentLogIssue -Path $p -IncludeUnclassified", ("p", mixed)).Output);
        Assert.Equal("Unknown", ScriptResult.Prop(unknown, "Category"));
        Assert.Equal("Unknown", ScriptResult.Prop(Assert.Single(Run("Get-SsmAgentLogIssue -Path $p -Category Unknown", ("p", mixed)).Output), "Category"));
    }

    [Fact]
    public void Folders_wildcards_and_rotated_gz_files_are_read_one_source_each()
    {
        _fx.Write("folder/amazon-ssm-agent.log", AgentLogSamples.ByCategory["Throttling"]);
        _fx.Write("folder/amazon-ssm-agent.log.1", AgentLogSamples.ByCategory["Throttling"] + AgentLogSamples.ByCategory["Throttling"]);
        _fx.WriteBytes("folder/amazon-ssm-agent.log.2.gz", Gzip(AgentLogSamples.ByCategory["DnsResolution"]));
        _fx.Write("folder/hibernate.log", AgentLogSamples.ByCategory["Hibernation"]);
        _fx.Write("folder/readme.txt", AgentLogSamples.ByCategory["Throttling"]);
        var folder = Run("Get-SsmAgentLogIssue -Path $p", ("p", Path.Combine(_fx.Directory, "folder")));
        Assert.Empty(folder.AllErrors);
        var sources = folder.Output.Select(o => (Path.GetFileName((string)ScriptResult.Prop(o, "Path")!), (string)ScriptResult.Prop(o, "Category")!, (int)ScriptResult.Prop(o, "Count")!)).ToArray();
        Assert.Equal(new[]
        {
            ("amazon-ssm-agent.log.2.gz", "DnsResolution", 1),
            ("amazon-ssm-agent.log.1", "Throttling", 2),
            ("amazon-ssm-agent.log", "Throttling", 1),
            ("hibernate.log", "Hibernation", 1),
        }, sources);

        var wildcard = Run("Get-SsmAgentLogIssue -Path $p", ("p", Path.Combine(_fx.Directory, "folder", "amazon-ssm-agent.log*")));
        Assert.Equal(3, wildcard.Output.Count);
    }

    [Fact]
    public void FileInfo_objects_and_objects_with_a_PSPath_bind_by_property_name()
    {
        var a = _fx.Write("pipe/a.log", AgentLogSamples.ByCategory["Throttling"]);
        var b = _fx.Write("pipe/b.log", AgentLogSamples.ByCategory["ClockSkew"]);
        var result = Run("[System.IO.FileInfo]::new($a), [pscustomobject]@{ PSPath = 'Microsoft.PowerShell.Core\\FileSystem::' + $b } | Get-SsmAgentLogIssue", ("a", a), ("b", b));
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "ClockSkew", "Throttling" }, Categories(result));
    }

    [Fact]
    public void Lines_from_the_pipeline_group_continuations_across_objects()
    {
        var lines = AgentLogSamples.ByCategory["DnsResolution"].TrimEnd('\n').Split('\n');
        var result = Run("$lines | Get-SsmAgentLogIssue", ("lines", lines));
        var issue = Assert.Single(result.Output);
        Assert.Equal("DnsResolution", ScriptResult.Prop(issue, "Category"));
        Assert.Null(ScriptResult.Prop(issue, "Path"));
        Assert.Equal(new long[] { 1 }, (long[])ScriptResult.Prop(issue, "LineNumbers")!);

        // Run Command output arrives as one multi-line string.
        var whole = Run("$text | Get-SsmAgentLogIssue -AsEntry", ("text", AllCategories));
        Assert.Equal(Expected, Categories(whole));
        Assert.All(whole.Output, o => Assert.Equal("SsmTroubleshoot.Logs.SsmAgentLogEntry", o.TypeNames[0]));
    }

    [Fact]
    public void Get_diagnostics_output_piped_line_by_line_names_each_failed_check()
    {
        // As `ssm-cli get-diagnostics --output table | Get-SsmAgentLogIssue` delivers it: one string a line.
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "examples", "get-diagnostics.txt"));
        var result = Run("$lines | Get-SsmAgentLogIssue -AsEntry", ("lines", lines));
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "EndpointUnreachable", "NoCredentials" }, result.Output.Select(o => (string)ScriptResult.Prop(o, "Category")!).ToArray());
        Assert.Equal(new object[] { 13L, 18L }, result.Output.Select(o => ScriptResult.Prop(o, "LineNumber")!).ToArray());
        Assert.DoesNotContain("\u251c", (string)ScriptResult.Prop(result.Output[0], "Message")!, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_node_says_around_the_agent_is_named_with_its_likely_cause()
    {
        // A report's paste: /var/log/messages of an Amazon Linux 2 node (the agent's own line, then systemd giving up on
        // it), then `systemctl status amazon-ssm-agent`, whose unit line starts a block of its own.
        var lines = new[]
        {
            "Mar  1 10:00:00 ip-10-0-0-1 amazon-ssm-agent: 2026-03-01 10:00:00 ERROR [CredentialRefresher] Retrieve credentials produced error: NoCredentialProviders: no valid providers in chain",
            "Mar  1 10:00:01 ip-10-0-0-1 systemd: Unit amazon-ssm-agent.service entered failed state.",
            "Mar  1 10:00:01 ip-10-0-0-1 kernel: e1000: eth0 NIC Link is Up",
            "\u25cf amazon-ssm-agent.service - amazon-ssm-agent",
            "   Loaded: loaded (/usr/lib/systemd/system/amazon-ssm-agent.service; enabled; vendor preset: enabled)",
            "   Active: failed (Result: exit-code) since Sun 2026-03-01 10:00:01 UTC; 2min ago",
        };

        var result = Run("$lines | Get-SsmAgentLogIssue -AsEntry", ("lines", lines));

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "NoCredentials", "AgentStartup", "AgentStartup" }, result.Output.Select(o => (string)ScriptResult.Prop(o, "Category")!).ToArray());
        Assert.Equal(new object[] { 1L, 2L, 4L }, result.Output.Select(o => ScriptResult.Prop(o, "LineNumber")!).ToArray());
        var issues = Run("$lines | Get-SsmAgentLogIssue", ("lines", lines)).Output;
        var startup = Assert.Single(issues, o => (string)ScriptResult.Prop(o, "Category")! == "AgentStartup");
        Assert.Equal("NoCredentials", ScriptResult.Prop(startup, "LikelyCause")?.ToString());
    }

    [Fact]
    public void AsEntry_emits_each_classified_entry_with_its_line()
    {
        var path = _fx.Write("entries/amazon-ssm-agent.log", AgentLogSamples.Benign + AgentLogSamples.ByCategory["Throttling"] + AgentLogSamples.ByCategory["Throttling"]);
        var result = Run("Get-SsmAgentLogIssue -Path $p -AsEntry", ("p", path));
        Assert.Equal(2, result.Output.Count);
        var first = result.Output[0];
        Assert.Equal((long)(AgentLogSamples.Benign.Count(c => c == '\n') + 1), ScriptResult.Prop(first, "LineNumber"));
        Assert.Equal("Error", ScriptResult.Prop(first, "Level")!.ToString());
        Assert.Equal("ssm-agent-worker/HealthCheck", ScriptResult.Prop(first, "Component"));
        Assert.Equal(new DateTime(2024, 6, 11, 7, 50, 0).AddTicks(1000), ScriptResult.Prop(first, "Timestamp"));
        Assert.Contains("status code: 400", (string)ScriptResult.Prop(first, "Message")!);
    }

    [Fact]
    public void Utf16_crlf_journalctl_container_and_console_copies_are_understood()
    {
        var utf16 = _fx.Write("enc/utf16.log", AllCategories.Replace("\n", "\r\n"), new UnicodeEncoding(false, true));
        var utf16be = _fx.Write("enc/utf16be.log", AllCategories, new UnicodeEncoding(true, true));
        var bom = _fx.Write("enc/bom.log", AllCategories.Replace("\n", "\r\n"), new UTF8Encoding(true));
        foreach (var path in new[] { utf16, utf16be, bom })
        {
            Assert.Equal(Expected, Categories(Run("Get-SsmAgentLogIssue -LiteralPath $p", ("p", path))));
        }

        // The container runtime's own file of an agent in a container (/var/log/containers/*.log, CRI format).
        var cri = _fx.Write("enc/ssm-agent_kube-system.log", string.Concat(AllCategories.Split('\n')
            .Select((line, i) => $"2024-06-11T07:42:{i % 60:00}.123456789Z {(i % 2 == 0 ? "stdout" : "stderr")} F {line}\n")));
        Assert.Equal(Expected, Categories(Run("Get-SsmAgentLogIssue -LiteralPath $p", ("p", cri))));

        // kubectl logs --timestamps / docker logs -t (a UTC time and a space) and a CloudWatch Logs console copy (a tab).
        var kubectl = _fx.Write("enc/kubectl.log", string.Concat(AllCategories.Split('\n').Select((line, i) => $"2024-06-11T07:42:{i % 60:00}.123456789Z {line}\n")));
        Assert.Equal(Expected, Categories(Run("Get-SsmAgentLogIssue -LiteralPath $p", ("p", kubectl))));
        var console = _fx.Write("enc/cloudwatch.tsv", string.Concat(AllCategories.Split('\n').Select((line, i) => $"2024-06-11T07:42:{i % 60:00}.123Z\t{line}\n")));
        Assert.Equal(Expected, Categories(Run("Get-SsmAgentLogIssue -LiteralPath $p", ("p", console))));

        var journal = _fx.Write("enc/journal.txt", AgentLogSamples.Journal);
        var fromJournal = Run("Get-SsmAgentLogIssue -LiteralPath $p", ("p", journal)).Output;
        var issue = Assert.Single(fromJournal, i => (string?)ScriptResult.Prop(i, "Category") == "NoCredentials");
        Assert.Equal(new DateTime(2024, 6, 11, 7, 42, 5), ScriptResult.Prop(issue, "LastSeen"));
        var exit = Assert.Single(fromJournal, i => (string?)ScriptResult.Prop(i, "Category") == "AgentStartup"); // systemd: the unit failed
        Assert.Equal("NoCredentials", ScriptResult.Prop(exit, "LikelyCause"));
    }

    [Fact]
    public void A_missing_path_is_a_non_terminating_error_and_the_other_paths_go_on()
    {
        var good = _fx.Write("missing/amazon-ssm-agent.log", AgentLogSamples.ByCategory["Throttling"]);
        var result = Run("Get-SsmAgentLogIssue -Path $bad, $good; Get-SsmAgentLogIssue -LiteralPath $bad",
            ("bad", Path.Combine(_fx.Directory, "missing", "nope.log")), ("good", good));
        Assert.Null(result.Terminating);
        Assert.Equal(new[] { "LogPathNotFound", "LogPathNotFound" }, result.ErrorIds);
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category));
        Assert.Equal("Throttling", ScriptResult.Prop(Assert.Single(result.Output), "Category"));
    }

    [Fact]
    public void Permission_denied_is_an_error_and_the_other_paths_go_on()
    {
        var good = _fx.Write("denied/amazon-ssm-agent.log", AgentLogSamples.ByCategory["Throttling"]);
        var locked = _fx.Write("denied/errors.log", AgentLogSamples.ByCategory["ClockSkew"]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(locked, UnixFileMode.None);
        }

        // Root reads a mode-000 file; then use a file the kernel refuses even to root (ptrace-protected memory).
        var denied = CanOpen(locked) && File.Exists("/proc/1/mem") && !CanOpen("/proc/1/mem") ? "/proc/1/mem" : locked;
        var result = Run("Get-SsmAgentLogIssue -LiteralPath $denied, $good", ("denied", denied), ("good", good));
        Assert.Null(result.Terminating);
        Assert.Equal("Throttling", ScriptResult.Prop(result.Output.Last(), "Category"));
        if (CanOpen(denied))
        {
            Assert.Empty(result.AllErrors); // nothing here is unreadable for this user: both files are read
            Assert.Equal(2, result.Output.Count);
        }
        else
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("LogPathAccessDenied", ScriptResult.ErrorId(error));
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Equal(denied, error.TargetObject);
        }
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public void Without_a_path_the_platform_log_folder_is_read()
    {
        var result = Run("Get-SsmAgentLogIssue -Verbose");
        Assert.Contains(result.Verbose, v => v.Message.Contains(OperatingSystem.IsWindows() ? @"Amazon\SSM\Logs" : "/var/log/amazon/ssm/", StringComparison.Ordinal));
        if (Directory.Exists(OperatingSystem.IsWindows() ? @"C:\ProgramData\Amazon\SSM\Logs" : "/var/log/amazon/ssm/"))
        {
            Assert.DoesNotContain("LogPathNotFound", result.ErrorIds);
        }
        else
        {
            Assert.Equal("LogPathNotFound", Assert.Single(result.ErrorIds));
        }
    }

    [Fact]
    public void A_binary_file_is_skipped_with_a_warning()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 251)).ToArray();
        var binary = _fx.WriteBytes("binary/core.log", bytes);
        var good = _fx.Write("binary/amazon-ssm-agent.log", AgentLogSamples.ByCategory["Throttling"]);
        var result = Run("Get-SsmAgentLogIssue -Path $dir", ("dir", Path.GetDirectoryName(binary)));

        Assert.Empty(result.AllErrors);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("core.log", warning.Message);
        Assert.Contains("binary", warning.Message);
        Assert.Equal(good, ScriptResult.Prop(Assert.Single(result.Output), "Path"));
    }

    [Fact]
    public void A_truncated_gz_reports_an_error_naming_the_file_and_keeps_what_was_read()
    {
        var text = AgentLogSamples.ByCategory["Throttling"] + string.Concat(Enumerable.Repeat(AgentLogSamples.Benign, 3000)) + AgentLogSamples.ByCategory["DnsResolution"];
        var gz = Gzip(text);
        var path = _fx.WriteBytes("gz/amazon-ssm-agent.log.1.gz", gz.Take(gz.Length / 2).ToArray());
        var result = Run("Get-SsmAgentLogIssue -Path $p", ("p", path));
        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.Equal("LogFileCorrupt", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("amazon-ssm-agent.log.1.gz", error.ToString());
        Assert.Equal("Throttling", ScriptResult.Prop(Assert.Single(result.Output), "Category"));
    }

    [Fact]
    public void A_50_MB_line_does_not_blow_up_and_shows_progress()
    {
        var path = Path.Combine(_fx.Directory, "huge", "amazon-ssm-agent.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            writer.Write("2024-06-11 07:00:00 ERROR [ssm-agent-worker] dump: too many open files ");
            var chunk = new string('y', 1024 * 1024);
            for (var i = 0; i < 50; i++)
            {
                writer.Write(chunk);
            }

            writer.Write('\n');
            writer.Write(AgentLogSamples.ByCategory["Throttling"]);
        }

        var result = Run("Get-SsmAgentLogIssue -Path $p -AsEntry -Verbose", ("p", path));
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "FileDescriptorExhaustion", "Throttling" }, result.Output.Select(o => (string)ScriptResult.Prop(o, "Category")!).ToArray());
        Assert.True(((string)ScriptResult.Prop(result.Output[0], "Message")!).Length < 70 * 1024);
        Assert.Equal(2L, ScriptResult.Prop(result.Output[1], "LineNumber"));
        Assert.Contains(result.Verbose, v => v.Message.Contains("over-long line", StringComparison.Ordinal));
        Assert.NotEmpty(result.Progress);
    }

    [Fact]
    public void Since_and_Last_filter_by_the_agent_timestamps()
    {
        var now = DateTime.Now;
        string At(DateTime t) => AgentLogSamples.ByCategory["Throttling"].Replace("2024-06-11 07:50:00.0001", t.ToString("yyyy-MM-dd HH:mm:ss.ffff"), StringComparison.Ordinal);
        var path = _fx.Write("time/amazon-ssm-agent.log", At(now.AddHours(-5)) + At(now.AddHours(-1)) + At(now.AddMinutes(-10)));
        Assert.Equal(3, ScriptResult.Prop(Assert.Single(Run("Get-SsmAgentLogIssue -Path $p", ("p", path)).Output), "Count"));
        Assert.Equal(2, ScriptResult.Prop(Assert.Single(Run("Get-SsmAgentLogIssue -Path $p -Last 02:00:00", ("p", path)).Output), "Count"));
        Assert.Equal(1, ScriptResult.Prop(Assert.Single(Run("Get-SsmAgentLogIssue -Path $p -Since $s -Until $u", ("p", path), ("s", now.AddHours(-6)), ("u", now.AddHours(-2))).Output), "Count"));
        var conflict = Run("Get-SsmAgentLogIssue -Path $p -Last 01:00:00 -Since $s", ("p", path), ("s", now));
        Assert.Equal("LogTimeRangeInvalid", ScriptResult.ErrorId(Assert.Single(conflict.AllErrors)));
    }

    [Fact]
    public void Category_filters_and_an_unknown_category_is_a_clear_error()
    {
        var path = _fx.Write("cat/amazon-ssm-agent.log", AllCategories);
        Assert.Equal(new[] { "ProxyMisconfiguration", "ProxyTls" }, Categories(Run("Get-SsmAgentLogIssue -Path $p -Category Proxy*", ("p", path))));
        Assert.Equal(new[] { "Throttling" }, Categories(Run("Get-SsmAgentLogIssue -Path $p -Category throttling", ("p", path))));
        var bad = Run("Get-SsmAgentLogIssue -Path $p -Category Throttlin", ("p", path));
        Assert.Empty(bad.Output);
        Assert.Equal("LogCategoryInvalid", ScriptResult.ErrorId(Assert.Single(bad.AllErrors)));
        Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(bad.AllErrors).CategoryInfo.Category);
        Assert.Contains("ImdsUnreachable", Assert.Single(bad.AllErrors).ToString());
    }

    [Fact]
    public void RulePath_adds_an_organisations_rules_and_a_bad_file_is_reported_with_its_field()
    {
        var rules = _fx.Write("rules/acme.json", """
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
        var log = _fx.Write("rules/amazon-ssm-agent.log", "2024-06-11 07:00:00 ERROR [Wrapper] vault-agent: token renewal failed\n" + AgentLogSamples.ByCategory["Throttling"]);
        var result = Run("Get-SsmAgentLogIssue -Path $p -RulePath $r -Category AcmeVault, Throttling", ("p", log), ("r", rules));
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "AcmeVault", "Throttling" }, Categories(result));

        var bad = _fx.Write("rules/bad.json", """{ "rules": [ { "id": "x", "category": "C", "severity": "Low", "patterns": ["([a-"], "cause": "c", "remediation": "r", "nextStep": "n" } ] }""");
        var invalid = Run("Get-SsmAgentLogIssue -Path $p -RulePath $r", ("p", log), ("r", bad));
        Assert.Equal("LogRuleFileInvalid", ScriptResult.ErrorId(Assert.Single(invalid.AllErrors)));
        Assert.Equal(ErrorCategory.InvalidData, Assert.Single(invalid.AllErrors).CategoryInfo.Category);
        Assert.Contains("rules[0].patterns[0]", Assert.Single(invalid.AllErrors).ToString());
        Assert.Contains("bad.json", Assert.Single(invalid.AllErrors).ToString());

        var syntax = _fx.Write("rules/syntax.json", "{\n  \"rules\": [\n    { \"id\": \"x\",\n  ]\n}\n");
        var syntaxError = Run("Get-SsmAgentLogIssue -Path $p -RulePath $r", ("p", log), ("r", syntax));
        Assert.Contains("line 4", Assert.Single(syntaxError.AllErrors).ToString());

        var missing = Run("Get-SsmAgentLogIssue -Path $p -RulePath $r", ("p", log), ("r", Path.Combine(_fx.Directory, "rules", "none.json")));
        Assert.Equal("LogRuleFileNotFound", ScriptResult.ErrorId(Assert.Single(missing.AllErrors)));
    }

    [Fact]
    public void The_default_view_is_a_table_of_severity_category_count_last_seen_and_next_step()
    {
        var path = _fx.Write("view/amazon-ssm-agent.log", AgentLogSamples.ByCategory["IamAccessDenied"] + AgentLogSamples.ByCategory["Throttling"] + AgentLogSamples.ByCategory["Throttling"]);
        var text = _fx.Session.Render($"Get-SsmAgentLogIssue -Path '{path}'");
        var lines = text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
        Assert.Contains(lines, l => l.Contains("Log: " + path, StringComparison.Ordinal));
        var header = Array.FindIndex(lines, l => l.StartsWith("Severity", StringComparison.Ordinal));
        Assert.True(header >= 0, text);
        Assert.Matches(@"^Severity\s+Category\s+Count\s+LastSeen\s+NextStep$", lines[header]);
        Assert.Matches(@"^Critical\s+IamAccessDenied\s+1\s+2024-06-11 07:47:00\s+Attach AmazonSSMManagedInstanceCore", lines[header + 2]);
        Assert.Contains(lines.Skip(header + 3), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Medium\s+Throttling\s+2\s+2024-06-11 07:50:00"));
    }

    [Fact]
    public void Stopping_the_pipeline_ends_a_long_scan_promptly()
    {
        var path = Path.Combine(_fx.Directory, "stop", "amazon-ssm-agent.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            for (var i = 0; i < 60000; i++)
            {
                writer.Write(AgentLogSamples.Benign);
                writer.Write(AgentLogSamples.ByCategory["Throttling"]);
            }
        }

        using var ps = PowerShell.Create();
        ps.Runspace = _fx.Session.Runspace;
        ps.AddCommand("Get-SsmAgentLogIssue").AddParameter("Path", path).AddParameter("AsEntry");
        var output = new PSDataCollection<PSObject>();
        var started = new System.Threading.ManualResetEventSlim();
        output.DataAdded += (_, _) => started.Set();
        var async = ps.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "no entry came out");
        var watch = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "stop took " + watch.Elapsed);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.True(output.Count < 60000, "the whole file was read before stopping");
        _ = async;
    }

    private static byte[] Gzip(string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }
}
