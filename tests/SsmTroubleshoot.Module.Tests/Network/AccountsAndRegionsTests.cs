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

/// <summary>
/// Fleets across accounts and regions (issue #16): Test-ManagedInstanceNetwork and Get-SsmNodeDiagnosis with several
/// -Region values and -AccountId/-RoleName, against the emulator's 3 accounts x 3 regions (AccountFleet), where
/// 333333333333 denies sts:AssumeRole and ap-southeast-2 throttles every call.
/// </summary>
public sealed class AccountsAndRegionsTests : IDisposable
{
    private const string Aws = "$aws = @{ EndpointUrl = $endpoint; AccessKey = 'AKIAFLEETTEST0000001'; SecretKey = 'fleet-test-secret' }\n";
    private static readonly string[] Accounts = AccountFleet.DefaultAccounts;
    private static readonly string[] Regions = AccountFleet.DefaultRegions;
    private readonly PowerShellSession _session = new(width: 200);

    public void Dispose() => _session.Dispose();

    private async Task<(ScriptResult Result, AwsEmulator Emulator)> RunAsync(World world, string script)
    {
        var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        return (_session.Run(Aws + script), emu);
    }

    /// <summary>(account, region, instance id) of every node the fleet holds.</summary>
    private static List<(string Account, string Region, string Id)> Nodes(World home) =>
        AccountFleet.Worlds(home).SelectMany(w => w.Instances.Select(i => (w.AccountId, w.Region, i.InstanceId))).ToList();

    private static (string? Account, string? Region, string Id) Located(PSObject o) =>
        ((string?)ScriptResult.Prop(o, "AccountId"), (string?)ScriptResult.Prop(o, "Region"), (string)ScriptResult.Prop(o, "InstanceId")!);

    [Fact]
    public async Task Every_reachable_node_is_reported_with_its_account_and_region_and_each_failure_is_one_error_row()
    {
        var home = AccountFleet.CreateScenario();
        var (result, emu) = await RunAsync(home,
            "Test-ManagedInstanceNetwork -All -Region us-east-1, eu-west-1, ap-southeast-2 -AccountId 111111111111, 222222222222, 333333333333 -RoleName SsmTroubleshootRead -RoleSessionName fleet-test @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            var expected = Nodes(home).Where(n => n.Account != Accounts[2] && n.Region != "ap-southeast-2").ToList();
            Assert.Equal(8, expected.Count / 3); // 2 accounts x 2 regions x 2 VPCs, 3 nodes each
            var reported = result.Output.Select(Located).ToList();
            Assert.Equal(expected.Select(e => ((string?)e.Account, (string?)e.Region, e.Id)).OrderBy(x => x.Id), reported.OrderBy(x => x.Id));
            Assert.All(result.Output, o => Assert.Equal("Healthy", ScriptResult.Prop(o, "Verdict")!.ToString()));

            // Output in account, then region order (the targets finish in any order).
            var order = reported.Select(r => Array.IndexOf(Accounts, r.Account) * 10 + Array.IndexOf(Regions, r.Region)).ToList();
            Assert.Equal(order.OrderBy(x => x), order);

            // The denied account: one row, PermissionDenied, target the account id; no region of it was read.
            var assume = Assert.Single(result.Errors, e => ScriptResult.ErrorId(e) == "FleetAssumeRoleFailed");
            Assert.Equal(ErrorCategory.PermissionDenied, assume.CategoryInfo.Category);
            Assert.Equal(Accounts[2], assume.TargetObject);
            Assert.Contains("AccessDenied", assume.ErrorDetails?.Message ?? assume.Exception.Message, StringComparison.Ordinal);

            // The throttled region: one row per account that could be assumed, after retries.
            var throttled = result.Errors.Where(e => ScriptResult.ErrorId(e) == "FleetRegionFailed").ToList();
            Assert.Equal(2, throttled.Count);
            Assert.All(throttled, e => Assert.Equal(ErrorCategory.LimitsExceeded, e.CategoryInfo.Category));
            Assert.Equal(new[] { Accounts[0], Accounts[1] }, throttled.Select(e => (string)PSObject.AsPSObject(e.TargetObject).Properties["AccountId"].Value).OrderBy(a => a));
            Assert.All(throttled, e => Assert.Equal("ap-southeast-2", PSObject.AsPSObject(e.TargetObject).Properties["Region"].Value));
            Assert.Equal(3, result.Errors.Count);
            Assert.True(emu.Calls["ec2:DescribeInstances"] > 4, "the throttled region was retried");

            // One AssumeRole per account, with the session name and the partition of the region.
            Assert.Equal(3, emu.Calls["sts:AssumeRole"]);
            lock (home.Sync)
            {
                Assert.All(home.Sessions.Values, s => Assert.Equal(("fleet-test", "aws", AccountFleet.CrossAccountRole), (s.SessionName, s.Partition, s.RoleName)));
            }
        }
    }

    [Fact]
    public async Task Several_regions_of_the_callers_own_account_carry_the_account_from_GetCallerIdentity_read_once()
    {
        var home = AccountFleet.Create(new[] { "444455556666" }, new[] { "us-east-1", "eu-west-1" }, vpcsPerWorld: 1, nodesPerVpc: 2);
        home.Callers.Add(new Caller { AccessKeyId = "AKIAFLEETTEST0000001", Account = "444455556666", Arn = "arn:aws:iam::444455556666:user/ops", UserId = "AIDAOPS" });
        var (result, emu) = await RunAsync(home, "Get-SsmNodeDiagnosis -All -Region us-east-1, eu-west-1 @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(Nodes(home).Select(n => ((string?)n.Account, (string?)n.Region, n.Id)), result.Output.Select(Located));
            Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
            Assert.Equal(0, emu.Calls["sts:AssumeRole"]);
        }
    }

    [Fact]
    public async Task Get_SsmNodeDiagnosis_over_accounts_and_regions_reports_nodes_and_failure_rows()
    {
        var home = AccountFleet.CreateScenario();
        var (result, emu) = await RunAsync(home,
            "Get-SsmNodeDiagnosis -All -Region us-east-1, eu-west-1, ap-southeast-2 -AccountId 111111111111, 222222222222, 333333333333 -RoleName SsmTroubleshootRead -ThrottleLimit 6 @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            var expected = Nodes(home).Where(n => n.Account != Accounts[2] && n.Region != "ap-southeast-2").Select(e => ((string?)e.Account, (string?)e.Region, e.Id)).OrderBy(x => x.Id);
            Assert.Equal(expected, result.Output.Select(Located).OrderBy(x => x.Id));
            Assert.Equal(new[] { "FleetAssumeRoleFailed", "FleetRegionFailed", "FleetRegionFailed" }, result.ErrorIds.OrderBy(x => x));
        }
    }

    [Fact]
    public async Task A_region_the_account_has_not_enabled_is_one_row_and_ids_are_found_in_whichever_region_holds_them()
    {
        var home = AccountFleet.Create(new[] { "111111111111", "222222222222" }, new[] { "us-east-1", "eu-west-1" }, vpcsPerWorld: 1, nodesPerVpc: 1);
        home.Partitions!.Remove("222222222222/eu-west-1"); // opted out
        var inEu = home.Partitions["111111111111/eu-west-1"].Instances[0].InstanceId;
        var inUs = home.Partitions["222222222222/us-east-1"].Instances[0].InstanceId;
        var (result, emu) = await RunAsync(home,
            $"Test-ManagedInstanceNetwork -InstanceId {inEu}, {inUs}, i-0fedcba987654321 -Region us-east-1, eu-west-1 -AccountId 111111111111, 222222222222 -RoleName SsmTroubleshootRead @aws");
        await using (emu)
        {
            Assert.Equal(new[] { ("111111111111", "eu-west-1", inEu), ("222222222222", "us-east-1", inUs) }, result.Output.Select(Located).Select(x => (x.Account!, x.Region!, x.Id)));
            var optedOut = Assert.Single(result.Errors, e => ScriptResult.ErrorId(e) == "FleetRegionNotEnabled");
            Assert.Equal(ErrorCategory.AuthenticationError, optedOut.CategoryInfo.Category);
            Assert.Contains("222222222222 eu-west-1", optedOut.ErrorDetails!.Message, StringComparison.Ordinal);
            var missing = Assert.Single(result.Errors, e => ScriptResult.ErrorId(e) == "InstanceNotFound");
            Assert.Equal("i-0fedcba987654321", missing.TargetObject);
            Assert.Equal(2, result.Errors.Count);
        }
    }

    [Fact]
    public async Task Results_piped_back_bind_their_Region_and_single_region_output_carries_Region_and_AccountId()
    {
        var home = AccountFleet.Create(new[] { "111111111111" }, new[] { "us-east-1", "eu-west-1" }, vpcsPerWorld: 1, nodesPerVpc: 1);
        var (result, emu) = await RunAsync(home,
            "Test-ManagedInstanceNetwork -All -Region us-east-1, eu-west-1 @aws | Get-SsmNodeDiagnosis @aws");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.Equal(Nodes(home).Select(n => ((string?)n.Account, (string?)n.Region, n.Id)), result.Output.Select(Located));
        }

        var (single, emu2) = await RunAsync(home, "Test-ManagedInstanceNetwork -All -Region eu-west-1 @aws -Detailed");
        await using (emu2)
        {
            Assert.Empty(single.AllErrors);
            Assert.NotEmpty(single.Output);
            Assert.All(single.Output, o => Assert.Equal(("111111111111", "eu-west-1"), ((string)ScriptResult.Prop(o, "AccountId")!, (string)ScriptResult.Prop(o, "Region")!)));
        }
    }

    [Theory]
    [InlineData("-AccountId 12345 -RoleName R", "FleetAccountIdInvalid")]
    [InlineData("-AccountId 111111111111", "FleetScopeInvalid")]
    [InlineData("-AccountId 111111111111 -RoleName 'bad name'", "FleetScopeInvalid")]
    [InlineData("-RoleName SsmTroubleshootRead", "FleetScopeInvalid")]
    [InlineData("-AccountId 111111111111 -RoleName R -RoleSessionName x", "FleetScopeInvalid")]
    public async Task Bad_fleet_parameters_are_InvalidArgument_errors_before_any_call(string parameters, string errorId)
    {
        var home = AccountFleet.Create(new[] { "111111111111" }, new[] { "us-east-1" }, vpcsPerWorld: 1, nodesPerVpc: 1);
        var (result, emu) = await RunAsync(home, "Test-ManagedInstanceNetwork -All -Region us-east-1 " + parameters + " @aws");
        await using (emu)
        {
            var error = Assert.Single(result.AllErrors);
            Assert.Equal(errorId, ScriptResult.ErrorId(error));
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Empty(result.Output);
            Assert.Equal(0, emu.Calls.Total);
        }
    }
}
