using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Diagnosis;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Diagnosis;

/// <summary>The tour scenario through the real SDK clients: every node's root cause and next step.</summary>
public sealed class NodeDiagnosisTourTests
{
    private static readonly string[] TourIds =
    {
        "i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60004", "i-0a1b2c3d4e5f60005",
        "i-0a1b2c3d4e5f60006", "i-0a1b2c3d4e5f60009", "mi-0a1b2c3d4e5f60003",
    };

    private static readonly DateTime Now = new(2026, 11, 23, 12, 5, 0, DateTimeKind.Utc);

    private static async Task<(NodeDiagnosisResult Result, AwsEmulator Emulator)> DiagnoseAsync(World world, string[] ids, bool logs)
    {
        var emu = await AwsEmulator.StartAsync(world);
        var result = await NodeDiagnosisReader.DiagnoseAsync(TestAws.Connect(emu), new NodeDiagnosisRequest { InstanceIds = ids, IncludeAgentLog = logs, AgentLogWindow = TimeSpan.FromDays(4000) }, null, Now, CancellationToken.None);
        return (result, emu);
    }

    [Fact]
    public async Task Every_tour_node_gets_its_root_cause_and_next_step()
    {
        var (result, emu) = await DiagnoseAsync(World.LoadScenario("tour"), TourIds, logs: true);
        await using (emu)
        {
            var byId = result.Diagnoses.ToDictionary(d => d.InstanceId);
            Assert.Equal(TourIds, result.Diagnoses.Select(d => d.InstanceId));

            var healthy = byId["i-0a1b2c3d4e5f60001"];
            Assert.Equal((NodeVerdict.Managed, NodeRootCauses.None), (healthy.Verdict, healthy.RootCause));
            Assert.Null(healthy.NextStep);

            var broken = byId["i-0a1b2c3d4e5f60002"];
            Assert.Equal((NodeVerdict.Unmanaged, NodeRootCauses.NetworkPath, DiagnosisConfidence.High), (broken.Verdict, broken.RootCause, broken.Confidence));
            Assert.Equal("ssm, ec2messages in vpc-0a1b2c3d4e5f60000", broken.Scope);
            Assert.Contains(NodeRootCauses.NoInstanceProfile, broken.OtherCauses);
            Assert.Contains(broken.Evidence, e => e.Source == EvidenceSource.ConsoleOutput && e.Detail.Contains("i/o timeout"));
            Assert.Contains(broken.Evidence, e => e.Source == EvidenceSource.StatusCheck && e.Id == "InstanceStatus" && e.Status == "Passed");
            Assert.Equal("AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2", broken.NextStep!.Name);
            Assert.Equal("ssm.us-east-1.amazonaws.com", broken.NextStep.Parameters["ServiceEndpoint"]);

            var proxied = byId["i-0a1b2c3d4e5f60004"];
            Assert.Equal((NodeVerdict.Degraded, NodeRootCauses.ProxyOrTls), (proxied.Verdict, proxied.RootCause));

            var locked = byId["i-0a1b2c3d4e5f60005"];
            Assert.Equal((NodeVerdict.Managed, NodeRootCauses.None, DiagnosisConfidence.Medium), (locked.Verdict, locked.RootCause, locked.Confidence));
            Assert.Contains(locked.Evidence, e => e.Source == EvidenceSource.AgentLog && e.Status == "Error");

            // Logs say AccessDenied, the role's policies allow: shown as a contradiction, not hidden.
            var app = byId["i-0a1b2c3d4e5f60006"];
            Assert.Equal((NodeVerdict.Degraded, NodeRootCauses.DeniedOutsideRole, DiagnosisConfidence.Medium), (app.Verdict, app.RootCause, app.Confidence));
            Assert.Contains(app.Contradictions, e => e.Detail.Contains("service control policy"));
            Assert.Equal("AWSSupport-TroubleshootManagedInstance", app.NextStep!.Name);

            var fresh = byId["i-0a1b2c3d4e5f60009"];
            Assert.Equal((NodeVerdict.Unmanaged, NodeRootCauses.AgentNotRegistered), (fresh.Verdict, fresh.RootCause));
            Assert.Equal("AWSSupport-TroubleshootManagedInstance", fresh.NextStep!.Name);

            var hybrid = byId["mi-0a1b2c3d4e5f60003"];
            Assert.Equal((NodeVerdict.Managed, NodeRootCauses.None), (hybrid.Verdict, hybrid.RootCause));
            Assert.Contains(hybrid.Evidence, e => e.Source == EvidenceSource.Activation && e.Status == "Warning" && e.Detail.Contains("1 of 1 registrations used"));
            Assert.Null(hybrid.NextStep);

            Assert.Equal(1, emu.Calls["ec2:DescribeInstanceStatus"]);
            Assert.Equal(1, emu.Calls["ssm:DescribeActivations"]);
            Assert.Equal(2, emu.Calls["ec2:GetConsoleOutput"]); // the two running instances that are not Online
        }
    }

    [Fact]
    public async Task Stopped_and_impaired_instances_come_before_anything_else()
    {
        var world = World.LoadScenario("tour");
        world.Instances.Single(i => i.InstanceId == "i-0a1b2c3d4e5f60002").State = "stopped";
        world.Instances.Single(i => i.InstanceId == "i-0a1b2c3d4e5f60009").InstanceStatus = "impaired";
        var (result, emu) = await DiagnoseAsync(world, new[] { "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60009" }, logs: false);
        await using (emu)
        {
            var stopped = result.Diagnoses[0];
            Assert.Equal((NodeRootCauses.InstanceNotRunning, "stopped"), (stopped.RootCause, stopped.Scope));
            Assert.Contains(NodeRootCauses.NetworkPath, stopped.OtherCauses);
            Assert.Null(stopped.NextStep);
            var impaired = result.Diagnoses[1];
            Assert.Equal(NodeRootCauses.StatusCheckFailed, impaired.RootCause);
            Assert.Equal("AWSSupport-ExecuteEC2Rescue", impaired.NextStep!.Name);
            Assert.Equal(1, emu.Calls["ec2:GetConsoleOutput"]); // the stopped one has none to read
        }
    }

    [Fact]
    public async Task Hybrid_node_offline_with_an_expired_activation()
    {
        var world = World.LoadScenario("tour");
        world.InstanceInformation.Single(i => i.InstanceId == "mi-0a1b2c3d4e5f60003").PingStatus = "ConnectionLost";
        world.Activations[0].ExpirationDate = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var (result, emu) = await DiagnoseAsync(world, new[] { "mi-0a1b2c3d4e5f60003" }, logs: false);
        await using (emu)
        {
            var node = Assert.Single(result.Diagnoses);
            Assert.Equal((NodeVerdict.Unmanaged, NodeRootCauses.ActivationExpired), (node.Verdict, node.RootCause));
            Assert.Contains(node.Evidence, e => e.Source == EvidenceSource.Activation && e.Status == "Failed" && e.Detail.Contains("expired 2026-11-01"));
        }
    }

    [Fact]
    public async Task A_failed_status_read_is_evidence_with_its_service_code_not_a_lost_node()
    {
        var world = World.LoadScenario("tour");
        world.Denies.Add(new Deny { Action = "ec2:DescribeInstanceStatus" });
        var (result, emu) = await DiagnoseAsync(world, new[] { "i-0a1b2c3d4e5f60002" }, logs: false);
        await using (emu)
        {
            var node = Assert.Single(result.Diagnoses);
            Assert.Equal(NodeRootCauses.NetworkPath, node.RootCause); // established by the network checks all the same
            Assert.Equal(DiagnosisConfidence.Medium, node.Confidence);
            Assert.Contains(node.Evidence, e => e.Source == EvidenceSource.Lookup && e.Detail.StartsWith("ec2:DescribeInstanceStatus: UnauthorizedOperation: ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Groups_count_nodes_per_root_cause_and_scope()
    {
        var a = NodeDiagnoser.Diagnose(new NodeFacts { InstanceId = "i-00000001", NotFound = true }, "us-east-1", Now);
        var b = NodeDiagnoser.Diagnose(new NodeFacts { InstanceId = "i-00000002", NotFound = true }, "us-east-1", Now);
        var group = Assert.Single(NodeDiagnosisGroup.Group(new[] { a, b }));
        Assert.Equal("2 nodes: instance not found", group.ToString());
    }
}

/// <summary>The instance profile role's trust policy, read from GetInstanceProfile through the real SDK path.</summary>
public sealed class RoleTrustTests
{
    [Fact]
    public async Task A_role_trusting_only_lambda_fails_RolePermissions_and_is_the_RoleTrust_root_cause()
    {
        var world = World.LoadScenario("tour");
        world.Roles.Single(r => r.RoleName == "DemoSsmRole").AssumeRolePolicyDocument = System.Text.Json.Nodes.JsonNode.Parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
        world.InstanceInformation.RemoveAll(i => i.InstanceId == "i-0a1b2c3d4e5f60001");
        await using var emu = await AwsEmulator.StartAsync(world);
        var inventory = await SsmTroubleshoot.Network.NetworkFleetReader.FetchAsync(TestAws.Connect(emu), new SsmTroubleshoot.Network.NetworkFleetRequest { InstanceIds = new[] { "i-0a1b2c3d4e5f60001" } }, null, CancellationToken.None);
        var report = new SsmTroubleshoot.Network.NetworkEvaluator(new SsmTroubleshoot.Network.Model.NetworkSnapshot(inventory)).Evaluate("i-0a1b2c3d4e5f60001");
        var check = report.Checks.Single(c => c.CheckId == "RolePermissions");
        Assert.Equal(SsmTroubleshoot.Network.NetworkCheckStatus.Failed, check.Status);
        Assert.Contains("does not let ec2.amazonaws.com assume it (it trusts lambda.amazonaws.com)", check.Detail);

        var diagnosis = NodeDiagnoser.Diagnose(new NodeFacts { InstanceId = "i-0a1b2c3d4e5f60001", Instance = inventory.Instances[0], Network = report, RoleName = inventory.InstanceProfiles[0].RoleNames[0] }, "us-east-1", DateTime.UtcNow);
        Assert.Equal((NodeRootCauses.RoleTrust, "DemoSsmRole"), (diagnosis.RootCause, diagnosis.Scope));
    }

    [Theory]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"ssm.amazonaws.com\",\"ec2.amazonaws.com\"]},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}", true)]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:*\"}}", true)]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]}", false)]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"},{\"Effect\":\"Deny\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}", false)]
    [InlineData("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D", true)]
    public void Trust_policy_allows_ec2(string document, bool expected) =>
        Assert.Equal(expected, SsmTroubleshoot.Iam.TrustPolicy.AllowsService(document, "ec2.amazonaws.com", out _));
}

/// <summary>Every NextStep a root cause can lead to validates against its runbook's document (the AWS Support copies in TestData).</summary>
public sealed class NextStepValidationTests
{
    public static TheoryData<string> Causes => new(NodeRootCauses.All.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(Causes))]
    public void The_next_step_of_each_root_cause_has_valid_parameters(string cause)
    {
        var instance = new SsmTroubleshoot.Network.Model.Ec2Instance { InstanceId = "i-0a1b2c3d4e5f60002" };
        var step = NodeDiagnoser.NextStepFor(cause, instance.InstanceId, "us-east-1", new[] { "ssm", "ec2messages" }, hybrid: false, instance, null);
        if (step is null)
        {
            Assert.Contains(cause, new[] { NodeRootCauses.None, NodeRootCauses.InstanceNotRunning, NodeRootCauses.InstanceNotFound });
            return;
        }

        var document = SsmTroubleshoot.Engine.Tests.Automation.TestFiles.Document(step.Name);
        var plan = SsmTroubleshoot.Automation.RunbookStarter.Plan(document, step.Parameter, new SsmTroubleshoot.Automation.RunbookStartOptions { InstanceId = step.InstanceId });
        Assert.True(plan.IsValid, step.CommandLine + ": " + string.Join("; ", plan.Problems.Select(p => p.Message)));
    }

    [Fact]
    public void Hybrid_nodes_get_no_runbook_the_AWS_Support_runbooks_take_EC2_instances_only() =>
        Assert.Null(NodeDiagnoser.NextStepFor(NodeRootCauses.AgentOffline, "mi-0a1b2c3d4e5f60003", "us-east-1", Array.Empty<string>(), hybrid: true, null, null));
}
