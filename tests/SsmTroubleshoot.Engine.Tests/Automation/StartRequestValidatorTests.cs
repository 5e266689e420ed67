using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class StartRequestValidatorTests
{
    private static AutomationStartRequest Valid() => new()
    {
        DocumentName = "AWSSupport-TroubleshootManagedInstance",
        ClientToken = "0f8fad5b-d9cb-469f-a165-70867728950e",
        Mode = "Auto",
    };

    private static string Field(AutomationStartRequest request) =>
        Assert.Single(StartRequestValidator.Validate(request)).ParameterName;

    [Fact]
    public void A_plain_request_is_valid()
    {
        Assert.Empty(StartRequestValidator.Validate(Valid()));
        Assert.Empty(StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "arn:aws:ssm:us-east-1:123456789012:document/My-Runbook",
            DocumentVersion = "$DEFAULT",
        }));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("bad*name")]
    public void Document_name_pattern(string name) => Assert.Equal("DocumentName", Field(new AutomationStartRequest { DocumentName = name }));

    [Fact]
    public void Client_token_mode_and_version() 
    {
        Assert.Equal("ClientToken", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", ClientToken = "abc" }));
        Assert.Equal("Mode", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", Mode = "Manual" }));
        Assert.Equal("DocumentVersion", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", DocumentVersion = "0" }));
    }

    [Fact]
    public void Targets_need_a_target_parameter_and_at_most_five()
    {
        var target = AutomationTarget.Parse("tag:Env=Prod,Test");
        Assert.Equal("tag:Env", target.Key);
        Assert.Equal(new[] { "Prod", "Test" }, target.Values);

        Assert.Equal("TargetParameterName", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", Targets = new[] { target } }));
        var six = Enumerable.Range(0, 6).Select(i => new AutomationTarget("tag:K" + i, new[] { "v" })).ToList();
        Assert.Equal("Targets", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", Targets = six, TargetParameterName = "InstanceId" }));
        Assert.Empty(StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "AWS-Doc", Targets = new[] { target }, TargetParameterName = "InstanceId", MaxConcurrency = "10%", MaxErrors = "0",
        }));
    }

    [Fact]
    public void Target_parameter_without_targets_or_given_twice_is_refused()
    {
        Assert.Equal("TargetParameterName", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", TargetParameterName = "InstanceId" }));
        var problems = StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "AWS-Doc",
            Targets = new[] { new AutomationTarget("ResourceGroup", new[] { "web" }) },
            TargetParameterName = "InstanceId",
            Parameters = new Dictionary<string, IReadOnlyList<string>> { ["InstanceId"] = new[] { "i-0123456789abcdef0" } },
        });
        Assert.Equal("InstanceId", Assert.Single(problems).ParameterName);
    }

    [Fact]
    public void Targets_and_target_maps_exclude_each_other()
    {
        var problems = StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "AWS-Doc",
            Targets = new[] { new AutomationTarget("ResourceGroup", new[] { "web" }) },
            TargetParameterName = "InstanceId",
            TargetMaps = new[] { (IReadOnlyDictionary<string, IReadOnlyList<string>>)new Dictionary<string, IReadOnlyList<string>>() },
        });
        Assert.Contains(problems, p => p.Message.Contains("cannot be used together"));
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("101%", null)]
    [InlineData("12345678", null)]
    [InlineData("10", "-1")]
    [InlineData("10", "5 %")]
    public void Rate_control_formats(string concurrency, string? errors)
    {
        var problems = StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "AWS-Doc",
            Targets = new[] { new AutomationTarget("tag:Env", new[] { "Prod" }) },
            TargetParameterName = "InstanceId",
            MaxConcurrency = concurrency,
            MaxErrors = errors,
        });
        Assert.Single(problems);
    }

    [Fact]
    public void Rate_control_without_targets_is_refused()
    {
        Assert.Equal("MaxConcurrency", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", MaxConcurrency = "5" }));
    }

    [Fact]
    public void Target_locations_rules()
    {
        var good = new AutomationTargetLocation
        {
            Accounts = new[] { "123456789012", "ou-ab12-abcdefgh" },
            Regions = new[] { "us-east-1", "eu-west-2" },
            TargetLocationMaxConcurrency = "100%",
            TargetLocationMaxErrors = "0%",
        };
        Assert.Empty(StartRequestValidator.Validate(new AutomationStartRequest { DocumentName = "AWS-Doc", TargetLocations = new[] { good } }));

        var bad = new AutomationTargetLocation
        {
            Accounts = new[] { "12345" },
            Regions = new[] { "Frankfurt" },
            TargetLocationMaxConcurrency = "0",
            TargetLocationMaxErrors = "150%",
        };
        var problems = StartRequestValidator.Validate(new AutomationStartRequest { DocumentName = "AWS-Doc", TargetLocations = new[] { bad } });
        Assert.Equal(4, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("TargetLocations[0]", p.ParameterName));

        var empty = StartRequestValidator.Validate(new AutomationStartRequest { DocumentName = "AWS-Doc", TargetLocations = new[] { new AutomationTargetLocation() } });
        Assert.Equal(2, empty.Count);

        var many = Enumerable.Repeat(good, 101).ToList();
        Assert.Equal("TargetLocations", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", TargetLocations = many }));
    }

    [Fact]
    public void Tags_at_start_are_limited()
    {
        var six = Enumerable.Range(0, 6).ToDictionary(i => "k" + i, i => "v");
        Assert.Equal("Tags", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", Tags = six }));
        Assert.Equal("Tags", Field(new AutomationStartRequest { DocumentName = "AWS-Doc", Tags = new Dictionary<string, string> { ["aws:x"] = "v" } }));
    }

    [Fact]
    public void Malformed_target_text_is_a_format_error()
    {
        Assert.Throws<System.FormatException>(() => AutomationTarget.Parse("Prod"));
    }

    [Fact]
    public void Target_location_problems_and_rate_control_problems_have_their_own_kinds()
    {
        var problems = StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "AWS-Doc",
            Targets = new[] { new AutomationTarget("Name", new[] { "web" }) },
            TargetParameterName = "InstanceId",
            MaxErrors = "lots",
            TargetLocations = new[]
            {
                new AutomationTargetLocation { Accounts = new[] { "111122223333" }, Regions = new[] { "us-east-9", "eu-west-1", "eu-west-1" }, ExecutionRoleName = "arn:aws:iam::1:role/x" },
            },
        });
        Assert.Equal(2, problems.Count(p => p.Kind == ParameterProblemKind.InvalidRateControl));
        var location = problems.Where(p => p.Kind == ParameterProblemKind.InvalidTargetLocation).Select(p => p.Message).ToList();
        Assert.Equal(3, location.Count);
        Assert.Contains(location, m => m.Contains("'us-east-9' is not a known AWS Region"));
        Assert.Contains(location, m => m.Contains("'eu-west-1' is listed more than once"));
        Assert.Contains(location, m => m.Contains("is not an IAM role name"));
        Assert.Empty(StartRequestValidator.Validate(new AutomationStartRequest
        {
            DocumentName = "AWS-Doc",
            TargetLocations = new[] { new AutomationTargetLocation { Accounts = new[] { "111122223333" }, Regions = new[] { "ap-southeast-2" }, ExecutionRoleName = "service-role/Saw_Role+1" } },
        }));
    }

    [Theory]
    [InlineData("Accounts=111122223333,444455556666;Regions=us-east-1; ExecutionRoleName=Role ;TargetLocationMaxErrors=10%", 2, 1, "Role", "10%")]
    [InlineData("Regions=eu-west-1,eu-central-1;Accounts=ou-ab12-abcdefgh", 1, 2, null, null)]
    public void Target_locations_parse_from_the_CLI_spelling(string text, int accounts, int regions, string? role, string? maxErrors)
    {
        var location = AutomationTargetLocation.Parse(text);
        Assert.Equal(accounts, location.Accounts.Count);
        Assert.Equal(regions, location.Regions.Count);
        Assert.Equal(role, location.ExecutionRoleName);
        Assert.Equal(maxErrors, location.TargetLocationMaxErrors);
    }

    [Theory]
    [InlineData("", "needs the form")]
    [InlineData("Accounts", "needs the form Name=Value")]
    [InlineData("Accounts=111122223333;Region=us-east-1", "'Region' is not a target location setting")]
    public void Malformed_CLI_target_locations_say_what_is_wrong(string text, string message)
    {
        var error = Assert.Throws<System.FormatException>(() => AutomationTargetLocation.Parse(text));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Unset_extras_of_an_object_are_ignored_and_set_ones_refused()
    {
        var pairs = new Dictionary<string, object?> { ["Accounts"] = new List<string> { "111122223333" }, ["Regions"] = new[] { "us-east-1" }, ["IncludeChildOrganizationUnits"] = false, ["Targets"] = new List<object>(), ["TargetsMaxErrors"] = null };
        var location = AutomationTargetLocation.FromProperties(pairs, "x");
        Assert.Equal(new[] { "111122223333" }, location.Accounts);
        pairs["IncludeChildOrganizationUnits"] = true;
        Assert.Contains("'IncludeChildOrganizationUnits' is not a target location setting", Assert.Throws<System.FormatException>(() => AutomationTargetLocation.FromProperties(pairs, "x")).Message);
    }
}
