using System.Linq;
using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

/// <summary>
/// The parser against text we did not write: TestData/captured holds published runbook outputs, each file naming its
/// source in its first line (see TestData/captured/README.md).
/// </summary>
public sealed class ReportParserCapturedTests
{
    [Fact]
    public void TroubleshootManagedInstance_without_an_instance_profile_reports_it_as_an_error_in_section_5()
    {
        var findings = ReportParser.Parse(TestFiles.ReadCaptured("tmi-no-instance-profile.txt"), "FinalOutput.Message");

        Assert.Equal(
            new (int?, FindingSeverity, string)[]
            {
                (1, FindingSeverity.Info, "INFO"),
                (2, FindingSeverity.Info, "INFO"),
                (2, FindingSeverity.Info, "INFO"),
                (2, FindingSeverity.Warning, "WARNING"),
                (2, FindingSeverity.Warning, "WARNING"),
                (3, FindingSeverity.Ok, "OK"),
                (4, FindingSeverity.Ok, "OK"),
                (5, FindingSeverity.Info, "INFO"),
                (5, FindingSeverity.Error, "ERROR"),
            },
            findings.Select(f => (f.Section, f.Severity, f.Tag)));
        var error = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal("No EC2 instance IAM profile attached to the instance: 'i-078f9468a15e81c8d'.", error.Message);
        Assert.Equal("Checks EC2 instance IAM profile and required permissions", error.SectionTitle);
        Assert.Null(error.Check);
        Assert.Equal("No route found for 0.0.0.0/0. Internet access is required to connect to the public Systems Manager endpoint.", findings[4].Message);
        Assert.Equal("'ALL' outbound traffic allowed to '10.0.1.231' from '[1024, 65535]'", findings[5].Message);
        Assert.All(findings, f => Assert.Equal("FinalOutput.Message", f.Source));

        // Untagged lines (advice, links, "Check ...:" sub-headings) are no findings.
        Assert.DoesNotContain(findings, f => f.Message.Contains("https://") || f.Message.StartsWith("Check "));
    }

    [Fact]
    public void TroubleshootManagedInstance_with_an_instance_profile_has_no_error()
    {
        var findings = ReportParser.Parse(TestFiles.ReadCaptured("tmi-instance-profile-ok.txt"), "FinalOutput.Message");

        Assert.Equal(new int?[] { 1, 2, 2, 2, 2, 3, 4, 5, 5 }, findings.Select(f => f.Section));
        Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal(2, findings.Count(f => f.Severity == FindingSeverity.Warning));
        Assert.Equal(
            "Found an AWS managed policy attached to the instance profile 'terraform-20240323151956371500000002' with required permissions.",
            findings[^1].Message);
        Assert.Equal(FindingSeverity.Ok, findings[^1].Severity);
    }

    [Fact]
    public void EC2Rescue_openssh_results_name_the_module_before_the_tag()
    {
        var findings = ReportParser.Parse(TestFiles.ReadCaptured("ec2rl-openssh-doc.txt"), "troubleshootSSH.Output");

        Assert.Equal(
            new (FindingSeverity, string, string)[]
            {
                (FindingSeverity.Ok, "SUCCESS", "All configuration checks passed or all detected problems fixed."),
                (FindingSeverity.Warning, "WARN", "Unable to fully validate one or more OpenSSH components."),
                (FindingSeverity.Error, "FAILURE", "Improper configuration of one or more OpenSSH components."),
                (FindingSeverity.Error, "FAILURE", "Failed to remediate one or more problems."),
            },
            findings.Select(f => (f.Severity, f.Tag, f.Message)));
        Assert.All(findings, f => Assert.Equal("module run/openssh", f.Check));
        Assert.All(findings, f => Assert.Null(f.Section));

        // The "----------[Diagnostic Results]----------" banners are no findings.
        Assert.Equal(4, findings.Count);
    }

    [Fact]
    public void EC2Rescue_module_results_with_uneven_padding_and_trailing_space()
    {
        var findings = ReportParser.Parse(TestFiles.ReadCaptured("ec2rl-module-docs.txt"), "getEC2RescueForLinuxResult.Output");

        Assert.Equal(
            new (string?, FindingSeverity, string)[]
            {
                ("module run/arpcache", FindingSeverity.Ok, "Aggressive arp caching is disabled."),
                ("module run/arpcache", FindingSeverity.Error, "Aggressive arp caching is enabled."),
                ("module run/arpcache", FindingSeverity.Ok, "Aggressive arp caching is disabled after remediation."),
                ("module run/ixgbevfversion", FindingSeverity.Ok, "You are running the recommended ixgbevf driver or newer."),
                ("module run/ixgbevfversion", FindingSeverity.Warning, "You are running $VERSION which is older than $GOODVER."),
            },
            findings.Select(f => (f.Check, f.Severity, f.Message)));
    }

    [Fact]
    public void EC2Rescue_summary_built_from_its_format_strings_keeps_details_and_stats_out()
    {
        var findings = ReportParser.Parse(TestFiles.ReadCaptured("ec2rl-summary-from-source.txt"), "getEC2RescueForLinuxResult.Output");

        Assert.Equal(2, findings.Count);
        Assert.Equal(
            ("module run/openssh", FindingSeverity.Error, "FAILURE", "Improper configuration of one or more OpenSSH components."),
            (findings[0].Check, findings[0].Severity, findings[0].Tag, findings[0].Message));
        Assert.Equal(
            ("module run/arpcache", FindingSeverity.Warning, "UNKNOWN", "log missing SUCCESS, FAILURE, or WARN message."),
            (findings[1].Check, findings[1].Severity, findings[1].Tag, findings[1].Message));
    }
}
