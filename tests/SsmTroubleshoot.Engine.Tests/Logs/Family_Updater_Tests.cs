using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// Agent updates and ssm-setup-cli (rules in updater.json): lines as the updater (AmazonSSMAgent-update.txt, which
/// reports most failures at INFO), the aws:updateSsmAgent plugin and ssm-setup-cli print them.
/// </summary>
public sealed class Family_Updater_Tests
{
    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, LogScanOptions? options = null) => LogScan.Text(text, options);

    [Theory]
    [InlineData("updater.install-failed", "AgentUpdate",
        "2024-06-11 08:02:10.1234 ERROR failed to install amazon-ssm-agent 3.3.1142.0, ErrorMessage=The execution of command returned Exit Status: 1 \n exit status 1\n")]
    [InlineData("updater.install-failed", "AgentUpdate",
        "2024-06-11 08:05:40.0001 ERROR failed to update amazon-ssm-agent to 3.3.1142.0, failed to start the agent, ErrorMessage=checking svc and agent worker running err\n")]
    [InlineData("updater.rollback-failed", "AgentUpdate",
        "2024-06-11 08:09:12.5000 INFO failed to rollback amazon-ssm-agent to 3.2.2303.0, failed to start the agent, ErrorMessage=checking svc and agent worker running err\n")]
    [InlineData("updater.packages-unavailable", "AgentUpdate",
        "2024-06-11 08:01:00.0000 INFO Failed to download manifest: failed to download file reliably, https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/ssm-agent-manifest.json\n")]
    [InlineData("updater.version-unavailable", "AgentUpdate",
        "2024-06-11 08:01:05.0000 WARN Downgrade is not enabled, please enable downgrade to perform this update\n")]
    [InlineData("updater.version-unavailable", "AgentUpdate",
        "2024-06-11 08:01:05.0001 INFO Failed update precondition check: Failed kernel version precondition: Minimum kernel version is 3.2 but instance kernel version is 2.6\n")]
    [InlineData("updater.disk-space", "DiskSpace",
        "2024-06-11 08:00:00 INFO [ssm-document-worker] [pluginName=aws:updateSsmAgent] Insufficient available disk space - 57 Mb\n")]
    [InlineData("updater.lock-busy", "AgentUpdate",
        "2024-06-11 08:00:00 WARN [ssm-document-worker] [pluginName=aws:updateSsmAgent] Failed to lock update lockfile, another update is in progress: Locked by other process\n")]
    [InlineData("updater.setup-cli-registration", "HybridRegistration",
        "2024-06-11 08:00:00 ERROR Failed to perform Onprem registration: failed to register agent: exit status 1\n")]
    [InlineData("updater.setup-cli-install", "AgentUpdate",
        "2024-06-11 08:00:00 ERROR Failed to determine package manager: no supported package manager found\n")]
    public void Update_and_setup_failures_are_recognised(string ruleId, string category, string line)
    {
        var (issues, entries) = Scan(line);
        var issue = Assert.Single(issues);
        Assert.Equal(category, issue.Category);
        Assert.Equal(ruleId, Assert.Single(entries).RuleId);
    }

    [Fact]
    public void A_download_failure_that_wraps_a_network_error_is_reported_as_the_network_error()
    {
        // The root-cause rules come first: the update failed because S3 cannot be reached.
        var (_, entries) = Scan(
            "2024-06-11 08:01:00.0000 INFO Failed to download manifest: failed to download file reliably, https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/ssm-agent-manifest.json, RequestError: send request failed\n" +
            "caused by: Get \"https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/ssm-agent-manifest.json\": dial tcp 52.216.1.1:443: i/o timeout\n");

        Assert.Equal("EndpointUnreachable", Assert.Single(entries).Category);
    }

    [Fact]
    public void The_closing_failure_line_names_the_step_that_failed_as_its_likely_cause()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:01:00.0000 INFO Failed to download manifest: failed to download file reliably, https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/ssm-agent-manifest.json, RequestError: send request failed\n" +
            "caused by: Get \"https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/ssm-agent-manifest.json\": dial tcp 52.216.1.1:443: i/o timeout\n" +
            "2024-06-11 08:01:00.0001 INFO Failed to update amazon-ssm-agent to None\n" +
            "2024-06-11 08:01:00.0002 INFO No rollback needed\n");

        var summary = Assert.Single(issues, i => i.Category == "AgentUpdate");
        Assert.Equal("EndpointUnreachable", summary.LikelyCause);
        Assert.Contains("i/o timeout", summary.LikelyCauseSample);
    }

    [Fact]
    public void A_successful_update_stays_quiet_even_with_unclassified_entries()
    {
        var (issues, entries) = Scan(
            "2024-06-11 08:00:00.0000 INFO Updating amazon-ssm-agent from 3.2.2303.0 to 3.3.1142.0\n" +
            "2024-06-11 08:00:05.0000 WARN error waiting for cloud-init: cloud-init binary not found at /usr/bin/cloud-init. Err: stat /usr/bin/cloud-init: no such file or directory\n" +
            "2024-06-11 08:00:30.0000 INFO Initiating Agent service check\n" +
            "2024-06-11 08:00:30.0001 INFO health check: amazon-ssm-agent is not running\n" +
            "2024-06-11 08:00:35.0000 INFO Retrying update health check 2 out of 36\n" +
            "2024-06-11 08:00:35.0001 WARN Cannot open agent service: The specified service does not exist as an installed service.\n" +
            "2024-06-11 08:00:40.0000 INFO amazon-ssm-agent updated successfully to 3.3.1142.0\n" +
            "2024-06-11 08:00:41.0000 WARN error while deleting the update download folder: remove /var/lib/amazon/ssm/download/update: directory not empty\n",
            new LogScanOptions { IncludeUnclassified = true });

        Assert.Empty(issues);
        Assert.Empty(entries);
    }

    [Fact]
    public void Every_updater_rule_has_help_and_a_next_step()
    {
        var rules = LogRuleCatalog.BuiltIn.Rules.Where(r => r.Id.StartsWith("updater.", System.StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(rules);
        Assert.All(rules, r =>
        {
            Assert.StartsWith("https://docs.aws.amazon.com/", r.HelpUri, System.StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(r.NextStep));
        });
    }
}
