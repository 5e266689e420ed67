using System;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;
using SsmTroubleshoot.Iam;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>Each injected fault as the SDK and our IAM client see it, retries included; and SigV4 verification.</summary>
public sealed class FaultAndSignatureTests : IAsyncLifetime
{
    private AwsEmulator _emu = null!;

    public async Task InitializeAsync() => _emu = await TestAws.StartDemoAsync();

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task Throttled_calls_are_retried_then_succeed()
    {
        _emu.Faults.Set("ec2:DescribeVpcs", new InjectedFault { ThrottleFirst = 1 });
        using var ec2 = TestAws.Factory(_emu, maxErrorRetry: 1).CreateEc2();
        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
        Assert.Single(vpcs.Vpcs);
        Assert.Equal(2, _emu.Calls["ec2:DescribeVpcs"]);
    }

    [Fact]
    public async Task Throttling_past_the_retry_budget_is_classified_Throttled()
    {
        _emu.Faults.Set("ssm:DescribeInstanceInformation", new InjectedFault { ThrottleFirst = 5 });
        using var ssm = TestAws.Factory(_emu, maxErrorRetry: 0).CreateSsm();
        var error = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest()));
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(FailureKind.Throttled, FailureClassifier.Classify(error));
        Assert.Equal(1, _emu.Calls["ssm:DescribeInstanceInformation"]);

        _emu.Faults.Set("ec2:DescribeInstances", new InjectedFault { ThrottleFirst = 5 });
        using var ec2 = TestAws.Factory(_emu, maxErrorRetry: 0).CreateEc2();
        var ec2Error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest()));
        Assert.Equal("RequestLimitExceeded", ec2Error.ErrorCode);
        Assert.Equal(FailureKind.Throttled, FailureClassifier.Classify(ec2Error));
    }

    [Fact]
    public async Task Iam_client_backs_off_on_Throttling_then_succeeds_or_gives_up()
    {
        _emu.Faults.Set("iam:GetInstanceProfile", new InjectedFault { ThrottleFirst = 2 });
        using var iam = new IamQueryClient(new BasicAWSCredentials(TestAws.AccessKey, TestAws.SecretKey), _emu.Endpoint, maxErrorRetry: 2) { BackoffBase = TimeSpan.FromMilliseconds(5) };
        var profile = await iam.GetInstanceProfileAsync("DemoSsmProfile", CancellationToken.None);
        Assert.Equal("DemoSsmProfile", profile.InstanceProfileName);
        Assert.Equal(3, _emu.Calls["iam:GetInstanceProfile"]);

        _emu.Faults.Set("iam:GetInstanceProfile", new InjectedFault { ThrottleFirst = 5 });
        var error = await Assert.ThrowsAsync<IamServiceException>(() => iam.GetInstanceProfileAsync("DemoSsmProfile", CancellationToken.None));
        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(FailureKind.Throttled, FailureClassifier.Classify(error));
        Assert.Equal(6, _emu.Calls["iam:GetInstanceProfile"]);
    }

    [Fact]
    public async Task Server_errors_have_each_service_s_code_and_are_retried()
    {
        _emu.Faults.Set("*", new InjectedFault { ServerErrorFirst = 3 });
        using var sts = TestAws.Factory(_emu).CreateSts();
        var stsError = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("ServiceUnavailable", stsError.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stsError.StatusCode);
        Assert.Equal(ErrorType.Receiver, stsError.ErrorType);
        using var ec2 = TestAws.Factory(_emu).CreateEc2();
        var ec2Error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest()));
        Assert.Equal("InternalError", ec2Error.ErrorCode);
        Assert.Equal(FailureKind.ServiceError, FailureClassifier.Classify(ec2Error));

        // One more 5xx left: a client with one retry rides over it.
        using var ssm = TestAws.Factory(_emu, maxErrorRetry: 1).CreateSsm();
        var info = await ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest());
        Assert.Equal(3, info.InstanceInformationList.Count);
    }

    [Fact]
    public async Task Dropped_connection_surfaces_as_unreachable_and_is_retried()
    {
        _emu.Faults.Set("ec2:DescribeNatGateways", new InjectedFault { DropFirst = 1 });
        using var ec2 = TestAws.Factory(_emu).CreateEc2();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ec2.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest()));
        Assert.Equal(1, _emu.Calls["ec2:DescribeNatGateways"]);
        Assert.Equal(FailureKind.Unreachable, FailureClassifier.Classify(error));

        _emu.Faults.Set("ec2:DescribeNatGateways", new InjectedFault { DropFirst = 1 });
        using var retrying = TestAws.Factory(_emu, maxErrorRetry: 1).CreateEc2();
        Assert.Single((await retrying.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest())).NatGateways);

        _emu.Faults.Set("iam:ListRolePolicies", new InjectedFault { DropFirst = 1 });
        using var iam = new IamQueryClient(new BasicAWSCredentials(TestAws.AccessKey, TestAws.SecretKey), _emu.Endpoint, maxErrorRetry: 1) { BackoffBase = TimeSpan.FromMilliseconds(5) };
        Assert.Single(await iam.ListRolePoliciesAsync("DemoSsmRole", CancellationToken.None));
        Assert.Equal(2, _emu.Calls["iam:ListRolePolicies"]);
    }

    [Fact]
    public async Task Latency_delays_answers_and_cancellation_stops_the_call()
    {
        _emu.Faults.Set("ec2:DescribeRouteTables", new InjectedFault { Latency = TimeSpan.FromMilliseconds(300) });
        using var ec2 = TestAws.Factory(_emu).CreateEc2();
        var watch = Stopwatch.StartNew();
        await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest());
        Assert.True(watch.ElapsedMilliseconds >= 280, $"answered after {watch.ElapsedMilliseconds} ms");

        _emu.Faults.Set("ec2:DescribeRouteTables", new InjectedFault { Latency = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        watch.Restart();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest(), cancel.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.Cancelled, FailureClassifier.Classify(error));

        _emu.Faults.Set("iam:GetPolicy", new InjectedFault { Latency = TimeSpan.FromSeconds(30) });
        using var iam = new IamQueryClient(new BasicAWSCredentials(TestAws.AccessKey, TestAws.SecretKey), _emu.Endpoint, maxErrorRetry: 0);
        using var cancelIam = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => iam.GetPolicyAsync("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", cancelIam.Token));
    }

    [Fact]
    public async Task Client_timeout_is_classified_Timeout()
    {
        _emu.Faults.Set("*", new InjectedFault { Latency = TimeSpan.FromSeconds(30) });
        using var iam = new IamQueryClient(new BasicAWSCredentials(TestAws.AccessKey, TestAws.SecretKey), _emu.Endpoint, maxErrorRetry: 0, timeout: TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAnyAsync<TimeoutException>(() => iam.GetPolicyAsync("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", CancellationToken.None));
        Assert.Equal(FailureKind.Timeout, FailureClassifier.Classify(error));

        using var sts = TestAws.Factory(_emu, timeout: TimeSpan.FromMilliseconds(300)).CreateSts();
        var watch = Stopwatch.StartNew();
        var stsError = await Assert.ThrowsAnyAsync<Exception>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {watch.Elapsed}");
        Assert.Equal(FailureKind.Timeout, FailureClassifier.Classify(stsError));
    }

    [Fact]
    public async Task Throttle_rate_throttles_a_share_of_calls()
    {
        _emu.Faults.Set("sts:GetCallerIdentity", new InjectedFault { ThrottleRate = 0.5 });
        using var sts = TestAws.Factory(_emu).CreateSts();
        var throttled = 0;
        for (var i = 0; i < 40; i++)
        {
            try
            {
                await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
            }
            catch (AmazonSecurityTokenServiceException ex) when (ex.ErrorCode == "Throttling")
            {
                throttled++;
            }
        }

        Assert.InRange(throttled, 8, 32);
        Assert.Equal(40, _emu.Calls["sts:GetCallerIdentity"]);
        _emu.Calls.Reset();
        Assert.Equal(0, _emu.Calls.Total);
    }

    [Fact]
    public async Task Sdk_signatures_verify_and_a_wrong_secret_fails_per_service()
    {
        _emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = TestAws.AccessKey, SecretAccessKey = TestAws.SecretKey, Arn = "arn:aws:iam::123456789012:user/signer", UserId = "AIDASIGNER" }));
        var good = TestAws.Factory(_emu);
        using (var sts = good.CreateSts())
        using (var ec2 = good.CreateEc2())
        using (var ssm = good.CreateSsm())
        {
            Assert.Equal("arn:aws:iam::123456789012:user/signer", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
            Assert.Equal(2, (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new() { Name = "tag:Team", Values = ["demo"] }] })).Reservations.Count);
            Assert.NotEmpty((await ssm.GetServiceSettingAsync(new GetServiceSettingRequest { SettingId = "/ssm/managed-instance/default-ec2-instance-management-role" })).ServiceSetting.SettingId);
        }

        _emu.World.Mutate(w => w.Callers[0].SecretAccessKey = "another-secret");
        using (var sts = good.CreateSts())
        using (var ec2 = good.CreateEc2())
        using (var ssm = good.CreateSsm())
        {
            Assert.Equal("SignatureDoesNotMatch", (await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()))).ErrorCode);
            Assert.Equal("AuthFailure", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()))).ErrorCode);
            Assert.Equal("InvalidSignatureException", (await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest()))).ErrorCode);
        }
    }
}
