using System.Linq;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Network.Model;
using Xunit;
using static SsmTroubleshoot.Engine.Tests.Network.NetworkScenario;

namespace SsmTroubleshoot.Engine.Tests.Network;

/// <summary>PingStatus, InstanceProfile, RolePermissions, DefaultHostManagement, hybrid nodes.</summary>
public sealed class IdentityCheckTests
{
    [Fact]
    public void PingStatus_online_passes_and_names_the_agent()
    {
        WithInterfaceEndpoints().Evaluate().AssertCheck("PingStatus", NetworkCheckStatus.Passed, "Online", "3.3.1000.0");
    }

    [Fact]
    public void PingStatus_connection_lost_is_info_and_the_other_checks_still_run()
    {
        var report = WithInterfaceEndpoints().Ssm(s => s with { PingStatus = "ConnectionLost" }).Evaluate();
        report.AssertCheck("PingStatus", NetworkCheckStatus.Info, "ConnectionLost");
        Assert.Equal("ConnectionLost", report.PingStatus);
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict); // configuration is fine: the cause is on the instance
        Assert.Equal(5 + (3 * 6), report.Checks.Count);
    }

    [Fact]
    public void PingStatus_not_registered_is_info()
    {
        var report = WithInterfaceEndpoints().NotInSsm().Instance(i => i with { State = "stopped" }).Evaluate();
        report.AssertCheck("PingStatus", NetworkCheckStatus.Info, "Not registered", "stopped");
        Assert.Null(report.PingStatus);
    }

    [Fact]
    public void PingStatus_unreadable_is_error_naming_the_permission()
    {
        var report = WithInterfaceEndpoints().NotInSsm().Gap(InstanceId, "ssm:DescribeInstanceInformation", "AccessDeniedException").Evaluate();
        report.AssertCheck("PingStatus", NetworkCheckStatus.Error, "ssm:DescribeInstanceInformation", "AccessDenied");
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }

    [Fact]
    public void InstanceProfile_attached_passes_naming_profile_and_role()
    {
        WithInterfaceEndpoints().Evaluate().AssertCheck("InstanceProfile", NetworkCheckStatus.Passed, "app-profile", "app-role");
    }

    [Fact]
    public void InstanceProfile_without_role_fails()
    {
        var scenario = WithInterfaceEndpoints();
        scenario.Profiles[0] = scenario.Profiles[0] with { RoleNames = System.Array.Empty<string>() };
        var report = scenario.Evaluate();
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Failed, "has no role");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Skipped);
    }

    [Fact]
    public void No_profile_and_no_default_host_management_fails()
    {
        var report = WithInterfaceEndpoints().WithoutProfile().DefaultHostManagement(null).Evaluate();
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Failed, "not configured");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Skipped);
        report.AssertCheck("DefaultHostManagement", NetworkCheckStatus.Info, "Not configured");
        Assert.Equal(NetworkVerdict.Unhealthy, report.Verdict);
        Assert.Contains("InstanceProfile", report.FailedChecks);
    }

    [Fact]
    public void Default_host_management_covers_an_instance_without_profile_when_IMDSv2_is_required()
    {
        var report = WithInterfaceEndpoints().WithoutProfile()
            .Instance(i => i with { HttpTokens = ImdsTokens.Required })
            .DefaultHostManagement("dhmc-role")
            .Add(new IamRole
            {
                RoleName = "dhmc-role", Arn = "arn:aws:iam::" + AccountId + ":role/dhmc-role",
                Policies = new[] { Managed("AmazonSSMManagedEC2InstanceDefaultPolicy", ManagedInstanceCoreDocument) },
            })
            .Evaluate();
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Passed, "Default Host Management", "dhmc-role");
        report.AssertCheck("DefaultHostManagement", NetworkCheckStatus.Passed, "dhmc-role", "applies");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Passed, "Default Host Management role dhmc-role", "AmazonSSMManagedEC2InstanceDefaultPolicy");
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
    }

    [Fact]
    public void Default_host_management_role_that_IAM_says_does_not_exist_fails_the_permissions()
    {
        var report = WithInterfaceEndpoints().WithoutProfile()
            .Instance(i => i with { HttpTokens = ImdsTokens.Required })
            .DefaultHostManagement("deleted-role")
            .Gap("deleted-role", "iam:GetRole", "AccessDenied: not authorized")
            .Evaluate();
        report.AssertCheck("DefaultHostManagement", NetworkCheckStatus.Passed, "deleted-role");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Error, "iam:GetRole"); // a failed read, not a finding

        WithInterfaceEndpoints().WithoutProfile()
            .Instance(i => i with { HttpTokens = ImdsTokens.Required })
            .DefaultHostManagement("deleted-role")
            .Gap("deleted-role", "iam:GetRole", "NoSuchEntity: gone", errorCode: "NoSuchEntity")
            .Evaluate()
            .AssertCheck("RolePermissions", NetworkCheckStatus.Failed, "Default Host Management role deleted-role does not exist");
    }

    [Fact]
    public void Default_host_management_does_not_cover_an_instance_with_IMDSv2_optional()
    {
        var report = WithInterfaceEndpoints().WithoutProfile()
            .Instance(i => i with { HttpTokens = ImdsTokens.Optional })
            .DefaultHostManagement("dhmc-role")
            .Evaluate();
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Failed, "IMDSv2", "optional");
        report.AssertCheck("DefaultHostManagement", NetworkCheckStatus.Warning, "does not apply");
        Assert.Contains("HttpTokens required", report.Check("DefaultHostManagement").Remediation, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Default_host_management_needs_a_recent_agent()
    {
        var report = WithInterfaceEndpoints().WithoutProfile()
            .Instance(i => i with { HttpTokens = ImdsTokens.Required })
            .Ssm(s => s with { AgentVersion = "3.1.1732.0" })
            .DefaultHostManagement("dhmc-role")
            .Evaluate();
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Failed, "3.1.1732.0", "3.2.582.0");
    }

    [Fact]
    public void Default_host_management_is_informational_when_the_instance_has_a_profile()
    {
        WithInterfaceEndpoints().DefaultHostManagement("dhmc-role").Evaluate()
            .AssertCheck("DefaultHostManagement", NetworkCheckStatus.Info, "dhmc-role", "profile");
    }

    [Fact]
    public void Default_host_management_unreadable_is_error_and_decides_nothing_for_a_profile_less_instance()
    {
        var report = WithInterfaceEndpoints().WithoutProfile().Instance(i => i with { HttpTokens = ImdsTokens.Required }).DefaultHostManagementUnreadable().Evaluate();
        report.AssertCheck("DefaultHostManagement", NetworkCheckStatus.Error, "ssm:GetServiceSetting");
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Error, "ssm:GetServiceSetting");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Error);
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }

    [Fact]
    public void Default_host_management_unreadable_does_not_erase_the_failure_of_an_IMDSv1_instance_without_profile()
    {
        // DHMC needs IMDSv2: whatever the setting says, it cannot give this instance credentials.
        var report = WithInterfaceEndpoints().WithoutProfile().DefaultHostManagementUnreadable().Evaluate();
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Failed, "IMDSv2", "HttpTokens is optional", "ssm:GetServiceSetting");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Skipped);
        Assert.Equal(NetworkVerdict.Unhealthy, report.Verdict);
    }

    [Fact]
    public void Disabled_metadata_service_fails_the_profile_check()
    {
        WithInterfaceEndpoints().Instance(i => i with { MetadataEndpointEnabled = false }).Evaluate()
            .AssertCheck("InstanceProfile", NetworkCheckStatus.Failed, "metadata service is disabled");
    }

    [Fact]
    public void RolePermissions_passes_on_the_managed_policy_document()
    {
        WithInterfaceEndpoints().Evaluate().AssertCheck("RolePermissions", NetworkCheckStatus.Passed, "app-role", "all 11", "managed policy AmazonSSMManagedInstanceCore");
    }

    [Fact]
    public void RolePermissions_fails_on_an_inline_explicit_deny()
    {
        var report = WithInterfaceEndpoints()
            .Role(r => r with
            {
                Policies = r.Policies.Append(Inline("lockdown", """{"Statement":[{"Sid":"NoCommands","Effect":"Deny","Action":"ec2messages:*","Resource":"*"}]}""")).ToArray(),
            })
            .Evaluate();
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Failed, "inline policy lockdown", "NoCommands", "ec2messages:GetMessages");
        Assert.Equal(NetworkVerdict.Unhealthy, report.Verdict);
    }

    [Fact]
    public void RolePermissions_fails_when_nothing_allows_the_core_actions()
    {
        WithInterfaceEndpoints()
            .Role(r => r with { Policies = new[] { Managed("AmazonS3ReadOnlyAccess", """{"Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}}""") } })
            .Evaluate()
            .AssertCheck("RolePermissions", NetworkCheckStatus.Failed, "does not allow", "ssm:UpdateInstanceInformation", "AmazonS3ReadOnlyAccess");
    }

    [Fact]
    public void RolePermissions_profile_role_without_permissions_warns_when_default_host_management_covers_it()
    {
        var scenario = WithInterfaceEndpoints()
            .Role(r => r with { Policies = System.Array.Empty<RolePolicy>() })
            .DefaultHostManagement("dhmc-role")
            .Add(new IamRole { RoleName = "dhmc-role", Arn = "arn:aws:iam::" + AccountId + ":role/dhmc-role", Policies = new[] { Managed("AmazonSSMManagedEC2InstanceDefaultPolicy", ManagedInstanceCoreDocument) } });
        scenario.Evaluate().AssertCheck("RolePermissions", NetworkCheckStatus.Failed, "app-role", "does not allow"); // IMDSv2 optional: no fallback
        var report = scenario.Instance(i => i with { HttpTokens = ImdsTokens.Required }).Evaluate();
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Warning, "app-role", "does not allow", "dhmc-role", "falls back");
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
    }

    [Fact]
    public void RolePermissions_passes_on_wildcards_and_NotAction()
    {
        WithInterfaceEndpoints()
            .Role(r => r with
            {
                Policies = new[]
                {
                    Inline("wild", """{"Statement":[{"Effect":"Allow","Action":["ssm:Update*","SSMMESSAGES:*"],"Resource":"*"}]}"""),
                    Inline("rest", """{"Statement":{"Effect":"Allow","NotAction":["iam:*","ssm:*","ssmmessages:*"],"Resource":"*"}}"""),
                },
            })
            .Evaluate()
            .AssertCheck("RolePermissions", NetworkCheckStatus.Passed, "inline policy wild", "inline policy rest");
    }

    [Fact]
    public void RolePermissions_accepts_the_runbook_policy_names_when_documents_are_unavailable()
    {
        WithInterfaceEndpoints()
            .Role(r => r with { Policies = new[] { Managed("AmazonSSMManagedInstanceCore", null) } })
            .Evaluate()
            .AssertCheck("RolePermissions", NetworkCheckStatus.Passed, "accepted by name");
    }

    [Fact]
    public void RolePermissions_with_conditions_is_a_warning_not_a_pass()
    {
        WithInterfaceEndpoints()
            .Role(r => r with
            {
                Policies = new[] { Inline("tagged", """{"Statement":{"Effect":"Allow","Action":["ssm:*","ssmmessages:*","ec2messages:*"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Team":"a"}}}}""") },
            })
            .Evaluate()
            .AssertCheck("RolePermissions", NetworkCheckStatus.Warning, "cannot confirm", "Condition");
    }

    [Fact]
    public void RolePermissions_with_an_unreadable_policy_is_an_error_naming_the_permission()
    {
        var report = WithInterfaceEndpoints()
            .Role(r => r with { Policies = new[] { Managed("CustomSsm", null) } })
            .Gap("app-role", "iam:GetPolicyVersion", "AccessDenied")
            .Evaluate();
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Error, "CustomSsm", "iam:GetPolicyVersion");
        Assert.Equal("Grant iam:GetPolicyVersion.", report.Check("RolePermissions").Remediation);
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }

    [Fact]
    public void RolePermissions_error_when_the_role_cannot_be_read_failed_when_it_does_not_exist()
    {
        var scenario = WithInterfaceEndpoints();
        scenario.Roles.Clear();
        scenario.Evaluate().AssertCheck("RolePermissions", NetworkCheckStatus.Failed, "does not exist");
        scenario.Gap("app-role", "iam:ListAttachedRolePolicies", "AccessDenied").Evaluate()
            .AssertCheck("RolePermissions", NetworkCheckStatus.Error, "iam:ListAttachedRolePolicies");
    }

    [Fact]
    public void Hybrid_node_gets_the_SSM_and_IAM_checks_only()
    {
        var report = WithInterfaceEndpoints()
            .Add(new SsmInstanceInfo { InstanceId = "mi-0123456789abcdef0", PingStatus = "Online", ResourceType = "ManagedInstance", IamRole = "hybrid-role" })
            .Add(new IamRole { RoleName = "hybrid-role", Arn = "arn:aws:iam::" + AccountId + ":role/hybrid-role", Policies = new[] { Managed("AmazonSSMManagedInstanceCore", ManagedInstanceCoreDocument) } })
            .Evaluate("mi-0123456789abcdef0");
        report.AssertCheck("PingStatus", NetworkCheckStatus.Passed);
        report.AssertCheck("InstanceProfile", NetworkCheckStatus.Passed, "hybrid-role");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Passed, "hybrid-role");
        report.AssertCheck("DefaultHostManagement", NetworkCheckStatus.Skipped);
        Assert.All(report.Checks.Where(c => c.Service.Length > 0 || c.CheckId == "VpcDns"), c => Assert.Equal(NetworkCheckStatus.Skipped, c.Status));
        Assert.Equal(NetworkVerdict.Healthy, report.Verdict);
        Assert.Null(report.VpcId);
    }

    [Fact]
    public void Hybrid_node_whose_role_lacks_permissions_is_unhealthy()
    {
        var report = New()
            .Add(new SsmInstanceInfo { InstanceId = "mi-0123456789abcdef0", PingStatus = "ConnectionLost", ResourceType = "ManagedInstance", IamRole = "hybrid-role" })
            .Add(new IamRole { RoleName = "hybrid-role", Arn = "arn:aws:iam::" + AccountId + ":role/hybrid-role" })
            .Evaluate("mi-0123456789abcdef0");
        report.AssertCheck("RolePermissions", NetworkCheckStatus.Failed, "hybrid-role");
        Assert.Equal(NetworkVerdict.Unhealthy, report.Verdict);
    }

    [Fact]
    public void Unknown_instance_is_an_error_row_and_unknown_verdict()
    {
        var report = WithInterfaceEndpoints().Evaluate("i-doesnotexist");
        var check = Assert.Single(report.Checks);
        Assert.Equal(NetworkCheckStatus.Error, check.Status);
        Assert.Equal(NetworkVerdict.Unknown, report.Verdict);
    }
}
