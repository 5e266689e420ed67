using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Automation;
using SsmTroubleshoot.Common;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class RunbookStarterTests
{
    private const string Instance = "i-0123456789abcdef0";

    [Fact]
    public void Plan_for_ExecuteEC2Rescue_is_high_impact_and_builds_the_request()
    {
        var plan = RunbookStarter.Plan(
            TestFiles.Document("AWSSupport-ExecuteEC2Rescue"),
            new Hashtable { ["LogDestination"] = "rescue-logs" },
            new RunbookStartOptions
            {
                InstanceId = Instance,
                AutomationAssumeRole = "arn:aws:iam::123456789012:role/Rescue",
                ClientToken = "0f8fad5b-d9cb-469f-a165-70867728950e",
                Mode = "Auto",
                Tags = new Dictionary<string, string> { ["Ticket"] = "INC-42" },
            });

        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        Assert.Equal(RunbookImpact.High, plan.Impact);
        Assert.Equal(Instance, plan.Target);
        Assert.Contains("Stops the instance", plan.DescribeEffects());
        Assert.Contains("(7 steps)", plan.DescribeRequest());
        Assert.Contains("UnreachableInstanceId = " + Instance, plan.DescribeRequest());

        var sdk = plan.ToSdkRequest();
        Assert.Equal("AWSSupport-ExecuteEC2Rescue", sdk.DocumentName);
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", sdk.ClientToken);
        Assert.Equal("Auto", sdk.Mode.Value);
        Assert.Equal(new[] { Instance }, sdk.Parameters["UnreachableInstanceId"]);
        Assert.Equal(new[] { "arn:aws:iam::123456789012:role/Rescue" }, sdk.Parameters["AssumeRole"]);
        Assert.Equal(new[] { "rescue-logs" }, sdk.Parameters["LogDestination"]);
        Assert.Equal("INC-42", Assert.Single(sdk.Tags).Value);
        Assert.Null(sdk.Targets);
        Assert.Null(sdk.TargetLocations);
        Assert.Null(sdk.MaxConcurrency);
    }

    [Fact]
    public void Rate_controlled_start_carries_targets_and_limits()
    {
        var plan = RunbookStarter.Plan(
            TestFiles.Document("AWSSupport-TroubleshootManagedInstance"),
            null,
            new RunbookStartOptions
            {
                Targets = new[] { AutomationTarget.Parse("tag:Environment=Prod") },
                TargetParameterName = "InstanceId",
                MaxConcurrency = "5",
                MaxErrors = "10%",
            });

        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        Assert.Equal(RunbookImpact.Medium, plan.Impact);
        Assert.Equal("tag:Environment=Prod", plan.Target);
        var sdk = plan.ToSdkRequest();
        var target = Assert.Single(sdk.Targets);
        Assert.Equal("tag:Environment", target.Key);
        Assert.Equal(new[] { "Prod" }, target.Values);
        Assert.Equal("InstanceId", sdk.TargetParameterName);
        Assert.Equal("5", sdk.MaxConcurrency);
        Assert.Equal("10%", sdk.MaxErrors);
        Assert.Null(sdk.Parameters);
        Assert.True(Guid.TryParse(sdk.ClientToken, out _));
    }

    [Fact]
    public void Multi_account_start_carries_target_locations()
    {
        var plan = RunbookStarter.Plan(
            TestFiles.Document("AWSSupport-TroubleshootManagedInstance"),
            null,
            new RunbookStartOptions
            {
                Targets = new[] { new AutomationTarget("ResourceGroup", new[] { "web-servers" }) },
                TargetParameterName = "InstanceId",
                TargetLocations = new[]
                {
                    new AutomationTargetLocation
                    {
                        Accounts = new[] { "111122223333" }, Regions = new[] { "eu-west-1", "us-east-1" },
                        ExecutionRoleName = "AWS-SystemsManager-AutomationExecutionRole", TargetLocationMaxConcurrency = "1", TargetLocationMaxErrors = "0",
                    },
                },
            });

        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        var location = Assert.Single(plan.ToSdkRequest().TargetLocations);
        Assert.Equal(new[] { "111122223333" }, location.Accounts);
        Assert.Equal(new[] { "eu-west-1", "us-east-1" }, location.Regions);
        Assert.Equal("1", location.TargetLocationMaxConcurrency);
        Assert.Equal("0", location.TargetLocationMaxErrors);
        Assert.Null(location.ExcludeAccounts);
        Assert.Contains("TargetLocations[0]: Accounts 111122223333; Regions eu-west-1,us-east-1; ExecutionRoleName AWS-SystemsManager-AutomationExecutionRole; TargetLocationMaxConcurrency 1; TargetLocationMaxErrors 0", plan.DescribeRequest());
    }

    [Fact]
    public void Parameter_and_request_problems_are_reported_together()
    {
        var plan = RunbookStarter.Plan(
            RunbookDocument.Parse("AWSSupport-TroubleshootSSH", TestFiles.Read("AWSSupport-TroubleshootSSH.json")),
            new Hashtable { ["Action"] = "FixAll", ["AllowOffline"] = true },
            new RunbookStartOptions { InstanceId = Instance, MaxConcurrency = "0" });

        Assert.False(plan.IsValid);
        Assert.Equal(2, plan.Problems.Count); // MaxConcurrency format + MaxConcurrency without targets
        Assert.All(plan.Problems, p => Assert.Equal(ParameterProblemKind.InvalidRateControl, p.Kind));
        Assert.Equal(RunbookImpact.High, plan.Impact);
        Assert.Contains(plan.Disruptions, d => d.Kind == DisruptionKind.StopsInstance);
    }

    [Fact]
    public void Premium_support_failures_explain_the_support_plan()
    {
        Assert.Contains("Business", RunbookStarter.Advice("AWSPremiumSupport-TroubleshootEC2DiskUsage", FailureKind.PermissionDenied));
        Assert.Contains("Business", RunbookStarter.Advice("AWSPremiumSupport-TroubleshootEC2DiskUsage", FailureKind.NotFound));
        Assert.DoesNotContain("Business", RunbookStarter.Advice("AWSSupport-TroubleshootSSH", FailureKind.PermissionDenied));
        Assert.Null(RunbookStarter.Advice("AWSSupport-TroubleshootSSH", FailureKind.Throttled));
    }

    [Fact]
    public void SawExecution_has_a_console_url()
    {
        var started = new SawExecution(Ids.Of(1), "AWSSupport-TroubleshootSSH", "eu-west-1", AutomationStatus.Pending, DateTime.UtcNow, new Dictionary<string, IReadOnlyList<string>>());
        Assert.Equal($"https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/{Ids.Of(1)}?region=eu-west-1", started.ConsoleUrl);
    }
}
