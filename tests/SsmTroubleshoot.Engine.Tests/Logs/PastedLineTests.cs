using System;
using System.Globalization;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// What people paste besides the agent's own log: lines cut short by a terminal, systemd's word on the agent's unit,
/// the client's side of an offline node, a Windows error in the system's language, an updater error printed bare
/// into a command's output.
/// </summary>
public sealed class PastedLineTests
{
    [Theory]
    // The cause is cut off, but what is left is a transport failure: Go's url.Error (`Post "<url>": …`) and dial errors
    // are only ever made by a failed connection, never by an API error answer.
    [InlineData("EndpointUnreachable", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [MessagingDeliveryService] error when calling AWS APIs. error details - GetMessages Error: RequestError: send request failed caused by: Post \"https://ec2messages.us-east-1.amazonaws.com/\": dial tcp 10.1.2.3:443: connect: connection timed o\u2026")]
    [InlineData("EndpointUnreachable", "2024-03-01 10:00:00 ERROR [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\ncaused by: Post \"https://ssm.us-east-1.amazonaws.com/\": net/http: TLS handsh>")]
    // A name lookup that failed, however the line ends ("lookup <name> on <resolver>:53" only appears in failures).
    [InlineData("DnsResolution", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - UpdateInstanceInformation Error: RequestError: send request failed caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp: lookup ssm.us-east-1.amazonaws.com on 10.0.0.2:53: no such h\u2026")]
    [InlineData("ImdsUnreachable", "2024-03-01 10:00:00 ERROR [EC2Identity] RequestError: send request failed\ncaused by: Put \"http://169.254.169.254/latest/api/token\": dial tcp 169.254.169.254:80: conn>")]
    // Windows in another language words the socket error itself; the dial to the endpoint's port says enough.
    [InlineData("EndpointUnreachable", "2021-05-10 10:00:00 ERROR [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\ncaused by: Post \"https://ssm.ap-northeast-1.amazonaws.com/\": dial tcp 52.119.161.5:443: connectex: \u63a5\u7d9a\u6e08\u307f\u306e\u547c\u3073\u51fa\u3057\u5148\u304c\u4e00\u5b9a\u306e\u6642\u9593\u3092\u904e\u304e\u3066\u3082\u6b63\u3057\u304f\u5fdc\u7b54\u3057\u307e\u305b\u3093\u3067\u3057\u305f")]
    [InlineData("ImdsUnreachable", "2021-05-10 10:00:00 ERROR [EC2Identity] failed to get identity instance id. Error: EC2MetadataError: failed to make EC2Metadata request caused by: Get \"http://169.254.169.254/latest/meta-data/instance-id\": dial tcp 169.254.169.254:80: connectex: Eine Verbindung konnte nicht hergestellt werden")]
    // The credential refresher's back-off is still one when its last word is cut.
    [InlineData("NoCredentials", "Nov 23 03:36:18 ip-172-31-6-74 amazon-ssm-agent[1098]: 2023-11-23 03:36:18 INFO [CredentialRefresher] Sleeping for 5h4m32s before retrying retrieve c>")]
    // The S3 helper's source location names the family when the message itself is cut.
    [InlineData("S3OrKms", "2020-10-09 10:27:19 ERROR [S3Upload @ s3util.go.108] [ssm-session-worker] [s-0959abc60267189e0] [DataBackend] [pluginName=Standard_Stream] Attempt 4: Failed uploading /var/lib/amazon/ssm/i-0123456789abcdef0/session/orch>")]
    public void A_line_cut_short_keeps_the_cause_that_is_left(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // The agent's own data folder refusing it is a start-up problem, whatever the step was; a user's file is the document's.
    [InlineData("AgentStartup", "2023-01-01 10:00:00 ERROR [ssm-agent-worker] failed to create directory C:\\ProgramData\\Amazon\\SSM\\InstanceData\\i-0123456789abcdef0\\document\\orchestration: Access is denied.")]
    [InlineData("AgentStartup", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] Error reading IPC file: open /var/lib/amazon/ssm/i-0123456789abcdef0/channels/abc: permission denied")]
    [InlineData("DocumentPlugin", "2024-03-01 10:00:00 ERROR [ssm-document-worker] [aws:runShellScript] failed to run commands: open /home/ec2-user/script.sh: permission denied")]
    public void A_permission_error_is_judged_by_whose_folder_it_is(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Fact]
    public void The_api_name_UpdateInstanceInformation_is_not_an_agent_update()
    {
        // Before: the generic update keyword rule took "Update…" in the API's name for an agent update.
        var text = "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - UpdateInstanceInformation Error: something new";
        Assert.NotEqual("AgentUpdate", LogScan.FirstCategory(text));
        Assert.Equal("AgentUpdate", LogScan.FirstCategory("2024-03-01 10:00:00 ERROR [ssm-agent-worker] failed to update the agent: something new"));
    }

    [Theory]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=1/FAILURE")]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Failed with result 'exit-code'.")]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: snap.amazon-ssm-agent.amazon-ssm-agent.service: Main process exited, code=killed, status=9/KILL")]
    [InlineData("2023-10-12T13:49:56+0000 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Start request repeated too quickly.")]
    [InlineData("Failed to start amazon-ssm-agent.service: Unit amazon-ssm-agent.service not found.")]
    [InlineData("The Amazon SSM Agent service terminated unexpectedly.  It has done this 1 time(s).")]
    public void The_service_manager_reporting_the_agent_unit_failed_is_an_agent_start_problem(string text) =>
        Assert.Equal("AgentStartup", LogScan.FirstCategory(text));

    [Theory]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: Started amazon-ssm-agent.")]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: Stopped amazon-ssm-agent.")]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=0/SUCCESS")]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Deactivated successfully.")]
    [InlineData("Oct 12 13:49:56 ip-10-0-1-2 systemd[1]: cron.service: Main process exited, code=exited, status=1/FAILURE")]
    [InlineData("SessionId: bob-0123456789abcdef0 : Your session timed out due to inactivity and has been terminated.")]
    public void Routine_systemd_lines_other_units_and_an_idle_session_end_stay_quiet(string text) =>
        Assert.Null(LogScan.FirstCategory(text, new LogScanOptions { IncludeUnclassified = true }));

    [Fact]
    public void A_systemd_line_about_the_agent_starts_its_own_entry_and_names_the_failure_before_it()
    {
        var (issues, entries) = LogScan.Text(
            "Oct 12 13:49:56 ip-10-0-1-2 amazon-ssm-agent[1860]: 2020-10-12 13:49:56 ERROR Health ping failed with error - RequestError: send request failed\n" +
            "Oct 12 13:49:56 ip-10-0-1-2 amazon-ssm-agent[1860]: caused by: Post \"https://ssm.eu-west-1.amazonaws.com/\": dial tcp: lookup ssm.eu-west-1.amazonaws.com: no such host\n" +
            "Oct 12 13:49:57 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=2/INVALIDARGUMENT\n");
        Assert.Equal(2, entries.Count);
        Assert.Contains("no such host", entries[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("systemd", entries[0].Message, StringComparison.Ordinal);
        var exit = Assert.Single(issues, i => i.Category == "AgentStartup");
        Assert.Equal("DnsResolution", exit.LikelyCause);
    }

    [Fact]
    public void Aws_logs_tail_output_is_read_after_the_stream_name()
    {
        // `aws logs tail` prints "<time> <log stream> <line>": a stream with a '/' is no host name, and a stream named after
        // the instance is followed by the agent's own header. Before, both read as syslog lines of another process.
        var (issues, entries) = LogScan.Text(
            "2026-03-20T01:50:29.440000+00:00 ecs/restore/b757ae895f3b fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden\n" +
            "2026-03-20T01:51:02.120000+00:00 i-0123456789abcdef0 2026-03-20 01:51:02 INFO [ssm-agent-worker] Starting Core Agent\n" +
            "2026-03-20T01:51:05.300000+00:00 i-0123456789abcdef0 2026-03-20 01:51:05 ERROR [HealthCheck] error when calling AWS APIs. error details - NoCredentialProviders: no valid providers in chain\n");
        Assert.Equal(new[] { "NoCredentials", "S3OrKms" }, issues.Select(i => i.Category).OrderBy(c => c, StringComparer.Ordinal).ToArray());
        Assert.Contains(entries, e => e.Category == "NoCredentials" && e.Level == AgentLogLevel.Error && e.Component == "HealthCheck"
            && e.Timestamp == new DateTime(2026, 3, 20, 1, 51, 5, DateTimeKind.Unspecified));

        // Each event of a stream is a record of its own, not a continuation of the line above it.
        var (events, _) = LogScan.Text(
            "\"StatusDetails\": \"DeliveryTimedOut\",\n" +
            "2026-03-20T01:50:29.440000+00:00 ecs/restore/b757ae895f3b fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden\n" +
            "2026-03-20T01:50:31.010000+00:00 ecs/restore/b757ae895f3b Error: getaddrinfo ENOTFOUND ssm.us-east-1.amazonaws.com\n");
        Assert.Equal(new[] { "DnsResolution", "NoCredentials", "S3OrKms" }, events.Select(i => i.Category).OrderBy(c => c, StringComparer.Ordinal).ToArray());

        // A syslog line of another process keeps being left out.
        Assert.Empty(LogScan.Text("2026-05-27T15:45:49.179296+00:00 ip-10-0-1-2 cron[812]: (root) CMD (run-parts /etc/cron.hourly): error\n").Issues);
    }

    [Theory]
    // The journal's short time has no year: the agent entry before it gives one, the next one after a new year.
    [InlineData("Dec 31 23:59:58 ip-10-0-1-2 amazon-ssm-agent[1860]: 2023-12-31 23:59:58 ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\nJan  1 00:00:03 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=1/FAILURE", "2024-01-01T00:00:03")]
    [InlineData("Jun  3 10:00:00 ip-10-0-1-2 amazon-ssm-agent[1860]: 2021-06-03 10:00:00 ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\nJun  3 10:00:05 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=1/FAILURE", "2021-06-03T10:00:05")]
    // /var/log/syslog on newer Ubuntu writes an RFC 3339 time: taken as written.
    [InlineData("2026-05-27T15:45:49.179296+00:00 ip-10-0-1-2 systemd[1]: snap.amazon-ssm-agent.amazon-ssm-agent.service: Main process exited, code=killed, status=9/KILL", "2026-05-27T15:45:49")]
    public void A_systemd_entry_carries_the_journals_time(string text, string expected)
    {
        var (_, entries) = LogScan.Text(text + "\n");
        var exit = Assert.Single(entries, e => e.Category == "AgentStartup");
        Assert.Equal(DateTime.Parse(expected, CultureInfo.InvariantCulture), exit.Timestamp);
        Assert.StartsWith("amazon-ssm-agent.service", exit.Message.Replace("snap.amazon-ssm-agent.", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_window_leaves_out_an_old_systemd_line_and_keeps_a_recent_one()
    {
        var text =
            "Mar  1 10:00:00 ip-10-0-1-2 amazon-ssm-agent[1860]: 2024-03-01 10:00:00 INFO Agent will take identity from EC2\n" +
            "Mar  1 10:00:05 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=1/FAILURE\n" +
            "Mar  2 09:00:00 ip-10-0-1-2 amazon-ssm-agent[1860]: 2024-03-02 09:00:00 INFO Agent will take identity from EC2\n" +
            "Mar  2 09:00:05 ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Failed with result 'exit-code'.\n";
        var (_, entries) = LogScan.Text(text, new LogScanOptions { Since = new DateTime(2024, 3, 2, 0, 0, 0) });
        var kept = Assert.Single(entries);
        Assert.Equal(new DateTime(2024, 3, 2, 9, 0, 5), kept.Timestamp);
    }

    [Fact]
    public void Without_an_agent_entry_before_it_a_short_journal_time_is_the_latest_such_date_not_in_the_future()
    {
        var now = DateTime.Now;
        var earlier = now.AddDays(-2);
        var journalTime = earlier.ToString("MMM ", CultureInfo.InvariantCulture) + earlier.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
            + earlier.ToString(" HH:mm:ss", CultureInfo.InvariantCulture);
        var (_, entries) = LogScan.Text(journalTime + " ip-10-0-1-2 systemd[1]: amazon-ssm-agent.service: Start request repeated too quickly.\n");
        Assert.Equal(new DateTime(earlier.Year, earlier.Month, earlier.Day, earlier.Hour, earlier.Minute, earlier.Second), Assert.Single(entries).Timestamp);
    }

    [Theory]
    [InlineData("An error occurred (TargetNotConnected) when calling the StartSession operation: i-0123456789abcdef0 is not connected.", "session.target-not-connected")]
    [InlineData("An error occurred (TargetNotConnectedException) when calling the ExecuteCommand operation: The execution failed due to an internal error. Try again later.", "session.target-not-connected")]
    [InlineData("SessionManagerPlugin is not found. Please refer to SessionManager Documentation here: http://docs.aws.amazon.com/console/systems-manager/session-manager-plugin-not-found", "session.client-plugin-missing")]
    // The console's words for the same offline node (before: "register itself" read as a hybrid registration problem).
    [InlineData("SSM Agent is not online. The SSM Agent was unable to connect to a Systems Manager endpoint to register itself with the service.", "session.target-not-connected")]
    [InlineData("We weren't able to connect to your instance. Common reasons for this include: SSM Agent isn't installed on the instance. The required IAM instance profile isn't attached to the instance.", "session.target-not-connected")]
    [InlineData("The version of SSM Agent on the instance supports Session Manager, but the instance is not configured for use with AWS Systems Manager.", "session.target-not-connected")]
    // ECS Exec's word for a task whose Session Manager agent is not running (before: read as a document plugin failure).
    [InlineData("An error occurred (InvalidParameterException) when calling the ExecuteCommand operation: The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. Wait and try the command again or run a new task with execute command enabled and try again.", "session.target-not-connected")]
    // The same, copied from a web page that turned the apostrophe into a typographic one.
    [InlineData("An error occurred (InvalidParameterException) when calling the ExecuteCommand operation: The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running.", "session.target-not-connected")]
    // Any other ECS Exec refusal is the client's side of a session that cannot start.
    [InlineData("An error occurred (ClusterNotFoundException) when calling the ExecuteCommand operation: Cluster not found.", "session.client-failed")]
    // The local end of an SSH-over-SSM or port-forwarding tunnel with nothing behind it.
    [InlineData("kex_exchange_identification: Connection closed by remote host", "session.local-tunnel")]
    [InlineData("Connection closed by UNKNOWN port 65535", "session.local-tunnel")]
    [InlineData("2020/06/17 17:46:24 packer-builder-amazon-ebs plugin: [DEBUG] TCP connection to SSH ip/port failed: dial tcp 127.0.0.1:8819: connect: connection refused", "session.local-tunnel")]
    [InlineData("OSError: session-manager-plugin not found", "session.client-plugin-missing")]
    [InlineData("/bin/sh: 1: session-manager-plugin: not found", "session.client-plugin-missing")]
    // Ansible's aws_ssm connection (community.aws / amazon.aws): the plugin missing, and a session that never answered.
    [InlineData("fatal: [i-0abc]: FAILED! => {\"msg\": \"failed to find the executable specified /usr/local/bin/session-manager-plugin.\"}", "session.client-plugin-missing")]
    [InlineData("fatal: [web]: UNREACHABLE! => {\"changed\": false, \"msg\": \"SSM exec_command timeout on host: i-0123456789abcdef0\", \"unreachable\": true}", "session.client-failed")]
    public void The_clients_side_of_a_session_that_cannot_start_is_named(string text, string ruleId)
    {
        var (issues, entries) = LogScan.Text(text + "\n");
        Assert.Equal("SessionManager", Assert.Single(issues).Category);
        Assert.Equal(ruleId, Assert.Single(entries).RuleId);
    }

    [Theory]
    // What the clients and tools around the agent print, named by the cause it shows.
    // The console's second sentence alone speaks only of the endpoint: the node could not reach Systems Manager.
    [InlineData("EndpointUnreachable", "The SSM Agent was unable to connect to a Systems Manager endpoint to register itself with the service.")]
    // A loopback address behind an AWS endpoint's name (a hosts-file entry) is still the endpoint; so is .NET's wording.
    [InlineData("EndpointUnreachable", "Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 127.0.0.1:443: connect: connection refused")]
    [InlineData("EndpointUnreachable", "Invoke-PatchBaselineOperation : The underlying connection was closed: An unexpected error occurred on a send.")]
    [InlineData("EndpointUnreachable", "Exception calling \"DownloadFile\" with \"2\" argument(s): \"Unable to connect to the remote server\"")]
    // AWSSupport-TroubleshootManagedInstance's route check.
    [InlineData("EndpointUnreachable", "- [WARNING] No route found for 0.0.0.0/0. Internet access is required to connect to the public Systems Manager endpoint.")]
    // Windows' .NET DNS and TLS errors, a proxy on loopback, and the runbook's instance profile check.
    [InlineData("DnsResolution", "The remote name could not be resolved: 'ssm.eu-west-1.amazonaws.com'")]
    [InlineData("ProxyTls", "Invoke-WebRequest : The request was aborted: Could not create SSL/TLS secure channel.")]
    [InlineData("ProxyMisconfiguration", "proxyconnect tcp: dial tcp 127.0.0.1:3128: connect: connection refused")]
    [InlineData("NoCredentials", "- [ERROR] No EC2 instance IAM profile attached to the instance: 'i-078f9468a15e81c8d'.")]
    [InlineData("NoCredentials", "ERROR: no IAM profile associated with the instance")]
    // Systems Manager refusing a request before it reaches the node, as the AWS CLI and SDK v2 print the error code.
    [InlineData("DocumentPlugin", "An error occurred (UnsupportedPlatformType) when calling the SendCommand operation: The document AWS-RunPowerShellScript is not supported for Linux instances")]
    [InlineData("DocumentPlugin", "An error occurred (InvalidParameters) when calling the SendCommand operation: document AWS-RunShellScript does not support parameters.")]
    [InlineData("DocumentPlugin", "An error occurred (AssociationAlreadyExists) when calling the CreateAssociation operation: The association already exists.")]
    [InlineData("DocumentPlugin", "An error occurred (AutomationDefinitionNotFoundException) when calling the StartAutomationExecution operation: Document with name AWSSupport-Foo does not exist")]
    [InlineData("DocumentPlugin", "operation error SSM: SendCommand, https response error StatusCode: 400, RequestID: 7c1d, api error InvalidTarget: Targets must be specified")]
    [InlineData("S3OrKms", "An error occurred (InvalidOutputFolder) when calling the SendCommand operation:")]
    // A tool naming the call and the bare error code, and a line cut before "is not authorized".
    [InlineData("DocumentPlugin", "Error while calling ssm:SendCommand: UnsupportedPlatformType")]
    [InlineData("DocumentPlugin", "Error while calling ssm:StartAutomationExecution: AutomationDefinitionNotFound\n")]
    [InlineData("IamAccessDenied", "...not authorized to perform: ssm:StartSession on resource: arn:aws:ec2:us-east-1:111122223333:instance/i-0abc")]
    // The same service message wrapped or spaced by whoever pasted it.
    [InlineData("ClockSkew", "panic: InvalidSignatureException: Signature not  yet current: 20240101T120500Z is still later than 20240101T120000Z")]
    [InlineData("SessionManager", "We couldn't start the session because encryption is not set up on the selected\nCloudWatch Logs log group. Either encrypt the log group or choose an option to enable logging without encryption.")]
    [InlineData("S3OrKms", "We couldn't start the session because encryption is not set up on the selected Amazon\nS3 bucket.")]
    // Distributor's own error for a package with no build for the node's platform; an IDE that cannot install the
    // Session Manager plugin; a Java SSH client over a ProxyCommand that hears nothing back.
    [InlineData("DocumentPlugin", "error: failed to find platform: no manifest found for platform: amazon, version 2023, architecture arm64")]
    [InlineData("SessionManager", "WARN - OpenShellInContainerDialog - Failed to start interactive shell\n    java.lang.IllegalStateException: Failed to install AWS Session Manager Plugin")]
    [InlineData("SessionManager", "WARN - #c.i.s.i.s.sshj - Received end of connection, but no identification received.")]
    // Enabling the agent's unit fails (cfn-init's services section, systemctl by hand).
    [InlineData("AgentStartup", "[ERROR] chkconfig failed with error 1. Output: Note: Forwarding request to 'systemctl enable amazon-ssm-agent.service'.\nFailed to execute operation: File exists")]
    [InlineData("AgentStartup", "$ sudo systemctl enable amazon-ssm-agent\nFailed to execute operation: Access denied")]
    // The .NET SDK's credential chain ending at the metadata service with no role to give; a log collector's own
    // fields between the host and the agent's syslog tag.
    [InlineData("NoCredentials", "Amazon.Runtime.AmazonServiceException: Unable to get IAM security credentials from EC2 Instance Metadata Service.")]
    [InlineData("NoCredentials", "Unable to get EC2 instance role from EC2 Instance Metadata Service.")]
    [InlineData("NoCredentials", "2025-02-03T10:11:12.123+00:00 db-loader-1     !INFO | amazon-ssm-agent.amazon-ssm-agent[812]: 2025-02-03 10:11:12 WARN EC2RoleProvider Failed to connect to Systems Manager with instance profile role credentials. Err: retrieved credentials failed to report to ssm. Error: EC2RoleRequestError: no EC2 instance role found")]
    // cfn-init's services section, systemd cancelling the start job, and an error word before the metadata address.
    [InlineData("AgentStartup", "2023-03-01 10:00:00,123 [ERROR] Could not start service amazon-ssm-agent; return code was 1")]
    [InlineData("AgentStartup", "Job for amazon-ssm-agent.service canceled.")]
    [InlineData("ImdsUnreachable", "dial tcp: connect: network is unreachable 169.254.169.254")]
    // amazon-ecs-exec-checker finding neither a task role nor an instance role.
    [InlineData("NoCredentials", "  EC2 or Task Role       | Not Configured")]
    // S3's words for a malformed or foreign-partition token, an ExpiredToken line cut before the operation, an object in
    // an opt-in Region read through another Region's endpoint, and a toolkit's list of denied actions.
    [InlineData("CredentialsExpired", "An error occurred (InvalidToken) when calling the GetObject operation: The provided token is malformed or otherwise invalid.")]
    [InlineData("CredentialsExpired", "Failed when deleting stack demo with error An error occurred (ExpiredToken)")]
    [InlineData("S3OrKms", "An error occurred (IllegalLocationConstraintException) when calling the GetObject operation: The me-south-1 location constraint is incompatible for the region specific endpoint this request was sent to.")]
    [InlineData("IamAccessDenied", "[ERROR]: aws.ecs.openTaskInTerminal: Error: Insufficient permissions to execute command. [MissingPermissions] (deniedActions: ssmmessages:CreateControlChannel,ssmmessages:OpenDataChannel)")]
    // The metadata service refusing the IMDSv2 token outright (turned off): the CloudWatch agent says so at info.
    [InlineData("ImdsUnreachable", "2024/05/02 09:12:44 I! WARN: failed to get session token, falling back to IMDSv1: 403 Forbidden: Forbidden")]
    [InlineData("S3OrKms", "An error occurred (AuthorizationHeaderMalformed) when calling the PutObject operation: the region 'us-east-1' is wrong; expecting 'eu-west-1'")]
    [InlineData("S3OrKms", "An error occurred (InvalidKeyId) when calling the Decrypt operation: arn:aws:kms:us-east-1:123456789012:key/1234 is disabled.")]
    [InlineData("Throttling", "An error occurred (TooManyUpdates) when calling the UpdateInstanceInformation operation: Too many updates")]
    [InlineData("S3OrKms", "<Message>Error parsing the X-Amz-Credential parameter; the region 'us-west-2' is wrong; expecting 'us-east-1'</Message>")]
    [InlineData("S3OrKms", "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.")]
    // A node that is not an online managed node: most often no instance profile; a hybrid node's is its registration.
    [InlineData("NoCredentials", "An error occurred (InvalidInstanceId) when calling the SendCommand operation: Instances [[i-0abc1234def567890]] not in a valid state for account 123456789012")]
    [InlineData("NoCredentials", "operation error SSM: SendCommand, https response error StatusCode: 400, RequestID: 9ea1, InvalidInstanceId: Instances [[i-0629883c23865f080]] not in a valid state for account 123456789012")]
    [InlineData("NoCredentials", "Step timed out while step is verifying the SSM Agent availability on the target instance(s). SSM Agent on Instances: [i-0abc1234def567890] are not functioning. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.")]
    [InlineData("HybridRegistration", "An error occurred (InvalidInstanceId) when calling the SendCommand operation: Instances [[mi-0123456789abcdef0]] not in a valid state for account 123456789012")]
    // Automation's own words for a failed step, and the document and package errors around Run Command.
    [InlineData("DocumentPlugin", "Step fails when it is Execute/Cancelling action. Property value 'False' from the API output is not in the desired values. Desired values: ['True'].. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.")]
    [InlineData("DocumentPlugin", "SSM execution '9ace18ad-a601-4163-a66a-9a4a634e5294' failed with status = 'TimedOut' in state = 'BUILDING'")]
    [InlineData("DocumentPlugin", "Invalid document: ASR-EnableDeliveryLoggingForSNSTopic")]
    [InlineData("IamAccessDenied", "The provided role: arn:aws:iam::123456789012:role/Scheduler-AutomationExecutionRole can't be assumed. (Service: null; Status Code: 0; Error Code: null; Request ID: null; Proxy: null)")]
    [InlineData("DocumentPlugin", "install errors: failed to run commands: exit status 1")]
    [InlineData("DocumentPlugin", "Exception: Failed to execute distributor package. Failed steps: ['ExecuteDistributorPackageLinux'] check the step's logs for more details")]
    [InlineData("ImdsUnreachable", "2022/05/18 12:06:46 E! ec2metadata is not available")]
    // Errors of the caller's own credentials keep their root cause whatever the operation.
    [InlineData("CredentialsExpired", "An error occurred (ExpiredTokenException) when calling the SendCommand operation: The security token included in the request is expired")]
    // The same errors as AWS.Tools for PowerShell prints them: the cmdlet, a colon, the service's message; the error
    // record's FullyQualifiedErrorId names the error code as an exception type.
    [InlineData("NoCredentials", "Send-SSMCommand : Instances [[i-0abc1234def567890]] not in a valid state for account 123456789012")]
    [InlineData("HybridRegistration", "Send-SSMCommand : Instances [[mi-0123456789abcdef0]] not in a valid state for account 123456789012")]
    [InlineData("NoCredentials", "    + FullyQualifiedErrorId : Amazon.SimpleSystemsManagement.Model.InvalidInstanceIdException,Amazon.PowerShell.Cmdlets.SSM.SendSSMCommandCmdlet")]
    [InlineData("DocumentPlugin", "    + FullyQualifiedErrorId : Amazon.SimpleSystemsManagement.Model.UnsupportedPlatformTypeException,Amazon.PowerShell.Cmdlets.SSM.SendSSMCommandCmdlet")]
    [InlineData("SessionManager", "Start-SSMSession : i-0abc1234def567890 is not connected.")]
    [InlineData("HybridRegistration", "New-SSMActivation : Nonexistent role or missing ssm service principal in trust policy: arn:aws:iam::123456789012:role/SSMServiceRole")]
    [InlineData("IamAccessDenied", "Send-SSMCommand : User: arn:aws:iam::123456789012:user/ops is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-0abc1234def567890")]
    [InlineData("DocumentPlugin", "At C:\\ProgramData\\Amazon\\SSM\\InstanceData\\i-0abc1234def567890\\document\\orchestration\\1f2e\\awsrunPowerShellScript\\0.awsrunPowerShellScript\\_script.ps1:124 char:5")]
    // Access denied: an ECS Exec refusal, and the IAM policy simulator's verdict on the agent's actions (amazon-ecs-exec-checker,
    // simulate-principal-policy).
    [InlineData("IamAccessDenied", "An error occurred (AccessDeniedException) when calling the ExecuteCommand operation: User: arn:aws:sts::123456789012:assumed-role/dev/x is not authorized to perform: ecs:ExecuteCommand")]
    [InlineData("IamAccessDenied", "     ssmmessages:CreateControlChannel: implicitDeny")]
    [InlineData("IamAccessDenied", "\"EvalActionName\": \"ssm:UpdateInstanceInformation\", \"EvalDecision\": \"explicitDeny\"")]
    // The Java and JavaScript SDKs' words for the same network failures (tools and Lambda functions around Systems Manager).
    [InlineData("EndpointUnreachable", "Unable to execute HTTP request: Connect to ssm.us-east-1.amazonaws.com:443 [ssm.us-east-1.amazonaws.com/52.46.1.1] failed: connect timed out")]
    [InlineData("EndpointUnreachable", "Error: connect ETIMEDOUT 52.46.1.1:443")]
    [InlineData("DnsResolution", "Error: getaddrinfo ENOTFOUND ssm.us-east-1.amazonaws.com")]
    [InlineData("ProxyTls", "Unable to execute HTTP request: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target")]
    [InlineData("ProxyTls", "Error: self signed certificate in certificate chain")]
    [InlineData("ProxyTls", "Error: unable to get local issuer certificate")]
    // The service's error codes (the SDK's exception list), in each SDK's form: InvalidInstanceId from a call that
    // targets a node means it is not an online managed node; PutInventory's own codes are the inventory upload's.
    [InlineData("NoCredentials", "An error occurred (InvalidInstanceId) when calling the SendCommand operation: ")]
    [InlineData("NoCredentials", "operation error SSM: StartAutomationExecution, https response error StatusCode: 400, RequestID: 9ea1cda8, InvalidInstanceId: ")]
    [InlineData("NoCredentials", "Amazon.SimpleSystemsManagement.Model.InvalidInstanceIdException: Exception of type 'Amazon.SimpleSystemsManagement.Model.InvalidInstanceIdException' was thrown.")]
    [InlineData("NoCredentials", "com.amazonaws.services.simplesystemsmanagement.model.InvalidInstanceIdException: null (Service: AWSSimpleSystemsManagement; Status Code: 400; Error Code: InvalidInstanceId; Request ID: 5a7e)")]
    [InlineData("NoCredentials", "InvalidInstanceId: \n\tstatus code: 400, request id: 5a7e")]
    [InlineData("DocumentPlugin", "An error occurred (AutomationDefinitionNotApprovedException) when calling the StartAutomationExecution operation: The runbook version is not approved.")]
    [InlineData("DocumentPlugin", "An error occurred (InvalidTargetMaps) when calling the StartChangeRequestExecution operation: Target maps are invalid.")]
    [InlineData("DocumentPlugin", "software.amazon.awssdk.services.ssm.model.NoLongerSupportedException: The document is no longer supported (Service: Ssm, Status Code: 400, Request ID: 5a7e)")]
    [InlineData("DocumentPlugin", "InvalidParameters: document AWS-RunRemoteScript does not support parameters.\n\tstatus code: 400, request id: 5a7e")]
    [InlineData("DocumentPlugin", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] error when calling AWS APIs. error details - ItemSizeLimitExceededException: The inventory item size has exceeded the size limit.")]
    // Run Command's documented statuses: Undeliverable and Delivery Timed Out never reached the node; the others ran.
    [InlineData("NoCredentials", "\"StatusDetails\": \"Undeliverable\",")]
    [InlineData("NoCredentials", "i-0123456789abcdef0   AWS-RunShellScript   DeliveryTimedOut")]
    [InlineData("DocumentPlugin", "StatusDetails : ExecutionTimedOut")]
    [InlineData("DocumentPlugin", "\"StatusDetails\": \"InvalidPlatform\",")]
    [InlineData("DocumentPlugin", "\"AutomationExecutionStatus\": \"TimedOut\",")]
    // S3 refusing a script's or the agent's transfer; the IAM message names any service's action, iam:PassRole too.
    [InlineData("S3OrKms", "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden")]
    [InlineData("S3OrKms", "upload failed: ./out.txt to s3://amzn-s3-demo-bucket/out.txt An error occurred (AccessDenied) when calling the PutObject operation: Access Denied")]
    [InlineData("IamAccessDenied", "An error occurred (AccessDeniedException) when calling the StartAutomationExecution operation: User: arn:aws:iam::123456789012:user/ops is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/AutomationRole")]
    [InlineData("IamAccessDenied", "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::123456789012:assumed-role/ops/i-0123456789abcdef0 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/Target")]
    // Dual-stack endpoints (*.api.aws), IAM's message as the documentation contracts it, an instance profile that is not
    // there, the service's words for parameters a document does not declare, maintenance window task roles, ssm-user
    // missing where the shell looks it up, Go's word for the plugin binary missing, Image Builder's failed step.
    [InlineData("DnsResolution", "Error: getaddrinfo ENOTFOUND ssm.eu-west-1.api.aws")]
    [InlineData("EndpointUnreachable", "Post \"https://ssm.eu-west-1.api.aws/\": dial tcp 10.0.0.9:443: i/o timeout")]
    [InlineData("IamAccessDenied", "User: arn:aws:iam::123456789012:user/ops isn't authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0")]
    [InlineData("NoCredentials", "An error occurred (NoSuchEntity) when calling the AddRoleToInstanceProfile operation: Instance Profile SSMInstanceProfile does not exist.")]
    [InlineData("NoCredentials", "An error occurred (InvalidParameterValue) when calling the RunInstances operation: Value (ssm-profile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name")]
    [InlineData("DocumentPlugin", "Send-SSMCommand: document AWS-RunShellScript does not support parameters.")]
    [InlineData("DocumentPlugin", "The following SSM parameters are invalid: commandz")]
    [InlineData("IamAccessDenied", "The provided role does not contain the correct SSM permissions.")]
    [InlineData("SessionManager", "sudo: No passwd entry for user 'ssm-user'")]
    [InlineData("SessionManager", "==> amazon-ebs.ubuntu: exec: \"session-manager-plugin\": executable file not found in $PATH")]
    [InlineData("DocumentPlugin", "Action failed for step BuildComponents. Failing step")]
    // A redacted instance id still names an offline target; bracketed-paste escapes garble what a tool captured from a
    // session shell; CloudFormation's word on a Systems Manager resource that failed.
    [InlineData("SessionManager", "An error occurred (TargetNotConnected) when calling the StartSession operation: i-xxxxxxxx is not connected.")]
    [InlineData("SessionManager", "<i-0123456789abcdef0> SSM RETRY: stdout '\\x1b[?2004h[ssm-user@ip-10-0-0-1 ~]$ '")]
    [InlineData("SessionManager", "EXEC: mkdir -p '/home/ssm-user/.ansible/tmp/%1B%5B%3F2004l'")]
    [InlineData("DocumentPlugin", "Resource handler returned message: \"Error occurred during operation 'UpdateAssociation'.\" (RequestToken: abc, HandlerErrorCode: GeneralServiceException)")]
    [InlineData("DocumentPlugin", "The following resource(s) failed to create: [SSMAutomationWait].")]
    // The agent's own health report refused for a field it filled in from the host; Image Builder's word on the Automation
    // it waited for; ssh over a Session Manager ProxyCommand losing its stream; IAM Identity Center refusing a role.
    [InlineData("AgentStartup", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - InvalidParameter: 1 validation error(s) found.\n- minimum field size of 1, UpdateInstanceInformationInput.IPAddress.")]
    [InlineData("DocumentPlugin", "Error occurred during operation 'SSM execution 'abc-123' failed for image arn: 'arn:aws:imagebuilder:eu-west-1:123456789012:image/web/1.0.0/1' with status = 'Failed' in state 'BUILDING''")]
    [InlineData("SessionManager", "ssh_dispatch_run_fatal: Connection to UNKNOWN port 65535: Broken pipe")]
    [InlineData("IamAccessDenied", "An error occurred (ForbiddenException) when calling the GetRoleCredentials operation: No access")]
    // amazon-ecs-exec-checker's failing rows; STS refusing AssumeRole; a service that cannot assume its role; IMDS's own
    // answer for a missing profile; the hop limit in a metadata reader's words; botocore's certificate wording; the
    // console's word on a node Session Manager cannot use.
    [InlineData("SessionManager", "🔴 Exec Enabled for Task   | NO")]
    [InlineData("SessionManager", "     1. STOPPED (Reason: null) for \"web\" - LastStartedAt: null")]
    [InlineData("IamAccessDenied", "🔴 Task Role Permissions   | ssmmessages:OpenDataChannel: implicitDeny")]
    [InlineData("IamAccessDenied", "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity")]
    [InlineData("IamAccessDenied", "Service is unable to assume role arn:aws:iam::123456789012:role/SyncRole. Please verify role's TrustPolicy.")]
    [InlineData("NoCredentials", "{ \"Code\" : \"InstanceProfileNotFound\", \"Message\" : \"Instance Profile with id AIPA0000000000000000 not found\" }")]
    [InlineData("ImdsUnreachable", "E! [outputs.cloudwatch] ec2metadata: please increase the hop limit to 2 for containers")]
    [InlineData("ProxyTls", "SSL validation failed for https://ssm.us-east-1.amazonaws.com/ [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")]
    [InlineData("SessionManager", "The instance you selected isn’t configured to use Session Manager.")]
    // The console's reason list, Image Builder's workflow wording, Automation's FailureMessage field, expired temporary
    // credentials in a tool's own words.
    [InlineData("AgentStartup", "SSM Agent isn't installed on the instance.")]
    [InlineData("DocumentPlugin", "Error occurred during operation 'Workflow Execution ID: 'wf-0123' failed with reason: Step timed out'.")]
    [InlineData("DocumentPlugin", "\"FailureMessage\": \"Step fails when it is Execute script. Traceback (most recent call last)\",")]
    [InlineData("CredentialsExpired", "error: the temporary credentials have expired, run aws sso login")]
    // A redacted account id in the role's ARN.
    [InlineData("IamAccessDenied", "The provided role: arn:aws:iam::<account-id>:role/AutomationRole can't be assumed. (Service: null; Status Code: 0)")]
    // Python's own words (urllib3, dnspython) for a lookup or an AWS endpoint that failed, and GetCommandInvocation's
    // error field with the agent's failure text.
    [InlineData("DnsResolution", "botocore.exceptions.EndpointConnectionError: urllib3.exceptions.NameResolutionError: Failed to resolve 'ssm.us-east-1.amazonaws.com'")]
    [InlineData("DnsResolution", "dns.resolver.LifetimeTimeout: The resolution lifetime expired after 5.005 seconds: Server Do53:10.0.0.2@53 answered The DNS operation timed out.")]
    [InlineData("EndpointUnreachable", "ReadTimeoutError: HTTPSConnectionPool(host='ssm.eu-west-1.amazonaws.com', port=443): Read timed out. (read timeout=60)")]
    [InlineData("DocumentPlugin", "\"StandardErrorContent\": \"deploy.sh: missing config\\nfailed to run commands: exit status 2\",")]
    public void What_clients_and_tools_around_the_agent_print_is_named_by_its_cause(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // A caller's own mistakes with the API and an installer's routine noise say nothing about a node.
    [InlineData("botocore.errorfactory.InvalidPluginName: An error occurred (InvalidPluginName) when calling the GetCommandInvocation operation")]
    [InlineData("install errors: debconf: unable to initialize frontend: Dialog")]
    [InlineData("botocore.exceptions.ParamValidationError: Parameter validation failed: Unknown parameter in input: \"DocumentNam\", must be one of: InstanceIds, Targets, DocumentName")]
    [InlineData("> snapd[852]: storehelpers.go:557: cannot refresh snap \"amazon-ssm-agent\": snap has no updates available")]
    // Looking up what does not exist (yet) is the caller's side too, whichever SDK says it.
    [InlineData("An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation: ")]
    [InlineData("An error occurred (InvalidInstanceId) when calling the GetCommandInvocation operation: ")]
    [InlineData("An error occurred (InvalidInstanceInformationFilterValue) when calling the DescribeInstanceInformation operation: ")]
    [InlineData("\"Status\": \"Success\", \"StatusDetails\": \"Success\",")]
    // A session transcript of a newer image records the shell's bracketed-paste codes; only a tool's garbled capture is a problem.
    [InlineData("{ \"eventVersion\": \"1.0\", \"target\": { \"id\": \"i-0123456789abcdef0\" }, \"sessionData\": [ \"\\u001b[?2004h[ssm-user@ip-10-0-0-1 ~]$ ls\" ] }")]
    // A hyphenated script name is not a registration.
    [InlineData("ERROR: failed to run ./register-targets.sh")]
    // ec2-macos-init waiting for the metadata service at boot, before it gives up.
    [InlineData("2022/07/15 13:41:37.811484 Unable to get instance ID - IMDS may not be available yet...retrying every 1s [0/600]")]
    [InlineData("\"FailureMessage\": null,")]
    public void Caller_mistakes_and_installer_noise_stay_quiet(string text) => Assert.Null(LogScan.FirstCategory(text));

    [Theory]
    // Error texts of the updater and the setup tool, as the Run Command output shows them: no timestamp, no level.
    [InlineData("AgentUpdate", "updating amazon-ssm-agent to an older version, please enable allow downgrade to proceed")]
    [InlineData("AgentUpdate", "before downgrading to 3.0.1479.0, first downgrade to any version from 3.1.821.0 to 3.2.923.0")]
    [InlineData("AgentUpdate", "another update is in progress, please retry later")]
    [InlineData("AgentUpdate", "Another update in progress, try again later")]
    [InlineData("AgentUpdate", "gpg verify: command timed out")]
    [InlineData("AgentUpdate", "dpkg: error processing package amazon-ssm-agent (--configure):")]
    [InlineData("HybridRegistration", "failed to register agent: InvalidActivation: Activation ID is not valid")]
    public void Updater_errors_printed_bare_are_named(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // The other agents Systems Manager installs and runs on a node (CodeDeploy's, written in Ruby; the CloudWatch agent)
    // meet the same metadata service, network, TLS and IAM: their words for it, and the headers they put before them.
    [InlineData("ProxyTls", "2019-05-01T15:12:31 ERROR [codedeploy-agent(696)]: Error during perform: Seahorse::Client::NetworkingError - SSL_connect returned=1 errno=0 state=error: certificate verify failed")]
    [InlineData("ProxyTls", "2021-12-03T17:51:38.123+00:00 ERROR x509: certificate signed by unknown authority")]
    [InlineData("NoCredentials", "2018-08-09T19:09:06+0000 [ERROR] Unable to register as a container instance with ECS: NoCredentialProviders: no valid providers in chain")]
    [InlineData("EndpointUnreachable", "2019-05-01 15:12:31 ERROR [codedeploy-agent(696)]: CodeDeploy Instance Agent Service: error during start or run: Net::OpenTimeout - execution expired")]
    [InlineData("EndpointUnreachable", "Error during perform: Errno::EHOSTUNREACH - No route to host - connect(2) for \"codedeploy-commands.us-east-1.amazonaws.com\" port 443")]
    [InlineData("DnsResolution", "error during start or run: SocketError - getaddrinfo: Name or service not known")]
    [InlineData("ProxyTls", "Error validating the SSL configuration: Invalid server certificate")]
    [InlineData("ProxyTls", "fatal: [web1]: FAILED! => {\"changed\": false, \"msg\": \"Failed to validate the SSL certificate for s3.amazonaws.com:443. Make sure your managed systems have a valid CA certificate installed.\"}")]
    [InlineData("ImdsUnreachable", "E! ec2tagger: Unable to retrieve InstanceId. This plugin must only be used on an EC2 instance")]
    [InlineData("ImdsUnreachable", "Core/MetaDataClient.cpp:47:Failed to get resource information: latest/meta-data/instance-id from EC2 meta data client service with HttpResponseError: 400")]
    [InlineData("DocumentPlugin", "2024/01/01 00:00:00 E! Error in retrieving parameter store content: ParameterNotFound: ")]
    // curl's own line ("curl: (N) …") by its exit code, as the download scripts' reports are read.
    [InlineData("ProxyTls", "curl: (35) error:0607B0C8:digital envelope routines:EVP_CipherInit_ex:disabled for FIPS")]
    [InlineData("EndpointUnreachable", "curl: (28) Operation timed out after 300000 milliseconds with 0 out of 0 bytes received")]
    // A full disk in df's own table; CloudTrail's and Cloud Control's refusals; Inspector's unmanaged node; S3's and
    // the activation API's messages on their own; the rpm database locked by another run while the agent installs.
    [InlineData("DiskSpace", "Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   50G   50G   20K 100% /")]
    // A df table pasted under an error line joins its entry; the error's own cause still comes first.
    [InlineData("ProxyTls", "2019-05-01T15:12:40 ERROR [codedeploy-agent(696)]: Error during perform: Seahorse::Client::NetworkingError - SSL_connect returned=1 errno=0 state=error: certificate verify failed\nFilesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   50G   50G   20K 100% /")]
    [InlineData("IamAccessDenied", "    \"errorCode\": \"AccessDenied\",")]
    [InlineData("IamAccessDenied", "Waiting for Cloud Control API service CreateResource operation completion returned: waiter state transitioned to FAILED. StatusMessage: Access denied for operation 'AWS::SSM::Document'.. ErrorCode: AccessDenied")]
    [InlineData("NoCredentials", "statusReason: \"UNMANAGED_EC2_INSTANCE\"")]
    [InlineData("HybridRegistration", "Nonexistent role or missing ssm service principal")]
    [InlineData("S3OrKms", "The eu-south-1 location constraint is incompatible for the region specific endpoint this request was sent to.")]
    [InlineData("AgentUpdate", "RPM: error: can't create transaction lock on /var/lib/rpm/.rpm.lock (Resource temporarily unavailable)")]
    [InlineData("S3OrKms", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")]
    // Keys that do not exist or do not sign right, in the AWS CLI's and boto3's form and as the bare message (the Go
    // SDK's "InvalidAccessKeyId: " form was already read).
    [InlineData("CredentialsExpired", "An error occurred (InvalidAccessKeyId) when calling the ListObjectsV2 operation: The AWS Access Key Id you provided does not exist in our records.")]
    [InlineData("CredentialsExpired", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")]
    // An older ECS agent words its execute-command agent with spaces.
    [InlineData("SessionManager", "\"reason\": \"Execute Command Agent Initialization failed - could not find certs required for exec agent\",")]
    // A script's file name is not an install action: the run failed.
    [InlineData("DocumentPlugin", "/tmp/installTeleport.sh: line 33: VERSION_CODENAME: unbound variable\nfailed to run commands: exit status 1")]
    public void The_other_agents_on_the_node_and_their_tools_are_named_by_cause(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // Snaps' squashfs mounts are always full; a disk with room is none; another process's journal line with an ISO time
    // and an ISO-stamped routine INFO line stay quiet.
    [InlineData("/dev/loop0       56M   56M     0 100% /snap/core18/2128")]
    [InlineData("/dev/xvda1      8.0G  1.6G  6.5G  20% /")]
    [InlineData("2024-01-01T12:00:00+0000 ip-10-0-0-1 systemd[1]: Started Session 5 of user ec2-user.")]
    [InlineData("2019-05-01T15:12:31 INFO [codedeploy-agent(696)]: Version file found in /opt/codedeploy-agent/.version")]
    // A hyphenated tool's name in a path is no update (update-motd, update-ca-trust).
    [InlineData("type=AVC msg=audit(1668427770.222:1028): avc: denied { open } for pid=13500 comm=\"sshd\" path=\"/var/lib/update-motd/motd\" dev=\"nvme0n1p1\" ino=3171672 scontext=system_u:system_r:sshd_t:s0-s0:c0.c1023 tcontext=system_u:object_r:tmp_t:s0 tclass=file permissive=0")]
    // An application's own Ruby connection error to a local service says nothing about the node's way to AWS.
    [InlineData("Errno::ECONNREFUSED (Connection refused - connect(2) for \"127.0.0.1\" port 6379)")]
    public void Full_snaps_roomy_disks_and_routine_iso_stamped_lines_stay_quiet(string text) => Assert.Null(LogScan.FirstCategory(text));
}
