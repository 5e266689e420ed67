using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Network;

/// <summary>Test-ManagedInstanceNetwork end to end: hosted runspace, the built module, the loopback emulator, a world per scenario.</summary>
public sealed class TestManagedInstanceNetworkTests : IDisposable
{
    private const string Aws = "$aws = @{ EndpointUrl = $endpoint; Region = 'us-east-1'; AccessKey = 'AKIANETWORKTEST00001'; SecretKey = 'network-test-secret' }\n";
    private readonly PowerShellSession _session = new(width: 200);

    public void Dispose() => _session.Dispose();

    private static (World World, FleetVpc Vpc, string Id) OneInstance(bool interfaceEndpoints = false)
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1, interfaceEndpoints);
        var instance = NetworkFleet.AddInstance(world, vpc, 1, "web-1");
        return (world, vpc, instance.InstanceId);
    }

    private async Task<(ScriptResult Result, AwsEmulator Emulator)> RunAsync(World world, string script)
    {
        var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        return (_session.Run(Aws + script), emu);
    }

    private async Task<PSObject> ReportAsync(World world, string id, string extra = "")
    {
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws " + extra);
        await emu.DisposeAsync();
        Assert.Empty(result.AllErrors);
        var report = Assert.Single(result.Output);
        Assert.Equal("SsmTroubleshoot.Network.ManagedInstanceNetworkReport", report.TypeNames[0]);
        return report;
    }

    private static (string Status, string Detail, string Remediation) Check(PSObject report, string checkId)
    {
        var checks = ((System.Collections.IEnumerable)ScriptResult.Prop(report, "Checks")!).Cast<object>().Select(PSObject.AsPSObject).ToList();
        var check = checks.SingleOrDefault(c => (string)ScriptResult.Prop(c, "CheckId")! == checkId)
            ?? throw new Xunit.Sdk.XunitException(checkId + " not among " + string.Join(", ", checks.Select(c => ScriptResult.Prop(c, "CheckId"))));
        return (ScriptResult.Prop(check, "Status")!.ToString()!, (string)ScriptResult.Prop(check, "Detail")!, (string)ScriptResult.Prop(check, "Remediation")!);
    }

    private static string[] Failed(PSObject report) => ((IEnumerable<string>)ScriptResult.Prop(report, "FailedChecks")!).ToArray();

    private static string Verdict(PSObject report) => ScriptResult.Prop(report, "Verdict")!.ToString()!;

    [Fact]
    public async Task Healthy_instance_behind_a_NAT_gateway_passes_every_check()
    {
        var (world, vpc, id) = OneInstance();
        var report = await ReportAsync(world, id);
        Assert.Equal("Healthy", Verdict(report));
        Assert.Empty(Failed(report));
        Assert.Equal("web-1", ScriptResult.Prop(report, "Name"));
        Assert.Equal(vpc.VpcId, ScriptResult.Prop(report, "VpcId"));
        Assert.Equal("Online", ScriptResult.Prop(report, "PingStatus"));
        Assert.Equal("Passed", Check(report, "Route.ssm").Status);
        Assert.Contains(vpc.NatGatewayId, Check(report, "Route.ssmmessages").Detail, StringComparison.Ordinal);
        Assert.Equal("Passed", Check(report, "RolePermissions").Status);
        Assert.Contains("SimulatePrincipalPolicy", Check(report, "RolePermissions").Detail, StringComparison.Ordinal);
        Assert.Equal("Skipped", Check(report, "VpcDns").Status); // no private-DNS endpoint relies on it: not read
    }

    [Fact]
    public async Task Mixed_fleet_reports_an_unknown_id_as_a_non_terminating_error_and_the_rest_in_input_order()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var first = NetworkFleet.AddInstance(world, vpc, 1).InstanceId;
        var second = NetworkFleet.AddInstance(world, vpc, 2).InstanceId;
        const string Unknown = "i-0deadbeefdeadbeef";
        var (result, emu) = await RunAsync(world, $"Test-ManagedInstanceNetwork -InstanceId {second}, {Unknown}, {first} @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            Assert.Equal(new object?[] { second, first }, result.Output.Select(o => ScriptResult.Prop(o, "InstanceId")).ToArray());
            var error = Assert.Single(result.Errors);
            Assert.Equal("InstanceNotFound", ScriptResult.ErrorId(error));
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal(Unknown, error.TargetObject);
            Assert.Contains("us-east-1", error.Exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AccessDenied_on_IAM_is_an_Error_row_naming_the_permission_and_the_report_goes_on()
    {
        var (world, _, id) = OneInstance();
        world.Denies.Add(new Deny { Principal = "*", Action = "iam:GetInstanceProfile" });
        var report = await ReportAsync(world, id);
        var check = Check(report, "RolePermissions");
        Assert.Equal("Error", check.Status);
        Assert.Contains("iam:GetInstanceProfile", check.Detail, StringComparison.Ordinal);
        Assert.Equal("Grant iam:GetInstanceProfile.", check.Remediation);
        Assert.Equal("Unknown", Verdict(report));
        Assert.Equal("Passed", Check(report, "Route.ssm").Status);
        Assert.Equal("Passed", Check(report, "SecurityGroupEgress.ssm").Status);
    }

    [Fact]
    public async Task Throttling_mid_run_backs_off_and_still_gives_a_complete_report()
    {
        var (world, _, id) = OneInstance();
        await using var emu = await AwsEmulator.StartAsync(world);

        // More throttles than the SDK's own retries (2): the fetcher waits them out.
        emu.Faults.Set("ec2:DescribeRouteTables", new InjectedFault { ThrottleFirst = 4 });
        emu.Faults.Set("ssm:DescribeInstanceInformation", new InjectedFault { ThrottleFirst = 2 });
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        var result = _session.Run(Aws + "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws -Verbose");
        Assert.Empty(result.AllErrors);
        var report = Assert.Single(result.Output);
        Assert.Equal("Healthy", Verdict(report));
        Assert.Equal("Online", ScriptResult.Prop(report, "PingStatus"));
        Assert.Equal(5, emu.Calls["ec2:DescribeRouteTables"]);
        Assert.Contains(result.Verbose, v => v.Message.Contains("ec2:DescribeRouteTables throttled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Objects_piped_from_two_regions_are_read_per_region_in_input_order()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var ids = Enumerable.Range(1, 3).Select(n => NetworkFleet.AddInstance(world, vpc, n).InstanceId).ToArray();
        var regions = new[] { "us-east-1", "eu-west-1", "us-east-1" };
        var objects = string.Join(", ", ids.Select((id, n) => $"[pscustomobject]@{{ InstanceId = '{id}'; Region = '{regions[n]}' }}"));
        var (result, emu) = await RunAsync(world, objects + " | Test-ManagedInstanceNetwork -EndpointUrl $endpoint -AccessKey AKIANETWORKTEST00001 -SecretKey network-test -Debug");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            // One batch per region: the us-east-1 pair first (its first id came first), then eu-west-1.
            Assert.Equal(2, emu.Calls["ec2:DescribeInstances"]);
            Assert.Equal(new[] { ids[0], ids[2], ids[1] }, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
            Assert.Equal(2, result.Debug.Count(d => d.Message.StartsWith("Region obtained from the -Region parameter", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Objects_with_an_InstanceId_property_bind_from_the_pipeline_and_are_read_in_one_batch()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var ids = Enumerable.Range(1, 3).Select(n => NetworkFleet.AddInstance(world, vpc, n).InstanceId).ToArray();
        var (result, emu) = await RunAsync(world, string.Join(", ", ids.Select(i => $"[pscustomobject]@{{ InstanceId = '{i}'; State = 'running' }}")) + " | Test-ManagedInstanceNetwork @aws -Verbose");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(ids, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
            Assert.Equal(1, emu.Calls["ec2:DescribeInstances"]);
            Assert.Equal(1, emu.Calls["ec2:DescribeSecurityGroups"]);
            Assert.Equal(1, emu.Calls["iam:GetInstanceProfile"]);
            Assert.Equal(0, emu.Calls["iam:GetRole"]); // the profile named the role's ARN
            foreach (var operation in new[] { "ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ssm:DescribeInstanceInformation", "ssm:GetServiceSetting", "iam:GetInstanceProfile", "iam:SimulatePrincipalPolicy" })
            {
                Assert.Contains(result.Verbose, v => v.Message.StartsWith(operation, StringComparison.Ordinal));
            }

            Assert.Contains(result.Progress, p => p.StatusDescription.StartsWith("Evaluating " + ids[2], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_string_or_a_reservation_does_not_bind_from_the_pipeline()
    {
        var (world, _, id) = OneInstance();
        var (result, emu) = await RunAsync(world,
            $"'{id}' | Test-ManagedInstanceNetwork @aws; [pscustomobject]@{{ ReservationId = 'r-0123456789abcdef0'; Instances = @([pscustomobject]@{{ InstanceId = '{id}' }}) }} | Test-ManagedInstanceNetwork @aws");
        await using (emu)
        {
            Assert.Empty(result.Output);
            Assert.Equal(2, result.Errors.Count);
            Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
            Assert.Equal(0, emu.Calls.Total);
        }
    }

    [Fact]
    public async Task Invalid_ids_and_filters_are_rejected_with_stable_error_ids()
    {
        var (world, _, _) = OneInstance();
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId web-1 @aws");
        await using (emu)
        {
            Assert.Equal("ParameterArgumentValidationError", ScriptResult.ErrorId(result.AllErrors.Single()));
            result = _session.Run(Aws + "Test-ManagedInstanceNetwork -Filter @{ 'tag:Environment' = @() } @aws");
            Assert.Equal("NetworkFilterInvalid", ScriptResult.ErrorId(result.AllErrors.Single()));
            Assert.Equal(ErrorCategory.InvalidArgument, result.AllErrors.Single().CategoryInfo.Category);
            Assert.Equal(0, emu.Calls.Total);
        }
    }

    [Fact]
    public async Task Filter_binds_a_hashtable_of_names_to_one_or_more_values_and_All_takes_the_region()
    {
        // Which instances a filter selects (live states, instance-state-name) is NetworkFleetReaderTests' in Engine.Tests.
        var world = NetworkFleet.Create();
        var (prod, dev, _) = NetworkFleet.AddTaggedFleet(world); // the terminated one is left out by -All
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -Filter @{ 'tag:Environment' = 'prod', 'dev' } @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
            result = _session.Run(Aws + "Test-ManagedInstanceNetwork -All @aws");
            Assert.Equal(new[] { prod.InstanceId, dev.InstanceId }, result.Output.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).ToArray());
        }
    }

    [Fact]
    public async Task Detailed_and_piped_Checks_give_the_same_check_rows()
    {
        var (world, _, id) = OneInstance();
        var (result, emu) = await RunAsync(world, "Test-ManagedInstanceNetwork -InstanceId " + id + " @aws -Detailed -IncludeOptionalService");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.All(result.Output, o => Assert.Equal("SsmTroubleshoot.Network.NetworkCheck", o.TypeNames[0]));
            var checkIds = result.Output.Select(o => (string)ScriptResult.Prop(o, "CheckId")!).ToList();
            Assert.Equal(5 + (6 * 7), checkIds.Count);
            Assert.Contains("NaclIngress.monitoring", checkIds);
            var piped = _session.Run(Aws + "(Test-ManagedInstanceNetwork -InstanceId " + id + " @aws -IncludeOptionalService).Checks");
            Assert.Equal(checkIds, piped.Output.Select(o => (string)ScriptResult.Prop(o, "CheckId")!).ToList());
        }
    }

    [Fact]
    public async Task Default_views_show_one_line_per_instance_and_check_rows_grouped_by_instance()
    {
        var world = NetworkFleet.Create();
        var vpc = NetworkFleet.AddVpc(world, 1);
        var healthy = NetworkFleet.AddInstance(world, vpc, 1, "web-1").InstanceId;
        var broken = NetworkFleet.AddInstance(world, vpc, 2, "web-2");
        broken.SecurityGroupIds = new() { "sg-0ffffffe" };
        world.SecurityGroups.Add(new SecurityGroup { GroupId = "sg-0ffffffe", GroupName = "locked", VpcId = vpc.VpcId });
        world.InstanceInformation.Single(i => i.InstanceId == broken.InstanceId).PingStatus = "ConnectionLost";
        await using var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        _session.Run(Aws);

        var fleet = _session.Render($"Test-ManagedInstanceNetwork -InstanceId {healthy}, {broken.InstanceId} @aws");
        var lines = fleet.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.Matches(@"^InstanceId\s+Name\s+VpcId\s+PingStatus\s+Verdict\s+FailedChecks$", lines[0]);
        Assert.Matches($@"^{healthy}\s+web-1\s+{vpc.VpcId}\s+Online\s+Healthy$", lines[2]);
        Assert.Matches($@"^{broken.InstanceId}\s+web-2\s+{vpc.VpcId}\s+ConnectionLost\s+Unhealthy\s+SecurityGroupEgress.ssm, SecurityGroupEgress.ec2messages, SecurityGroupEgress.ssmmessages$", lines[3]);
        Assert.Equal(4, lines.Count);

        var checks = _session.Render($"Test-ManagedInstanceNetwork -InstanceId {broken.InstanceId} @aws -Detailed");
        Assert.Contains("Instance: " + broken.InstanceId, checks, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Status\s+CheckId\s+Detail$", checks);
        Assert.Matches(@"(?m)^Info\s+PingStatus\s+ConnectionLost", checks);
        Assert.Matches(@"(?m)^Failed\s+SecurityGroupEgress.ssm\s+", checks);
    }

    [Fact]
    public async Task Stop_ends_a_run_waiting_on_a_slow_describe_at_once()
    {
        var (world, _, id) = OneInstance();
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("ec2:DescribeSubnets", new InjectedFault { Latency = TimeSpan.FromSeconds(20) });
        using var ps = PowerShell.Create();
        ps.Runspace = _session.Runspace;
        ps.AddCommand("Test-ManagedInstanceNetwork").AddParameter("InstanceId", new[] { id }).AddParameter("EndpointUrl", emu.Endpoint.ToString())
            .AddParameter("Region", "us-east-1").AddParameter("AccessKey", "AKIANETWORKTEST00001").AddParameter("SecretKey", "network-test-secret");
        var async = ps.BeginInvoke();
        await emu.Calls.WaitForAsync("ec2:DescribeSubnets", TimeSpan.FromSeconds(10));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "stopping took " + watch.Elapsed);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    [Fact]
    public async Task DescribeInstances_refused_is_one_PermissionDenied_error_per_id_and_hybrid_nodes_are_still_reported()
    {
        var (world, _, id) = OneInstance();
        NetworkFleet.AddHybridNode(world, "mi-0a1b2c3d4e5f60003");
        world.Denies.Add(new Deny { Principal = "*", Action = "ec2:DescribeInstances" });
        var (result, emu) = await RunAsync(world, $"Test-ManagedInstanceNetwork -InstanceId {id}, mi-0a1b2c3d4e5f60003 @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            var error = Assert.Single(result.Errors);
            Assert.Equal("InstanceLookupFailed", ScriptResult.ErrorId(error));
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Equal(id, error.TargetObject);
            Assert.Equal("Grant ec2:DescribeInstances.", error.ErrorDetails.RecommendedAction);
            Assert.Equal("mi-0a1b2c3d4e5f60003", ScriptResult.Prop(Assert.Single(result.Output), "InstanceId"));
        }
    }
}
