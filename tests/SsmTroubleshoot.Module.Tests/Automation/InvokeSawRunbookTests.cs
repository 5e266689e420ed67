using System;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Automation;

/// <summary>Invoke-SawRunbook: validation, ShouldProcess, premium support, the request as SSM received it.</summary>
public sealed class InvokeSawRunbookTests : AutomationTestBase
{
    private int Starts => Emu.Calls["ssm:StartAutomationExecution"];

    [Theory]
    [InlineData("@{ Acton = 'CheckAll' }", "Acton", "Action")]
    [InlineData("@{ Action = 'Repair' }", "Action", "CheckAll, FixAll")]
    [InlineData("@{ SubnetId = 'vpc-123' }", "SubnetId", "pattern")]
    public void Parameter_problems_are_one_error_each_naming_the_parameter_and_nothing_starts(string parameter, string name, string allowed)
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootSSH -InstanceId {Healthy} -Parameter {parameter} @aws");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("RunbookParameterInvalid", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(name, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, error.Exception.Message + error.ErrorDetails?.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Healthy, error.TargetObject);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void Missing_required_and_wrong_types_are_reported_together()
    {
        var result = Session.Run("Invoke-SawRunbook Custom-AllParameterTypes -Parameter @{ Retries = 'three'; DryRun = 'maybe'; Ports = '99999999' } @aws");
        Assert.Empty(result.Output);
        Assert.All(result.Errors, e => Assert.Equal("RunbookParameterInvalid", e.FullyQualifiedErrorId.Split(',')[0]));
        var messages = string.Join("\n", result.Errors.Select(e => e.Exception.Message));
        Assert.Contains("InstanceId", messages, StringComparison.Ordinal);
        Assert.Contains("Retries", messages, StringComparison.Ordinal);
        Assert.Contains("DryRun", messages, StringComparison.Ordinal);
        Assert.Contains("Ports", messages, StringComparison.Ordinal);
        Assert.True(result.Errors.Count >= 4, messages);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void Medium_impact_runbook_starts_without_a_prompt_and_outputs_the_execution()
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy},{Broken} @aws");
        Assert.Empty(result.AllErrors);
        Assert.Empty(Session.Host.Prompts);
        Assert.Equal(2, result.Output.Count);
        var first = result.Output[0];
        Assert.Equal("SsmTroubleshoot.Automation.SawExecution", first.TypeNames[0]);
        Assert.Equal("AWSSupport-TroubleshootManagedInstance", ScriptResult.Prop(first, "DocumentName"));
        Assert.Equal("us-east-1", ScriptResult.Prop(first, "Region"));
        var id = (string)ScriptResult.Prop(first, "AutomationExecutionId")!;
        Assert.Contains(id, (string)ScriptResult.Prop(first, "ConsoleUrl")!, StringComparison.Ordinal);
        var executions = Executions();
        Assert.Equal(new[] { Healthy, Broken }, executions.Select(e => e.Parameters["InstanceId"].Single()));
        Assert.Equal(id, executions[0].AutomationExecutionId);
    }

    [Fact]
    public void Disruptive_runbook_asks_with_the_effects_and_no_means_nothing_starts()
    {
        Session.Host.ChoiceAnswers.Enqueue(2); // ShouldContinue with yes/no to all: Yes, Yes to All, No, No to All
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Healthy} @aws");
        Assert.Empty(result.Output);
        var prompt = Assert.Single(Session.Host.Prompts);
        Assert.Contains("Stops the instance.", prompt, StringComparison.Ordinal);
        Assert.Contains("Creates a backup AMI", prompt, StringComparison.Ordinal);
        Assert.Contains(Healthy, prompt, StringComparison.Ordinal);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void Disruptive_runbook_starts_when_the_user_says_yes()
    {
        Session.Host.ChoiceAnswers.Enqueue(0);
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Healthy} @aws");
        Assert.Empty(result.AllErrors);
        Assert.Single(result.Output);
        Assert.Single(Session.Host.Prompts);
        Assert.Equal(Healthy, Executions().Single().Parameters["UnreachableInstanceId"].Single());
    }

    [Fact]
    public void Force_and_Confirm_false_skip_the_prompt_and_WhatIf_beats_Force()
    {
        var forced = Session.Run($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Healthy} -Force @aws");
        Assert.Single(forced.Output);
        var unconfirmed = Session.Run($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Broken} -Confirm:$false @aws");
        Assert.Single(unconfirmed.Output);
        Assert.Empty(Session.Host.Prompts);
        Assert.Equal(2, Starts);

        Session.Host.Clear();
        var whatIf = Session.Run($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Healthy} -Force -WhatIf @aws");
        Assert.Empty(whatIf.Output);
        Assert.Equal(2, Starts);
        Assert.Contains("What if: StartAutomationExecution AWSSupport-ExecuteEC2Rescue (7 steps)", Session.Host.Text, StringComparison.Ordinal);
        Assert.Contains("UnreachableInstanceId = " + Healthy, Session.Host.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_Confirm_asks_once_even_for_medium_impact()
    {
        Session.Host.ChoiceAnswers.Enqueue(0);
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -Confirm @aws");
        Assert.Single(result.Output);
        Assert.Contains("does not stop or change", Assert.Single(Session.Host.Prompts), StringComparison.Ordinal);

        Session.Host.Prompts.Clear();
        Session.Host.ChoiceAnswers.Enqueue(0);
        var disruptive = Session.Run($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Healthy} -Confirm @aws");
        Assert.Single(disruptive.Output);
        Assert.Contains("Stops the instance.", Assert.Single(Session.Host.Prompts), StringComparison.Ordinal);
        Assert.Equal(2, Starts);
    }

    [Fact]
    public void Conditional_disruption_asks_only_with_the_disruptive_value()
    {
        var readOnly = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootSSH -InstanceId {Healthy} -Parameter @{{ Action = 'CheckAll' }} @aws");
        Assert.Single(readOnly.Output);
        Assert.Empty(Session.Host.Prompts);

        Session.Host.ChoiceAnswers.Enqueue(2);
        var offline = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootSSH -InstanceId {Healthy} -Parameter @{{ AllowOffline = $true }} @aws");
        Assert.Empty(offline.Output);
        Assert.Contains("Stops the instance.", Assert.Single(Session.Host.Prompts), StringComparison.Ordinal);
        Assert.Equal(1, Starts);
    }

    [Fact]
    public void Premium_support_runbook_refused_explains_the_support_plan_and_starts_nothing()
    {
        var result = Session.Run($"Invoke-SawRunbook AWSPremiumSupport-TroubleshootEC2DiskUsage -InstanceId {Healthy} -Force @aws");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("PremiumSupportRequired", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("Business, Enterprise On-Ramp or Enterprise Support", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("support plan", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(0, Starts);

        Emu.World.Mutate(w => w.Documents.RemoveAll(d => d.Name.StartsWith("AWSPremiumSupport-", StringComparison.Ordinal)));
        var absent = Session.Run($"Invoke-SawRunbook AWSPremiumSupport-TroubleshootEC2DiskUsage -InstanceId {Healthy} -Force @aws");
        var notFound = Assert.Single(absent.Errors);
        Assert.Equal("PremiumSupportRequired", notFound.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
    }

    [Fact]
    public void Unknown_runbook_is_RunbookNotFound()
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-DiagnoseSSMAgent -InstanceId {Healthy} @aws");
        var error = Assert.Single(result.Errors);
        Assert.Equal("RunbookNotFound", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("Find-SawRunbook", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_control_request_reaches_SSM_as_given()
    {
        var token = Guid.NewGuid().ToString();
        var script = $$"""
            Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -TargetParameterName InstanceId -Target 'tag:Team=web,api', 'ResourceGroup=Fleet' -MaxConcurrency 5 -MaxErrors 10% `
                -TargetLocation @{ Accounts = '111122223333', '444455556666'; Regions = 'eu-west-1'; TargetLocationMaxConcurrency = '2' } `
                -Tag @{ Ticket = 'INC-42' } -ClientToken {{token}} -Mode Auto -AutomationAssumeRole arn:aws:iam::123456789012:role/SawRole @aws
            """;
        var result = Session.Run(script);
        Assert.Empty(result.AllErrors);
        Assert.Single(result.Output);
        var sent = Executions().Single();
        Assert.Equal("InstanceId", sent.TargetParameterName);
        Assert.Equal(new[] { "tag:Team", "ResourceGroup" }, sent.Targets.Select(t => t.Key));
        Assert.Equal(new[] { "web", "api" }, sent.Targets[0].Values);
        Assert.Equal("5", sent.MaxConcurrency);
        Assert.Equal("10%", sent.MaxErrors);
        var location = Assert.Single(sent.TargetLocations);
        Assert.Equal(new[] { "111122223333", "444455556666" }, location.Accounts);
        Assert.Equal(new[] { "eu-west-1" }, location.Regions);
        Assert.Equal("2", location.TargetLocationMaxConcurrency);
        Assert.Equal("INC-42", sent.Tags["Ticket"]);
        Assert.Equal(token, sent.ClientToken);
        Assert.Equal("arn:aws:iam::123456789012:role/SawRole", sent.Parameters["AutomationAssumeRole"].Single());
        Assert.False(sent.Parameters.ContainsKey("InstanceId")); // filled by SSM per target
        Assert.Equal("Auto", sent.Request!["Mode"]!.GetValue<string>());

        // The same token again is the same execution (SSM idempotency), not a second one.
        var retry = Session.Run(script);
        Assert.Empty(retry.AllErrors);
        Assert.Equal(ScriptResult.Prop(result.Output[0], "AutomationExecutionId"), ScriptResult.Prop(retry.Output[0], "AutomationExecutionId"));
        Assert.Single(Executions());
    }

    [Fact]
    public void Request_limit_problems_are_refused_before_SSM()
    {
        var result = Session.Run("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -TargetParameterName InstanceId -Target 'tag:Team=web' -MaxConcurrency 0 -ClientToken not-a-uuid @aws");
        Assert.Empty(result.Output);
        Assert.Equal(2, result.Errors.Count);
        Assert.Equal(new[] { "RunbookParameterInvalid", "RunbookRateControlInvalid" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).OrderBy(i => i, StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.Equal(0, Starts);
    }

    [Theory]
    [InlineData("@{ Accounts = '12345'; Regions = 'us-east-1' }", "'12345' is not a 12-digit account id")]
    [InlineData("@{ Accounts = 'ou-ab'; Regions = 'us-east-1' }", "'ou-ab' is not a 12-digit account id")]
    [InlineData("@{ Accounts = '111122223333'; Regions = 'us-east-9' }", "'us-east-9' is not a known AWS Region")]
    [InlineData("@{ Accounts = '111122223333'; Regions = 'Frankfurt' }", "'Frankfurt' is not a known AWS Region")]
    [InlineData("@{ Accounts = '111122223333'; Regions = 'us-east-1'; ExecutionRoleName = 'arn:aws:iam::111122223333:role/X' }", "is not an IAM role name")]
    [InlineData("@{ Accounts = '111122223333'; Regions = 'us-east-1'; TargetLocationMaxConcurrency = 'ten' }", "TargetLocationMaxConcurrency 'ten'")]
    [InlineData("@{ Accounts = '111122223333'; Regions = 'us-east-1'; TargetLocationMaxErrors = '101%' }", "TargetLocationMaxErrors '101%'")]
    [InlineData("@{ Accounts = '111122223333' }", "needs 1-50 Regions")]
    public void Bad_target_locations_are_refused_with_their_own_error_id_before_SSM(string location, string message)
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -TargetLocation {location} @aws");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("RunbookTargetLocationInvalid", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(message, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("12-digit", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void A_misspelt_target_location_key_stops_the_command()
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -TargetLocation @{{ Accounts = '111122223333'; Region = 'us-east-1' }} @aws");
        var error = Assert.Single(result.AllErrors);
        Assert.Equal("RunbookTargetLocationInvalid", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'Region' is not a target location setting", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void Target_locations_bind_from_objects_and_the_AWS_Tools_type_by_property_name()
    {
        var script = $$"""
            # AWS.Tools' own Amazon.SimpleSystemsManagement.Model.TargetLocation lives in another load context than the
            # module's SDK copy (and this test process loads no AWSSDK), so its shape is declared here, unset extras included.
            Add-Type -TypeDefinition @'
            namespace SawTests.Model {
                public class TargetLocation {
                    public System.Collections.Generic.List<string> Accounts { get; set; }
                    public System.Collections.Generic.List<string> ExcludeAccounts { get; set; }
                    public string ExecutionRoleName { get; set; }
                    public bool? IncludeChildOrganizationUnits { get; set; }
                    public System.Collections.Generic.List<string> Regions { get; set; }
                    public object TargetLocationAlarmConfiguration { get; set; }
                    public string TargetLocationMaxConcurrency { get; set; }
                    public string TargetLocationMaxErrors { get; set; }
                    public System.Collections.Generic.List<object> Targets { get; set; }
                    public string TargetsMaxConcurrency { get; set; }
                    public string TargetsMaxErrors { get; set; }
                }
            }
            '@
            $sdk = [SawTests.Model.TargetLocation]::new()
            $sdk.Accounts = [System.Collections.Generic.List[string]]@('444455556666')
            $sdk.Regions = [System.Collections.Generic.List[string]]@('eu-west-1', 'us-west-2')
            $sdk.ExecutionRoleName = 'Saw.Execution-Role'
            $sdk.TargetLocationMaxErrors = '1'
            $object = [pscustomobject]@{ Accounts = 'ou-ab12-abcdefgh'; Regions = 'us-east-1'; TargetLocationMaxConcurrency = '50%' }
            Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {{Healthy}} -TargetLocation $sdk, $object @aws
            """;
        var result = Session.Run(script);
        Assert.Empty(result.AllErrors);
        var sent = Executions().Single();
        Assert.Equal(2, sent.TargetLocations.Count);
        Assert.Equal(new[] { "444455556666" }, sent.TargetLocations[0].Accounts);
        Assert.Equal(new[] { "eu-west-1", "us-west-2" }, sent.TargetLocations[0].Regions);
        Assert.Equal("Saw.Execution-Role", sent.TargetLocations[0].ExecutionRoleName);
        Assert.Equal("1", sent.TargetLocations[0].TargetLocationMaxErrors);
        Assert.Equal(new[] { "ou-ab12-abcdefgh" }, sent.TargetLocations[1].Accounts);
        Assert.Equal("50%", sent.TargetLocations[1].TargetLocationMaxConcurrency);
    }

    [Theory]
    [InlineData("-TargetParameterName Retries -Target 'tag:Team=web'", "Retries", "Integer", "RunbookRateControlInvalid")]
    [InlineData("-TargetParameterName InstanceIds -Target 'tag:Team=web'", "InstanceIds", "is not a parameter of", "RunbookParameterInvalid")]
    [InlineData("-TargetParameterName InstanceId -Target 'Name=web'", "'Name'", "tag:<TagKey>", "RunbookRateControlInvalid")]
    [InlineData("-TargetParameterName InstanceId -Target 'tag:Team=web' -MaxErrors lots", "MaxErrors 'lots'", "percentage", "RunbookRateControlInvalid")]
    [InlineData("-TargetParameterName InstanceId -Target 'tag:Team=web' -MaxConcurrency 101%", "MaxConcurrency '101%'", "percentage", "RunbookRateControlInvalid")]
    public void Rate_control_is_checked_against_the_document_before_SSM(string arguments, string name, string allowed, string errorId)
    {
        var result = Session.Run($"Invoke-SawRunbook Custom-AllParameterTypes {arguments} @aws");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors, e => e.Exception.Message.Contains(name, StringComparison.Ordinal));
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(allowed, error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void WhatIf_shows_the_whole_multi_account_request_and_starts_nothing()
    {
        var result = Session.Run("""
            Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -TargetParameterName InstanceId -Target 'tag:Team=web' -MaxConcurrency 20% -MaxErrors 1 `
                -TargetLocation @{ Accounts = '111122223333', '444455556666'; Regions = 'eu-west-1', 'us-east-1'; ExecutionRoleName = 'SawRole'; TargetLocationMaxConcurrency = '2' } -WhatIf @aws
            """);
        Assert.Empty(result.AllErrors);
        var text = Session.Host.Text;
        Assert.Contains("Targets: tag:Team=web -> InstanceId", text, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrency: 20%, MaxErrors: 1", text, StringComparison.Ordinal);
        Assert.Contains("Accounts 111122223333,444455556666", text, StringComparison.Ordinal);
        Assert.Contains("ExecutionRoleName SawRole", text, StringComparison.Ordinal);
        Assert.Contains("TargetLocationMaxConcurrency 2", text, StringComparison.Ordinal);
        Assert.Contains("Child executions: 4", text, StringComparison.Ordinal);
        Assert.Equal(0, Starts);
    }

    [Fact]
    public void InstanceId_binds_by_property_name_and_the_pattern_is_checked()
    {
        var piped = Session.Run($"[pscustomobject]@{{ InstanceId = '{Healthy}' }}, [pscustomobject]@{{ InstanceId = '{Broken}' }} | Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance @aws");
        Assert.Empty(piped.AllErrors);
        Assert.Equal(2, piped.Output.Count);
        Assert.Equal(1, Emu.Calls["ssm:GetDocument"]); // the document is read once per command

        var bad = Session.Run("Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId 'web-01' @aws");
        Assert.Contains("ParameterArgumentValidationError", Assert.Single(bad.AllErrors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(2, Starts);
    }

    [Fact]
    public void InstanceId_maps_to_Source_and_the_EvalReport_becomes_findings()
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2 -InstanceId {Healthy} -Parameter @{{ ServiceEndpoint = 'ssm.us-east-1.amazonaws.com' }} -Wait @fast @aws");
        Assert.Empty(result.AllErrors);
        Assert.Equal(Healthy, Executions().Single().Parameters["Source"].Single());
        var findings = ((System.Collections.IEnumerable)ScriptResult.Prop(Assert.Single(result.Output), "Findings")!).Cast<object>().Select(f => PSObject.AsPSObject(f)).ToList();
        Assert.Equal(new object?[] { "PASSED", "FAILED", "SKIPPED", "WARNING" }, findings.Select(f => ScriptResult.Prop(f, "Tag")));
        Assert.Equal(new object?[] { 1, 2, 3, 4 }, findings.Select(f => ScriptResult.Prop(f, "Section")));
    }

    [Fact]
    public void Wait_returns_the_result_instead_of_the_execution()
    {
        var result = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -Wait -TimeoutSeconds 30 @fast @aws");
        Assert.Empty(result.AllErrors);
        var finished = Assert.Single(result.Output);
        Assert.Equal("SsmTroubleshoot.Automation.AutomationExecutionResult", finished.TypeNames[0]);
        Assert.Equal("Success", ScriptResult.Prop(finished, "Status"));
        Assert.Equal(true, ScriptResult.Prop(finished, "Succeeded"));

        var noWait = Session.Run($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -TimeoutSeconds 30 @aws");
        Assert.Equal("SsmTroubleshoot.Automation.SawExecution", Assert.Single(noWait.Output).TypeNames[0]);
        Assert.Contains("-Wait", Assert.Single(noWait.Warnings).Message, StringComparison.Ordinal);
    }
}
