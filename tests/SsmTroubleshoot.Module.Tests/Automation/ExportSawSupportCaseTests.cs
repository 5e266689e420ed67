using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Automation;

/// <summary>Export-SawSupportCase writes Markdown and JSON for a finished execution.</summary>
public sealed class ExportSawSupportCaseTests : AutomationTestBase, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("saw-export-").FullName;

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_folder, true);
    }

    [Fact]
    public void A_failed_run_is_exported_with_its_failed_step_parameters_and_redaction()
    {
        Session.SetVariable("folder", _folder);
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Broken} -AutomationAssumeRole arn:aws:iam::123456789012:role/SawRole -Wait -ErrorAction SilentlyContinue @fast @aws | Export-SawSupportCase -Path $folder -Redact");
        var files = Assert.Single(result.Output);
        Assert.Equal("SsmTroubleshoot.Automation.SupportCaseFiles", files.TypeNames[0]);
        var markdown = File.ReadAllText((string)ScriptResult.Prop(files, "MarkdownPath")!);
        var json = File.ReadAllText((string)ScriptResult.Prop(files, "JsonPath")!);
        var id = (string)ScriptResult.Prop(files, "AutomationExecutionId")!;
        Assert.Contains(id, markdown, StringComparison.Ordinal);
        Assert.Contains("AWSSupport-TroubleshootManagedInstance", markdown, StringComparison.Ordinal);
        Assert.Contains("getInstanceInformation", markdown, StringComparison.Ordinal);
        Assert.Contains("not reachable", markdown, StringComparison.Ordinal);
        Assert.Contains("us-east-1", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("123456789012", markdown + json, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(id, parsed.RootElement.GetProperty("automationExecutionId").GetString());
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp*"));
    }

    [Fact]
    public void Existing_files_need_Force_and_ids_are_read_from_SSM()
    {
        Session.SetVariable("folder", _folder);
        var started = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -Wait @fast @aws");
        var id = (string)ScriptResult.Prop(Assert.Single(started.Output), "AutomationExecutionId")!;
        var first = Session.Run("Export-SawSupportCase -AutomationExecutionId $id -Path $folder @aws", new() { ["id"] = id });
        Assert.Empty(first.AllErrors);
        Assert.Single(first.Output);

        var again = Session.Run("Export-SawSupportCase -AutomationExecutionId $id -Path $folder @aws", new() { ["id"] = id });
        var error = Assert.Single(again.Errors);
        Assert.Equal("SupportCaseFileExists", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);

        var forced = Session.Run("Export-SawSupportCase -AutomationExecutionId $id -Path $folder -Force @aws", new() { ["id"] = id });
        Assert.Empty(forced.AllErrors);
        Assert.Contains("No EC2 instance IAM profile attached", File.ReadAllText(Path.Combine(_folder, $"saw-{id}.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_input_is_a_clear_error_and_a_missing_folder_is_created()
    {
        var wrong = Session.Run("'hello' | Export-SawSupportCase -Path $folder", new() { ["folder"] = _folder });
        Assert.Equal("SupportCaseInputInvalid", Assert.Single(wrong.Errors).FullyQualifiedErrorId.Split(',')[0]);

        Session.SetVariable("folder", _folder);
        var id = (string)ScriptResult.Prop(Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -Wait @fast @aws").Output.Single(), "AutomationExecutionId")!;
        var nested = Path.Combine(_folder, "case", "2024");
        var created = Session.Run("Export-SawSupportCase -AutomationExecutionId $id -Path $nested @aws", new() { ["id"] = id, ["nested"] = nested });
        Assert.Empty(created.AllErrors);
        Assert.True(File.Exists(Path.Combine(nested, $"saw-{id}.md")));

        var file = Path.Combine(_folder, "not-a-folder");
        File.WriteAllText(file, "x");
        var onFile = Session.Run("Export-SawSupportCase -AutomationExecutionId $id -Path $file @aws", new() { ["id"] = id, ["file"] = file });
        var error = Assert.Single(onFile.AllErrors);
        Assert.Equal("SupportCasePathNotFolder", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }
}
