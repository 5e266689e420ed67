using System.Threading.Tasks;
using Amazon.EC2.Model;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement.Model;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

public sealed class SmokeTests
{
    [Fact]
    public async Task Sts_ec2_ssm_iam_answer_through_the_real_clients()
    {
        await using var emu = await TestAws.StartDemoAsync();
        var factory = TestAws.Factory(emu);
        using var sts = factory.CreateSts();
        var who = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal("123456789012", who.Account);
        using var ec2 = factory.CreateEc2();
        var instances = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest());
        Assert.Equal(2, instances.Reservations.Count);
        using var ssm = factory.CreateSsm();
        var info = await ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest());
        Assert.Equal(3, info.InstanceInformationList.Count);
        using var iam = factory.CreateIam();
        var profile = await iam.GetInstanceProfileAsync("DemoSsmProfile", default);
        Assert.Equal("DemoSsmRole", profile.Roles[0].RoleName);
    }
}
