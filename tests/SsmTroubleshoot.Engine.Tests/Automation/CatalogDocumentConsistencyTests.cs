using System;
using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

/// <summary>The catalog's facts checked against the (trimmed, schema-faithful) published parameter blocks.</summary>
public sealed class CatalogDocumentConsistencyTests
{
    public static TheoryData<string> Runbooks()
    {
        var data = new TheoryData<string>();
        foreach (var runbook in RunbookCatalog.All)
        {
            data.Add(runbook.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Runbooks))]
    public void Catalog_parameters_exist_in_the_document(string name)
    {
        var catalog = RunbookCatalog.Find(name)!;
        var doc = TestFiles.Document(name);

        Assert.Same(catalog, doc.Catalog);
        Assert.Equal(catalog.InstanceParameterName, doc.InstanceParameterName);
        Assert.True(doc.FindParameter(catalog.InstanceParameterName)!.Required);
        foreach (var parameter in catalog.LogParameters)
        {
            Assert.NotNull(doc.FindParameter(parameter));
        }

        foreach (var disruption in catalog.Disruptions.Where(d => d.IsConditional))
        {
            var parameter = doc.FindParameter(disruption.WhenParameter!);
            Assert.NotNull(parameter);
            if (parameter!.AllowedValues.Count > 0)
            {
                Assert.Contains(parameter.AllowedValues, v => string.Equals(v, disruption.WhenValue, StringComparison.OrdinalIgnoreCase));
            }

            if (disruption.UnlessValue)
            {
                Assert.Equal(disruption.WhenValue, parameter.Default); // "not the default" means "asks for a change"
            }
        }

        foreach (var output in catalog.ReportOutputs)
        {
            Assert.Contains(output, doc.Outputs);
        }
    }

    [Theory]
    [InlineData("AWSSupport-TroubleshootManagedInstance", "")]
    [InlineData("AWSSupport-ExecuteEC2Rescue", "")]
    [InlineData("AWSSupport-StartEC2RescueWorkflow", "OfflineScript")]
    [InlineData("AWSSupport-TroubleshootSSH", "")]
    [InlineData("AWSSupport-TroubleshootRDP", "")]
    [InlineData("AWSSupport-TroubleshootSessionManager", "")]
    [InlineData("AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2", "ServiceEndpoint")]
    public void InstanceId_alone_starts_every_catalog_runbook_but_two(string name, string stillMissing)
    {
        var result = ParameterValidator.Validate(TestFiles.Document(name), null, new ParameterValidationOptions { InstanceId = "i-0123456789abcdef0" });

        Assert.Equal(
            stillMissing.Length == 0 ? Array.Empty<string>() : new[] { stillMissing },
            result.Problems.Select(p => p.ParameterName));
        Assert.All(result.Problems, p => Assert.Equal(ParameterProblemKind.MissingRequired, p.Kind));
        Assert.Equal(new[] { "i-0123456789abcdef0" }, result.Parameters[RunbookCatalog.Find(name)!.InstanceParameterName]);
    }

    [Fact]
    public void Offline_ssh_plan_is_high_impact_and_says_so()
    {
        var plan = RunbookStarter.Plan(
            TestFiles.Document("AWSSupport-TroubleshootSSH"),
            new System.Collections.Hashtable { ["Action"] = "FixAll", ["AllowOffline"] = true },
            new RunbookStartOptions { InstanceId = "i-0123456789abcdef0" });

        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        Assert.Equal(RunbookImpact.High, plan.Impact);
        Assert.Equal(new[] { "True" }, plan.Request.Parameters["AllowOffline"]);
        Assert.Contains("Stops the instance", plan.DescribeEffects());
        Assert.Contains("Changes SSH configuration", plan.DescribeEffects());
    }
}
