using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Fleet;

/// <summary>
/// Get-SsmAgentLogIssue fleet collection across accounts and regions (issue #16), and by Run Command's own tag
/// targeting: hosted runspace, built module, the emulator's per-(account, region) worlds.
/// </summary>
public sealed class FleetLogAccountsTests : IDisposable
{
    private const string Aws = "$aws = @{ EndpointUrl = $endpoint; AccessKey = 'AKIAFLEETTEST0000001'; SecretKey = 'fleet-test-secret' }\n";
    private const string Header = "#SsmTroubleshoot-collect v1 total=400 sent=400 files=1 dir=/var/log/amazon/ssm\n";
    private readonly PowerShellSession _session = new(width: 200);

    public void Dispose() => _session.Dispose();

    private async Task<(ScriptResult Result, AwsEmulator Emulator)> RunAsync(World world, string script)
    {
        var emu = await AwsEmulator.StartAsync(world);
        _session.SetVariable("endpoint", emu.Endpoint.ToString());
        return (_session.Run(Aws + script), emu);
    }

    /// <summary>The first node of every world prints an IAM AccessDenied log; the others a benign one.</summary>
    private static void GiveLogs(World home)
    {
        foreach (var world in AccountFleet.Worlds(home))
        {
            foreach (var (node, index) in world.InstanceInformation.Select((n, i) => (n, i)))
            {
                world.CommandOutputs.Add(new CommandOutput
                {
                    InstanceId = node.InstanceId,
                    StandardOutput = Header + (index == 0 ? AgentLogSamples.ByCategory["IamAccessDenied"] : AgentLogSamples.Benign),
                });
            }
        }
    }

    private static (string? Account, string? Region, string Id, string Category) Row(PSObject o) =>
        ((string?)ScriptResult.Prop(o, "AccountId"), (string?)ScriptResult.Prop(o, "Region"), (string)ScriptResult.Prop(o, "InstanceId")!, ScriptResult.Prop(o, "Category")!.ToString()!);

    [Fact]
    public async Task Ids_over_three_accounts_and_three_regions_are_collected_where_they_live_and_failures_are_rows()
    {
        // The emulator's 3 x 3 scenario, but ap-southeast-2 answers 5xx HTML pages instead of throttling: the same one row
        // per region, without the minute the collector spends waiting out a throttled account (the network tests cover that).
        var home = AccountFleet.CreateScenario();
        home.Faults = new Dictionary<string, string> { ["ap-southeast-2/*"] = "html" };
        GiveLogs(home);
        var worlds = AccountFleet.Worlds(home).ToList();
        var broken = worlds.Select(w => (w.AccountId, w.Region, Id: w.InstanceInformation[0].InstanceId)).ToList();
        _session.SetVariable("ids", broken.Select(b => b.Id).Append("i-0fedcba987654321").ToArray());
        var (result, emu) = await RunAsync(home,
            "Get-SsmAgentLogIssue -InstanceId $ids -Region us-east-1, eu-west-1, ap-southeast-2 -AccountId 111111111111, 222222222222, 333333333333 -RoleName SsmTroubleshootRead -ThrottleLimit 9 @aws");
        await using (emu)
        {
            Assert.Null(result.Terminating);
            var rows = result.Output.Select(Row).ToList();

            // Each reachable node's issue carries the account and region it was collected in, in account then region order.
            var reachable = broken.Where(b => b.AccountId != "333333333333" && b.Region != "ap-southeast-2").ToList();
            Assert.Equal(4, reachable.Count);
            Assert.Equal(reachable.Select(b => ((string?)b.AccountId, (string?)b.Region, b.Id, "IamAccessDenied")), rows.Where(r => r.Category == "IamAccessDenied"));

            // Each (account, region) was sent only its own node: one SendCommand per reachable world.
            foreach (var world in worlds.Where(w => w.AccountId != "333333333333" && w.Region != "ap-southeast-2"))
            {
                var command = Assert.Single(world.Commands);
                Assert.Equal(new[] { world.InstanceInformation[0].InstanceId }, command.InstanceIds);
            }

            // The nodes of the unread targets and the unknown id: whether they are registered is unknown, one row each.
            var unknown = broken.Except(reachable).Select(b => b.Id).Append("i-0fedcba987654321").OrderBy(i => i).ToList();
            var undescribed = result.Output.Where(o => (string)ScriptResult.Prop(o, "RuleId")! == "Fleet.NotDescribed").ToList();
            Assert.Equal(unknown, undescribed.Select(o => (string)ScriptResult.Prop(o, "InstanceId")!).OrderBy(i => i));
            Assert.All(undescribed, o => Assert.Contains("5 account/region pair(s) could not be read", (string)ScriptResult.Prop(o, "Sample")!, StringComparison.Ordinal));
            Assert.DoesNotContain(rows, r => r.Category == "AgentOffline");

            // The denied account and the throttled region are error rows; the rest went on.
            Assert.Equal(new[] { "FleetAssumeRoleFailed", "FleetRegionFailed", "FleetRegionFailed" }, result.ErrorIds.OrderBy(x => x));
            Assert.Equal(ErrorCategory.PermissionDenied, Assert.Single(result.Errors, e => ScriptResult.ErrorId(e) == "FleetAssumeRoleFailed").CategoryInfo.Category);
        }
    }

    [Fact]
    public async Task An_id_no_region_lists_is_one_NotRegistered_row_naming_the_regions_asked()
    {
        var home = AccountFleet.Create(new[] { "444455556666" }, new[] { "us-east-1", "eu-west-1" }, vpcsPerWorld: 1, nodesPerVpc: 2);
        home.Callers.Add(new Caller { AccessKeyId = "AKIAFLEETTEST0000001", Account = "444455556666", Arn = "arn:aws:iam::444455556666:user/ops", UserId = "AIDAOPS" });
        GiveLogs(home);
        var eu = home.Partitions!["444455556666/eu-west-1"].InstanceInformation[0].InstanceId;
        var (all, emu) = await RunAsync(home, $"$r = Get-SsmAgentLogIssue -InstanceId {eu}, i-0fedcba987654321 -Region us-east-1, eu-west-1 @aws; $r; $r | Out-String -Width 200");
        await using (emu)
        {
            Assert.Empty(all.AllErrors);

            // The default view heads each node with where it was read.
            var view = (string)all.Output[^1].BaseObject;
            Assert.Contains($"Log: {eu} (444455556666 eu-west-1)", view, StringComparison.Ordinal);
            var result = new ScriptResult();
            result.Output.AddRange(all.Output.Take(all.Output.Count - 1));
            var rows = result.Output.Select(Row).ToList();
            Assert.Equal(new[] { ("444455556666", "eu-west-1", eu, "IamAccessDenied") }, rows.Where(r => r.Category != "AgentOffline").Select(r => (r.Account!, r.Region!, r.Id, r.Category)));
            var missing = Assert.Single(result.Output, o => ScriptResult.Prop(o, "Category")!.ToString() == "AgentOffline");
            Assert.Equal(("i-0fedcba987654321", "Fleet.NotRegistered"), ((string)ScriptResult.Prop(missing, "InstanceId")!, (string)ScriptResult.Prop(missing, "RuleId")!));
            Assert.Contains("any of us-east-1, eu-west-1", (string)ScriptResult.Prop(missing, "Sample")!, StringComparison.Ordinal);
            Assert.Empty(home.Commands); // nothing of ours lives in us-east-1: no command there
            Assert.Single(home.Partitions["444455556666/eu-west-1"].Commands);
        }
    }

    /// <summary>60 Linux web nodes (more than one batch of 50) and an offline one, all tagged Role=web; a Windows node tagged otherwise.</summary>
    private static World TaggedFleet(bool windowsIsWeb)
    {
        var world = new World();
        void Node(int n, string platform, string ping, string role)
        {
            var id = "i-0aa00000000" + n.ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
            world.InstanceInformation.Add(new InstanceInformation { InstanceId = id, PlatformType = platform, PlatformName = platform, PingStatus = ping, ComputerName = id });
            world.Instances.Add(new Instance { InstanceId = id, Platform = platform == "Windows" ? "windows" : null, Tags = new Dictionary<string, string> { ["Role"] = role } });
            world.CommandOutputs.Add(new CommandOutput { InstanceId = id, StandardOutput = Header + (n % 20 == 0 ? AgentLogSamples.ByCategory["IamAccessDenied"] : AgentLogSamples.Benign) });
        }

        for (var n = 0; n < 60; n++)
        {
            Node(n, "Linux", "Online", "web");
        }

        Node(60, "Linux", "ConnectionLost", "web");
        Node(61, "Windows", "Online", windowsIsWeb ? "web" : "db");
        return world;
    }

    [Fact]
    public async Task Tags_selecting_one_platform_go_out_as_one_tag_targeted_command_paced_by_Run_Command()
    {
        var world = TaggedFleet(windowsIsWeb: false);
        var (result, emu) = await RunAsync(world, "Get-SsmAgentLogIssue -Filter @{ 'tag:Role' = 'web' } -Region us-east-1 -MaxConcurrency 10% -MaxErrors 3 @aws -Verbose");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);

            // One SendCommand for 61 nodes: tag targets, no ids, the rate control applies to the whole selection.
            var command = Assert.Single(world.Commands);
            Assert.Empty(command.InstanceIds);
            var target = Assert.Single(command.Targets);
            Assert.Equal("tag:Role", target.Key);
            Assert.Equal(new[] { "web" }, target.Value);
            Assert.Equal(("10%", "3", 600), (command.MaxConcurrency, command.MaxErrors, command.TimeoutSeconds));
            Assert.Equal(61, command.Invocations.Count); // the tag reaches the offline node too

            // Every node accounted for: three with an IAM problem, the offline one from its ping status (not waited for).
            var rows = result.Output.Select(Row).ToList();
            Assert.Equal(new[] { "i-0aa00000000000000", "i-0aa00000000000020", "i-0aa00000000000040" }, rows.Where(r => r.Category == "IamAccessDenied").Select(r => r.Id).OrderBy(i => i));
            Assert.Equal("i-0aa00000000000060", Assert.Single(rows, r => r.Category == "AgentOffline").Id);
            Assert.Equal(4, rows.Count);
            Assert.Contains(result.Verbose, v => v.Message.StartsWith("Sending by tag (tag:Role=web)", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.Message.Contains("60 of 61 node(s) collected", StringComparison.Ordinal));
            Assert.True(emu.Calls["ssm:ListCommandInvocations"] <= 6, "the offline node's Pending invocation is not waited for");
        }
    }

    [Fact]
    public async Task Tags_selecting_Linux_and_Windows_nodes_are_sent_by_id_so_each_platform_gets_its_document()
    {
        var world = TaggedFleet(windowsIsWeb: true);
        var (result, emu) = await RunAsync(world, "Get-SsmAgentLogIssue -Filter @{ 'tag:Role' = 'web' } -Region us-east-1 @aws -Verbose");
        await using (emu)
        {
            Assert.Empty(result.AllErrors);
            Assert.All(world.Commands, c => Assert.Empty(c.Targets));
            Assert.Equal(new[] { ("AWS-RunPowerShellScript", 1), ("AWS-RunShellScript", 10), ("AWS-RunShellScript", 50) },
                world.Commands.Select(c => (c.DocumentName, c.InstanceIds.Count)).OrderBy(c => c.DocumentName).ThenBy(c => c.Item2));
            Assert.Contains(result.Verbose, v => v.Message.Contains("more than one platform: sending by id", StringComparison.Ordinal));
        }
    }
}

/// <summary>
/// Get-SsmAgentLogIssue re-declares the AWS and fleet parameters of its base only to scope them to the two fleet
/// sets: they must not drift from the base's declarations (what Test-ManagedInstanceNetwork and Get-SsmNodeDiagnosis
/// inherit) nor leak into the file and pipeline sets.
/// </summary>
public sealed class FleetLogParameterDriftTests : IDisposable
{
    private readonly PowerShellSession _session = new();

    public void Dispose() => _session.Dispose();

    [Fact]
    public void The_rescoped_AWS_parameters_match_the_base_declarations_and_stay_out_of_the_file_sets()
    {
        var result = _session.Run("""
            function Shape($p) {
                $checks = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateArgumentsAttribute] } | ForEach-Object {
                    $_.GetType().Name + ':' + $_.RegexPattern + $_.MinRange + $_.MaxRange } | Sort-Object
                $byName = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | ForEach-Object ValueFromPipelineByPropertyName) -contains $true
                '{0}|{1}|{2}|{3}' -f $p.ParameterType, (($p.Aliases | Sort-Object) -join ','), ($checks -join ';'), $byName
            }
            $log = (Get-Command Get-SsmAgentLogIssue).Parameters
            $net = (Get-Command Test-ManagedInstanceNetwork).Parameters
            $diag = (Get-Command Get-SsmNodeDiagnosis).Parameters
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
            # The base's parameters: on both fleet cmdlets, minus what each declares for itself.
            $base = $net.Keys | Where-Object { $diag.ContainsKey($_) -and $_ -notin $common -and $_ -notin 'InstanceId', 'Filter', 'ThrottleLimit', 'All' }
            $fileSets = (Get-Command Get-SsmAgentLogIssue).ParameterSets | Where-Object Name -in 'Path', 'LiteralPath', 'InputObject'
            foreach ($name in $base) {
                if (-not $log.ContainsKey($name)) { "missing: $name"; continue }
                if ((Shape $log[$name]) -ne (Shape $net[$name])) { "drift: $name $(Shape $log[$name]) vs $(Shape $net[$name])" }
                foreach ($set in $fileSets) { if ($set.Parameters.Name -contains $name) { "leak: $name in $($set.Name)" } }
            }
            "checked: $(@($base).Count)"
            """);
        Assert.Empty(result.AllErrors);
        var lines = result.Output.Select(o => o.ToString()).ToList();
        Assert.Equal(new[] { "checked: 13" }, lines);
    }
}
