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

public sealed class MalformedRequestTests
{
    [Fact]
    public async Task Unreadable_ssm_input_is_a_400_SerializationException_and_unknown_service_a_400()
    {
        await using var emu = await TestAws.StartDemoAsync();
        using var http = new System.Net.Http.HttpClient();
        using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, emu.Endpoint)
        {
            Content = new System.Net.Http.StringContent("{\"InstanceInformationFilterList\":[{\"valueSet\":[\"x\"]}]}"),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonSSM.DescribeInstanceInformation");
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"__type\":\"SerializationException\"", await response.Content.ReadAsStringAsync());

        using var unknown = await http.PostAsync(emu.Endpoint, new System.Net.Http.StringContent("hello"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(1, emu.Calls.Total);
    }
}
