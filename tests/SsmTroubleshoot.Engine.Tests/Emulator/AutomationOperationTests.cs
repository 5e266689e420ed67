using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>The emulator's documents and automation operations, read by the real SDK client, on a hand-driven clock.</summary>
public sealed class AutomationOperationTests : IAsyncLifetime
{
    private const string Tmi = "AWSSupport-TroubleshootManagedInstance";
    private const string Instance = "i-0a1b2c3d4e5f60001";
    private DateTime _now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private AwsEmulator _emu = null!;
    private IAmazonSimpleSystemsManagement _ssm = null!;

    public async Task InitializeAsync()
    {
        var world = World.LoadScenario("automation");
        world.Clock = () => _now;
        world.AutomationScripts.Clear();
        world.AutomationScripts.Add(new AutomationScript { StepMilliseconds = 1000 });
        _emu = await AwsEmulator.StartAsync(world);
        _ssm = TestAws.Factory(_emu).CreateSsm();
    }

    public async Task DisposeAsync()
    {
        _ssm.Dispose();
        await _emu.DisposeAsync();
    }

    private void Advance(double seconds) => _emu.World.Mutate(_ => _now = _now.AddSeconds(seconds));

    private Task<string> StartTmiAsync(string instance = Instance) =>
        _ssm.StartAutomationExecutionAsync(new StartAutomationExecutionRequest
        {
            DocumentName = Tmi,
            Parameters = new Dictionary<string, List<string>> { ["InstanceId"] = new() { instance } },
        }).ContinueWith(t => t.GetAwaiter().GetResult().AutomationExecutionId, TaskScheduler.Default);

    [Fact]
    public async Task ListDocuments_filters_owner_type_and_name_prefix_and_pages()
    {
        var filters = new List<DocumentKeyValuesFilter>
        {
            new() { Key = "Owner", Values = new() { "Amazon" } },
            new() { Key = "DocumentType", Values = new() { "Automation" } },
            new() { Key = "Name", Values = new() { "AWSSupport-" } },
        };
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _ssm.ListDocumentsAsync(new ListDocumentsRequest { Filters = filters, MaxResults = 3, NextToken = token });
            names.AddRange(page.DocumentIdentifiers.Select(d => d.Name));
            token = page.NextToken;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(3, pages);
        Assert.Equal(7, names.Count);
        Assert.All(names, n => Assert.StartsWith("AWSSupport-", n, StringComparison.Ordinal));
        Assert.DoesNotContain("Custom-AllParameterTypes", names); // owner Self
    }

    [Fact]
    public async Task Documents_are_described_and_served_as_JSON_and_unknown_or_premium_ones_fail()
    {
        var described = await _ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = Tmi });
        Assert.Equal("Amazon", described.Document.Owner);
        Assert.Contains(described.Document.Parameters, p => p.Name == "InstanceId" && p.Type == "AWS::EC2::Instance::Id");
        var content = await _ssm.GetDocumentAsync(new GetDocumentRequest { Name = Tmi, DocumentFormat = DocumentFormat.JSON });
        var document = RunbookDocument.Parse(Tmi, content.Content);
        Assert.Equal(9, document.Steps.Count);

        await Assert.ThrowsAsync<InvalidDocumentException>(() => _ssm.GetDocumentAsync(new GetDocumentRequest { Name = "AWSSupport-Nope" }));
        var denied = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => _ssm.GetDocumentAsync(new GetDocumentRequest { Name = "AWSPremiumSupport-TroubleshootEC2DiskUsage" }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        await Assert.ThrowsAsync<InvalidDocumentVersionException>(() => _ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = Tmi, DocumentVersion = "7" }));
    }

    [Fact]
    public async Task Start_validates_parameters_like_SSM()
    {
        Task Start(Dictionary<string, List<string>> parameters, string name = "AWSSupport-TroubleshootSSH") =>
            _ssm.StartAutomationExecutionAsync(new StartAutomationExecutionRequest { DocumentName = name, Parameters = parameters });

        var unknown = await Assert.ThrowsAsync<InvalidAutomationExecutionParametersException>(() => Start(new() { ["InstanceId"] = new() { Instance }, ["Acton"] = new() { "x" } }));
        Assert.Contains("Acton", unknown.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<InvalidAutomationExecutionParametersException>(() => Start(new() { ["Action"] = new() { "CheckAll" } }));
        Assert.Contains("InstanceId", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidAutomationExecutionParametersException>(() => Start(new() { ["InstanceId"] = new() { Instance }, ["Action"] = new() { "Repair" } }));
        await Assert.ThrowsAsync<InvalidAutomationExecutionParametersException>(() => Start(new() { ["InstanceId"] = new() { "web-01" } }));
        await Assert.ThrowsAsync<AutomationDefinitionNotFoundException>(() => Start(new() { ["InstanceId"] = new() { Instance } }, "AWSSupport-DiagnoseSSMAgent"));
        Assert.Empty(_emu.World.AutomationExecutions);
    }

    [Fact]
    public async Task Execution_advances_through_its_steps_with_the_clock_and_reports_its_outputs()
    {
        var id = await StartTmiAsync();
        var started = (await _ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = id })).AutomationExecution;
        Assert.Equal(AutomationExecutionStatus.InProgress, started.AutomationExecutionStatus);
        Assert.Equal("assertInstanceIsWindows", started.CurrentStepName);

        Advance(3.5);
        var running = (await _ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = id })).AutomationExecution;
        Assert.Equal("checkVpcEndpoint", running.CurrentStepName);
        Assert.Equal(new[] { "Success", "Success", "Success", "InProgress" }, running.StepExecutions.Select(s => s.StepStatus.Value));

        Advance(10);
        var done = (await _ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = id })).AutomationExecution;
        Assert.Equal(AutomationExecutionStatus.Success, done.AutomationExecutionStatus);
        Assert.Equal(_now.AddSeconds(-13.5).AddSeconds(9), done.ExecutionEndTime);
        var report = Assert.Single(done.Outputs["FinalOutput.Message"]);
        Assert.Contains(ReportParser.Parse(report, "FinalOutput.Message"), f => f.Severity == FindingSeverity.Error);
    }

    [Fact]
    public async Task A_script_can_report_a_published_output_from_a_file()
    {
        _emu.World.Mutate(w => w.AutomationScripts.Insert(0, new AutomationScript
        {
            InstanceId = "i-0a1b2c3d4e5f60003",
            StepMilliseconds = 1000,
            ReportFiles = new() { ["FinalOutput.Message"] = "captured/tmi-no-instance-profile.txt" },
        }));
        var id = await StartTmiAsync("i-0a1b2c3d4e5f60003");
        Advance(60);
        var done = (await _ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = id })).AutomationExecution;

        var report = Assert.Single(done.Outputs["FinalOutput.Message"]);
        Assert.StartsWith("1. Checks for Amazon VPC Systems Manager VPC Endpoint 'com.amazonaws.ap-northeast-1.ssm':", report, StringComparison.Ordinal);
        Assert.Contains("- [ERROR] No EC2 instance IAM profile attached to the instance: 'i-078f9468a15e81c8d'.", report, StringComparison.Ordinal);
        Assert.Equal(report, Assert.Single(done.StepExecutions.Single(s => s.StepName == "FinalOutput").Outputs["Message"]));
    }

    [Fact]
    public async Task Scripted_failure_stop_and_describe_filters()
    {
        _emu.World.Mutate(w => w.AutomationScripts.Insert(0, new AutomationScript { InstanceId = "i-0a1b2c3d4e5f60002", Outcome = "Failed", AtStep = 2, FailureMessage = "boom", StepMilliseconds = 1000 }));
        var failing = await StartTmiAsync("i-0a1b2c3d4e5f60002");
        var stopped = await StartTmiAsync();
        Advance(1.5);
        await _ssm.StopAutomationExecutionAsync(new StopAutomationExecutionRequest { AutomationExecutionId = stopped });
        Advance(5);

        var described = await _ssm.DescribeAutomationExecutionsAsync(new DescribeAutomationExecutionsRequest
        {
            Filters = new() { new() { Key = AutomationExecutionFilterKey.ExecutionId, Values = new() { failing, stopped } } },
        });
        var byId = described.AutomationExecutionMetadataList.ToDictionary(m => m.AutomationExecutionId);
        Assert.Equal(AutomationExecutionStatus.Failed, byId[failing].AutomationExecutionStatus);
        Assert.Contains("boom", byId[failing].FailureMessage, StringComparison.Ordinal);
        Assert.Equal(AutomationExecutionStatus.Cancelled, byId[stopped].AutomationExecutionStatus);
        await Assert.ThrowsAsync<InvalidAutomationStatusUpdateException>(() => _ssm.StopAutomationExecutionAsync(new StopAutomationExecutionRequest { AutomationExecutionId = stopped }));

        var onlyFailed = await _ssm.DescribeAutomationExecutionsAsync(new DescribeAutomationExecutionsRequest
        {
            Filters = new() { new() { Key = AutomationExecutionFilterKey.ExecutionStatus, Values = new() { "Failed" } } },
        });
        Assert.Equal(failing, Assert.Single(onlyFailed.AutomationExecutionMetadataList).AutomationExecutionId);

        var tooMany = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => _ssm.DescribeAutomationExecutionsAsync(new DescribeAutomationExecutionsRequest
        {
            Filters = new() { new() { Key = AutomationExecutionFilterKey.ExecutionId, Values = Enumerable.Range(0, 11).Select(_ => Guid.NewGuid().ToString()).ToList() } },
        }));
        Assert.Equal("ValidationException", tooMany.ErrorCode);
        await Assert.ThrowsAsync<AutomationExecutionNotFoundException>(() => _ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = Guid.NewGuid().ToString() }));
    }

    [Fact]
    public async Task Long_step_lists_are_truncated_and_paged_by_DescribeAutomationStepExecutions()
    {
        _emu.World.Mutate(w => w.AutomationScripts.Insert(0, new AutomationScript { StepCount = 120, StepMilliseconds = 10 }));
        var id = await StartTmiAsync();
        Advance(5);
        var execution = (await _ssm.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = id })).AutomationExecution;
        Assert.True(execution.StepExecutionsTruncated);
        Assert.Equal(100, execution.StepExecutions.Count);

        var api = new SsmAutomationApi(_ssm);
        var waited = await new ExecutionWaiter(api, delay: (_, _) => Task.CompletedTask).WaitAsync(new[] { id });
        Assert.Equal(120, waited.Single().Result.Steps.Count);
        Assert.Equal(3, _emu.Calls["ssm:DescribeAutomationStepExecutions"]);
    }

    [Fact]
    public async Task Same_client_token_returns_the_same_execution_and_the_request_is_recorded()
    {
        var token = Guid.NewGuid().ToString();
        var request = new StartAutomationExecutionRequest
        {
            DocumentName = Tmi,
            ClientToken = token,
            TargetParameterName = "InstanceId",
            Targets = new() { new Target { Key = "tag:Team", Values = new() { "web" } } },
            MaxConcurrency = "10%",
            MaxErrors = "1",
            Tags = new() { new Tag { Key = "Ticket", Value = "INC-1" } },
        };
        var first = await _ssm.StartAutomationExecutionAsync(request);
        var second = await _ssm.StartAutomationExecutionAsync(request);
        Assert.Equal(first.AutomationExecutionId, second.AutomationExecutionId);
        var recorded = Assert.Single(_emu.World.AutomationExecutions);
        Assert.Equal("tag:Team", recorded.Targets.Single().Key);
        Assert.Equal("10%", recorded.MaxConcurrency);
        Assert.Equal(token, recorded.Request!["ClientToken"]!.GetValue<string>());
    }
}
