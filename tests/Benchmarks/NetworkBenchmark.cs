using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Network;
using NetworkSnapshot = SsmTroubleshoot.Network.Model.NetworkSnapshot;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Test-ManagedInstanceNetwork's engine path (batched fetch through the real SDK clients + evaluation) over a fleet
/// in the loopback emulator with added latency per call: wall time and API calls (issue 5 goals: under 5 s and under
/// 60 calls for 1,000 instances in 10 VPCs at 25 ms per call).
/// Usage: network [instances=1000] [vpcs=10] [latencyMs=25] [throttleLimit=8]
/// </summary>
internal static class NetworkBenchmark
{
    public static int Run(string[] args)
    {
        int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
        return RunAsync(Arg(0, 1000), Arg(1, 10), Arg(2, 25), Arg(3, 8)).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int instanceCount, int vpcCount, int latencyMs, int throttleLimit)
    {
        var (world, ids) = BuildFleet(instanceCount, vpcCount);
        await using var emu = await AwsEmulator.StartAsync(world);
        emu.Faults.Set("*", new InjectedFault { Latency = TimeSpan.FromMilliseconds(latencyMs) });
        var awsEnvironment = new DictionaryEnvironment();
        awsEnvironment["AWS_EC2_METADATA_DISABLED"] = "true";
        var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = "AKIABENCHMARK0000001", SecretKey = "benchmark-secret", Region = world.Region,
            EndpointUrl = emu.Endpoint.ToString(), Environment = awsEnvironment, Timeout = TimeSpan.FromSeconds(30),
        }, CancellationToken.None);

        var trace = Environment.GetEnvironmentVariable("NETWORK_BENCHMARK_TRACE") == "1";
        var watch = Stopwatch.StartNew();
        var inventory = await NetworkFleetReader.FetchAsync(connection, new NetworkFleetRequest { InstanceIds = ids, ThrottleLimit = throttleLimit }, trace ? (m => Console.WriteLine($"{watch.ElapsedMilliseconds,6} {m}")) : null, CancellationToken.None);
        var fetched = watch.Elapsed;
        var evaluator = new NetworkEvaluator(new NetworkSnapshot(inventory));
        var reports = evaluator.EvaluateAll(ids.Where(id => inventory.Instances.Any(i => i.InstanceId == id) || id.StartsWith("mi-", StringComparison.Ordinal)).ToList());
        watch.Stop();
        if (trace)
        {
            var again = Stopwatch.StartNew();
            evaluator.EvaluateAll(reports.Select(r => r.InstanceId).ToList());
            Console.WriteLine($"evaluate again (warm): {again.ElapsedMilliseconds} ms");
            again.Restart();
            await NetworkFleetReader.FetchAsync(connection, new NetworkFleetRequest { InstanceIds = ids, ThrottleLimit = throttleLimit }, m => Console.WriteLine($"{again.ElapsedMilliseconds,6} {m}"), CancellationToken.None);
            Console.WriteLine($"fetch again (warm): {again.ElapsedMilliseconds} ms");
        }

        Console.WriteLine($"network: {instanceCount} instances (+1 unknown id) in {vpcCount} VPCs, {latencyMs} ms added per call, throttle limit {throttleLimit}");
        Console.WriteLine($"  wall time: {watch.Elapsed.TotalSeconds:F2} s (fetch {fetched.TotalSeconds:F2} s, evaluate {(watch.Elapsed - fetched).TotalMilliseconds:F0} ms)");
        Console.WriteLine($"  API calls: {emu.Calls.Total}");
        foreach (var (operation, count) in emu.Calls.Snapshot().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"    {operation,-36} {count,4}");
        }

        Console.WriteLine("  verdicts: " + string.Join(", ", reports.GroupBy(r => r.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        Console.WriteLine("  most failed checks: " + string.Join(", ", reports.SelectMany(r => r.FailedChecks).GroupBy(c => c).OrderByDescending(g => g.Count()).Take(6).Select(g => $"{g.Key} {g.Count()}")));
        Console.WriteLine("  gaps: " + inventory.Gaps.Count + " (" + string.Join(", ", inventory.Gaps.Select(g => g.ResourceId + " " + g.ErrorCode)) + ")");
        Console.WriteLine($"  runbook AWSSupport-TroubleshootManagedInstance: {instanceCount} automation executions (one per instance, minutes each), "
            + $"~10 describe calls each plus start/poll: over {instanceCount * 10:N0} calls");
        var met = watch.Elapsed < TimeSpan.FromSeconds(5) && emu.Calls.Total < 60;
        Console.WriteLine("  goals (under 5 s, under 60 calls): " + (met ? "met" : "NOT met"));
        return 0;
    }

    /// <summary>
    /// VPCs 0..4 use interface endpoints, 5..9 a NAT gateway. Mixed faults: VPC 2 NACL denies 443 out of the app subnet;
    /// VPC 3's instances every 4th in a security group without egress; VPC 6's default route is a blackhole; VPC 7's NAT
    /// subnet lost its internet route; every 10th instance (in each VPC) uses a role whose inline policy denies ssmmessages:* (half of them IMDSv1, so
    /// Default Host Management cannot take over); every 25th
    /// has no profile (Default Host Management covers it); every 7th is ConnectionLost; plus one unknown id.
    /// </summary>
    internal static (World World, IReadOnlyList<string> Ids) BuildFleet(int instanceCount, int vpcCount)
    {
        var world = NetworkFleet.Create();
        NetworkFleet.AddRole(world, "DenySessionsRole", "DenySessionsProfile", NetworkFleet.CorePolicyArn);
        world.Roles.Single(r => r.RoleName == "DenySessionsRole").InlinePolicies["no-sessions"] =
            JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ssmmessages:*","Resource":"*"}]}""")!;
        NetworkFleet.AddRole(world, "DhmcRole", null, NetworkFleet.CorePolicyArn);
        world.ServiceSettings.Add(new ServiceSetting { SettingId = "/ssm/managed-instance/default-ec2-instance-management-role", SettingValue = "DhmcRole" });

        var vpcs = Enumerable.Range(0, vpcCount).Select(v => NetworkFleet.AddVpc(world, v, interfaceEndpoints: v < vpcCount / 2)).ToList();
        if (vpcCount > 7)
        {
            world.NetworkAcls.Single(a => a.NetworkAclId == vpcs[2].NetworkAclId).Entries.Add(new NetworkAclEntry
            {
                RuleNumber = 50, Egress = true, Protocol = "6", RuleAction = "deny", CidrBlock = "0.0.0.0/0", PortRange = new PortRange { From = 443, To = 443 },
            });
            world.SecurityGroups.Add(new SecurityGroup { GroupId = "sg-0bad0bad", GroupName = "no-egress", VpcId = vpcs[3].VpcId });
            world.RouteTables.Single(t => t.RouteTableId == vpcs[6].PrivateRouteTableId).Routes.Single(r => r.DestinationCidrBlock == "0.0.0.0/0").State = "blackhole";
            world.RouteTables.Single(t => t.RouteTableId == vpcs[7].PublicRouteTableId).Routes.RemoveAll(r => r.DestinationCidrBlock == "0.0.0.0/0");
        }

        var ids = new List<string>();
        for (var n = 0; n < instanceCount; n++)
        {
            var vpc = vpcs[n % vpcCount];
            var k = n / vpcCount; // the instance's number within its VPC: faults spread over every VPC
            var instance = NetworkFleet.AddInstance(world, vpc, n);
            if (vpc.Index == 3 && k % 4 == 0)
            {
                instance.SecurityGroupIds = new() { "sg-0bad0bad" };
            }

            if (k % 10 == 9)
            {
                instance.IamInstanceProfileArn = NetworkFleet.ProfileArn(world, "DenySessionsProfile");
                instance.MetadataOptions.HttpTokens = k % 20 == 19 ? "optional" : "required"; // IMDSv1: no DHMC fallback
            }
            else if (k % 25 == 24)
            {
                instance.IamInstanceProfileArn = null;
            }

            if (k % 7 == 6)
            {
                world.InstanceInformation[^1].PingStatus = "ConnectionLost";
            }

            ids.Add(instance.InstanceId);
            if (n == instanceCount / 2)
            {
                ids.Add("i-0deadbeefdeadbeef");
            }
        }

        return (world, ids);
    }
}
