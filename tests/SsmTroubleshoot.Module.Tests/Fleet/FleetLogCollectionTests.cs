using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Engine.Tests.Fleet;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Fleet;

/// <summary>Get-SsmAgentLogIssue -InstanceId / -Filter end to end: hosted runspace, built module, Run Command in the loopback emulator.</summary>
public sealed class FleetLogCollectionTests : IAsyncLifetime, IDisposable
{
    private const string Aws = "-EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAFLEETTEST0000001 -SecretKey fleet-test-secret";
    private AwsEmulator _emu = null!;
    private readonly PowerShellSession _session = new();

    public async Task InitializeAsync()
    {
        _emu = await AwsEmulator.StartAsync(FleetWorlds.Mixed());
        _session.SetVariable("endpoint", _emu.Endpoint.ToString());
        _session.SetVariable("ids", FleetWorlds.All);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    public void Dispose() => _session.Dispose();

    [Fact]
    public void Mixed_fleet_reports_log_issues_offline_unregistered_and_failed_nodes_each_with_its_instance_id()
    {
        var result = _session.Run($"Get-SsmAgentLogIssue -InstanceId $ids -MaxConcurrency 10% -MaxErrors 5 -Since ([datetime]::new(2024, 6, 11, 7, 0, 0, [System.DateTimeKind]::Utc)) {Aws} -Verbose");
        Assert.Empty(result.AllErrors);
        var rows = result.Output.Select(o => (Id: (string)ScriptResult.Prop(o, "InstanceId")!, Category: ScriptResult.Prop(o, "Category")!.ToString(),
            Severity: ScriptResult.Prop(o, "Severity")!.ToString(), NextStep: (string)ScriptResult.Prop(o, "NextStep")!, Type: o.TypeNames[0])).ToList();
        Assert.All(rows, r => Assert.Equal("SsmTroubleshoot.Logs.SsmAgentLogIssue", r.Type));

        // Linux node: its own id wins over the id written in the log text.
        Assert.Contains(rows, r => r.Id == FleetWorlds.LinuxBroken && r.Category == "IamAccessDenied");
        var endpoint = Assert.Single(result.Output, o => (string)ScriptResult.Prop(o, "InstanceId")! == FleetWorlds.LinuxBroken && ScriptResult.Prop(o, "Category")!.ToString() == "EndpointUnreachable");
        Assert.Equal(2, ScriptResult.Prop(endpoint, "Count"));
        Assert.Equal(FleetWorlds.LinuxBroken, ScriptResult.Prop(endpoint, "Path"));

        // Windows node read through the PowerShell document.
        Assert.Contains(rows, r => r.Id == FleetWorlds.WindowsProxy && r.Category == "ProxyTls");

        // The healthy node yields nothing; the others are never dropped.
        Assert.DoesNotContain(rows, r => r.Id == FleetWorlds.LinuxHealthy);
        var offline = Assert.Single(rows, r => r.Id == FleetWorlds.Offline);
        Assert.Equal(("AgentOffline", "Critical", $"Test-ManagedInstanceNetwork -InstanceId {FleetWorlds.Offline}"), (offline.Category, offline.Severity, offline.NextStep));
        var unregistered = Assert.Single(rows, r => r.Id == FleetWorlds.NotRegistered);
        Assert.Equal("AgentOffline", unregistered.Category);
        var failed = Assert.Single(result.Output, o => (string)ScriptResult.Prop(o, "InstanceId")! == FleetWorlds.Failing);
        Assert.Equal("CollectionFailed", ScriptResult.Prop(failed, "Category")!.ToString());
        Assert.Contains("Permission denied", (string)ScriptResult.Prop(failed, "Sample")!);
        Assert.Contains("exit code 2", (string)ScriptResult.Prop(failed, "Sample")!);

        // The cut window of the broken node is reported.
        Assert.Contains(result.Warnings, w => w.Message.Contains(FleetWorlds.LinuxBroken) && w.Message.Contains("90,000"));

        // One SendCommand per platform: the offline and unregistered nodes are not sent to.
        var commands = _emu.World.Commands;
        Assert.Equal(2, commands.Count);
        var linux = Assert.Single(commands, c => c.DocumentName == "AWS-RunShellScript");
        Assert.Equal(new[] { FleetWorlds.LinuxBroken, FleetWorlds.LinuxHealthy, FleetWorlds.Failing }, linux.InstanceIds.OrderBy(i => i).ToArray());
        var windows = Assert.Single(commands, c => c.DocumentName == "AWS-RunPowerShellScript");
        Assert.Equal(new[] { FleetWorlds.WindowsProxy }, windows.InstanceIds);
        Assert.All(commands, c => Assert.Equal(("10%", "5"), (c.MaxConcurrency, c.MaxErrors)));

        // -Since travels to the instance as epoch seconds, converted there to its local time.
        var epoch = new DateTimeOffset(2024, 6, 11, 7, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Contains("since_epoch=" + epoch, linux.Parameters["commands"]);
        Assert.Contains("$sinceEpoch = " + epoch, windows.Parameters["commands"]);
        Assert.Equal(1, _emu.Calls["ssm:DescribeInstanceInformation"]);
        Assert.Equal(2, _emu.Calls["ssm:SendCommand"]);
        Assert.Equal(4, _emu.Calls["ssm:GetCommandInvocation"]); // the three successes and the failure (for its error text)
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("SendCommand AWS-RunShellScript to 3 node(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Issues_bind_by_property_name_downstream_and_instance_ids_bind_from_upstream_objects()
    {
        var script = $$"""
            function Test-Downstream { param([Parameter(ValueFromPipelineByPropertyName)][string]$InstanceId) process { "next:$InstanceId" } }
            [pscustomobject]@{ InstanceId = '{{FleetWorlds.WindowsProxy}}' }, [pscustomobject]@{ InstanceId = '{{FleetWorlds.Offline}}' } |
                Get-SsmAgentLogIssue {{Aws}} | Test-Downstream
            """;
        var result = _session.Run(script);
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { $"next:{FleetWorlds.WindowsProxy}", $"next:{FleetWorlds.Offline}" }, result.Output.Select(o => o.BaseObject.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToArray());

        // Both pipeline records went out in one collection.
        Assert.Equal(1, _emu.Calls["ssm:DescribeInstanceInformation"]);
        Assert.Equal(1, _emu.Calls["ssm:SendCommand"]);
    }

    [Fact]
    public void Filter_selects_nodes_by_tag_and_platform_through_describe_instance_information()
    {
        var result = _session.Run($"Get-SsmAgentLogIssue -Filter @{{ 'tag:Environment' = 'prod'; PlatformTypes = 'Linux', 'Windows' }} {Aws}");
        Assert.Empty(result.AllErrors);
        var ids = result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).Distinct().OrderBy(i => i).ToArray();
        Assert.Equal(new[] { FleetWorlds.LinuxBroken, FleetWorlds.WindowsProxy, FleetWorlds.Offline }.OrderBy(i => i).ToArray(), ids);
        Assert.DoesNotContain(_emu.World.Commands.SelectMany(c => c.InstanceIds), id => id == FleetWorlds.Failing);
    }

    [Fact]
    public void Bad_filter_key_is_a_terminating_invalid_argument_and_nothing_is_sent()
    {
        var result = _session.Run($"Get-SsmAgentLogIssue -Filter @{{ 'instance-state-name' = 'running' }} {Aws}");
        Assert.Equal(new[] { "LogFleetFilterInvalid" }, result.ErrorIds);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, Assert.Single(result.AllErrors).CategoryInfo.Category);
        Assert.Equal(0, _emu.Calls.Total);
    }

    [Fact]
    public void Malformed_instance_id_fails_parameter_validation()
    {
        var result = _session.Run($"Get-SsmAgentLogIssue -InstanceId i-nothex {Aws}");
        Assert.Equal(new[] { "ParameterArgumentValidationError" }, result.ErrorIds);
        Assert.Equal(0, _emu.Calls.Total);
    }

    [Fact]
    public void Aws_parameters_appear_only_in_the_fleet_syntaxes()
    {
        var result = _session.Run("(Get-Command Get-SsmAgentLogIssue).ParameterSets | ForEach-Object { $_.Name + ':' + (($_.Parameters | ForEach-Object Name) -join ',') }");
        var sets = result.Output.Select(o => o.BaseObject.ToString()!).ToDictionary(s => s.Split(':')[0], s => s.Split(':')[1].Split(','));
        foreach (var name in new[] { "Path", "LiteralPath", "InputObject" })
        {
            Assert.DoesNotContain("EndpointUrl", sets[name]);
            Assert.DoesNotContain("Region", sets[name]);
            Assert.Contains("AsEntry", sets[name]);
        }

        foreach (var name in new[] { "InstanceId", "Filter" })
        {
            Assert.Contains("EndpointUrl", sets[name]);
            Assert.Contains("MaxConcurrency", sets[name]);
            Assert.DoesNotContain("AsEntry", sets[name]);
        }
    }

    [Fact]
    public void Throttled_polling_is_retried_and_the_collection_completes()
    {
        _emu.Faults.Set("ssm:ListCommandInvocations", new InjectedFault { ThrottleFirst = 3 });
        var result = _session.Run($"Get-SsmAgentLogIssue -InstanceId {FleetWorlds.WindowsProxy} {Aws}");
        Assert.Empty(result.AllErrors);
        Assert.Equal("ProxyTls", ScriptResult.Prop(Assert.Single(result.Output), "Category")!.ToString());
    }
}
