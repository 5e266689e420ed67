using System;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Engine.Tests.Fleet;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Fleet;

/// <summary>Get-SsmAgentLogIssue -OutputS3BucketName: a node's output beyond GetCommandInvocation's 24,000 characters is read from S3.</summary>
public sealed class FleetS3OutputTests : IAsyncLifetime, IDisposable
{
    private const string Command = "Get-SsmAgentLogIssue -InstanceId $ids -Since ([datetime]::new(2024, 6, 11, 7, 0, 0, [System.DateTimeKind]::Utc)) "
        + "-EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAFLEETTEST0000001 -SecretKey fleet-test-secret";

    private AwsEmulator _emu = null!;
    private readonly PowerShellSession _session = new();

    public async Task InitializeAsync()
    {
        var world = FleetWorlds.Mixed();
        world.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.LinuxBroken).StandardOutput = FleetWorlds.LargeWindow();
        _emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", _emu.Endpoint.ToString());
        _session.SetVariable("ids", FleetWorlds.All);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    public void Dispose() => _session.Dispose();

    private static string[] Categories(ScriptResult result, string instanceId) => result.Output
        .Where(o => (string)ScriptResult.Prop(o, "InstanceId")! == instanceId)
        .Select(o => ScriptResult.Prop(o, "Category")!.ToString()!).OrderBy(c => c, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Issues_beyond_the_inline_limit_are_reported_only_with_an_output_bucket()
    {
        var inline = _session.Run(Command);
        Assert.Empty(inline.AllErrors);
        Assert.Equal(new[] { "IamAccessDenied" }, Categories(inline, FleetWorlds.LinuxBroken));
        Assert.Equal(0, _emu.Calls["s3:GetObject"]);

        var result = _session.Run(Command + " -OutputS3BucketName fleet-logs -OutputS3KeyPrefix collect");
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "IamAccessDenied", "NoCredentials", "ProxyTls" }, Categories(result, FleetWorlds.LinuxBroken));
        Assert.Equal(new[] { "ProxyTls" }, Categories(result, FleetWorlds.WindowsProxy));
        Assert.DoesNotContain(result.Warnings, w => w.Message.Contains(FleetWorlds.LinuxBroken, StringComparison.Ordinal));

        // One GetObject: only the cut output is read from the bucket, at the key Run Command writes.
        Assert.Equal(1, _emu.Calls["s3:GetObject"]);
        var sent = _emu.World.Commands.Last(c => c.InstanceIds.Contains(FleetWorlds.LinuxBroken));
        Assert.Equal(("fleet-logs", "collect"), (sent.OutputS3BucketName, sent.OutputS3KeyPrefix));
    }

    [Fact]
    public void An_unreadable_object_is_a_warning_naming_the_key_and_permission_and_the_node_is_kept()
    {
        _emu.World.Mutate(w => w.Denies.Add(new SsmTroubleshoot.Emulator.Model.Deny { Principal = "*", Action = "s3:GetObject" }));
        var result = _session.Run(Command + " -OutputS3BucketName fleet-logs");
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "IamAccessDenied" }, Categories(result, FleetWorlds.LinuxBroken));
        var warning = Assert.Single(result.Warnings, w => w.Message.StartsWith(FleetWorlds.LinuxBroken, StringComparison.Ordinal)).Message;
        Assert.Contains("s3://fleet-logs/", warning, StringComparison.Ordinal);
        Assert.Contains("/awsrunShellScript/0.awsrunShellScript/stdout", warning, StringComparison.Ordinal);
        Assert.Contains("s3:GetObject", warning, StringComparison.Ordinal);
        Assert.Equal(1, _emu.Calls["s3:GetObject"]);
    }
}
