using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>Entries read the way an engineer reads them: DEBUG evidence, symptoms with their cause, lines judged with their log.</summary>
public sealed class LogContextTests
{
    private const string RegistrationKeyMissing =
        "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [MessageService] Failed to load instance info from vault. RegistrationKey does not exist.\n";

    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, LogScanOptions? options = null) => LogScan.Text(text, options);

    [Fact]
    public void A_DEBUG_line_that_carries_a_connectivity_failure_is_evidence()
    {
        // The form the knowledge-center article "ssm-agent-logs" quotes for an unreachable ec2messages endpoint.
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 DEBUG [MessagingDeliveryService] Error when calling AWS APIs. error details - RequestError: send request failed\n" +
            "caused by: Post https://ec2messages.us-east-1.amazonaws.com/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\n");

        var issue = Assert.Single(issues);
        Assert.Equal("EndpointUnreachable", issue.Category);
        Assert.Equal("ec2messages.us-east-1.amazonaws.com", issue.Endpoint);
    }

    [Fact]
    public void A_DEBUG_line_without_a_failure_stays_quiet()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 DEBUG [MessagingDeliveryService] Sending request to https://ec2messages.us-east-1.amazonaws.com/ (dial tcp timeout 30s)\n");

        Assert.Empty(issues);
    }

    [Fact]
    public void Hibernation_names_the_most_recent_specific_issue_before_it_as_its_likely_cause()
    {
        var (issues, entries) = Scan(
            AgentLogSamples.ByCategory["Throttling"] +
            "2024-06-11 07:57:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\n" +
            "caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n" +
            AgentLogSamples.Benign +
            "2024-06-11 07:58:00 INFO [ssm-agent-worker] Backing off health check to every 600 seconds for 1800 seconds.\n");

        var hibernation = Assert.Single(issues, i => i.Category == "Hibernation");
        Assert.Equal("EndpointUnreachable", hibernation.LikelyCause);
        Assert.Contains("i/o timeout", hibernation.LikelyCauseSample);
        Assert.StartsWith("Fix the likely cause first (EndpointUnreachable): Test-SsmEndpoint", hibernation.NextStep);
        Assert.Equal("EndpointUnreachable", Assert.Single(entries, e => e.Category == "Hibernation").LikelyCause);
        Assert.Null(Assert.Single(issues, i => i.Category == "EndpointUnreachable").LikelyCause);
    }

    [Fact]
    public void A_symptom_without_an_earlier_cause_has_no_likely_cause()
    {
        var (issues, _) = Scan(AgentLogSamples.ByCategory["Hibernation"] + AgentLogSamples.ByCategory["Throttling"]);

        var hibernation = Assert.Single(issues, i => i.Category == "Hibernation");
        Assert.Null(hibernation.LikelyCause);
        Assert.StartsWith("Invoke-SawRunbook", hibernation.NextStep);
    }

    [Fact]
    public void The_credential_refresher_back_off_is_reported_with_the_failure_before_it()
    {
        var (issues, _) = Scan(
            AgentLogSamples.ByCategory["IamAccessDenied"] +
            "2024-06-11 07:48:00 INFO [CredentialRefresher] Sleeping for 27m13s before retrying retrieve credentials\n");

        var backOff = Assert.Single(issues, i => i.RuleId == "credentials.refresher-backoff");
        Assert.Equal("NoCredentials", backOff.Category);
        Assert.Equal("IamAccessDenied", backOff.LikelyCause);
    }

    [Fact]
    public void RegistrationKey_missing_is_harmless_on_an_EC2_instance()
    {
        var (issues, _) = Scan(
            "2024-06-11 07:59:00 INFO [ssm-agent-worker] Agent will take identity from EC2\n" + RegistrationKeyMissing,
            new LogScanOptions { IncludeUnclassified = true });

        Assert.Empty(issues);
    }

    [Fact]
    public void RegistrationKey_missing_is_a_registration_problem_on_a_hybrid_node_even_when_the_identity_is_logged_later()
    {
        var (issues, _) = Scan(RegistrationKeyMissing + "2024-06-11 08:01:00 INFO [ssm-agent-worker] Agent will take identity from OnPrem\n");

        var issue = Assert.Single(issues);
        Assert.Equal("HybridRegistration", issue.Category);
        Assert.Equal("hybrid.registration-missing", issue.RuleId);
        Assert.Equal(new long[] { 1 }, issue.LineNumbers);
    }

    [Fact]
    public void An_mi_instance_id_in_the_log_makes_it_a_hybrid_node()
    {
        var (issues, _) = Scan(
            "2024-06-11 07:59:00 INFO [ssm-agent-worker] [MessageService] [MGSInteractor] Opening websocket connection to: wss://ssmmessages.eu-west-1.amazonaws.com/v1/control-channel/mi-0123456789abcdef0?role=subscribe\n" +
            RegistrationKeyMissing);

        Assert.Equal("HybridRegistration", Assert.Single(issues).Category);
    }

    [Fact]
    public void A_websocket_retry_limit_drop_alone_is_harmless()
    {
        var (issues, _) = Scan(AgentLogSamples.Benign + AgentLogSamples.WebsocketRetryLimit + AgentLogSamples.Benign,
            new LogScanOptions { IncludeUnclassified = true });

        Assert.Empty(issues);
    }

    [Fact]
    public void A_websocket_retry_limit_drop_counts_when_sessions_fail_around_it()
    {
        var (issues, entries) = Scan(AgentLogSamples.WebsocketRetryLimit + AgentLogSamples.ByCategory["SessionManager"]);

        var issue = Assert.Single(issues);
        Assert.Equal("SessionManager", issue.Category);
        Assert.Equal(2, issue.Count);
        Assert.Equal(new[] { "session.control-channel", "session.websocket-retry-limit" }, entries.Select(e => e.RuleId).OrderBy(x => x));
    }

    [Fact]
    public void Context_and_rule_files_that_name_an_unknown_context_are_refused()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ctx-{System.Guid.NewGuid():N}.json");
        System.IO.File.WriteAllText(path, """
            { "schemaVersion": 1, "rules": [ { "id": "acme.x", "category": "Acme", "severity": "Low", "signatures": ["acme-x"],
              "patterns": ["acme-x"], "requires": "windows-only", "cause": "c", "remediation": "r", "nextStep": "n" } ] }
            """);
        try
        {
            var ex = Assert.Throws<LogRuleException>(() => LogRuleCatalog.WithCustomRules(new[] { path }));
            Assert.Contains("'windows-only' is not a context", ex.Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void S3_and_KMS_endpoints_that_time_out_get_the_S3_and_KMS_remediation()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 ERROR [ssm-document-worker] HTTP HEAD request failed: url=https://my-bucket.s3.us-east-1.amazonaws.com, error=Head \"https://my-bucket.s3.us-east-1.amazonaws.com\": dial tcp 52.216.1.1:443: i/o timeout\n");

        var issue = Assert.Single(issues);
        Assert.Equal("EndpointUnreachable", issue.Category);
        Assert.Equal("network.s3-kms-unreachable", issue.RuleId);
        Assert.Contains("S3 gateway endpoint", issue.Remediation);
    }

    [Fact]
    public void A_KMS_key_denial_is_an_S3_or_KMS_problem_not_an_SSM_permission()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 ERROR [ssm-session-worker] [DataBackend] Error when decrypting data key AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.\n");

        Assert.Equal("S3OrKms", Assert.Single(issues).Category);
    }
}
