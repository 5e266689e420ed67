using System;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using Amazon.Runtime;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Reliability;

/// <summary>The emulator takes faults from its command line and scenario files, in one small language.</summary>
public sealed class EmulatorFaultSpecTests
{
    [Fact]
    public void The_fault_language_reads_rates_counts_durations_and_kinds()
    {
        var fault = InjectedFault.Parse("throttle:0.3, error:2x, latency:250ms, trickle:40");
        Assert.Equal(0.3, fault.ThrottleRate);
        Assert.Equal(2, fault.ServerErrorFirst);
        Assert.Equal(TimeSpan.FromMilliseconds(250), fault.Latency);
        Assert.Equal(40, fault.TrickleBytesPerSecond);

        Assert.Equal(1, InjectedFault.Parse("silent").SilentRate);
        Assert.Equal(503, InjectedFault.Parse("html").HtmlStatus);
        Assert.Equal(502, InjectedFault.Parse("html:502").HtmlStatus);
        Assert.Equal(3, InjectedFault.Parse("drop:3x").DropFirst);
        Assert.Equal(3, InjectedFault.Parse("throttle:3x").ThrottleFirst);
        Assert.Equal(TimeSpan.FromSeconds(2), InjectedFault.Parse("latency:2s").Latency);

        var injector = new FaultInjector();
        injector.Set("ec2:DescribeInstances=throttle:0.5");
        Assert.Equal(0.5, injector.Get("ec2:DescribeInstances")!.ThrottleRate);
        injector.Set("*=latency:30ms");
        Assert.Equal(TimeSpan.FromMilliseconds(30), injector.Get("ssm:SendCommand")!.Latency);
    }

    [Theory]
    [InlineData("ec2:DescribeInstances=throttle:1.5")]
    [InlineData("ec2:DescribeInstances=explode")]
    [InlineData("ec2:DescribeInstances=latency:soon")]
    [InlineData("DescribeInstances=silent")]
    [InlineData("ec2:DescribeInstances")]
    [InlineData("ec2:DescribeInstances=html:200")]
    public void A_fault_that_cannot_be_read_is_refused_with_the_reason(string assignment)
    {
        var error = Assert.Throws<FormatException>(() => new FaultInjector().Set(assignment));
        Assert.StartsWith("Fault '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scenario_file_s_faults_apply_from_the_start()
    {
        var world = World.FromJson("""{ "vpcs": [ { "vpcId": "vpc-0a1b2c3d" } ], "faults": { "ec2:DescribeVpcs": "throttle:1x", "ec2:DescribeSubnets": "html:502" } }""");
        await using var emulator = await AwsEmulator.StartAsync(world);
        using var ec2 = TestAws.Factory(emulator).CreateEc2();
        var throttled = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()));
        Assert.Equal("RequestLimitExceeded", throttled.ErrorCode);
        Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
        await Assert.ThrowsAnyAsync<Exception>(() => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest()));
        Assert.Equal(2, emulator.Calls["ec2:DescribeVpcs"]);
    }
}
