using System;
using System.IO;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>
/// `runbook start|wait` against the loopback AWS emulator's automation scenario — the same world the
/// Invoke-SawRunbook and Wait-AutomationExecution module tests run on (the catalog runbooks' real documents,
/// 50 ms steps, i-0a1b2c3d4e5f60002 fails at step 3).
/// </summary>
public sealed class RunbookStartWaitTests : IAsyncLifetime
{
    private const string Tmi = "AWSSupport-TroubleshootManagedInstance";
    private const string Healthy = "i-0a1b2c3d4e5f60001";
    private const string Broken = "i-0a1b2c3d4e5f60002";
    private const string Secret = "automation-test-secret";
    private AwsEmulator _emu = null!;

    public async Task InitializeAsync() => _emu = await AwsEmulator.StartAsync(World.LoadScenario("automation"));

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    private List<string> Args(params string[] args)
    {
        var list = new List<string>(args);
        list.AddRange(new[] { "--endpoint-url", _emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIAAUTOMATIONTEST01", "--secret-key", Secret });
        return list;
    }

    private List<AutomationExecution> Executions()
    {
        lock (_emu.World.Sync)
        {
            return _emu.World.AutomationExecutions.OrderBy(e => e.StartTime).ToList();
        }
    }

    private Task<CliResult> Run(params string[] args) => CliRun.RunAsync(Args(args), null, CancellationToken.None);

    [Fact]
    public async Task Start_and_wait_on_two_instances_reports_the_failed_one_and_exits_1()
    {
        var result = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", Healthy, Broken, "--wait", "--poll-interval-seconds", "0.1", "--json");
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        var rows = result.Json().EnumerateArray().ToList();
        Assert.Equal(new[] { "Success", "Failed" }, rows.Select(r => r.GetProperty("Status").GetString()));
        Assert.Equal(new[] { Healthy, Broken }, rows.Select(r => r.GetProperty("Parameters").GetProperty("InstanceId")[0].GetString()));
        Assert.Contains("is not reachable", rows[1].GetProperty("FailureMessage").GetString());
        Assert.True(rows[0].GetProperty("Succeeded").GetBoolean());
        Assert.Equal("us-east-1", rows[0].GetProperty("Region").GetString());
        Assert.Contains("ERROR: Execution " + rows[1].GetProperty("AutomationExecutionId").GetString() + " (" + Tmi + ") ended Failed", result.Error);
        Assert.DoesNotContain(Secret, result.Output + result.Error);
        Assert.Equal(2, Executions().Count);

        // The ids chain into `runbook wait`, which reads the finished executions again.
        var ids = rows.Select(r => r.GetProperty("AutomationExecutionId").GetString()!).ToArray();
        var again = await Run(new[] { "runbook", "wait" }.Concat(ids).Append("--json").ToArray());
        Assert.True(again.ExitCode == ExitCodes.ProblemsFound, again.ToString());
        Assert.Equal(ids, again.Json().EnumerateArray().Select(r => r.GetProperty("AutomationExecutionId").GetString()));

        // The healthy instance's run succeeded, but its (canned) report holds an Error finding: that is a problem found.
        var table = await Run("runbook", "wait", ids[0]);
        Assert.Equal(ExitCodes.ProblemsFound, table.ExitCode);
        Assert.Contains("WARNING: Execution " + ids[0] + " (" + Tmi + ") reports 1 error finding(s): section 5 [ERROR] No EC2 instance IAM profile attached", table.Error);
        var lines = CliRun.Lines(table.Output);
        Assert.Equal(new[] { "AutomationExecutionId", "DocumentName", "Status", "Duration", "FailedStep", "Findings" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^" + ids[0] + @"\s+" + Tmi + @"\s+Success\s+\d+\.\ds", lines[2]);
        Console.WriteLine(table.Output);

        // Which error, in words, without --json: the report's Error and Warning findings under the table, Error first.
        var findings = lines.SkipWhile(l => l != "Findings of " + ids[0] + " (" + Tmi + "):").Skip(1).ToList();
        Assert.Equal(new[] { "Severity", "Section", "Check", "Note" }, findings[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^Error\s+5\s+\S+\s+No EC2 instance IAM profile attached", findings[2]);
        Assert.DoesNotContain(findings, l => l.StartsWith("Ok ", StringComparison.Ordinal) || l.StartsWith("Info ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_live_reads_the_documents_parameters_and_export_writes_the_support_case_files()
    {
        var show = await Run("runbook", "show", "TroubleshootManagedInstance", "--live");
        Assert.True(show.ExitCode == ExitCodes.Healthy, show.ToString());
        var lines = CliRun.Lines(show.Output);
        Assert.Equal(Tmi, lines[0]);
        Assert.Contains(lines, l => l.StartsWith("  Target:", StringComparison.Ordinal) && l.EndsWith("InstanceId", StringComparison.Ordinal));
        var header = lines.FindIndex(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Parameter\s+Type\s+Required\s+Description$"));
        Assert.True(header > 0, show.Output);
        Assert.Contains(lines.Skip(header), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^InstanceId\s+AWS::EC2::Instance::Id\s+yes\s"));
        Assert.True(_emu.Calls["ssm:GetDocument"] >= 1);

        var json = await Run("runbook", "show", Tmi, "--live", "--json");
        Assert.Contains(json.Json().GetProperty("Parameters").EnumerateArray(), p => p.GetProperty("Name").GetString() == "InstanceId");

        var unknown = await Run("runbook", "show", "AWSSupport-NoSuchRunbook", "--live");
        Assert.Equal(ExitCodes.CouldNotRun, unknown.ExitCode);
        Assert.Contains("'ssmtroubleshoot runbook find' lists the runbooks shared there", unknown.Error);

        // The validation error of `runbook start` sends the user to this command.
        var bad = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", Healthy, "--parameter", "NoSuchParameter=1");
        Assert.Equal(ExitCodes.UsageError, bad.ExitCode);
        Assert.Contains("(ssmtroubleshoot runbook show " + Tmi + " --live)", bad.Error);

        var started = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", Healthy, "--wait", "--poll-interval-seconds", "0.1", "--json");
        var id = started.Json()[0].GetProperty("AutomationExecutionId").GetString()!;
        var folder = Path.Combine(Path.GetTempPath(), "ssmts-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var export = await Run("runbook", "export", id, "--path", folder, "--redact");
            Assert.True(export.ExitCode == ExitCodes.Healthy, export.ToString());
            var markdown = Path.Combine(folder, "saw-" + id + ".md");
            Assert.Contains("  Markdown: " + markdown, export.Output);
            Assert.Contains("No EC2 instance IAM profile attached", File.ReadAllText(markdown));
            Assert.DoesNotContain(Healthy, File.ReadAllText(markdown));
            Assert.True(File.Exists(Path.Combine(folder, "saw-" + id + ".json")));

            var again = await Run("runbook", "export", id, "--path", folder);
            Assert.Equal(ExitCodes.CouldNotRun, again.ExitCode);
            Assert.Contains("use --force", again.Error);
            Assert.Equal(ExitCodes.Healthy, (await Run("runbook", "export", id, "--path", folder, "--force")).ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_published_report_without_an_instance_profile_exits_1_and_a_clean_run_exits_0()
    {
        // i-0a1b2c3d4e5f60003's TroubleshootManagedInstance report is a published output (captured/tmi-no-instance-profile.txt).
        var result = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", "i-0a1b2c3d4e5f60003", "--wait", "--poll-interval-seconds", "0.1", "--json");
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        var row = Assert.Single(result.Json().EnumerateArray());
        Assert.Equal("Success", row.GetProperty("Status").GetString());
        var error = Assert.Single(row.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Severity").GetString() == "Error");
        Assert.Equal("No EC2 instance IAM profile attached to the instance: 'i-078f9468a15e81c8d'.", error.GetProperty("Message").GetString());
        Assert.Equal(5, error.GetProperty("Section").GetInt32());
        Assert.Contains(
            "WARNING: Execution " + row.GetProperty("AutomationExecutionId").GetString() + " (" + Tmi + ") reports 1 error finding(s): "
            + "section 5 [ERROR] No EC2 instance IAM profile attached to the instance: 'i-078f9468a15e81c8d'.",
            result.Error);

        // TroubleshootSSH here reports nothing: a run that succeeded with no Error finding is healthy.
        var clean = await Run("runbook", "start", "TroubleshootSSH", "--instance-id", Healthy, "--wait", "--poll-interval-seconds", "0.1");
        Assert.True(clean.ExitCode == ExitCodes.Healthy, clean.ToString());
        Assert.DoesNotContain("error finding", clean.Error);
    }

    [Fact]
    public async Task Find_lists_the_regions_support_runbooks_like_Find_SawRunbook()
    {
        var result = await Run("runbook", "find", "--json");
        Assert.True(result.ExitCode == ExitCodes.Healthy, result.ToString());
        var names = result.Json().EnumerateArray().Select(r => r.GetProperty("Name").GetString()!).ToList();
        Assert.Contains(Tmi, names);
        Assert.DoesNotContain(names, n => n.StartsWith("AWSPremiumSupport-", StringComparison.Ordinal));
        Assert.True(_emu.Calls["ssm:ListDocuments"] >= 1);

        var premium = await Run("runbook", "find", "--include-premium-support", "--json");
        Assert.Contains(premium.Json().EnumerateArray(), r => r.GetProperty("Name").GetString()!.StartsWith("AWSPremiumSupport-", StringComparison.Ordinal));

        var rescue = await Run("runbook", "find", "rescue");
        var lines = CliRun.Lines(rescue.Output);
        Assert.Equal(new[] { "Name", "Ver", "Purpose", "Disruptive" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(lines, l => l.StartsWith("AWSSupport-ExecuteEC2Rescue ") && l.Contains("Yes: "));
        Console.WriteLine(rescue.Output);

        // No match: nothing on stdout (an empty array with --json), the reason on stderr, exit code 4.
        var none = await Run("runbook", "find", "kubernetes");
        Assert.True(none.ExitCode == ExitCodes.NothingFound, none.ToString());
        Assert.Equal(string.Empty, none.Output);
        Assert.Contains("ERROR: No AWS Support runbook in us-east-1 matches 'kubernetes'", none.Error);
        var noneJson = await Run("runbook", "find", "kubernetes", "--json");
        Assert.Equal(ExitCodes.NothingFound, noneJson.ExitCode);
        Assert.Equal(0, noneJson.Json().GetArrayLength());
    }

    [Fact]
    public async Task Start_without_wait_outputs_the_execution_with_the_instance_in_the_runbooks_parameter()
    {
        var started = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", Healthy, "--tag", "Ticket=CASE-123", "--json");
        Assert.True(started.ExitCode == ExitCodes.Healthy, started.ToString());
        var execution = Assert.Single(started.Json().EnumerateArray());
        Assert.Equal(Tmi, execution.GetProperty("DocumentName").GetString());
        Assert.Equal("Pending", execution.GetProperty("Status").GetString());
        Assert.Equal(Healthy, execution.GetProperty("Parameters").GetProperty("InstanceId")[0].GetString());
        Assert.StartsWith("https://us-east-1.console.aws.amazon.com/systems-manager/automation/execution/", execution.GetProperty("ConsoleUrl").GetString());
        Assert.Contains("Started " + Tmi + " on " + Healthy + ": " + execution.GetProperty("AutomationExecutionId").GetString(), started.Error);
        var recorded = Assert.Single(Executions());
        Assert.Equal(execution.GetProperty("AutomationExecutionId").GetString(), recorded.AutomationExecutionId);
        Assert.Equal("CASE-123", recorded.Tags["Ticket"]);

        var table = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", Healthy);
        Assert.Equal(new[] { "AutomationExecutionId", "DocumentName", "Target", "Region", "Status" }, CliRun.Lines(table.Output)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"\s" + Tmi + @"\s+" + Healthy + @"\s+us-east-1\s+Pending$", CliRun.Lines(table.Output)[2]);
    }

    [Fact]
    public async Task Target_locations_and_rate_control_reach_SSM_as_given_and_what_if_shows_them()
    {
        string[] request =
        {
            "runbook", "start", "TroubleshootManagedInstance", "--target-parameter-name", "InstanceId", "--target", "tag:Team=web", "--max-concurrency", "20%", "--max-errors", "1",
            "--target-location", "Accounts=111122223333,444455556666;Regions=eu-west-1,us-east-1;ExecutionRoleName=SawRole;TargetLocationMaxConcurrency=2",
        };
        var whatIf = await Run(request.Append("--what-if").ToArray());
        Assert.True(whatIf.ExitCode == ExitCodes.Healthy, whatIf.ToString());
        Assert.Contains("TargetLocations[0]: Accounts 111122223333,444455556666; Regions eu-west-1,us-east-1; ExecutionRoleName SawRole; TargetLocationMaxConcurrency 2", whatIf.Output);
        Assert.Contains("Child executions: 4", whatIf.Output);
        Assert.Empty(Executions());

        var started = await Run(request.Append("--json").ToArray());
        Assert.True(started.ExitCode == ExitCodes.Healthy, started.ToString());
        var sent = Assert.Single(Executions(), e => e.ParentAutomationExecutionId is null);
        Assert.Equal("20%", sent.MaxConcurrency);
        Assert.Equal("1", sent.MaxErrors);
        var location = Assert.Single(sent.TargetLocations);
        Assert.Equal(new[] { "111122223333", "444455556666" }, location.Accounts);
        Assert.Equal(new[] { "eu-west-1", "us-east-1" }, location.Regions);
        Assert.Equal("SawRole", location.ExecutionRoleName);
        Assert.Equal("2", location.TargetLocationMaxConcurrency);
    }

    [Fact]
    public async Task A_multi_account_start_with_wait_reports_each_account_and_Region_and_exits_1_for_the_failed_one()
    {
        var result = await Run("runbook", "start", "TroubleshootManagedInstance", "--instance-id", Healthy, "--target-location", "Accounts=111122223333,444455556666;Regions=us-east-1",
            "--wait", "--poll-interval-seconds", "0.1");
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        Assert.True(result.Error.Contains("child 444455556666/us-east-1 is Failed: ", StringComparison.Ordinal) && result.Error.Contains("in account 444455556666 could not be assumed", StringComparison.Ordinal), result.ToString());
        var lines = CliRun.Lines(result.Output);
        Assert.Contains(lines, l => l.Contains("111122223333", StringComparison.Ordinal) && l.Contains("us-east-1", StringComparison.Ordinal) && l.Contains("Success", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("444455556666", StringComparison.Ordinal) && l.Contains("Failed", StringComparison.Ordinal));

        var json = await Run("runbook", "wait", Executions().Single().AutomationExecutionId, "--json");
        var children = Assert.Single(json.Json().EnumerateArray()).GetProperty("Children");
        Assert.Equal(new[] { "111122223333 Success", "444455556666 Failed" }, children.EnumerateArray().Select(c => c.GetProperty("AccountId").GetString() + " " + c.GetProperty("Status").GetString()));
    }

    [Fact]
    public async Task A_disruptive_runbook_needs_force_and_what_if_starts_nothing()
    {
        var refused = await Run("runbook", "start", "ExecuteEC2Rescue", "--instance-id", Healthy);
        Assert.Equal(ExitCodes.UsageError, refused.ExitCode);
        Assert.Contains("Stops the instance.", refused.Error);
        Assert.Contains("Add --force", refused.Error);

        var whatIf = await Run("runbook", "start", "ExecuteEC2Rescue", "--instance-id", Healthy, "--parameter", "LogDestination=my-rescue-logs", "--what-if");
        Assert.Equal(ExitCodes.Healthy, whatIf.ExitCode);
        Assert.StartsWith("What if: AWSSupport-ExecuteEC2Rescue on " + Healthy + ": Stops the instance.", whatIf.Output);
        Assert.Contains("  UnreachableInstanceId = " + Healthy, whatIf.Output);
        Assert.Contains("  LogDestination = my-rescue-logs", whatIf.Output);
        Assert.Empty(Executions());

        var forced = await Run("runbook", "start", "ExecuteEC2Rescue", "--instance-id", Healthy, "i-0a1b2c3d4e5f60003", "--force", "--json");
        Assert.True(forced.ExitCode == ExitCodes.Healthy, forced.ToString());
        Assert.Equal(2, forced.Json().GetArrayLength());
        Assert.Equal(new[] { Healthy, "i-0a1b2c3d4e5f60003" }, Executions().Select(e => e.Parameters["UnreachableInstanceId"][0]).OrderBy(i => i));

        // --yes is the same switch, for people who expect it.
        var yes = await Run("runbook", "start", "ExecuteEC2Rescue", "--instance-id", Healthy, "--yes");
        Assert.Equal(ExitCodes.Healthy, yes.ExitCode);
    }

    [Theory]
    [InlineData(new[] { "TroubleshootManagedInstance" }, "InstanceId")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Healthy, "--parameter", "NoSuchParameter=1" }, "NoSuchParameter")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Healthy, "--parameter", "justtext" }, "is not Name=Value")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Healthy, Broken, "--client-token", "abc" }, "--client-token names one execution")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Healthy, "--target-location", "Accounts=12345;Regions=us-east-1" }, "'12345' is not a 12-digit account id")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Healthy, "--target-location", "Accounts=111122223333;Regions=mars-north-1" }, "'mars-north-1' is not a known AWS Region")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--instance-id", Healthy, "--target-location", "Accounts=111122223333;Region=us-east-1" }, "'Region' is not a target location setting")]
    [InlineData(new[] { "TroubleshootManagedInstance", "--target-parameter-name", "InstanceId", "--target", "tag:Team=web", "--max-errors", "lots" }, "MaxErrors 'lots'")]
    public async Task Parameters_that_do_not_fit_the_document_are_usage_errors_and_start_nothing(string[] args, string message)
    {
        var result = await Run(new[] { "runbook", "start" }.Concat(args).ToArray());
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.Empty(Executions());
    }

    [Fact]
    public async Task A_wait_that_runs_out_of_time_exits_1_and_says_the_automation_goes_on()
    {
        _emu.World.Mutate(w => w.AutomationScripts.Insert(0, new AutomationScript { InstanceId = Healthy, Outcome = "Running" }));
        var started = await Run("runbook", "start", Tmi, "--instance-id", Healthy, "--json");
        var id = Assert.Single(started.Json().EnumerateArray()).GetProperty("AutomationExecutionId").GetString();
        var result = await Run("runbook", "wait", id!, "--timeout-seconds", "1", "--poll-interval-seconds", "0.1", "--json");
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        Assert.Contains("ERROR: Execution " + id + " (" + Tmi + ") is still InProgress", result.Error);
        Assert.Contains("after 1 s; the automation goes on.", result.Error);
        Assert.Equal(0, result.Json().GetArrayLength());
    }

    [Fact]
    public async Task Unknown_documents_and_executions_could_not_run()
    {
        var document = await Run("runbook", "start", "AWSSupport-NoSuchRunbook", "--instance-id", Healthy);
        Assert.True(document.ExitCode == ExitCodes.CouldNotRun, document.ToString());
        Assert.Contains("Reading runbook AWSSupport-NoSuchRunbook", document.Error);

        var execution = await Run("runbook", "wait", "00000000-0000-4000-8000-000000000000", "--poll-interval-seconds", "0.05");
        Assert.True(execution.ExitCode == ExitCodes.CouldNotRun, execution.ToString());
        Assert.Contains("could not be read", execution.Error);
    }

    [Theory]
    [InlineData("not-an-id", "'not-an-id' is not an AutomationExecutionId")]
    [InlineData("--timeout-seconds", "--timeout-seconds '0' is not a positive whole number")]
    [InlineData("--poll-interval-seconds", "--poll-interval-seconds must be a number from 0.05 to 60")]
    public async Task Bad_ids_and_wait_options_are_usage_errors(string first, string message)
    {
        var result = first.StartsWith("--") ? await Run("runbook", "wait", "00000000-0000-4000-8000-000000000000", first, "0") : await Run("runbook", "wait", first);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Equal(0, _emu.Calls.Total);
    }
}
