using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class SupportCaseExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("saw-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private static async Task<AutomationExecutionResult> FailedRescue()
    {
        var api = new FakeAutomationApi();
        var e = api.Add(new FakeExecution(Ids.Of(7), "AWSSupport-ExecuteEC2Rescue", AutomationStatus.Failed)
        {
            FailureMessage = "Step fails when it is Execute. arn:aws:iam::123456789012:role/AutomationRole cannot reach 10.20.1.15",
        });
        e.Parameters["UnreachableInstanceId"] = new[] { "i-0123456789abcdef0" };
        e.Parameters["LogDestination"] = new[] { "logs-123456789012" };
        e.Parameters["AssumeRole"] = new[] { "arn:aws:iam::123456789012:role/AutomationRole" };
        e.Outputs["getLinuxBackupAmi.ImageId"] = new[] { "ami-0123456789abcdef0" };
        e.Steps.Add(new AutomationStepDetail { StepName = "assertInstanceIsWindows", Action = "aws:assertAwsResourceProperty", StepStatus = "Failed", IsCritical = false, FailureMessage = "not Windows" });
        e.Steps.Add(new AutomationStepDetail { StepName = "runEC2RescueForLinux", Action = "aws:executeAutomation", StepStatus = "Failed", FailureMessage = "Child automation failed | see logs" });
        var outcome = await new FakeTime().Waiter(api).WaitAsync(new[] { Ids.Of(7) }, new ExecutionWaitOptions { Region = "eu-west-1" });
        return outcome[0].Result;
    }

    [Fact]
    public async Task Markdown_and_json_hold_what_support_asks_for()
    {
        var result = await FailedRescue();
        var files = SupportCaseExport.Write(result, _folder);

        Assert.Equal(Path.Combine(_folder, $"saw-{Ids.Of(7)}.md"), files.MarkdownPath);
        var md = File.ReadAllText(files.MarkdownPath);
        Assert.Contains("AWSSupport-ExecuteEC2Rescue", md);
        Assert.Contains(Ids.Of(7), md);
        Assert.Contains("| Region | eu-west-1 |", md);
        Assert.Contains("| Failed step | runEC2RescueForLinux |", md);
        Assert.Contains("s3://logs-123456789012/", md);
        Assert.Contains("Child automation failed \\| see logs", md);
        Assert.Contains("**UnreachableInstanceId**: `i-0123456789abcdef0`", md);

        using var json = JsonDocument.Parse(File.ReadAllText(files.JsonPath));
        var root = json.RootElement;
        Assert.Equal("AWSSupport-ExecuteEC2Rescue", root.GetProperty("runbook").GetString());
        Assert.Equal(Ids.Of(7), root.GetProperty("automationExecutionId").GetString());
        Assert.Equal("Failed", root.GetProperty("status").GetString());
        Assert.Equal("runEC2RescueForLinux", root.GetProperty("failedStep").GetString());
        Assert.Equal("ami-0123456789abcdef0", root.GetProperty("outputs").GetProperty("getLinuxBackupAmi.ImageId")[0].GetString());
        Assert.Equal("2026-11-23T10:00:00Z", root.GetProperty("startTime").GetString());
        Assert.Equal(2, root.GetProperty("steps").GetArrayLength());
        Assert.False(root.GetProperty("redacted").GetBoolean());
    }

    [Fact]
    public async Task Redact_masks_accounts_arns_and_ipv4_everywhere()
    {
        var result = await FailedRescue();
        var files = SupportCaseExport.Write(result, _folder, redact: true);

        foreach (var text in new[] { File.ReadAllText(files.MarkdownPath), File.ReadAllText(files.JsonPath) })
        {
            Assert.DoesNotContain("123456789012", text);
            Assert.DoesNotContain("10.20.1.15", text);
            Assert.Contains("arn:aws:iam::[REDACTED-ACCOUNT]:role/AutomationRole", text);
            Assert.Contains("[REDACTED-IP]", text);
            Assert.Contains("i-0123456789abcdef0", text); // instance ids are not secrets
        }
    }

    [Theory]
    [InlineData("acct 123456789012.", "acct [REDACTED-ACCOUNT].")]
    [InlineData("arn:aws-us-gov:ssm:us-gov-west-1:123456789012:document/X", "arn:aws-us-gov:ssm:us-gov-west-1:[REDACTED-ACCOUNT]:document/X")]
    [InlineData("1234567890123 is 13 digits", "1234567890123 is 13 digits")]
    [InlineData("from 192.168.0.1/32 to 8.8.8.8", "from [REDACTED-IP]/32 to [REDACTED-IP]")]
    [InlineData("agent 3.1.501.0 and 999.1.1.1", "agent 3.1.501.0 and 999.1.1.1")]
    [InlineData("No route found for 0.0.0.0/0 via 10.0.0.1", "No route found for 0.0.0.0/0 via [REDACTED-IP]")]
    public void Redactor_cases(string input, string expected)
    {
        Assert.Equal(expected, SupportCaseRedactor.Redact(input));
    }

    [Fact]
    public async Task Writes_are_atomic_and_refuse_to_overwrite_without_force()
    {
        var result = await FailedRescue();
        var first = SupportCaseExport.Write(result, _folder, baseName: "case");
        var before = File.ReadAllText(first.JsonPath);

        var ex = Assert.Throws<IOException>(() => SupportCaseExport.Write(result, _folder, baseName: "case"));
        Assert.Contains("-Force", ex.Message);
        Assert.Equal(before, File.ReadAllText(first.JsonPath));

        var again = SupportCaseExport.Write(result, _folder, redact: true, baseName: "case", overwrite: true);
        Assert.Contains("[REDACTED-ACCOUNT]", File.ReadAllText(again.JsonPath));
        Assert.Equal(new[] { "case.json", "case.md" }, Directory.GetFiles(_folder).Select(Path.GetFileName).OrderBy(n => n));
    }

    [Fact]
    public void Atomic_write_leaves_no_temp_file_when_the_target_cannot_be_replaced()
    {
        var target = Path.Combine(_folder, "blocked.json");
        Directory.CreateDirectory(target); // a folder where the file should go: the rename fails
        Assert.ThrowsAny<IOException>(() => SupportCaseExport.WriteAtomically(target, "{}"));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task Bad_folder_or_name_is_refused()
    {
        var result = await FailedRescue();
        Assert.Throws<DirectoryNotFoundException>(() => SupportCaseExport.Write(result, Path.Combine(_folder, "missing")));
        Assert.Throws<ArgumentException>(() => SupportCaseExport.Write(result, _folder, baseName: "a/b"));
    }

    [Fact]
    public void Warnings_and_errors_of_the_report_are_listed_by_section()
    {
        var detail = new AutomationExecutionDetail
        {
            AutomationExecutionId = Ids.Of(8),
            DocumentName = "AWSSupport-TroubleshootManagedInstance",
            Status = AutomationStatus.Success,
            Outputs = new Dictionary<string, IReadOnlyList<string>> { ["FinalOutput.Message"] = new[] { TestFiles.Read("tmi-report-v1.txt") } },
        };
        var result = AutomationExecutionResult.FromExecution(detail, detail.StepExecutions, "eu-west-1");

        var md = SupportCaseExport.ToMarkdown(result);
        Assert.Contains("## Findings (warnings and errors)", md);
        Assert.Contains("- Section 5 [ERROR] No EC2 instance IAM profile attached", md);
        Assert.Equal(3, md.Split('\n').Count(l => l.StartsWith("- Section ")));
        using var json = JsonDocument.Parse(SupportCaseExport.ToJson(result));
        Assert.Equal(9, json.RootElement.GetProperty("findings").GetArrayLength());
        Assert.Equal("Error", json.RootElement.GetProperty("findings")[8].GetProperty("severity").GetString());
    }

    [Fact]
    public void Findings_that_name_a_check_keep_it_in_both_files()
    {
        var detail = new AutomationExecutionDetail
        {
            AutomationExecutionId = Ids.Of(9),
            DocumentName = "AWSSupport-ExecuteEC2Rescue",
            Status = AutomationStatus.Success,
            Outputs = new Dictionary<string, IReadOnlyList<string>> { ["getEC2RescueForLinuxResult.Output"] = new[] { TestFiles.ReadCaptured("ec2rl-summary-from-source.txt") } },
        };
        var result = AutomationExecutionResult.FromExecution(detail, detail.StepExecutions, "eu-west-1");

        var md = SupportCaseExport.ToMarkdown(result);
        Assert.Contains("- Section - [FAILURE] module run/openssh: Improper configuration of one or more OpenSSH components.", md);
        Assert.Contains("- Section - [UNKNOWN] module run/arpcache: log missing SUCCESS, FAILURE, or WARN message.", md);
        using var json = JsonDocument.Parse(SupportCaseExport.ToJson(result));
        var first = json.RootElement.GetProperty("findings")[0];
        Assert.Equal("module run/openssh", first.GetProperty("check").GetString());
        Assert.Equal("FAILURE", first.GetProperty("tag").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("section").ValueKind);
    }
}
