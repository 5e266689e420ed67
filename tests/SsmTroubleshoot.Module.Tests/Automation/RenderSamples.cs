using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace SsmTroubleshoot.Module.Tests.Automation;

/// <summary>The default views as the console shows them (also the README's captured output).</summary>
public sealed class RenderSamples : AutomationTestBase
{
    private readonly ITestOutputHelper _output;

    public RenderSamples(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Default_views_show_runbooks_requests_results_findings_and_exports()
    {
        var folder = Directory.CreateTempSubdirectory("saw-render-").FullName;
        try
        {
            Session.SetVariable("folder", folder);
            var find = Session.Render("Find-SawRunbook @aws");
            var whatIf = Session.Render($"Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId {Healthy} -Parameter @{{ LogDestination = 'my-rescue-logs' }} -WhatIf @aws");
            var wait = Session.Render($"$global:r = Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy} -Wait @fast @aws; $r");
            var findings = Session.Render("$r.Findings");
            var export = Session.Render("$r | Export-SawSupportCase -Path $folder -Redact");
            var both = Session.Render($"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {Healthy},{Broken} @aws | Wait-AutomationExecution -ErrorAction SilentlyContinue @fast @aws");
            var steps = Session.Render("$r.Steps");
            var started = Session.Render($"Invoke-SawRunbook AWSSupport-TroubleshootSSH -InstanceId {Healthy} -Parameter @{{ Action = 'CheckAll' }} @aws");
            var markdown = File.ReadAllText(Directory.GetFiles(folder, "*.md")[0]);
            var text = string.Join("\n----\n", find, whatIf, wait, findings, export, both, steps, started, markdown);
            _output.WriteLine(text);
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "saw-render.txt"), text);

            Assert.Contains("AWSSupport-TroubleshootManagedInstance", find, StringComparison.Ordinal);
            Assert.Contains("Yes: StopsInstance", find, StringComparison.Ordinal);
            Assert.DoesNotContain("AWSPremiumSupport-", find, StringComparison.Ordinal);
            Assert.Contains("What if:", whatIf, StringComparison.Ordinal);
            Assert.Contains("(7 steps)", whatIf, StringComparison.Ordinal);
            Assert.Contains("Stops the instance.", whatIf, StringComparison.Ordinal);
            Assert.Contains("Success", wait, StringComparison.Ordinal);
            Assert.Contains("1 Error", wait, StringComparison.Ordinal);
            Assert.Contains("No EC2 instance IAM profile attached", findings, StringComparison.Ordinal);
            Assert.Contains(".md", export, StringComparison.Ordinal);
            Assert.Contains("getInstanceInformation", both, StringComparison.Ordinal);
            Assert.Contains("Failed", both, StringComparison.Ordinal);
            Assert.Contains("aws:executeScript", steps, StringComparison.Ordinal);
            Assert.Contains("AWSSupport-TroubleshootSSH", started, StringComparison.Ordinal);
            Assert.Contains(Healthy, started, StringComparison.Ordinal);
            Assert.Contains("Severity", findings, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
