using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// The identity, credential-refresher, messaging (MGS/MDS) and Windows-only families: entries as agent 3.x and 2.x print
/// them, each with a wrapped error the root-cause rules do not claim, so the family rule decides.
/// </summary>
public sealed class Family_Identity_Tests
{
    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, LogScanOptions? options = null) => LogScan.Text(text, options);

    [Theory]
    [InlineData("HybridRegistration", "identity.hybrid-fingerprint-mismatch",
        "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [CredentialRefresher] Cannot connect to AWS Systems Manager.  The hardware ID (T3Bs2yQb3x8=) has changed from the registered value (9f1Zk2Vw0aQ=).\n")]
    [InlineData("HybridRegistration", "identity.hybrid-fingerprint-mismatch",
        "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [CredentialRefresher] Retrieve credentials produced error: MachineFingerprintDoesNotMatch: Fingerprint doesn't match\n\tstatus code: 400, request id: 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\n")]
    [InlineData("HybridRegistration", "identity.hybrid-fingerprint-mismatch",
        "2024-06-11 08:00:00 INFO [amazon-ssm-agent] [CredentialRefresher] Calculated hardware difference, regenerating fingerprint...\n")]
    [InlineData("HybridRegistration", "identity.hybrid-fingerprint-unavailable",
        "2024-06-11 08:00:00 WARN [amazon-ssm-agent] Failed to open wmi service: 'The specified service does not exist as an installed service.'\n")]
    [InlineData("NoCredentials", "identity.credentials-retrieve",
        "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [CredentialRefresher] Retrieve credentials produced error: unexpected error getting instance profile role credentials or calling UpdateInstanceInformation. Skipping default host management fallback: retrieved credentials failed to report to ssm. RequestId: 1a2b3c4d Error: InternalServerError: Internal error\n\tstatus code: 500, request id: 1a2b3c4d\n")]
    [InlineData("NoCredentials", "identity.credentials-handoff",
        "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [CredentialRefresher] Failed to write credentials to disk even with force, retrying: open /var/lib/amazon/ssm/credentials: permission denied\n")]
    [InlineData("ImdsUnreachable", "identity.instance-metadata",
        "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [EC2Identity] Failed to get instance info from IMDS. Err: failed to get identity instance id. Error: EC2MetadataError: failed to make EC2Metadata request\n\tstatus code: 401, request id: \n")]
    [InlineData("AgentStartup", "identity.agent-config",
        "2024-06-11 08:00:00 WARN [amazon-ssm-agent] Identity type 'Ec2' does not exist\n")]
    [InlineData("SessionManager", "messaging.control-channel",
        "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] Error setting up control channel: read tcp 10.0.1.15:50134->52.46.200.123:443: read: connection timed out\n")]
    [InlineData("DocumentPlugin", "messaging.command-intake",
        "2024-06-11 08:00:00 WARN [ssm-agent-worker] [MessageService] [MDSInteractor] [messageID=aws.ssm.5d1c2b3a.i-0123456789abcdef0] skipping document aws.ssm.5d1c2b3a.i-0123456789abcdef0 due to the error: ProcessorBufferFull. Will wake up every 10 seconds till the buffer is free\n")]
    // Creating the hybrid activation itself, as the AWS CLI, the SDKs and Terraform print the API's refusal.
    [InlineData("HybridRegistration", "identity.hybrid-activation-api",
        "An error occurred (ValidationException) when calling the CreateActivation operation: Not existing role: arn:aws:iam::123456789012:role/SSMServiceRole\n")]
    [InlineData("HybridRegistration", "identity.hybrid-activation-api",
        "ValidationException: 1 validation error detected: Value 'service-role/AmazonEC2RunCommandRoleForManagedInstances' at 'iamRole' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\p{L}\\p{N}+=,.@\\-_]*$\n")]
    [InlineData("HybridRegistration", "identity.hybrid-activation-api",
        "Error: creating SSM Activation: operation error SSM: CreateActivation, https response error StatusCode: 400, RequestID: 0f1e2d3c, api error ValidationException: Nonexistent role or missing ssm service principal in trust policy: arn:aws:iam::123456789012:role/x\n")]
    [InlineData("ProxyMisconfiguration", "windows.proxy-settings",
        "2024-06-11 08:00:00 WARN [ssm-agent-worker] SetProxySettings invalid URL or host for no_proxy: parse \"http://*.corp.example\": invalid character \"*\" in host name\n")]
    public void A_family_entry_is_classified_by_its_rule(string category, string ruleId, string line)
    {
        var (issues, entries) = Scan(line);

        var issue = Assert.Single(issues);
        Assert.Equal(category, issue.Category);
        Assert.Equal(ruleId, Assert.Single(entries).RuleId);
        Assert.StartsWith("https://docs.aws.amazon.com/", issue.HelpUri, System.StringComparison.Ordinal);
    }

    [Fact]
    public void No_identity_at_start_names_the_metadata_failure_before_it_as_its_likely_cause()
    {
        var (_, entries) = Scan(
            "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [EC2Identity] Failed to get instance info from IMDS. Err: failed to get identity region. Error: EC2MetadataRequestError: failed to get EC2 instance identity document\n" +
            "caused by: RequestError: send request failed\n" +
            "caused by: Get \"http://169.254.169.254/latest/dynamic/instance-identity/document\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\n" +
            "2024-06-11 08:00:01 ERROR [amazon-ssm-agent] Agent failed to assume any identity\n");

        var symptom = Assert.Single(entries, e => e.RuleId == "identity.none-assumed");
        Assert.Equal("NoCredentials", symptom.Category);
        Assert.Equal("ImdsUnreachable", symptom.LikelyCause);
    }

    [Fact]
    public void Paused_Run_Command_polling_names_the_error_before_it_as_its_likely_cause()
    {
        var (_, entries) = Scan(
            AgentLogSamples.ByCategory["IamAccessDenied"] +
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [MessageService] [MDSInteractor] MDSInteractor stopped temporarily due to internal failure. We will retry automatically after 15 minutes\n");

        var symptom = Assert.Single(entries, e => e.RuleId == "messaging.mds-polling-paused");
        Assert.Equal("IamAccessDenied", symptom.LikelyCause);
    }

    [Fact]
    public void A_control_channel_timeout_counts_only_when_sessions_fail_in_the_same_log()
    {
        const string Timeout = "2024-06-11 08:00:00 WARN [ssm-agent-worker] [MessageService] [MGSInteractor] I/O timeout. Error: read tcp 10.0.1.15:50134->52.46.200.123:443: i/o timeout\n";

        Assert.Empty(Scan(Timeout, new LogScanOptions { IncludeUnclassified = true }).Issues);

        var (issues, entries) = Scan(Timeout + AgentLogSamples.ByCategory["SessionManager"]);
        Assert.Equal("SessionManager", Assert.Single(issues).Category);
        Assert.Contains(entries, e => e.RuleId == "messaging.websocket-dropped");
    }

    [Theory]
    [InlineData("2024-06-11 08:00:00 WARN [ssm-agent-worker] [MessageService] [MDSInteractor] Server terminated MDS long poll connection after 25.3 seconds\n")]
    [InlineData("2024-06-11 08:00:00 WARN [ssm-agent-worker] [MessageService] [MGSInteractor] dropping message 4d0d6b1e-7c2a-4f7e-9a51-2b5c0d8e1f3a because of error code DuplicateCommand\n")]
    [InlineData("2024-06-11 08:00:00 WARN [amazon-ssm-agent] [CredentialRefresher] Could not read InstanceFingerprint file: InstanceFingerprint does not exist\n")]
    public void Normal_messaging_and_identity_noise_stays_quiet(string line)
    {
        var (issues, entries) = Scan(line, new LogScanOptions { IncludeUnclassified = true });

        Assert.Empty(issues);
        Assert.Empty(entries);
    }
}
