using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class ReportParserTests
{
    [Fact]
    public void TroubleshootManagedInstance_report_is_parsed_by_section_and_tag()
    {
        var findings = ReportParser.Parse(TestFiles.Read("tmi-report-v1.txt"), "FinalOutput.Message");

        Assert.Equal(9, findings.Count);
        Assert.All(findings, f => Assert.Equal("FinalOutput.Message", f.Source));
        Assert.Equal(new int?[] { 1, 2, 2, 2, 2, 3, 4, 5, 5 }, findings.Select(f => f.Section));
        var error = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal(5, error.Section);
        Assert.StartsWith("Checks EC2 instance IAM profile", error.SectionTitle);
        Assert.Equal("No EC2 instance IAM profile attached to the instance: 'i-0123456789abcdef0'.", error.Message);
        Assert.Equal(2, findings.Count(f => f.Severity == FindingSeverity.Warning));
        Assert.DoesNotContain(findings, f => f.Message.StartsWith("For more information"));
    }

    [Fact]
    public void A_reworded_report_gives_the_same_sections_and_severities()
    {
        var v1 = ReportParser.Parse(TestFiles.Read("tmi-report-v1.txt"), "FinalOutput.Message");
        var v2 = ReportParser.Parse(TestFiles.Read("tmi-report-v2.txt"), "FinalOutput.Message");

        Assert.Equal(v1.Select(f => (f.Section, f.Severity)), v2.Select(f => (f.Section, f.Severity)));
        Assert.NotEqual(v1.Select(f => f.Message), v2.Select(f => f.Message));
        Assert.Equal("The instance has no IAM instance profile", v2.Single(f => f.Severity == FindingSeverity.Error).Message);
    }

    [Fact]
    public void EvalReport_with_passed_failed_tags_maps_to_severities()
    {
        var findings = ReportParser.Parse(TestFiles.Read("eval-report.txt"), "generateReport.EvalReport");

        Assert.Equal(
            new[] { (1, FindingSeverity.Ok), (2, FindingSeverity.Error), (3, FindingSeverity.Skipped), (4, FindingSeverity.Warning) },
            findings.Select(f => (f.Section!.Value, f.Severity)));
        Assert.Equal("PASSED", findings[0].Tag);
        Assert.Equal("Managed node status", findings[1].SectionTitle);
    }

    [Fact]
    public void Symbols_untagged_lines_and_preamble_are_handled()
    {
        const string report = "[INFO] before any section\n1. Reachability\n\u2705 Path found\n\u274C Blocked by acl-1\n[DEBUG] ignored\nplain text\n";
        var findings = ReportParser.Parse(report, "x");

        Assert.Equal(3, findings.Count);
        Assert.Null(findings[0].Section);
        Assert.Equal((1, FindingSeverity.Ok), (findings[1].Section!.Value, findings[1].Severity));
        Assert.Equal(FindingSeverity.Error, findings[2].Severity);
        Assert.Empty(ReportParser.Parse(null, "x"));
        Assert.Empty(ReportParser.Parse("10.0.0.0/16 is the VPC CIDR", "x"));
    }
}
