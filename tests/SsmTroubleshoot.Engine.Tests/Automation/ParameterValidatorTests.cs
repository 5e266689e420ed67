using System.Collections;
using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class ParameterValidatorTests
{
    private const string Instance = "i-0123456789abcdef0";

    private static readonly RunbookDocument Rescue = TestFiles.Document("AWSSupport-ExecuteEC2Rescue");
    private static readonly RunbookDocument Tmi = TestFiles.Document("AWSSupport-TroubleshootManagedInstance");
    private static readonly RunbookDocument Types = TestFiles.Document("AllParameterTypes");

    private static ParameterValidationResult Validate(RunbookDocument doc, Hashtable? parameters, string? instanceId = Instance, string? role = null, string? targetParameter = null) =>
        ParameterValidator.Validate(doc, parameters, new ParameterValidationOptions { InstanceId = instanceId, AutomationAssumeRole = role, TargetParameterName = targetParameter });

    private static ParameterProblem Single(ParameterValidationResult result, ParameterProblemKind kind)
    {
        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(kind, problem.Kind);
        return problem;
    }

    [Fact]
    public void InstanceId_maps_to_UnreachableInstanceId_and_the_request_holds_only_given_values()
    {
        var result = Validate(Rescue, new Hashtable { ["EC2RescueInstanceType"] = "t2.medium" }, role: "arn:aws:iam::123456789012:role/Automation");
        Assert.True(result.IsValid, result.Summary());
        var request = result.ToRequestParameters();
        Assert.Equal(new[] { Instance }, request["UnreachableInstanceId"]);
        Assert.Equal(new[] { "t2.medium" }, request["EC2RescueInstanceType"]);
        Assert.Equal(new[] { "arn:aws:iam::123456789012:role/Automation" }, request["AssumeRole"]);
        Assert.False(request.ContainsKey("SubnetId"));
    }

    [Fact]
    public void Unknown_parameter_names_the_closest_one()
    {
        var problem = Single(Validate(Rescue, new Hashtable { ["EC2RescueInstanceTyp"] = "t2.small" }), ParameterProblemKind.UnknownParameter);
        Assert.Equal("EC2RescueInstanceType", problem.Suggestion);
        Assert.Contains("'EC2RescueInstanceTyp' is not defined by AWSSupport-ExecuteEC2Rescue", problem.Message);
        Assert.Contains("Did you mean 'EC2RescueInstanceType'?", problem.Message);
    }

    [Fact]
    public void Unknown_parameter_with_other_case_suggests_the_exact_spelling()
    {
        var result = Validate(Tmi, new Hashtable { ["instanceid"] = Instance }, instanceId: null);
        var problem = Assert.Single(result.Problems, p => p.Kind == ParameterProblemKind.UnknownParameter);
        Assert.Equal("InstanceId", problem.Suggestion);
        Assert.Contains(result.Problems, p => p.Kind == ParameterProblemKind.MissingRequired && p.ParameterName == "InstanceId");
    }

    [Fact]
    public void Unrelated_unknown_names_get_no_suggestion()
    {
        var result = Validate(Tmi, new Hashtable { ["Colour"] = "blue" });
        var problem = Single(result, ParameterProblemKind.UnknownParameter);
        Assert.Null(problem.Suggestion);
        Assert.Contains("Defined parameters: InstanceId, AutomationAssumeRole", problem.Message);
    }

    [Fact]
    public void Missing_required_parameter_says_to_use_InstanceId()
    {
        var problem = Single(Validate(Rescue, null, instanceId: null), ParameterProblemKind.MissingRequired);
        Assert.Equal("UnreachableInstanceId", problem.ParameterName);
        Assert.Contains("use -InstanceId", problem.Message);
    }

    [Fact]
    public void Target_parameter_is_not_required_from_the_user()
    {
        var result = Validate(Tmi, null, instanceId: null, targetParameter: "InstanceId");
        Assert.True(result.IsValid, result.Summary());
        Assert.Empty(result.Parameters);
    }

    [Fact]
    public void Target_parameter_must_exist()
    {
        var problem = Single(Validate(Tmi, null, targetParameter: "NodeId"), ParameterProblemKind.UnknownParameter);
        Assert.Contains("TargetParameterName 'NodeId'", problem.Message);
    }

    [Fact]
    public void Conflicting_instance_values_are_refused()
    {
        var problem = Single(Validate(Tmi, new Hashtable { ["InstanceId"] = "i-0fedcba9876543210" }), ParameterProblemKind.Conflict);
        Assert.Contains("-InstanceId", problem.Message);
    }

    [Fact]
    public void Allowed_values_are_listed_and_case_is_explained()
    {
        var problem = Single(Validate(Rescue, new Hashtable { ["EC2RescueInstanceType"] = "T2.Small" }), ParameterProblemKind.NotAllowedValue);
        Assert.Contains("Allowed values: t2.small, t2.medium, t2.large", problem.Message);
        Assert.Equal("t2.small", problem.Suggestion);
    }

    [Fact]
    public void Allowed_pattern_mismatch_shows_the_pattern()
    {
        var problem = Single(Validate(Rescue, new Hashtable { ["SubnetId"] = "my-subnet" }), ParameterProblemKind.PatternMismatch);
        Assert.Equal("SubnetId", problem.ParameterName);
        Assert.Contains("^SelectedInstanceSubnet$|^CreateNewVPC$|^subnet-[a-z0-9]{8,17}$", problem.Message);
        Assert.True(Validate(Rescue, new Hashtable { ["SubnetId"] = "subnet-0123abcd" }).IsValid);
    }

    [Theory]
    [InlineData("i-123")]
    [InlineData("I-0123456789ABCDEF0")]
    [InlineData("mi-0123456789abcdef0")]
    public void Malformed_instance_ids_are_refused(string id)
    {
        var problem = Single(Validate(Tmi, null, instanceId: id), ParameterProblemKind.PatternMismatch);
        Assert.Contains("AWS::EC2::Instance::Id", problem.Message);
    }

    [Fact]
    public void Role_arn_format_is_checked_and_empty_default_allowed()
    {
        Single(Validate(Tmi, new Hashtable { ["AutomationAssumeRole"] = "MyRole" }), ParameterProblemKind.PatternMismatch);
        Assert.True(Validate(Tmi, new Hashtable { ["AutomationAssumeRole"] = string.Empty }).IsValid);
    }

    [Fact]
    public void StringList_accepts_arrays_and_checks_items_and_counts()
    {
        var ok = Validate(Types, new Hashtable { ["Ports"] = new object[] { "443", 8443 } });
        Assert.True(ok.IsValid, ok.Summary());
        Assert.Equal(new[] { "443", "8443" }, ok.Parameters["Ports"]);

        Assert.Equal(new[] { "22" }, Validate(Types, new Hashtable { ["Ports"] = "22" }).Parameters["Ports"]);
        Single(Validate(Types, new Hashtable { ["Ports"] = new[] { "1", "2", "3", "4" } }), ParameterProblemKind.TooManyItems);
        Single(Validate(Types, new Hashtable { ["Ports"] = System.Array.Empty<string>() }), ParameterProblemKind.TooFewItems);
        Single(Validate(Types, new Hashtable { ["Ports"] = new[] { "https" } }), ParameterProblemKind.PatternMismatch);
        Single(Validate(Types, new Hashtable { ["Ports"] = new Hashtable { ["a"] = "b" } }), ParameterProblemKind.WrongType);
    }

    [Fact]
    public void Integer_and_Boolean_are_typed()
    {
        var ok = Validate(Types, new Hashtable { ["Retries"] = 5, ["DryRun"] = false });
        Assert.True(ok.IsValid, ok.Summary());
        Assert.Equal(new[] { "5" }, ok.Parameters["Retries"]);
        Assert.Equal(new[] { "false" }, ok.Parameters["DryRun"]);
        Assert.Equal(new[] { "true" }, Validate(Types, new Hashtable { ["DryRun"] = "True" }).Parameters["DryRun"]);

        Assert.Contains("not a whole number", Single(Validate(Types, new Hashtable { ["Retries"] = "five" }), ParameterProblemKind.WrongType).Message);
        Assert.Contains("not true or false", Single(Validate(Types, new Hashtable { ["DryRun"] = "yes" }), ParameterProblemKind.WrongType).Message);
        Single(Validate(Types, new Hashtable { ["Retries"] = new[] { 1, 2 } }), ParameterProblemKind.WrongType);
    }

    [Fact]
    public void StringMap_and_MapList_become_json()
    {
        var ok = Validate(Types, new Hashtable
        {
            ["Tags"] = new Hashtable { ["Env"] = "Prod" },
            ["BlockDevices"] = new object[] { new Hashtable { ["DeviceName"] = "/dev/xvda", ["Size"] = 8 }, "{\"DeviceName\":\"/dev/xvdb\"}" },
        });
        Assert.True(ok.IsValid, ok.Summary());
        Assert.Equal(new[] { "{\"Env\":\"Prod\"}" }, ok.Parameters["Tags"]);
        Assert.Equal(2, ok.Parameters["BlockDevices"].Count);
        Assert.Contains("\"Size\":8", ok.Parameters["BlockDevices"][0]);
        Assert.Equal("{\"DeviceName\":\"/dev/xvdb\"}", ok.Parameters["BlockDevices"][1]);

        Assert.Contains("StringMap", Single(Validate(Types, new Hashtable { ["Tags"] = "Env=Prod" }), ParameterProblemKind.WrongType).Message);
        Assert.Contains("MapList", Single(Validate(Types, new Hashtable { ["BlockDevices"] = new object[] { "x" } }), ParameterProblemKind.WrongType).Message);
    }

    [Fact]
    public void String_takes_one_value_and_respects_length()
    {
        Single(Validate(Types, new Hashtable { ["Mode"] = new[] { "Check", "Fix" } }), ParameterProblemKind.WrongType);
        Assert.Equal(new[] { "Fix" }, Validate(Types, new Hashtable { ["Mode"] = new[] { "Fix" } }).Parameters["Mode"]);
        Single(Validate(Types, new Hashtable { ["Comment"] = "far too long text" }), ParameterProblemKind.TooLong);
        Single(Validate(Types, new Hashtable { ["Mode"] = null }), ParameterProblemKind.WrongType);
    }

    [Fact]
    public void PowerShell_true_matches_a_True_False_string_parameter()
    {
        var doc = RunbookDocument.Parse("AWSSupport-TroubleshootSSH",
            "{\"parameters\":{\"InstanceId\":{\"type\":\"String\"},\"AllowOffline\":{\"type\":\"String\",\"default\":\"False\",\"allowedValues\":[\"True\",\"False\"]}}}");
        var result = Validate(doc, new Hashtable { ["AllowOffline"] = true });
        Assert.True(result.IsValid, result.Summary());
        Assert.Equal(new[] { "True" }, result.Parameters["AllowOffline"]);
    }

    [Fact]
    public void Aws_id_lists_and_other_aws_types_are_checked()
    {
        Single(Validate(Types, new Hashtable { ["Targets"] = new[] { Instance, "i-bad" } }), ParameterProblemKind.PatternMismatch);
        Single(Validate(Types, new Hashtable { ["ImageId"] = "ami-xyz" }), ParameterProblemKind.PatternMismatch);
        Single(Validate(Types, new Hashtable { ["LogBucket"] = "Bad_Bucket" }), ParameterProblemKind.PatternMismatch);
        Assert.True(Validate(Types, new Hashtable { ["LogBucket"] = "my-logs.example" }).IsValid);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var result = Validate(Rescue, new Hashtable { ["EC2RescueInstanceType"] = "m5.large", ["SubnetId"] = "x", ["Foo"] = 1 }, instanceId: null);
        Assert.Equal(4, result.Problems.Count);
        Assert.Equal(
            new[] { ParameterProblemKind.MissingRequired, ParameterProblemKind.NotAllowedValue, ParameterProblemKind.PatternMismatch, ParameterProblemKind.UnknownParameter }.OrderBy(k => k),
            result.Problems.Select(p => p.Kind).OrderBy(k => k));
    }

    [Fact]
    public void A_pattern_dotnet_cannot_compile_is_a_warning_not_a_failure()
    {
        var doc = RunbookDocument.Parse("Custom", "{\"parameters\":{\"Name\":{\"type\":\"String\",\"allowedPattern\":\"^(?P<word>[a-z]+)$\"}}}");
        var result = ParameterValidator.Validate(doc, new Hashtable { ["Name"] = "abc" });
        Assert.True(result.IsValid, result.Summary());
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void InstanceId_on_a_runbook_without_an_instance_parameter_is_refused()
    {
        var doc = RunbookDocument.Parse("Custom", "{\"parameters\":{\"Name\":{\"type\":\"String\",\"default\":\"x\"}}}");
        Single(ParameterValidator.Validate(doc, null, new ParameterValidationOptions { InstanceId = Instance }), ParameterProblemKind.NoInstanceParameter);
    }
}
