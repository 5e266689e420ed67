using System.Collections.Generic;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class RunbookDocumentTests
{
    [Fact]
    public void TroubleshootManagedInstance_parameters_steps_and_outputs()
    {
        var doc = RunbookDocument.Parse(
            "AWSSupport-TroubleshootManagedInstance",
            TestFiles.Read("AWSSupport-TroubleshootManagedInstance.json"),
            new RunbookDocumentMetadata { DocumentVersion = "7", DefaultVersion = "7", Owner = "Amazon", PlatformTypes = new[] { "Windows", "Linux", "MacOS" } });

        Assert.Equal("0.3", doc.SchemaVersion);
        Assert.Equal("7", doc.DocumentVersion);
        Assert.Equal("Amazon", doc.Owner);
        Assert.Equal("AutomationAssumeRole", doc.AssumeRoleParameter);
        Assert.Equal("InstanceId", doc.InstanceParameterName);

        var instance = doc.FindParameter("InstanceId")!;
        Assert.Equal("AWS::EC2::Instance::Id", instance.Type);
        Assert.True(instance.Required);
        var role = doc.FindParameter("AutomationAssumeRole")!;
        Assert.False(role.Required);
        Assert.Equal(string.Empty, role.Default);

        Assert.Equal(9, doc.Steps.Count);
        Assert.Equal("FinalOutput", doc.Steps[^1].Name);
        Assert.True(doc.Steps[^1].IsEnd);
        Assert.Equal("Abort", doc.Steps[1].OnFailure);
        Assert.False(doc.Steps[0].IsCritical);
        Assert.Equal(new[] { "FinalOutput.Message" }, doc.Outputs);
    }

    [Fact]
    public void ExecuteEC2Rescue_allowed_values_patterns_and_defaults()
    {
        var doc = TestFiles.Document("AWSSupport-ExecuteEC2Rescue");
        Assert.Equal("UnreachableInstanceId", doc.InstanceParameterName);
        Assert.Equal("AssumeRole", doc.AssumeRoleParameter);
        Assert.Equal(new[] { "UnreachableInstanceId" }, doc.Parameters.Where(p => p.Required).Select(p => p.Name));

        var type = doc.FindParameter("EC2RescueInstanceType")!;
        Assert.Equal(new[] { "t2.small", "t2.medium", "t2.large" }, type.AllowedValues);
        Assert.Equal("t2.small", type.Default);
        Assert.Equal("^SelectedInstanceSubnet$|^CreateNewVPC$|^subnet-[a-z0-9]{8,17}$", doc.FindParameter("SubnetId")!.AllowedPattern);
        Assert.Equal(4, doc.Outputs.Count);
        Assert.Same(RunbookCatalog.Find("AWSSupport-ExecuteEC2Rescue"), doc.Catalog);
    }

    [Fact]
    public void Every_parameter_type_and_limit_is_read()
    {
        var doc = TestFiles.Document("AllParameterTypes");
        var ports = doc.FindParameter("Ports")!;
        Assert.Equal("StringList", ports.Type);
        Assert.Equal(1, ports.MinItems);
        Assert.Equal(3, ports.MaxItems);
        Assert.Equal(new object[] { "443" }, ((List<object?>)ports.Default!).ToArray());
        Assert.Equal(3L, doc.FindParameter("Retries")!.Default);
        Assert.Equal(true, doc.FindParameter("DryRun")!.Default);
        Assert.IsType<Dictionary<string, object?>>(doc.FindParameter("Tags")!.Default);
        Assert.Equal(10, doc.FindParameter("Comment")!.MaxChars);
        Assert.Equal("List<AWS::EC2::Instance::Id>", doc.FindParameter("Targets")!.Type);
    }

    [Fact]
    public void Instance_parameter_falls_back_to_the_typed_parameter()
    {
        var doc = RunbookDocument.Parse("Custom-Doc", "{\"schemaVersion\":\"0.3\",\"parameters\":{\"Node\":{\"type\":\"AWS::EC2::Instance::Id\"}},\"mainSteps\":[]}");
        Assert.Equal("Node", doc.InstanceParameterName);
        Assert.Null(doc.AssumeRoleParameter);
    }

    [Theory]
    [InlineData("schemaVersion: '0.3'")]
    [InlineData("[1,2]")]
    [InlineData("{\"parameters\":{\"X\":{\"description\":\"no type\"}}}")]
    public void Content_that_is_not_a_json_runbook_is_invalid_data(string content)
    {
        var ex = Assert.Throws<InvalidDataException>(() => RunbookDocument.Parse("Bad-Doc", content));
        Assert.Contains("Bad-Doc", ex.Message);
    }
}
