using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

public sealed class LogClassificationTests
{
    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, LogScanOptions? options = null, LogRuleCatalog? catalog = null) =>
        LogScan.Text(text, options, catalog);

    public static IEnumerable<object[]> Categories() => AgentLogSamples.ByCategory.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Categories))]
    public void Each_category_is_recognised_from_a_real_entry(string category)
    {
        var (issues, entries) = Scan(AgentLogSamples.Benign + AgentLogSamples.ByCategory[category] + AgentLogSamples.Benign);
        var issue = Assert.Single(issues);
        Assert.Equal(category, issue.Category);
        Assert.Equal(1, issue.Count);
        Assert.False(string.IsNullOrWhiteSpace(issue.Cause));
        Assert.StartsWith("https://docs.aws.amazon.com/", issue.HelpUri, StringComparison.Ordinal);
        Assert.Equal(AgentLogSamples.Benign.Count(c => c == '\n') + 1, Assert.Single(issue.LineNumbers));
        Assert.Equal(category, Assert.Single(entries).Category);
    }

    [Fact]
    public void The_catalog_covers_every_category_with_a_sample_help_and_next_steps()
    {
        var catalog = LogRuleCatalog.BuiltIn;
        Assert.Equal(AgentLogSamples.ByCategory.Keys.OrderBy(k => k), catalog.Categories.OrderBy(k => k));
        Assert.All(catalog.Rules, r =>
        {
            Assert.NotEmpty(r.Signatures);
            Assert.StartsWith("https://docs.aws.amazon.com/", r.HelpUri, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(r.NextStep));
        });
    }

    [Fact]
    public void Benign_lines_with_failed_proxy_and_harmless_errors_are_not_flagged_even_as_unknown()
    {
        var (issues, entries) = Scan(AgentLogSamples.Benign, new LogScanOptions { IncludeUnclassified = true });
        Assert.Empty(issues);
        Assert.Empty(entries);
    }

    [Fact]
    public void A_message_pasted_without_timestamp_or_level_is_judged_like_an_error_by_the_keyword_rules()
    {
        // People quote the message alone; with no level to read, the keyword rules take it as the ERROR it usually was.
        const string message = "failed to download the agent: cannot find the amazon-ssm-agent-linux-arm64.tar.gz information in the Manifest file";
        Assert.Equal("AgentUpdate", Assert.Single(Scan(message + "\n").Issues).Category);
        Assert.Equal("AgentUpdate", Assert.Single(Scan("2024-06-11 08:00:00 ERROR " + message + "\n").Issues).Category);
        // A level that is there is believed: the same words at INFO are not an error.
        Assert.Empty(Scan("2024-06-11 08:00:00 INFO " + message + "\n").Issues);
        // And a routine line stays quiet without its level too.
        Assert.Empty(Scan("[CredentialRefresher] Starting credentials refresher loop\n").Issues);
    }

    [Fact]
    public void The_cause_on_a_continuation_line_decides_the_category()
    {
        // The first line alone reads like an endpoint failure; the IMDS address only appears on the next line.
        var (issues, _) = Scan(AgentLogSamples.ByCategory["ImdsUnreachable"]);
        var issue = Assert.Single(issues);
        Assert.Equal("ImdsUnreachable", issue.Category);
        Assert.Equal("169.254.169.254", issue.Endpoint);
        Assert.Contains("caused by:", issue.Sample, StringComparison.Ordinal);
    }

    [Fact]
    public void Unmatched_errors_are_reported_as_unknown_only_when_asked()
    {
        Assert.Empty(Scan(AgentLogSamples.Unclassified).Issues);
        var issue = Assert.Single(Scan(AgentLogSamples.Unclassified, new LogScanOptions { IncludeUnclassified = true }).Issues);
        Assert.Equal(LogRuleCatalog.UnknownCategory, issue.Category);
        Assert.Equal(SsmAgentLogSeverity.Low, issue.Severity);
    }

    [Fact]
    public void Journal_prefixes_are_removed_and_foreign_processes_do_not_split_an_entry()
    {
        var (issues, entries) = Scan(AgentLogSamples.Journal);
        Assert.Equal(2, issues.Count);
        Assert.Contains(issues, i => i.Category == "NoCredentials");

        // systemd's line about the agent's own unit is an entry of its own, a symptom of the failure before it.
        var exit = Assert.Single(issues, i => i.Category == "AgentStartup");
        Assert.Equal("core.service-failed", exit.RuleId);
        Assert.Equal("NoCredentials", exit.LikelyCause);
        Assert.Equal(2, entries.Count);
        Assert.Equal(6, entries[1].LineNumber);
        Assert.Equal(new DateTime(2024, 6, 11, 7, 43, 5), entries[1].Timestamp); // the journal's time, the year of the agent's entry before it
        Assert.Equal("amazon-ssm-agent.service: Failed with result 'exit-code'.", entries[1].Message);
        var entry = entries[0];
        Assert.Equal(new DateTime(2024, 6, 11, 7, 42, 5), entry.Timestamp);
        Assert.Equal(AgentLogLevel.Error, entry.Level);
        Assert.Equal(2, entry.LineNumber);
        Assert.Contains("status code: 404", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("systemd", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bottlerocket_journal_lines_of_the_control_container_are_the_agent()
    {
        // On Bottlerocket the agent runs in the control host container; journalctl names that unit, not the agent.
        var (issues, _) = Scan(
            "Jan 23 19:45:49 ip-10-0-1-15.us-west-2.compute.internal host-containers@control[1411]: 2025-01-23 19:45:49.0440 INFO Agent will take identity from EC2\n" +
            "Jan 23 19:46:49 ip-10-0-1-15.us-west-2.compute.internal host-containers@control[1411]: 2025-01-23 19:46:49.0440 ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\n" +
            "Jan 23 19:46:49 ip-10-0-1-15.us-west-2.compute.internal host-containers@admin[1500]: 2025-01-23 19:46:49.0440 ERROR Health ping failed with error - ThrottlingException: Rate exceeded\n");
        Assert.Equal("NoCredentials", Assert.Single(issues).Category);
    }

    [Fact]
    public void Entries_expose_timestamp_level_components_and_instance()
    {
        var (_, entries) = Scan(AgentLogSamples.ByCategory["IamAccessDenied"]);
        var entry = Assert.Single(entries);
        Assert.Equal(new DateTime(2024, 6, 11, 7, 47, 0).AddTicks(1000), entry.Timestamp);
        Assert.Equal("ssm-agent-worker/HealthCheck", entry.Component);
        Assert.StartsWith("error when calling AWS APIs", entry.Message, StringComparison.Ordinal);
        Assert.Equal(AgentLogSamples.InstanceId, entry.InstanceId);
        Assert.Equal("iam.access-denied", entry.RuleId);
    }

    [Fact]
    public void Errors_log_source_locations_and_unbracketed_components_are_understood()
    {
        var text =
            "2024-06-11 08:00:00 ERROR [NewEC2IdentityWithConfig @ ec2_identity.go.84] [EC2Identity] Failed to get instance info: NoCredentialProviders: no valid providers in chain\n" +
            "2024-06-11 08:00:01 ERROR EC2RoleProvider Failed to connect to Systems Manager with instance profile role credentials. Err: retrieved credentials failed to report to ssm. Error: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/r/i-0123456789abcdef0 is not authorized to perform: ssm:UpdateInstanceInformation\n";
        var (_, entries) = Scan(text);
        Assert.Equal(2, entries.Count);
        Assert.Equal("EC2Identity", entries[0].Component);
        Assert.Equal("NoCredentials", entries[0].Category);
        Assert.Equal("EC2RoleProvider", entries[1].Component);
        Assert.Equal("IamAccessDenied", entries[1].Category);
    }

    [Fact]
    public void Since_and_until_keep_only_entries_in_the_window()
    {
        var text = AgentLogSamples.ByCategory["Throttling"] + AgentLogSamples.ByCategory["Throttling"].Replace("07:50:00", "09:50:00", StringComparison.Ordinal);
        var issue = Assert.Single(Scan(text, new LogScanOptions { Since = new DateTime(2024, 6, 11, 8, 0, 0) }).Issues);
        Assert.Equal(1, issue.Count);
        Assert.Equal(new DateTime(2024, 6, 11, 9, 50, 0).AddTicks(1000), issue.FirstSeen);
        Assert.Empty(Scan(text, new LogScanOptions { Until = new DateTime(2024, 6, 11, 7, 0, 0) }).Issues);
    }

    [Fact]
    public void Issues_count_entries_and_track_first_and_last_seen_per_category()
    {
        var text = string.Concat(Enumerable.Range(0, 5).Select(i => AgentLogSamples.ByCategory["Throttling"].Replace("07:50:00", $"07:5{i}:00", StringComparison.Ordinal)))
            + AgentLogSamples.ByCategory["EndpointUnreachable"];
        var issues = Scan(text).Issues;
        Assert.Equal(new[] { "EndpointUnreachable", "Throttling" }, issues.Select(i => i.Category));
        var throttling = issues[1];
        Assert.Equal(5, throttling.Count);
        Assert.Equal(new DateTime(2024, 6, 11, 7, 50, 0).AddTicks(1000), throttling.FirstSeen);
        Assert.Equal(new DateTime(2024, 6, 11, 7, 54, 0).AddTicks(1000), throttling.LastSeen);
        Assert.Equal(new long[] { 1, 3, 5, 7, 9 }, throttling.LineNumbers);
        Assert.Equal("ssm.us-east-1.amazonaws.com", issues[0].Endpoint);
    }

    [Fact]
    public void Category_filter_keeps_only_the_requested_categories()
    {
        var text = AgentLogSamples.ByCategory["Throttling"] + AgentLogSamples.ByCategory["EndpointUnreachable"];
        var issue = Assert.Single(Scan(text, new LogScanOptions { Categories = new[] { "throttling" } }).Issues);
        Assert.Equal("Throttling", issue.Category);
    }

    [Fact]
    public void The_next_step_names_the_instance_found_in_the_log()
    {
        var text = "2024-06-11 07:00:00 INFO [instanceID=i-0fedcba9876543210] Successfully loaded platform independent plugin aws:runShellScript\n"
            + AgentLogSamples.ByCategory["EndpointUnreachable"];
        var issue = Assert.Single(Scan(text).Issues);
        Assert.Equal("i-0fedcba9876543210", issue.InstanceId);
        Assert.Contains("Test-ManagedInstanceNetwork -InstanceId i-0fedcba9876543210", issue.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void Crlf_lines_classify_like_lf_lines()
    {
        var text = AgentLogSamples.ByCategory["DnsResolution"].Replace("\n", "\r\n", StringComparison.Ordinal);
        var (issues, entries) = Scan(text);
        Assert.Equal("DnsResolution", Assert.Single(issues).Category);
        Assert.DoesNotContain('\r', entries[0].Message);
    }
}

public sealed class LogClassificationVariantTests
{
    /// <summary>Other wordings of the same problems, as different agent versions and code paths write them.</summary>
    public static IEnumerable<object[]> Variants() => new[]
    {
        new object[] { "ImdsUnreachable", "2024-06-11 08:00:00 ERROR [EC2Identity] Failed to get instance info from IMDS: RequestError: send request failed\ncaused by: Put \"http://169.254.169.254/latest/api/token\": dial tcp 169.254.169.254:80: connect: network is unreachable\n" },
        new object[] { "ProxyMisconfiguration", "2024-06-11 08:00:00 ERROR [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\ncaused by: Post \"https://ssm.us-east-1.amazonaws.com/\": Proxy Authentication Required\n" },
        new object[] { "ProxyMisconfiguration", "2024-06-11 08:00:00 ERROR [EC2Identity] RequestError: send request failed\ncaused by: Get \"http://169.254.169.254/latest/meta-data/instance-id\": Forbidden\n" },
        new object[] { "ProxyTls", "2024-06-11 08:00:00 ERROR [MessageService] [MGSInteractor] Failed to connect: tls: failed to verify certificate: x509: certificate is valid for *.proxy.corp.example, not ssmmessages.us-east-1.amazonaws.com\n" },
        new object[] { "ClockSkew", "2024-06-11 08:00:00 ERROR [HealthCheck] RequestError: send request failed\ncaused by: Post \"https://ssm.us-east-1.amazonaws.com/\": x509: certificate has expired or is not yet valid: current time 2019-01-01T00:00:00Z is before 2024-03-01T00:00:00Z\n" },
        new object[] { "SessionManager", "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to get controlchannel token, error: CreateControlChannel failed with error: createControlChannel request failed: unexpected response from the service <BadRequest xmlns=\"\"><message>Internal error.</message></BadRequest>\n" },
        new object[] { "Throttling", "2024-06-11 08:00:00 ERROR [MessageGatewayService] Failed to get controlchannel token, error: CreateControlChannel failed with error: createControlChannel request failed: unexpected response from the service <BadRequest xmlns=\"\"><message>Unable to process due to throttling.</message></BadRequest>\n" },
        new object[] { "IamAccessDenied", "2024-06-11 08:00:00 ERROR [ssm-session-worker] Setting up data channel with id s-0123 failed: failed to create websocket for datachannel with error: CreateDataChannel failed with no output or error: createDataChannel request failed: unexpected response from the service <BadRequest xmlns=\"\"><message>Request is not authenticated.</message></BadRequest>\n" },
        new object[] { "NoCredentials", "2024-06-11 08:00:00 ERROR [EC2RoleProvider] no valid credentials could be retrieved for ec2 identity. Default Host Management Err: error calling RequestManagedInstanceRoleToken: AccessDeniedException: Systems Manager's instance management role is not configured for account: 123456789012\n" },
        new object[] { "CredentialsExpired", "2024-06-11 08:00:00 ERROR [HealthCheck] error when calling AWS APIs. error details - UnrecognizedClientException: The security token included in the request is invalid.\n\tstatus code: 400, request id: 11112222\n" },
        new object[] { "HybridRegistration", "2024-06-11 08:00:00 INFO [ssm-agent-worker] Entering SSM Agent hibernate - error occurred in RequestManagedInstanceRoleToken: InvalidInstanceId: Not existing InstanceId mi-0c17d31c2af36e0e6\n" },
        new object[] { "HybridRegistration", "2024-06-11 08:00:00 ERROR Registration failed due to error registering the instance with AWS SSM. InvalidActivation: Activation ID is not valid\n" },
        new object[] { "AgentUpdate", "2024-06-11 08:00:00 ERROR [Updater] Update failed, rolling back to 3.3.40.0\n" },
        new object[] { "S3OrKms", "2024-06-11 08:00:00 ERROR [ssm-session-worker] Encountered error while initiating handshake. KMSEncryption failed on client with status 2 error: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/r/i-0123456789abcdef0 is not authorized to perform: kms:Decrypt\n" },
        new object[] { "DocumentPlugin", "2024-06-11 08:00:00 ERROR [ssm-document-worker] [DocumentManager] failed to parse document: document schema version 3.0 is not supported\n" },
        new object[] { "FileDescriptorExhaustion", "2024-06-11 08:00:00 WARN [ssm-agent-worker] accept tcp 127.0.0.1:0: accept4: too many open files; retrying in 1s\n" },
        new object[] { "Hibernation", "2024-06-11 08:00:00 ERROR Health ping failed with error - InternalServerError: something new\n" },
        new object[] { "DnsResolution", "Oct 12 13:49:56 ip-10-0-1-15 amazon-ssm-agent[1860]: 2020-10-12 13:49:56 ERROR Health ping failed with error - RequestError: send request failed\nOct 12 13:49:56 ip-10-0-1-15 amazon-ssm-agent[1860]: caused by: Post https://ssm.eu-west-1.amazonaws.com/: dial tcp: lookup ssm.eu-west-1.amazonaws.com on 10.0.0.2:53: read udp 10.0.1.15:40000->10.0.0.2:53: i/o timeout\n" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Other_wordings_of_each_problem_are_recognised(string category, string text)
    {
        var session = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions()).BeginText(null, null);
        session.Add(text);
        Assert.Equal(category, Assert.Single(session.Complete()).Category);
    }

    [Theory]
    [InlineData("2024-06-11 08:00:00 INFO [ssm-agent-worker] [MessageService] [MGSInteractor] Setting up websocket for controlchannel for instance: i-0123456789abcdef0, requestId: 1\n")]
    [InlineData("2024-06-11 08:00:00 INFO [ssm-agent-worker] [CredentialRefresher] Credentials ready; proxy not used; AccessDeniedException retries: 0\n")]
    [InlineData("2024-06-11 08:00:00 DEBUG [ssm-agent-worker] [Updater] Update failed check skipped: no update in progress\n")]
    [InlineData("2024-06-11 08:00:00 INFO [ssm-document-worker] [aws:runShellScript] Command failed with exit code 1 (reported to the service)\n")]
    [InlineData("2024-06-11 08:00:00 INFO Agent will take identity from EC2; metadata endpoint http://169.254.169.254 responded in 2ms\n")]
    public void Benign_info_and_debug_lines_with_alarming_words_stay_quiet(string text)
    {
        var session = new AgentLogAnalyzer(LogRuleCatalog.BuiltIn, new LogScanOptions { IncludeUnclassified = true }).BeginText(null, null);
        session.Add(text);
        Assert.Empty(session.Complete());
    }
}
