using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>The session worker and S3/KMS families (session.json, s3kms.json) on entries as the agent writes them.</summary>
public sealed class Family_Session_Tests
{
    private const string Worker = "[ssm-session-worker] [alice-0a1b2c3d4e5f67890]";

    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, LogScanOptions? options = null) => LogScan.Text(text, options);

    public static IEnumerable<object[]> Entries() => new[]
    {
        // The node's role cannot use the KMS key of the session preferences: the handshake fails on the agent side.
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Encountered error while initiating handshake. Fetching data key failed: Unable to retrieve data key, " +
            "Error when decrypting data key DisabledException: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is disabled.\n" +
            "\tstatus code: 400, request id: 6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b\n",
            "S3OrKms", "s3kms.session-kms-key",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Validation failed, err: Couldn't start the session because we are unable to validate encryption on Amazon S3 bucket. " +
            "Error: ServerSideEncryptionConfigurationNotFoundError: The server side encryption configuration was not found\n\tstatus code: 404, request id: 8C3A1F0E2B7D9A11\n",
            "S3OrKms", "s3kms.bucket-encryption-required",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR [ssm-document-worker] [4a7e1b2c-3d4e-5f60-7a8b-9c0d1e2f3a4b] Failed uploading /var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/" +
            "4a7e1b2c-3d4e-5f60-7a8b-9c0d1e2f3a4b/awsrunShellScript/0.awsrunShellScript/stdout to s3://acme-run-output/out/stdout err:AccessControlListNotSupported: The bucket does not allow ACLs\n" +
            "\tstatus code: 400, request id: 1B2C3D4E5F6A7B8C\n",
            "S3OrKms", "s3kms.upload-failed",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Unable to start command: failed to start pty since RunAs user dbadmin does not exist\n",
            "SessionManager", "session.runas-user",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Unable to start command: Failed to start pty: open /dev/ptmx: no such file or directory\n",
            "SessionManager", "session.shell-start-failed",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Unable to start command: Failed to parse commands input: EOF found when expecting closing quote\n",
            "SessionManager", "session.command-input-invalid",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Validation failed, err: We couldn't start the session because encryption is not set up on the selected CloudWatch Logs log group. " +
            "Either encrypt the log group or choose an option to enable logging without encryption.\n",
            "SessionManager", "session.logging-validation-failed",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " unable to generate log data: Failed to generate transcript with the following errors:\n" +
            "exec: \"script\": executable file not found in $PATH: \nexec: \"script\": executable file not found in $PATH:\n",
            "SessionManager", "session.logging-incomplete",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " Failed to read from port: read tcp 127.0.0.1:52344->127.0.0.1:22: read: connection reset by peer\n",
            "SessionManager", "session.port-forwarding-target",
        },
        new object[]
        {
            "2024-06-11 08:00:00 ERROR " + Worker + " failed to create channel: mkdir /var/lib/amazon/ssm/i-0123456789abcdef0/channels/alice-0a1b2c3d4e5f67890: read-only file system\n",
            "AgentStartup", "session.worker-ipc-failed",
        },
        new object[]
        {
            "2024-06-11 08:00:00 DEBUG " + Worker + " Reconnecting datachannel: alice-0a1b2c3d4e5f67890\n",
            "SessionManager", "session.data-channel-reconnect",
        },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void A_session_or_S3_KMS_entry_gets_its_rule(string line, string category, string ruleId)
    {
        var (issues, entries) = Scan(line);

        Assert.Equal(category, Assert.Single(issues).Category);
        Assert.Equal(ruleId, Assert.Single(entries).RuleId);
    }

    [Fact]
    public void A_dropped_session_stream_names_the_earlier_network_failure_as_its_likely_cause()
    {
        var (issues, _) = Scan(
            "2024-06-11 07:59:00 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] error when calling AWS APIs. error details - RequestError: send request failed\n" +
            "caused by: Post \"https://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/alice-0a1b2c3d4e5f67890\": dial tcp 52.46.141.158:443: i/o timeout\n" +
            "2024-06-11 08:00:00 ERROR " + Worker + " Error sending stream data message websocket: close sent\n");

        var dropped = Assert.Single(issues, i => i.RuleId == "session.stream-interrupted");
        Assert.Equal("EndpointUnreachable", dropped.LikelyCause);
    }

    [Theory]
    [InlineData("2024-06-11 08:00:00 ERROR " + Worker + " pty process: 31337 exited unsuccessfully, error message: exit status 130\n")]
    [InlineData("2024-06-11 08:00:00 WARN " + Worker + " Signed HeadBucket request failed, continuing to fallback logic\n")]
    [InlineData("2024-06-11 08:00:00 ERROR " + Worker + " received error when waiting for command to complete: exit status 2\n")]
    [InlineData("2024-06-11 08:00:00 WARN " + Worker + " Overriding SessionLogsDestination: \"none\" since logging session data to CloudWatch or S3 is enabled.\n")]
    public void Session_noise_and_the_users_own_command_results_stay_quiet(string line)
    {
        var (issues, entries) = Scan(line, new LogScanOptions { IncludeUnclassified = true });

        Assert.Empty(issues);
        Assert.Empty(entries);
    }
}
