using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Iam;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Network;

public sealed class PolicyEvaluatorTests
{
    private const string InstanceArn = "arn:aws:ec2:us-east-1:111122223333:instance/i-app";

    private static ActionEvaluation Eval(string action, string resource, params string[] documents) =>
        IamPolicyEvaluator.Evaluate(documents.Select((d, i) => new NamedPolicy("p" + (i + 1), PolicyDocument.Parse(d))), action, resource);

    [Fact]
    public void Single_statement_object_and_string_action_allow()
    {
        var result = Eval("ssm:UpdateInstanceInformation", InstanceArn,
            """{"Version":"2012-10-17","Statement":{"Sid":"Core","Effect":"Allow","Action":"ssm:UpdateInstanceInformation","Resource":"*"}}""");
        Assert.Equal(PermissionDecision.Allowed, result.Decision);
        Assert.Equal("p1", result.DecidingPolicy);
        Assert.Equal("statement 'Core'", result.DecidingStatement);
    }

    [Theory]
    [InlineData("ssmmessages:*", PermissionDecision.Allowed)]
    [InlineData("ssmmessages:Create*", PermissionDecision.Allowed)]
    [InlineData("SSMMessages:createcontrolchannel", PermissionDecision.Allowed)]
    [InlineData("ssmmessages:Create?ontrolChannel", PermissionDecision.Allowed)]
    [InlineData("*", PermissionDecision.Allowed)]
    [InlineData("ssmmessages:Open*", PermissionDecision.ImplicitDeny)]
    [InlineData("ssm:*", PermissionDecision.ImplicitDeny)]
    [InlineData("ssmmessages:CreateControlChannelX", PermissionDecision.ImplicitDeny)]
    public void Action_wildcards_are_case_insensitive(string pattern, PermissionDecision expected)
    {
        var result = Eval("ssmmessages:CreateControlChannel", "*",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"" + pattern + "\"],\"Resource\":\"*\"}]}");
        Assert.Equal(expected, result.Decision);
    }

    [Fact]
    public void Explicit_deny_wins_over_allow_in_another_policy()
    {
        var result = Eval("ec2messages:GetMessages", "*",
            """{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""",
            """{"Statement":[{"Sid":"NoMessages","Effect":"Deny","Action":"ec2messages:*","Resource":"*"}]}""");
        Assert.Equal(PermissionDecision.ExplicitDeny, result.Decision);
        Assert.Equal("p2", result.DecidingPolicy);
        Assert.Contains("NoMessages", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allow_with_NotAction_allows_everything_else()
    {
        const string Doc = """{"Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}}""";
        Assert.Equal(PermissionDecision.Allowed, Eval("ssm:UpdateInstanceInformation", InstanceArn, Doc).Decision);
        Assert.Equal(PermissionDecision.ImplicitDeny, Eval("iam:PassRole", "*", Doc).Decision);
    }

    [Fact]
    public void Deny_with_NotAction_denies_everything_not_listed()
    {
        const string Allow = """{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""";
        const string Deny = """{"Statement":{"Effect":"Deny","NotAction":["ssm:*","ec2messages:*"],"Resource":"*"}}""";
        Assert.Equal(PermissionDecision.Allowed, Eval("ec2messages:GetMessages", "*", Allow, Deny).Decision);
        Assert.Equal(PermissionDecision.ExplicitDeny, Eval("ssmmessages:OpenDataChannel", "*", Allow, Deny).Decision);
    }

    [Fact]
    public void Condition_makes_an_allow_uncertain_never_passed()
    {
        var result = Eval("ssm:UpdateInstanceInformation", InstanceArn,
            """{"Statement":{"Effect":"Allow","Action":"ssm:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Env":"prod"}}}}""");
        Assert.Equal(PermissionDecision.Uncertain, result.Decision);
        Assert.Contains("Condition", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditional_deny_makes_an_allow_uncertain()
    {
        var result = Eval("ssm:UpdateInstanceInformation", InstanceArn,
            """{"Statement":[{"Effect":"Allow","Action":"ssm:*","Resource":"*"},{"Sid":"OffHours","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}""");
        Assert.Equal(PermissionDecision.Uncertain, result.Decision);
        Assert.Contains("OffHours", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_condition_block_is_no_condition()
    {
        var result = Eval("ssm:UpdateInstanceInformation", InstanceArn, """{"Statement":{"Effect":"Allow","Action":"ssm:*","Resource":"*","Condition":{}}}""");
        Assert.Equal(PermissionDecision.Allowed, result.Decision);
    }

    [Theory]
    [InlineData("arn:aws:ec2:*:*:instance/*", PermissionDecision.Allowed)]
    [InlineData("arn:aws:ec2:us-east-1:111122223333:instance/i-app", PermissionDecision.Allowed)]
    [InlineData("arn:aws:ec2:us-east-1:111122223333:instance/i-other", PermissionDecision.ImplicitDeny)]
    [InlineData("arn:aws:ec2:us-east-1:111122223333:INSTANCE/*", PermissionDecision.ImplicitDeny)]
    public void Resource_arns_match_with_wildcards_case_sensitively(string resource, PermissionDecision expected)
    {
        var result = Eval("ssm:UpdateInstanceInformation", InstanceArn,
            "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ssm:UpdateInstanceInformation\",\"Resource\":\"" + resource + "\"}}");
        Assert.Equal(expected, result.Decision);
    }

    [Fact]
    public void Actions_without_resource_level_permissions_need_resource_star()
    {
        var result = Eval("ssmmessages:OpenControlChannel", "*",
            """{"Statement":{"Effect":"Allow","Action":"ssmmessages:*","Resource":"arn:aws:ssm:us-east-1:111122223333:*"}}""");
        Assert.Equal(PermissionDecision.ImplicitDeny, result.Decision);
    }

    [Fact]
    public void NotResource_excludes_the_listed_resources()
    {
        const string Doc = """{"Statement":{"Effect":"Allow","Action":"ssm:*","NotResource":"arn:aws:ec2:*:*:instance/i-app"}}""";
        Assert.Equal(PermissionDecision.ImplicitDeny, Eval("ssm:UpdateInstanceInformation", InstanceArn, Doc).Decision);
        Assert.Equal(PermissionDecision.Allowed, Eval("ssm:UpdateInstanceInformation", "arn:aws:ec2:us-east-1:111122223333:instance/i-b", Doc).Decision);
    }

    [Fact]
    public void Url_encoded_document_from_IAM_is_accepted()
    {
        var encoded = Uri.EscapeDataString("""{"Statement":{"Effect":"Allow","Action":"ec2messages:*","Resource":"*"}}""");
        Assert.Equal(PermissionDecision.Allowed, Eval("ec2messages:SendReply", "*", encoded).Decision);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}}""")]
    [InlineData("[1,2]")]
    public void Malformed_documents_are_rejected_with_InvalidDataException(string document)
    {
        Assert.Throws<InvalidDataException>(() => PolicyDocument.Parse(document));
    }

    [Theory]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbd", false)]
    [InlineData("*", "", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*:Get*", "ec2messages:GetMessages", true)]
    public void Wildcard_matching(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, Wildcard.IsMatch(pattern, value, ignoreCase: false));
    }
}

public sealed class RolePermissionEvaluatorTests
{
    private const string InstanceArn = "arn:aws:ec2:us-east-1:111122223333:instance/i-app";

    private static IamRole Role(params RolePolicy[] policies) => new() { RoleName = "r", Arn = "arn:aws:iam::111122223333:role/r", Policies = policies };

    [Fact]
    public void ManagedInstanceCore_document_allows_every_core_action()
    {
        var result = new RolePermissionEvaluator().Evaluate(Role(NetworkScenario.Managed("AmazonSSMManagedInstanceCore", NetworkScenario.ManagedInstanceCoreDocument)), InstanceArn);
        Assert.Equal(PermissionDecision.Allowed, result.Outcome);
        Assert.Equal(SsmCoreActions.All.Count, result.Actions.Count);
        Assert.Empty(result.AcceptedByName);
    }

    [Theory]
    [InlineData("AmazonSSMManagedInstanceCore")]
    [InlineData("AmazonSSMFullAccess")]
    [InlineData("AdministratorAccess")]
    [InlineData("AmazonEC2RoleforSSM")]
    [InlineData("AmazonSSMManagedEC2InstanceDefaultPolicy")]
    public void Runbook_accepted_names_stand_in_only_when_the_document_is_unavailable(string name)
    {
        var result = new RolePermissionEvaluator().Evaluate(Role(NetworkScenario.Managed(name, null)), InstanceArn);
        Assert.Equal(PermissionDecision.Allowed, result.Outcome);
        Assert.Equal(new[] { name }, result.AcceptedByName);
    }

    [Fact]
    public void A_document_that_is_available_is_evaluated_even_under_an_accepted_name()
    {
        // A customer-managed policy can reuse the name; its document is what counts.
        var fake = NetworkScenario.Managed("AmazonSSMManagedInstanceCore", """{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}""");
        var result = new RolePermissionEvaluator().Evaluate(Role(fake), InstanceArn);
        Assert.Equal(PermissionDecision.ImplicitDeny, result.Outcome);
        Assert.Empty(result.AcceptedByName);
    }

    [Fact]
    public void Unknown_policy_without_document_is_uncertain_not_denied()
    {
        var result = new RolePermissionEvaluator().Evaluate(Role(NetworkScenario.Managed("CustomSsm", null)), InstanceArn);
        Assert.Equal(PermissionDecision.Uncertain, result.Outcome);
        Assert.Equal(new[] { "managed policy CustomSsm" }, result.UnreadablePolicies);
    }

    [Fact]
    public void Inline_deny_beats_the_managed_policy()
    {
        var role = Role(
            NetworkScenario.Managed("AmazonSSMManagedInstanceCore", NetworkScenario.ManagedInstanceCoreDocument),
            NetworkScenario.Inline("no-sessions", """{"Statement":{"Sid":"NoSessions","Effect":"Deny","Action":"ssmmessages:*","Resource":"*"}}"""));
        var result = new RolePermissionEvaluator().Evaluate(role, InstanceArn);
        Assert.Equal(PermissionDecision.ExplicitDeny, result.Outcome);
        Assert.Equal(4, result.WithDecision(PermissionDecision.ExplicitDeny).Count());
        Assert.All(result.WithDecision(PermissionDecision.ExplicitDeny), a => Assert.Equal("inline policy no-sessions", a.DecidingPolicy));
    }

    [Fact]
    public void A_resource_scoped_policy_is_evaluated_per_instance_not_cached_across_instances()
    {
        var evaluator = new RolePermissionEvaluator();
        var role = Role(
            NetworkScenario.Managed("Messages", """{"Statement":{"Effect":"Allow","Action":["ssmmessages:*","ec2messages:*"],"Resource":"*"}}"""),
            NetworkScenario.Inline("only-app", """{"Statement":{"Effect":"Allow","Action":"ssm:UpdateInstanceInformation","Resource":"arn:aws:ec2:*:*:instance/i-app"}}"""));
        Assert.Equal(PermissionDecision.Allowed, evaluator.Evaluate(role, InstanceArn).Outcome);
        Assert.Equal(PermissionDecision.ImplicitDeny, evaluator.Evaluate(role, "arn:aws:ec2:us-east-1:111122223333:instance/i-other").Outcome);
        Assert.Equal(PermissionDecision.Allowed, evaluator.Evaluate(role, InstanceArn).Outcome);
    }

    [Fact]
    public void Simulation_results_take_precedence_when_complete()
    {
        var decisions = SsmCoreActions.All.ToDictionary(a => a, a => a == "ec2messages:GetMessages" ? SimulatedDecision.ExplicitDeny : SimulatedDecision.Allowed);
        var role = Role(NetworkScenario.Managed("AmazonSSMManagedInstanceCore", NetworkScenario.ManagedInstanceCoreDocument)) with { SimulatedDecisions = decisions };
        var result = new RolePermissionEvaluator().Evaluate(role, InstanceArn);
        Assert.Equal(PermissionSource.SimulatePrincipalPolicy, result.Source);
        Assert.Equal(PermissionDecision.ExplicitDeny, result.Outcome);
    }
}

public sealed class Ipv4RangeTests
{
    [Theory]
    [InlineData("10.0.0.0/16", "10.0.0.0/16", 16)]
    [InlineData("10.0.1.10", "10.0.1.10/32", 32)]
    [InlineData("10.0.1.10/24", "10.0.1.0/24", 24)]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", 0)]
    [InlineData("255.255.255.255/32", "255.255.255.255/32", 32)]
    public void Parses_cidrs_and_addresses(string text, string normalized, int prefix)
    {
        var range = Ipv4Range.Parse(text);
        Assert.Equal(normalized, range.ToString());
        Assert.Equal(prefix, range.PrefixLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("::/0")]
    [InlineData("2600:1f18::/56")]
    [InlineData("10.0.0/16")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0.1")]
    [InlineData("1000.0.0.0")]
    public void Rejects_ipv6_and_malformed_text(string text)
    {
        Assert.False(Ipv4Range.TryParse(text, out _));
    }

    [Fact]
    public void Containment_and_overlap()
    {
        var vpc = Ipv4Range.Parse("10.0.0.0/16");
        Assert.True(vpc.Contains(Ipv4Range.Parse("10.0.2.10")));
        Assert.False(Ipv4Range.Parse("10.0.2.0/25").Contains(Ipv4Range.Parse("10.0.2.200")));
        Assert.True(vpc.Overlaps(Ipv4Range.Parse("10.0.255.0/24")));
        Assert.False(vpc.Overlaps(Ipv4Range.Parse("10.1.0.0/16")));
        Assert.True(Ipv4Range.Any.Contains(vpc));
    }
}
