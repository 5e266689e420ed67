using System;
using System.Linq;
using System.Threading.Tasks;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;
using SsmInstanceInformation = SsmTroubleshoot.Emulator.Model.InstanceInformation;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>STS (Query) and SSM (JSON 1.1) operations through the real SDK clients.</summary>
public sealed class StsSsmOperationTests : IAsyncLifetime
{
    private AwsEmulator _emu = null!;
    private IAmazonSimpleSystemsManagement _ssm = null!;
    private IAmazonSecurityTokenService _sts = null!;

    public async Task InitializeAsync()
    {
        _emu = await TestAws.StartDemoAsync();
        var factory = TestAws.Factory(_emu);
        _ssm = factory.CreateSsm();
        _sts = factory.CreateSts();
    }

    public async Task DisposeAsync()
    {
        _ssm.Dispose();
        _sts.Dispose();
        await _emu.DisposeAsync();
    }

    [Fact]
    public async Task GetCallerIdentity_answers_per_access_key()
    {
        var who = await _sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal("arn:aws:iam::123456789012:user/demo-admin", who.Arn);
        Assert.Equal("AIDADEMOADMINEXAMPLE1", who.UserId);
        Assert.Equal("123456789012", who.Account);

        _emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = "AKIAAUDITOR000000001", Arn = "arn:aws:sts::210987654321:assumed-role/Audit/me", UserId = "AROAAUDIT:me", Account = "210987654321" }));
        using var auditor = TestAws.Factory(_emu, accessKey: "AKIAAUDITOR000000001").CreateSts();
        var audit = await auditor.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal("210987654321", audit.Account);
        Assert.Equal(1, _emu.Calls["sts:GetCallerIdentity"] - 1);
    }

    [Fact]
    public async Task Denied_sts_call_is_AccessDenied()
    {
        _emu.World.Mutate(w => w.Denies.Add(new Deny { Action = "sts:GetCallerIdentity" }));
        var error = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => _sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("AccessDenied", error.ErrorCode);
    }

    [Fact]
    public async Task DescribeInstanceInformation_returns_ping_agent_platform_and_resource_type()
    {
        var list = (await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest())).InstanceInformationList;
        var healthy = list.Single(i => i.InstanceId == "i-0a1b2c3d4e5f60001");
        Assert.Equal(PingStatus.Online, healthy.PingStatus);
        Assert.Equal("3.3.1142.0", healthy.AgentVersion);
        Assert.Equal(PlatformType.Linux, healthy.PlatformType);
        Assert.Equal("Amazon Linux", healthy.PlatformName);
        Assert.Equal(ResourceType.EC2Instance, healthy.ResourceType);
        Assert.Equal(new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc), healthy.LastPingDateTime!.Value.ToUniversalTime());
        Assert.Equal("10.0.1.10", healthy.IPAddress);
        var hybrid = list.Single(i => i.InstanceId.StartsWith("mi-"));
        Assert.Equal(ResourceType.ManagedInstance, hybrid.ResourceType);
    }

    [Theory]
    [InlineData("InstanceIds", "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60002")]
    [InlineData("InstanceIds", "i-0fffffffffffffff1", "")]
    [InlineData("PingStatus", "ConnectionLost", "i-0a1b2c3d4e5f60002")]
    [InlineData("ResourceType", "ManagedInstance", "mi-0a1b2c3d4e5f60003")]
    public async Task DescribeInstanceInformation_filters(string key, string value, string expected)
    {
        var modern = await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
        {
            Filters = [new InstanceInformationStringFilter { Key = key, Values = [value] }],
        });
        Assert.Equal(expected, string.Join(",", (modern.InstanceInformationList ?? []).Select(i => i.InstanceId)));
        var legacy = await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
        {
            InstanceInformationFilterList = [new InstanceInformationFilter { Key = key, ValueSet = [value] }],
        });
        Assert.Equal(expected, string.Join(",", (legacy.InstanceInformationList ?? []).Select(i => i.InstanceId)));
    }

    [Fact]
    public async Task DescribeInstanceInformation_rejects_bad_filter_values()
    {
        var error = await Assert.ThrowsAsync<InvalidInstanceInformationFilterValueException>(() => _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
        {
            Filters = [new InstanceInformationStringFilter { Key = "PingStatus", Values = ["Sleeping"] }],
        }));
        Assert.Equal("InvalidInstanceInformationFilterValue", error.ErrorCode);
        var badId = await Assert.ThrowsAsync<InvalidInstanceIdException>(() => _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest
        {
            Filters = [new InstanceInformationStringFilter { Key = "InstanceIds", Values = ["bogus"] }],
        }));
        Assert.Equal(FailureKind.NotFound, FailureClassifier.Classify(badId));
    }

    [Fact]
    public async Task DescribeInstanceInformation_pages()
    {
        _emu.World.Mutate(w =>
        {
            for (var i = 0; i < 10; i++)
            {
                w.InstanceInformation.Add(new SsmInstanceInformation { InstanceId = $"i-00000000000{i:x6}" });
            }
        });
        var first = await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest { MaxResults = 5 });
        Assert.Equal(5, first.InstanceInformationList.Count);
        var second = await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest { MaxResults = 5, NextToken = first.NextToken });
        var third = await _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest { MaxResults = 5, NextToken = second.NextToken });
        Assert.Equal(3, third.InstanceInformationList.Count);
        Assert.Null(third.NextToken);
        Assert.Equal(13, first.InstanceInformationList.Concat(second.InstanceInformationList).Concat(third.InstanceInformationList).Select(i => i.InstanceId).Distinct().Count());
        var tooMany = int.Parse("51");
        var invalid = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest { MaxResults = tooMany }));
        Assert.Equal("ValidationException", invalid.ErrorCode);
    }

    [Fact]
    public async Task GetServiceSetting_reads_default_host_management()
    {
        const string id = "/ssm/managed-instance/default-ec2-instance-management-role";
        var unset = (await _ssm.GetServiceSettingAsync(new GetServiceSettingRequest { SettingId = id })).ServiceSetting;
        Assert.Equal(string.Empty, unset.SettingValue ?? string.Empty);
        Assert.Equal("Default", unset.Status);
        _emu.World.Mutate(w => w.ServiceSettings[0] = new SsmTroubleshoot.Emulator.Model.ServiceSetting { SettingId = id, SettingValue = "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole" });
        var set = (await _ssm.GetServiceSettingAsync(new GetServiceSettingRequest { SettingId = "arn:aws:ssm:us-east-1:123456789012:servicesetting" + id })).ServiceSetting;
        Assert.Equal("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole", set.SettingValue);
        Assert.Equal("arn:aws:ssm:us-east-1:123456789012:servicesetting" + id, set.ARN);
        await Assert.ThrowsAsync<ServiceSettingNotFoundException>(() => _ssm.GetServiceSettingAsync(new GetServiceSettingRequest { SettingId = "/nope" }));
    }

    [Fact]
    public async Task Denied_ssm_call_is_AccessDeniedException()
    {
        _emu.World.Mutate(w => w.Denies.Add(new Deny { Principal = TestAws.AccessKey, Action = "ssm:DescribeInstanceInformation" }));
        var error = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => _ssm.DescribeInstanceInformationAsync(new DescribeInstanceInformationRequest()));
        Assert.Equal("AccessDeniedException", error.ErrorCode);
        Assert.Equal(FailureKind.PermissionDenied, FailureClassifier.Classify(error));
    }
}
