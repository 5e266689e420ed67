using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Engine.Tests.Fleet;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>Run Command in the emulator (SendCommand, ListCommandInvocations, GetCommandInvocation) through the real SDK client.</summary>
public sealed class RunCommandOperationTests : IAsyncLifetime
{
    private AwsEmulator _emu = null!;
    private IAmazonSimpleSystemsManagement _ssm = null!;

    public async Task InitializeAsync()
    {
        _emu = await AwsEmulator.StartAsync(FleetWorlds.Mixed());
        _ssm = TestAws.Factory(_emu).CreateSsm();
    }

    public async Task DisposeAsync()
    {
        _ssm.Dispose();
        await _emu.DisposeAsync();
    }

    private static SendCommandRequest Send(string document, params string[] ids) => new()
    {
        DocumentName = document,
        InstanceIds = ids.ToList(),
        Parameters = new Dictionary<string, List<string>> { ["commands"] = new() { "echo hi" } },
    };

    [Fact]
    public async Task Send_list_get_round_trip_with_in_progress_polls_and_the_output_limit()
    {
        _emu.World.Mutate(w => w.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.LinuxHealthy).StandardOutput = new string('x', 30_000));
        var sent = await _ssm.SendCommandAsync(Send("AWS-RunShellScript", FleetWorlds.LinuxBroken, FleetWorlds.LinuxHealthy));
        Assert.Equal("Pending", sent.Command.Status.Value);
        Assert.Equal(2, sent.Command.TargetCount);

        var first = await _ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = sent.Command.CommandId });
        Assert.Equal(new[] { "InProgress", "Success" }, first.CommandInvocations.OrderBy(i => i.InstanceId).Select(i => i.Status.Value).ToArray());
        var second = await _ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = sent.Command.CommandId, Details = true });
        Assert.All(second.CommandInvocations, i => Assert.Equal("Success", i.Status.Value));
        Assert.All(second.CommandInvocations, i => Assert.True(i.CommandPlugins.Single().Output.Length <= 2_500));

        var big = await _ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = sent.Command.CommandId, InstanceId = FleetWorlds.LinuxHealthy });
        Assert.Equal(24_000, big.StandardOutputContent.Length);
        Assert.Equal("aws:runShellScript", big.PluginName);
        Assert.Equal(0, big.ResponseCode);
    }

    [Fact]
    public async Task Wrong_platform_offline_and_failing_nodes_end_as_ssm_reports_them()
    {
        var sent = await _ssm.SendCommandAsync(Send("AWS-RunShellScript", FleetWorlds.WindowsProxy, FleetWorlds.Offline, FleetWorlds.Failing));
        var id = sent.Command.CommandId;
        async Task<GetCommandInvocationResponse> Get(string instance) =>
            await _ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = id, InstanceId = instance });
        var windows = await Get(FleetWorlds.WindowsProxy);
        Assert.Equal(("Failed", "Failed"), (windows.Status.Value, windows.StatusDetails));
        Assert.Contains("not supported on platform Windows", windows.StandardErrorContent);
        var offline = await Get(FleetWorlds.Offline);
        Assert.Equal(("Failed", "Undeliverable"), (offline.Status.Value, offline.StatusDetails));
        var failing = await Get(FleetWorlds.Failing);
        Assert.Equal(("Failed", 2), (failing.Status.Value, failing.ResponseCode));
    }

    [Fact]
    public async Task SendCommand_validates_document_ids_rates_and_records_the_request()
    {
        var document = await Assert.ThrowsAsync<InvalidDocumentException>(() => _ssm.SendCommandAsync(Send("AWS-RunRemoteScript", FleetWorlds.LinuxBroken)));
        Assert.Contains("AWS-RunRemoteScript", document.Message);
        var unknown = await Assert.ThrowsAsync<InvalidInstanceIdException>(() => _ssm.SendCommandAsync(Send("AWS-RunShellScript", FleetWorlds.NotRegistered)));
        Assert.Contains(FleetWorlds.NotRegistered, unknown.Message);
        var tooMany = Send("AWS-RunShellScript", Enumerable.Range(0, 51).Select(i => $"i-0b{i:x15}").ToArray());
        Assert.Equal("ValidationException", (await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => _ssm.SendCommandAsync(tooMany))).ErrorCode);

        var ok = Send("AWS-RunPowerShellScript", FleetWorlds.WindowsProxy);
        ok.MaxConcurrency = "10%";
        ok.MaxErrors = "1";
        ok.OutputS3BucketName = "logs-bucket";
        ok.OutputS3KeyPrefix = "ssm/";
        var sent = await _ssm.SendCommandAsync(ok);
        var recorded = Assert.Single(_emu.World.Commands);
        Assert.Equal((sent.Command.CommandId, "10%", "1", "logs-bucket"), (recorded.CommandId, recorded.MaxConcurrency, recorded.MaxErrors, recorded.OutputS3BucketName));
        Assert.Equal(new[] { "echo hi" }, recorded.Parameters["commands"]);
        var invocation = await _ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = sent.Command.CommandId, InstanceId = FleetWorlds.WindowsProxy });
        Assert.StartsWith("https://s3.us-east-1.amazonaws.com/logs-bucket/ssm/" + sent.Command.CommandId + "/" + FleetWorlds.WindowsProxy + "/awsrunPowerShellScript/", invocation.StandardOutputUrl, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvocationDoesNotExistException>(() =>
            _ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = sent.Command.CommandId, InstanceId = FleetWorlds.LinuxBroken }));
    }

    [Fact]
    public async Task Tag_filters_of_describe_instance_information_read_the_ec2_tags()
    {
        var response = await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
        {
            Filters = new List<InstanceInformationStringFilter> { new() { Key = "tag:Environment", Values = new List<string> { "test" } } },
        });
        Assert.Equal(FleetWorlds.Failing, Assert.Single(response.InstanceInformationList).InstanceId);
    }
}
