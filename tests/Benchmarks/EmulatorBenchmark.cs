using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// What the loopback emulator costs per call, so other benchmarks can subtract it: median latency of
/// sts:GetCallerIdentity and of a 100-instance DescribeInstances page, and calls per second with 8 callers.
/// </summary>
internal static class EmulatorBenchmark
{
    public static int Run(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
        return RunAsync(calls).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int calls)
    {
        var world = World.LoadScenario("demo");
        for (var i = 0; i < 1000; i++)
        {
            world.Instances.Add(new Instance { InstanceId = $"i-0000000000{i:x7}", VpcId = "vpc-0a1b2c3d4e5f60000", Tags = { ["Name"] = "bench" + i } });
        }

        await using var emu = await AwsEmulator.StartAsync(world);
        using var http = new HttpClient();
        const string sts = "Action=GetCallerIdentity&Version=2011-06-15";
        const string ec2 = "Action=DescribeInstances&Version=2016-11-15&MaxResults=100";
        await Post(http, emu, "sts", sts);
        Console.WriteLine($"sts:GetCallerIdentity, median of {calls}: {await Median(http, emu, "sts", sts, calls):F3} ms");
        Console.WriteLine($"ec2:DescribeInstances (100 of 1002 instances), median of {calls}: {await Median(http, emu, "ec2", ec2, calls):F3} ms");
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < calls / 8; i++)
            {
                await Post(http, emu, "ec2", ec2);
            }
        }));
        Console.WriteLine($"8 parallel callers: {calls / 8 * 8 / watch.Elapsed.TotalSeconds:F0} DescribeInstances pages/s");
        return 0;
    }

    private static async Task<double> Median(HttpClient http, AwsEmulator emu, string service, string body, int calls)
    {
        var times = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await Post(http, emu, service, body);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[calls / 2];
    }

    private static async Task Post(HttpClient http, AwsEmulator emu, string service, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, emu.Endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIABENCH/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsStringAsync();
    }
}
