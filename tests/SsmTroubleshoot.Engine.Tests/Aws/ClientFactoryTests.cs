using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using Amazon.SecurityToken.Model;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;
using SsmTroubleshoot.Iam;

namespace SsmTroubleshoot.Engine.Tests.Aws;

/// <summary>Endpoint overrides, retry settings and the context reader, against two emulators.</summary>
public sealed class ClientFactoryTests
{
    private static AwsConnection Connect(DictionaryEnvironment environment, string? endpointUrl = null, int? maxErrorRetry = 0) =>
        AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = TestAws.AccessKey, SecretKey = TestAws.SecretKey, Region = "eu-west-1",
            EndpointUrl = endpointUrl, Environment = environment, MaxErrorRetry = maxErrorRetry,
        }, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public async Task EndpointUrl_sends_every_service_to_one_url_and_keeps_the_signing_region()
    {
        await using var emu = await TestAws.StartDemoAsync();
        emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = TestAws.AccessKey, SecretAccessKey = TestAws.SecretKey, Arn = "arn:aws:iam::123456789012:user/signer" }));
        var factory = new AwsClientFactory(Connect(TestAws.Environment(), emu.Endpoint.ToString()));
        using (var sts = factory.CreateSts())
        using (var ec2 = factory.CreateEc2())
        using (var iam = factory.CreateIam())
        {
            await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
            await ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
            await iam.ListRolePoliciesAsync("DemoSsmRole", CancellationToken.None);
        }

        Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
        Assert.Equal(1, emu.Calls["ec2:DescribeVpcs"]);
        Assert.Equal(1, emu.Calls["iam:ListRolePolicies"]);
    }

    [Fact]
    public async Task AWS_ENDPOINT_URL_and_per_service_variables_from_the_injected_environment()
    {
        await using var general = await AwsEmulator.StartAsync(new World { AccountId = "111111111111" });
        await using var ec2Only = await TestAws.StartDemoAsync();
        var environment = TestAws.Environment();
        environment["AWS_ENDPOINT_URL"] = general.Endpoint.ToString();
        environment["AWS_ENDPOINT_URL_EC2"] = ec2Only.Endpoint.ToString();
        var factory = new AwsClientFactory(Connect(environment));
        Assert.Equal(ec2Only.Endpoint, factory.Endpoint("EC2"));
        Assert.Equal(general.Endpoint, factory.Endpoint("SSM"));

        using (var sts = factory.CreateSts())
        {
            Assert.Equal("111111111111", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Account);
        }

        using (var ec2 = factory.CreateEc2())
        {
            Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
        }

        Assert.Equal(0, general.Calls["ec2:DescribeVpcs"]);
        Assert.Equal(1, ec2Only.Calls["ec2:DescribeVpcs"]);
        Assert.Equal(0, ec2Only.Calls["sts:GetCallerIdentity"]);

        // -EndpointUrl beats both variables.
        var overridden = new AwsClientFactory(Connect(environment, ec2Only.Endpoint.ToString()));
        Assert.Equal(ec2Only.Endpoint, overridden.Endpoint("SSM"));
    }

    [Fact]
    public async Task Without_overrides_clients_use_the_regional_endpoint()
    {
        var factory = new AwsClientFactory(Connect(TestAws.Environment()));
        Assert.Null(factory.Endpoint("EC2"));
        using var ec2 = factory.CreateEc2();
        Assert.Equal("eu-west-1", ec2.Config.RegionEndpoint.SystemName);
        Assert.Null(ec2.Config.ServiceURL);
        using var iam = factory.CreateIam();
        Assert.Equal(IamQueryClient.DefaultEndpoint, iam.Endpoint);
        await Task.CompletedTask;
    }

    [Fact]
    public void Invalid_endpoint_url_is_a_configuration_error()
    {
        var error = Assert.Throws<AwsConfigurationException>(() => Connect(TestAws.Environment(), "not a url"));
        Assert.Equal(AwsConfigurationProblem.EndpointInvalid, error.Problem);
        var environment = TestAws.Environment();
        environment["AWS_ENDPOINT_URL_SSM"] = "ftp://example";
        var factory = new AwsClientFactory(Connect(environment));
        Assert.Equal(AwsConfigurationProblem.EndpointInvalid, Assert.Throws<AwsConfigurationException>(() => factory.CreateSsm()).Problem);
    }

    [Fact]
    public void Retry_policy_is_standard_bounded_and_read_from_AWS_MAX_ATTEMPTS()
    {
        var environment = TestAws.Environment();
        environment["AWS_MAX_ATTEMPTS"] = "4";
        var connection = Connect(environment, maxErrorRetry: null);
        Assert.Equal(3, connection.MaxErrorRetry);
        using var ssm = new AwsClientFactory(connection).CreateSsm();
        Assert.Equal(Amazon.Runtime.RequestRetryMode.Standard, ssm.Config.RetryMode);
        Assert.Equal(3, ssm.Config.MaxErrorRetry);
        Assert.Equal(2, Connect(TestAws.Environment(), maxErrorRetry: null).MaxErrorRetry);
    }

    [Fact]
    public async Task Context_reader_reports_identity_sources_endpoint_and_the_sdk_file()
    {
        await using var emu = await TestAws.StartDemoAsync();
        var context = await AwsContextReader.GetAsync(TestAws.Connect(emu), CancellationToken.None);
        Assert.Equal("123456789012", context.Account);
        Assert.Equal("arn:aws:iam::123456789012:user/demo-admin", context.Arn);
        Assert.Equal("us-east-1", context.Region);
        Assert.Equal("the -Region parameter", context.RegionSource);
        Assert.Equal("the -AccessKey/-SecretKey parameters", context.CredentialSource);
        Assert.Equal(emu.Endpoint.ToString(), context.Endpoint);
        Assert.Equal("AWSSDK.Core.dll", Path.GetFileName(context.SdkAssembly));
        Assert.StartsWith("4.0.", context.SdkFileVersion);
    }
}
