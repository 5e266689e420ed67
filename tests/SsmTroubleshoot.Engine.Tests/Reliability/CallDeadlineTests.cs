using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Reliability;

/// <summary>
/// Every AWS call ends within the call timeout, retries and a trickling body included, and its failure names the call,
/// the endpoint and the fix that fits the service's code (issue #19, items 3 and 8).
/// </summary>
public sealed class CallDeadlineTests : IAsyncLifetime
{
    private AwsEmulator _emu = null!;

    public async Task InitializeAsync() => _emu = await TestAws.StartDemoAsync();

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task A_silent_server_ends_the_call_at_the_call_timeout_across_the_sdk_s_retries()
    {
        _emu.Faults.Set("ssm:DescribeInstanceInformation=silent");
        using var ssm = TestAws.Factory(_emu, maxErrorRetry: 2, timeout: TimeSpan.FromMilliseconds(700)).CreateSsm();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AwsCallTimeoutException>(() => ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest()));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.Timeout, FailureClassifier.Classify(error));
        Assert.Equal("SSM DescribeInstanceInformation", error.Call.Call);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer within 0.7 s", error.Message, StringComparison.Ordinal);

        var description = AwsFailureText.Describe(error);
        Assert.Equal(FailureKind.Timeout, description.Kind);
        Assert.Contains("CallTimeoutSeconds", description.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trickling_body_ends_the_call_at_the_call_timeout()
    {
        _emu.Faults.Set("ec2:DescribeVpcs=trickle:20");
        using var ec2 = TestAws.Factory(_emu, timeout: TimeSpan.FromMilliseconds(800)).CreateEc2();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AwsCallTimeoutException>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(5));
        Assert.Equal("EC2 DescribeVpcs", error.Call.Call);

        // A trickle that is merely slow but ends in time still answers.
        _emu.Faults.Set("ec2:DescribeVpcs=trickle:100000");
        using var patient = TestAws.Factory(_emu, timeout: TimeSpan.FromSeconds(10)).CreateEc2();
        Assert.Single((await patient.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
    }

    [Fact]
    public async Task The_iam_client_has_the_same_call_timeout()
    {
        _emu.Faults.Set("iam:GetRole=silent");
        using var iam = TestAws.Factory(_emu, maxErrorRetry: 2, timeout: TimeSpan.FromMilliseconds(500)).CreateIam();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AwsCallTimeoutException>(() => iam.GetRoleAsync("DemoSsmRole", CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {watch.Elapsed}");
        Assert.Equal("IAM GetRole", error.Call.Call);
    }

    [Fact]
    public async Task Ctrl_C_is_cancellation_not_a_timeout()
    {
        _emu.Faults.Set("sts:GetCallerIdentity=silent");
        using var sts = TestAws.Factory(_emu, timeout: TimeSpan.FromSeconds(20)).CreateSts();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancel.Token));
        Assert.Equal(FailureKind.Cancelled, FailureClassifier.Classify(error));
    }

    [Fact]
    public async Task Failures_name_the_call_the_code_and_the_fix_that_fits_the_code()
    {
        _emu.Faults.Set("ssm:GetServiceSetting=throttle:1x");
        using var ssm = TestAws.Factory(_emu).CreateSsm();
        var throttled = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => ssm.GetServiceSettingAsync(new GetServiceSettingRequest { SettingId = "/ssm/x" }));
        var description = AwsFailureText.Describe(throttled);
        Assert.Equal(FailureKind.Throttled, description.Kind);
        Assert.StartsWith("SSM GetServiceSetting at " + _emu.Endpoint, description.Message, StringComparison.Ordinal);
        Assert.Contains("ThrottlingException: Rate exceeded", description.Message, StringComparison.Ordinal);
        Assert.Contains("ssm:GetServiceSetting", description.RecommendedAction, StringComparison.Ordinal);

        // A wrong secret key is a signature failure: the fix is the key or the clock, never a grant.
        _emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = TestAws.AccessKey, SecretAccessKey = "the-real-secret", Arn = "arn:aws:iam::123456789012:user/x", UserId = "AIDAX" }));
        using var ec2 = TestAws.Factory(_emu).CreateEc2();
        var auth = AwsFailureText.Describe(await Assert.ThrowsAnyAsync<AmazonServiceException>(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest())));
        Assert.Equal(FailureKind.AuthenticationFailed, auth.Kind);
        Assert.Equal("AuthFailure", auth.ErrorCode);
        Assert.Contains("EC2 DescribeInstances", auth.Message, StringComparison.Ordinal);
        Assert.Contains("secret access key", auth.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("clock", auth.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain("Allow", auth.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_s_html_page_is_named_not_embedded()
    {
        _emu.Faults.Set("ec2:DescribeSubnets=html:502");
        using var ec2 = TestAws.Factory(_emu).CreateEc2();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest()));
        var description = AwsFailureText.Describe(error);
        Assert.Equal(FailureKind.ServiceError, description.Kind);
        Assert.DoesNotContain("<", description.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("inner exception", description.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("502", description.Message, StringComparison.Ordinal);
        Assert.Contains("EC2 DescribeSubnets", description.Message, StringComparison.Ordinal);
        Assert.Contains("proxy", description.RecommendedAction, StringComparison.Ordinal);
        Assert.True(description.Message.Length < 300, description.Message);
    }

    [Fact]
    public async Task A_5xx_is_a_service_error_and_a_refused_connection_is_unreachable()
    {
        _emu.Faults.Set("ec2:DescribeVpcs=error:1x");
        using var ec2 = TestAws.Factory(_emu).CreateEc2();
        var serverError = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()));
        Assert.Equal(FailureKind.ServiceError, FailureClassifier.Classify(serverError));

        var refused = new AwsClientFactory(await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = TestAws.AccessKey,
            SecretKey = TestAws.SecretKey,
            Region = "us-east-1",
            EndpointUrl = "http://127.0.0.1:1/",
            Environment = TestAws.Environment(),
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(5),
        }, CancellationToken.None));
        using var nowhere = refused.CreateEc2();
        var unreachable = await Assert.ThrowsAnyAsync<Exception>(() => nowhere.DescribeVpcsAsync(new DescribeVpcsRequest()));
        var description = AwsFailureText.Describe(unreachable);
        Assert.Equal(FailureKind.Unreachable, description.Kind);
        Assert.Contains("EC2 DescribeVpcs", description.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("inner exception", description.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_trickling_s3_object_is_cut_at_the_call_timeout_too()
    {
        _emu.World.Mutate(w => w.S3Objects["out-bucket/node/stdout"] = new string('x', 4000));
        _emu.Faults.Set("s3:GetObject=trickle:20");
        using var s3 = TestAws.Factory(_emu).CreateS3();
        var store = new SsmTroubleshoot.LogCollection.S3CommandOutputStore(s3, TimeSpan.FromMilliseconds(800));
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AwsCallTimeoutException>(() => store.ReadAsync("out-bucket", "node/stdout", CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
        Assert.Equal("S3 GetObject", error.Call.Call);

        _emu.Faults.Clear("s3:GetObject");
        Assert.Equal(4000, (await store.ReadAsync("out-bucket", "node/stdout", CancellationToken.None)).Length);
    }

    [Fact]
    public void The_call_timeout_comes_from_the_request_then_the_environment_then_thirty_seconds()
    {
        AwsConnection Resolve(TimeSpan? timeout, string? variable) => AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = TestAws.AccessKey,
            SecretKey = TestAws.SecretKey,
            Region = "us-east-1",
            Environment = TestAws.Environment(variable is null ? null : new System.Collections.Generic.Dictionary<string, string> { [AwsConnection.CallTimeoutVariable] = variable }),
            Timeout = timeout,
        }, CancellationToken.None).GetAwaiter().GetResult();

        Assert.Equal(TimeSpan.FromSeconds(30), Resolve(null, null).Timeout);
        Assert.Equal(TimeSpan.FromSeconds(75), Resolve(null, "75").Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), Resolve(TimeSpan.FromSeconds(5), "75").Timeout);
        var bad = Assert.Throws<AwsConfigurationException>(() => Resolve(null, "soon"));
        Assert.Equal(AwsConfigurationProblem.CallTimeoutInvalid, bad.Problem);
        Assert.Contains(AwsConnection.CallTimeoutVariable, bad.Message, StringComparison.Ordinal);
    }
}
