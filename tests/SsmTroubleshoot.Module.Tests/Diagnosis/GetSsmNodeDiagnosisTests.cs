using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Diagnosis;

/// <summary>Get-SsmNodeDiagnosis end to end: the built module in a hosted runspace against the tour scenario.</summary>
public sealed class GetSsmNodeDiagnosisTests : IDisposable
{
    private const string Aws = "$aws = @{ EndpointUrl = $endpoint; Region = 'us-east-1'; AccessKey = 'AKIADIAGNOSISTEST001'; SecretKey = 'diagnosis-test-secret' }\n";
    private const string Tour = "i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002, i-0a1b2c3d4e5f60004, i-0a1b2c3d4e5f60005, i-0a1b2c3d4e5f60006, i-0a1b2c3d4e5f60009, mi-0a1b2c3d4e5f60003";
    private readonly PowerShellSession _session = new(width: 160);

    public void Dispose() => _session.Dispose();

    private async Task<(ScriptResult Result, AwsEmulator Emulator)> RunAsync(string script)
    {
        var emu = await AwsEmulator.StartAsync(World.LoadScenario("tour"));
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        return (_session.Run(Aws + script), emu);
    }

    private static string P(PSObject o, string name) => ScriptResult.Prop(o, name)?.ToString() ?? string.Empty;

    [Fact]
    public async Task Every_tour_node_has_its_root_cause_and_the_default_view_shows_it()
    {
        var (result, emu) = await RunAsync("Get-SsmNodeDiagnosis -InstanceId " + Tour + " -IncludeAgentLog @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal("SsmTroubleshoot.Diagnosis.NodeDiagnosis", result.Output[0].TypeNames[0]);
            var causes = result.Output.ToDictionary(o => P(o, "InstanceId"), o => P(o, "Verdict") + "/" + P(o, "RootCause"));
            Assert.Equal("Managed/None", causes["i-0a1b2c3d4e5f60001"]);
            Assert.Equal("Unmanaged/NetworkPath", causes["i-0a1b2c3d4e5f60002"]);
            Assert.Equal("Degraded/ProxyOrTls", causes["i-0a1b2c3d4e5f60004"]);
            Assert.Equal("Managed/None", causes["i-0a1b2c3d4e5f60005"]);
            Assert.Equal("Degraded/DeniedOutsideRole", causes["i-0a1b2c3d4e5f60006"]);
            Assert.Equal("Unmanaged/AgentNotRegistered", causes["i-0a1b2c3d4e5f60009"]);
            Assert.Equal("Managed/None", causes["mi-0a1b2c3d4e5f60003"]);

            var table = _session.Render(Aws + "Get-SsmNodeDiagnosis -InstanceId i-0a1b2c3d4e5f60002 @aws");
            Assert.Contains("InstanceId           Name         PingStatus     Verdict   RootCause          Confidence Summary", table);
            Assert.Contains("no path to ssm, ec2messages in vpc-0a1b2c3d4e5f60000 (+1 more)", table);
        }
    }

    [Fact]
    public async Task Each_next_step_pipes_into_Invoke_SawRunbook_WhatIf_and_validates()
    {
        var (result, emu) = await RunAsync(
            "Get-SsmNodeDiagnosis -InstanceId " + Tour + " @aws | Where-Object NextStep | ForEach-Object { $_.NextStep } | Invoke-SawRunbook -WhatIf @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            var whatIf = _session.Host.Text;
            Assert.Contains("AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2", whatIf);
            Assert.Contains("ServiceEndpoint = ssm.us-east-1.amazonaws.com", whatIf);
            Assert.Contains("Source = i-0a1b2c3d4e5f60002", whatIf);
            Assert.Contains("AWSSupport-TroubleshootManagedInstance", whatIf);
            Assert.Contains("InstanceId = i-0a1b2c3d4e5f60009", whatIf);
            Assert.Equal(0, emu.Calls["ssm:StartAutomationExecution"]);
        }
    }

    [Fact]
    public async Task GroupByRootCause_counts_nodes_per_cause_and_an_unknown_id_is_an_error()
    {
        var (result, emu) = await RunAsync("Get-SsmNodeDiagnosis -InstanceId " + Tour + ", i-0deadbeefdeadbeef -GroupByRootCause @aws");
        await using (emu)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("InstanceNotFound,SsmTroubleshoot.Cmdlets.GetSsmNodeDiagnosisCommand", error.FullyQualifiedErrorId);
            Assert.Equal("SsmTroubleshoot.Diagnosis.NodeDiagnosisGroup", result.Output[0].TypeNames[0]);
            var groups = result.Output.Select(o => P(o, "Count") + " " + P(o, "RootCause")).ToArray();
            Assert.Equal(new[] { "1 NetworkPath", "1 AgentNotRegistered", "5 None" }, groups);
        }
    }

    [Fact]
    public async Task Filter_selects_by_tag_and_pipeline_binds_InstanceId()
    {
        var (result, emu) = await RunAsync(
            "Get-SsmNodeDiagnosis -Filter @{ 'tag:Name' = 'broken' } @aws | Select-Object -ExpandProperty InstanceId\n"
            + "[pscustomobject]@{ InstanceId = 'i-0a1b2c3d4e5f60009' } | Get-SsmNodeDiagnosis @aws | Select-Object -ExpandProperty RootCause");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(new[] { "i-0a1b2c3d4e5f60002", "AgentNotRegistered" }, result.Output.Select(o => o.ToString()).ToArray());
        }
    }
    [Fact]
    public async Task Verbose_names_every_call_and_network_reports_pipe_in()
    {
        var (result, emu) = await RunAsync(
            "Test-ManagedInstanceNetwork -InstanceId i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002, mi-0a1b2c3d4e5f60003 @aws | Get-SsmNodeDiagnosis -Verbose @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(new[] { "i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002", "mi-0a1b2c3d4e5f60003" }, result.Output.Select(o => P(o, "InstanceId")).ToArray());
            var verbose = string.Join("\n", result.Verbose.Select(v => v.Message));
            Assert.Contains("ec2:DescribeInstanceStatus (2 instance ids)", verbose);
            Assert.Contains("ec2:GetConsoleOutput i-0a1b2c3d4e5f60002", verbose);
            Assert.Contains("ssm:DescribeActivations", verbose);
            Assert.Contains("ec2:DescribeInstances", verbose);
        }
    }
}

/// <summary>AWSSupport-ExecuteEC2Rescue's pre-checks in Invoke-SawRunbook, against the tour (i-0a1b2c3d4e5f60002 is in us-east-1b).</summary>
public sealed class Ec2RescuePreCheckTests : IDisposable
{
    private const string Aws = "$aws = @{ EndpointUrl = $endpoint; Region = 'us-east-1'; AccessKey = 'AKIARESCUEPRECHECK01'; SecretKey = 'rescue-test-secret' }\n";
    private readonly PowerShellSession _session = new(width: 160);

    public void Dispose() => _session.Dispose();

    [Fact]
    public async Task A_subnet_in_another_zone_is_refused_before_start_even_with_Force()
    {
        await using var emu = await AwsEmulator.StartAsync(World.LoadScenario("tour"));
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        var result = _session.Run(Aws + "Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId i-0a1b2c3d4e5f60002 -Parameter @{ SubnetId = 'subnet-0a1b2c3d4e5f60001' } -Force @aws");
        var error = Assert.Single(result.Errors);
        Assert.Equal("RunbookPreCheckFailed", ScriptResult.ErrorId(error));
        Assert.Contains("SubnetId subnet-0a1b2c3d4e5f60001 is in us-east-1a, but i-0a1b2c3d4e5f60002 is in us-east-1b", error.Exception.Message);
        Assert.Equal(0, emu.Calls["ssm:StartAutomationExecution"]);

        // The instance's own zone is fine.
        var same = _session.Run(Aws + "Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId i-0a1b2c3d4e5f60002 -Parameter @{ SubnetId = 'subnet-0a1b2c3d4e5f60003' } -Force @aws");
        Assert.Empty(same.AllErrors);
        Assert.Equal(1, emu.Calls["ssm:StartAutomationExecution"]);
    }

    [Fact]
    public async Task An_encrypted_root_volume_and_an_unsupported_platform_are_warned_about()
    {
        var world = World.LoadScenario("tour");
        var instance = world.Instances.Single(i => i.InstanceId == "i-0a1b2c3d4e5f60001");
        instance.RootVolumeEncrypted = true;
        instance.InstanceType = "mac2.metal";
        instance.PlatformDetails = "macOS";
        await using var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        var result = _session.Run(Aws + "Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId i-0a1b2c3d4e5f60001 -WhatIf @aws");
        Assert.Empty(result.AllErrors);
        var warnings = result.Warnings.Select(w => w.Message).ToArray();
        Assert.Contains(warnings, w => w.Contains("is encrypted: AWSSupport-ExecuteEC2Rescue does not support encrypted root volumes"));
        Assert.Contains(warnings, w => w.Contains("runs macOS") && w.Contains("EC2Rescue supports"));
    }
}
