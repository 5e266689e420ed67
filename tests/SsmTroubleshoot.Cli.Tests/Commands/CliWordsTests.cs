using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Diagnosis;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>
/// Issue #14: the CLI speaks its own language. Next steps name CLI and AWS CLI commands, never a cmdlet; every --help
/// has examples; offline commands list no AWS options; input errors say what is accepted; fleet logs and the rule list.
/// </summary>
public sealed class CliWordsTests
{
    // A cmdlet of the module (Verb-Ssm*, Verb-Saw*, Test-ManagedInstanceNetwork) or of AWS.Tools (Verb-SSM*, Verb-EC2*,
    // Verb-AWS*, Set-DefaultAWSRegion), or a -PowerShellParameter. Windows' own Get-Service and friends are host commands.
    private static readonly Regex CmdletName = new(
        @"\b(Get|Test|Invoke|Find|Set|New|Send|Start|Stop|Export|Wait|Remove|Register|Use)-(Ssm|Saw|SSM|EC2|AWS|STS|IAM|ManagedInstance|DefaultAWS|Automation)\w*|(?<![\w-])-(InstanceId|AgentVersion|ProfileName|Region|Since|Last|Parameter|Details|OutputS3BucketName|AccessKey|SecretKey|Service)\b",
        RegexOptions.CultureInvariant);

    private static void AssertNoCmdlet(string text, string where)
    {
        var match = CmdletName.Match(text);
        Assert.False(match.Success, $"{where} names '{match.Value}': ...{(match.Success ? text.Substring(Math.Max(0, match.Index - 80), Math.Min(160, text.Length - Math.Max(0, match.Index - 80))) : string.Empty)}...");
    }

    /// <summary>Every string literal of the engine that names a cmdlet: a message or next step the CLI may show.</summary>
    private static IEnumerable<string> EngineTexts()
    {
        var literal = new Regex("\\$?@?\"((?:[^\"\\\\\\n]|\\\\.)*)\"", RegexOptions.CultureInvariant);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "SsmTroubleshoot.Engine"), "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "CommandSpelling.cs"))
        {
            foreach (var line in File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
            {
                foreach (Match m in literal.Matches(line))
                {
                    if (CmdletName.IsMatch(m.Groups[1].Value))
                    {
                        yield return m.Groups[1].Value;
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_built_in_next_step_remediation_and_message_is_spelt_for_the_cli_without_a_cmdlet()
    {
        var texts = new List<(string Where, string Text)>();
        foreach (var rule in LogRuleCatalog.BuiltIn.Rules)
        {
            texts.Add((rule.Id + " cause", rule.Cause));
            texts.Add((rule.Id + " remediation", rule.Remediation));
            texts.Add((rule.Id + " next step", rule.NextStep));
        }

        foreach (var cause in NodeRootCauses.All)
        {
            texts.Add((cause.Id, cause.Description + " " + cause.Remediation));
        }

        var engine = EngineTexts().ToList();
        Assert.True(engine.Count > 20, "the scan of the engine's literals found too few cmdlet names to be a scan: " + engine.Count);
        texts.AddRange(engine.Select(t => ("engine literal", t)));

        // The catalog is needed (the texts do name cmdlets), and its CLI rendering names none.
        Assert.Contains(texts, t => CmdletName.IsMatch(t.Text));
        foreach (var (where, text) in texts)
        {
            AssertNoCmdlet(CommandSpelling.For(FrontEnd.CommandLine, text), where);
            Assert.Equal(text, CommandSpelling.For(FrontEnd.PowerShell, text));
        }
    }

    [Theory]
    [InlineData("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {InstanceId}", "ssmtroubleshoot runbook start AWSSupport-TroubleshootManagedInstance --instance-id {InstanceId}")]
    [InlineData("Invoke-SawRunbook AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2 -InstanceId i-0a -Parameter @{ ServiceEndpoint = 'ssm.us-east-1.amazonaws.com'; Note = 'a b' }",
        "ssmtroubleshoot runbook start AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2 --instance-id i-0a --parameter ServiceEndpoint=ssm.us-east-1.amazonaws.com --parameter 'Note=a b'")]
    [InlineData("Test-SsmEndpoint on the instance (IMDS probe)", "ssmtroubleshoot endpoints on the instance (IMDS probe)")]
    [InlineData("Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or create a 'default' profile (Set-AWSCredential -StoreAs default).",
        "Pass --profile or --access-key/--secret-key, run aws configure (or set AWS_PROFILE), set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or create a 'default' profile (aws configure --profile default).")]
    [InlineData("Check the runbook name and Region: Find-SawRunbook lists the AWSSupport-* runbooks available here.", "Check the runbook name and Region: ssmtroubleshoot runbook find lists the AWSSupport-* runbooks available here.")]
    [InlineData("pass -AgentVersion 3.3.40.0", "pass --agent-version 3.3.40.0")]
    [InlineData("Get-SSMCommandInvocation -InstanceId {InstanceId} -Details for the failing command", "aws ssm list-command-invocations --instance-id {InstanceId} --details for the failing command")]
    [InlineData("systemctl restart amazon-ssm-agent (Restart-Service AmazonSSMAgent)", "systemctl restart amazon-ssm-agent (Restart-Service AmazonSSMAgent)")]
    public void The_catalog_spells_each_command_the_cli_way(string powerShell, string cli) =>
        Assert.Equal(cli, CommandSpelling.For(FrontEnd.CommandLine, powerShell));

    private static IEnumerable<(string Path, Command Command)> AllCommands(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var nested in AllCommands(sub, (path + " " + sub.Name).Trim()))
            {
                yield return nested;
            }
        }
    }

    [Fact]
    public async Task Every_help_has_examples_names_no_cmdlet_and_offline_commands_list_no_aws_options()
    {
        var root = CliApp.BuildRoot(new CliHost(TextWriter.Null, TextWriter.Null));
        var paths = AllCommands(root, string.Empty).Select(c => c.Path).ToList();
        Assert.Contains("logs rules", paths);
        var offline = new[] { "logs", "logs rules", "runbook catalog", "endpoints", "diagnose" };
        foreach (var path in paths)
        {
            var args = path.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("--help").ToArray();
            var help = await CliRun.RunAsync(args);
            Assert.True(help.ExitCode == 0, path + ": " + help);
            AssertNoCmdlet(help.Output, "'" + path + " --help'");
            Assert.Contains("Examples:" + Environment.NewLine + "    ssmtroubleshoot", help.Output);
            if (offline.Contains(path))
            {
                Assert.DoesNotContain("  --profile", help.Output);
                Assert.DoesNotContain("  --access-key", help.Output);
                Assert.DoesNotContain("  --endpoint-url", help.Output);
            }
            else if (path is "context" or "network" or "diagnose-node" or "runbook start")
            {
                Assert.Contains("  --profile", help.Output);
                Assert.Contains("  --region", help.Output);
            }
        }

        // Not listed is not refused: an AWS option on the offline logs command is accepted (it serves --instance-id).
        var accepted = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--region", "us-east-1");
        Assert.Equal(ExitCodes.ProblemsFound, accepted.ExitCode);
    }

    [Fact]
    public async Task The_report_of_the_sample_log_names_no_cmdlet_as_a_table_or_as_json()
    {
        foreach (var args in new[] { new[] { "logs", RepoPaths.SampleLog }, new[] { "logs", RepoPaths.SampleLog, "--json" }, new[] { "logs", "rules", "--detailed" }, new[] { "logs", "rules", "--json" } })
        {
            var result = await CliRun.RunAsync(args);
            Assert.True(result.Output.Length > 1000, result.ToString());
            AssertNoCmdlet(result.Output + result.Error, string.Join(" ", args));
        }
    }

    [Fact]
    public async Task What_was_read_is_shown_as_it_was_and_only_the_advice_is_respelt()
    {
        // A pasted PowerShell terminal: its prompt line names a cmdlet, which is the log's text, not this tool's advice.
        var paste = Path.Combine(RepoPaths.Root, "examples", "client-paste.txt");
        var table = await CliRun.RunAsync("logs", paste, "--as-entry");
        Assert.Contains("PS C:\\Users\\ops> Send-SSMCommand -InstanceId i-0a1b2c3d4e5f60001", table.Output);

        var json = await CliRun.RunAsync("logs", paste, "--json");
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        var issue = document.RootElement.EnumerateArray().First(i => i.GetProperty("RuleId").GetString() == "checks.node-not-managed");
        Assert.StartsWith("PS C:\\Users\\ops> Send-SSMCommand -InstanceId", issue.GetProperty("Sample").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("ssmtroubleshoot network --instance-id i-0a1b2c3d4e5f60001", issue.GetProperty("NextStep").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("log", "Did you mean 'ssmtroubleshoot logs'?")]
    [InlineData("endpoint", "Did you mean 'ssmtroubleshoot endpoints'?")]
    [InlineData("contxt", "Did you mean 'ssmtroubleshoot context'?")]
    public async Task A_mistyped_command_suggests_the_right_one(string typed, string suggestion)
    {
        var result = await CliRun.RunAsync(typed);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(suggestion, result.Error);
    }

    [Fact]
    public async Task A_mistyped_subcommand_suggests_within_its_group_and_nonsense_suggests_nothing()
    {
        var find = await CliRun.RunAsync("runbook", "fnd");
        Assert.Contains("Did you mean 'ssmtroubleshoot runbook find'?", find.Error);
        var nonsense = await CliRun.RunAsync("qwertyuiop");
        Assert.Equal(ExitCodes.UsageError, nonsense.ExitCode);
        Assert.DoesNotContain("Did you mean", nonsense.Error);
    }

    [Fact]
    public void Since_accepts_the_forms_people_type()
    {
        var now = new DateTime(2024, 6, 11, 8, 0, 0, DateTimeKind.Local);
        DateTime Parse(string text)
        {
            Assert.True(SsmTroubleshoot.Cli.Commands.Durations.TryParseTime(text, now, out var value, out var problem), text + ": " + problem);
            return value;
        }

        Assert.Equal(now.AddHours(-2), Parse("2h"));
        Assert.Equal(now.AddMinutes(-30), Parse("30m"));
        Assert.Equal(now.AddDays(-1), Parse("1d"));
        Assert.Equal(new DateTime(2024, 6, 10), Parse("yesterday"));
        Assert.Equal(new DateTime(2024, 6, 11), Parse("Today"));
        Assert.Equal(new DateTime(2024, 6, 9), Parse("2024-06-09"));
        Assert.Equal(new DateTime(2024, 6, 9, 7, 45, 0), Parse("2024-06-09T07:45"));
        Assert.Equal(new DateTime(2024, 6, 9, 7, 45, 30), Parse("2024-06-09 07:45:30"));
        Assert.Equal(new DateTimeOffset(2024, 6, 9, 7, 45, 30, TimeSpan.Zero).LocalDateTime, Parse("2024-06-09T07:45:30Z"));
        Assert.Equal(new DateTimeOffset(2024, 6, 9, 7, 45, 30, TimeSpan.FromHours(2)).LocalDateTime, Parse("2024-06-09T07:45:30+02:00"));
        Assert.False(SsmTroubleshoot.Cli.Commands.Durations.TryParseTime("-2h", now, out _, out _));
        Assert.False(SsmTroubleshoot.Cli.Commands.Durations.TryParseTime("06/09/2024", now, out _, out var problem));
        Assert.Contains("yesterday", problem);
    }

    [Theory]
    [InlineData("--since", "yesterday-ish")]
    [InlineData("--until", "last tuesday")]
    public async Task A_time_that_is_not_one_says_which_forms_are_accepted(string option, string value)
    {
        var result = await CliRun.RunAsync("logs", RepoPaths.SampleLog, option, value);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"ERROR: {option} '{value}' is not a time; use a period back from now (2h, 30m, 1d, 45s), today, yesterday, now, or an ISO 8601 date", result.Error);
        Assert.DoesNotContain("System.", result.Error);
    }

    [Fact]
    public async Task Since_yesterday_and_an_iso_date_filter_the_sample_by_its_timestamps()
    {
        // The sample's entries are from 2024-06-11 between 07:45 and 07:58: "yesterday" is long after them.
        var yesterday = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--since", "yesterday", "--json");
        Assert.Equal(ExitCodes.Healthy, yesterday.ExitCode);
        Assert.Equal(0, yesterday.Json().GetArrayLength());

        var late = await CliRun.RunAsync("logs", RepoPaths.SampleLog, "--since", "2024-06-11T07:50", "--json");
        var categories = late.Json().EnumerateArray().Select(e => e.GetProperty("Category").GetString()).ToList();
        Assert.Contains("ClockSkew", categories);
        Assert.DoesNotContain("ProxyTls", categories);
    }

    [Fact]
    public async Task Logs_rules_lists_the_catalog_and_filters_by_category()
    {
        var all = await CliRun.RunAsync("logs", "rules", "--json");
        Assert.Equal(ExitCodes.Healthy, all.ExitCode);
        Assert.Equal(LogRuleCatalog.BuiltIn.Rules.Count, all.Json().GetArrayLength());

        var proxy = await CliRun.RunAsync("logs", "rules", "--category", "Proxy*", "--detailed");
        var lines = CliRun.Lines(proxy.Output);
        Assert.Equal(new[] { "Id", "Category", "Severity", "Matches" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var expected = LogRuleCatalog.BuiltIn.Rules.Where(r => r.Category.StartsWith("Proxy", StringComparison.Ordinal)).ToList();
        Assert.True(expected.Count >= 2);
        Assert.All(expected, r => Assert.Contains(lines, l => l.StartsWith(r.Id + " ", StringComparison.Ordinal)));
        Assert.Equal(expected.Count, lines.Count(l => l.StartsWith("  Remediation: ", StringComparison.Ordinal)));

        var bad = await CliRun.RunAsync("logs", "rules", "--category", "Nope");
        Assert.Equal(ExitCodes.UsageError, bad.ExitCode);
        Assert.Contains("'Nope' is not a log issue category", bad.Error);
    }

    [Fact]
    public async Task Logs_of_managed_nodes_are_collected_through_run_command_with_the_aws_options()
    {
        const string Broken = "i-0f1e2d3c4b5a60001";
        const string Healthy = "i-0f1e2d3c4b5a60002";
        var world = new World();
        foreach (var (id, environment) in new[] { (Broken, "prod"), (Healthy, "test") })
        {
            world.InstanceInformation.Add(new InstanceInformation { InstanceId = id, PlatformType = "Linux", PlatformName = "Amazon Linux", PingStatus = "Online", ComputerName = id + ".ec2.internal" });
            world.Instances.Add(new Instance { InstanceId = id, Tags = new Dictionary<string, string> { ["Environment"] = environment } });
        }

        world.CommandOutputs.Add(new CommandOutput
        {
            InstanceId = Broken,
            StandardOutput = "#SsmTroubleshoot-collect v1 total=9000 sent=9000 files=1 dir=/var/log/amazon/ssm\n" + AgentLogSamples.ByCategory["IamAccessDenied"],
        });
        world.CommandOutputs.Add(new CommandOutput
        {
            InstanceId = Healthy,
            StandardOutput = "#SsmTroubleshoot-collect v1 total=2000 sent=2000 files=1 dir=/var/log/amazon/ssm\n" + AgentLogSamples.Benign,
        });
        await using var emu = await AwsEmulator.StartAsync(world);
        string[] Aws(params string[] args) => args.Concat(new[] { "--endpoint-url", emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIAFLEETLOGTEST0001", "--secret-key", "fleet-secret" }).ToArray();

        var result = await CliRun.RunAsync(Aws("logs", "--instance-id", Broken, Healthy, "--since", "2024-06-01"));
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        Assert.Contains("2 of 2 node(s) collected", result.Error);
        var lines = CliRun.Lines(result.Output);
        Assert.Contains(lines, l => l.StartsWith("Critical IamAccessDenied", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  Next step:", StringComparison.Ordinal));
        AssertNoCmdlet(result.Output + result.Error, "logs --instance-id");
        Assert.DoesNotContain("fleet-secret", result.Output + result.Error);
        lock (emu.World.Sync)
        {
            Assert.Contains(emu.World.Commands, c => c.InstanceIds.Contains(Broken) && c.InstanceIds.Contains(Healthy));
        }

        var json = await CliRun.RunAsync(Aws("logs", "--filter", "tag:Environment=prod", "--since", "2024-06-01", "--json"));
        Assert.True(json.ExitCode == ExitCodes.ProblemsFound, json.ToString());
        Assert.All(json.Json().EnumerateArray(), e => Assert.Equal(Broken, e.GetProperty("InstanceId").GetString()));

        var badFilter = await CliRun.RunAsync(Aws("logs", "--filter", "color=blue"));
        Assert.Equal(ExitCodes.UsageError, badFilter.ExitCode);
        Assert.Contains("'color' is not a managed-node filter", badFilter.Error);
        var both = await CliRun.RunAsync(Aws("logs", RepoPaths.SampleLog, "--instance-id", Broken));
        Assert.Equal(ExitCodes.UsageError, both.ExitCode);
    }
}
