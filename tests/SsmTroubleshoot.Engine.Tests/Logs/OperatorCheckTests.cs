using System;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// What operators paste from the checks they run on a node: the agent's own <c>ssm-cli get-diagnostics</c> (table and
/// JSON), the connectivity checks the AWS troubleshooting pages ask for, the Session Manager plugin's output on the
/// client, the AWS SDK for Go v2's IMDS client, and the service manager refusing to start the agent.
/// </summary>
public sealed class OperatorCheckTests
{
    private const string Bar = "\u2502";

    private static string Row(string check, string status, string note) =>
        $"{Bar} {check.PadRight(37)} {Bar} {status.PadRight(7)} {Bar} {note.PadRight(67)} {Bar}";

    [Theory]
    // Every note a get-diagnostics check writes with status Failed (agent/cli/diagnostics of amazon-ssm-agent 3.3.1142.0,
    // Apache-2.0), filled in the way the agent fills it. Each as a table row, and as the Note line of the JSON alone.
    [InlineData("EC2 IMDS", "instance id request timeout", "ImdsUnreachable")]
    [InlineData("EC2 IMDS", "region request timeout", "ImdsUnreachable")]
    [InlineData("EC2 IMDS", "IMDS request timeout", "ImdsUnreachable")]
    [InlineData("EC2 IMDS", "Failed to query IMDS: failed to query instance id from IMDS: EC2MetadataError: failed to make EC2Metadata request", "ImdsUnreachable")]
    [InlineData("Connectivity to ssm endpoint", "ssm.us-east-1.amazonaws.com is not reachable: dial tcp 52.46.145.233:443: i/o timeout", "EndpointUnreachable")]
    [InlineData("Connectivity to ec2messages endpoint", "connection timed out for ec2messages.us-east-1.amazonaws.com", "EndpointUnreachable")]
    [InlineData("Connectivity to ssmmessages endpoint", "ssmmessages.us-east-1.amazonaws.com is not reachable: dial tcp: lookup ssmmessages.us-east-1.amazonaws.com: no such host", "DnsResolution")]
    [InlineData("Connectivity to ssmmessages endpoint", "Failed to initialize proxy client: failed to connect to http proxy with status code 407", "ProxyMisconfiguration")]
    [InlineData("Connectivity to s3 endpoint", "Unable to fetch AWS region details", "ImdsUnreachable")]
    [InlineData("AWS Credentials", "No credentials available", "NoCredentials")]
    [InlineData("AWS Credentials", "Failed to initialize aws session: MissingRegion: could not find region configuration", "NoCredentials")]
    [InlineData("AWS Credentials", "STS call timed out", "EndpointUnreachable")]
    [InlineData("AWS Credentials", "EC2RoleRequestError: no EC2 instance role found", "NoCredentials")]
    [InlineData("AWS Credentials", "Failed call sts endpoint: InvalidClientTokenId: The security token included in the request is invalid.", "CredentialsExpired")]
    [InlineData("AWS Credentials", "Credentials are for arn:aws:sts::123456789012:assumed-role/NodeRole/i-0123456789abcdef0 but failed to get credentials expiration: not supported", "NoCredentials")]
    [InlineData("Agent service", "Agent is installed as snap service but is not running", "AgentStartup")]
    [InlineData("Agent service", "Agent is installed as a systemctl service but is not running", "AgentStartup")]
    [InlineData("Agent service", "Agent is installed as a upstart service but is not running", "AgentStartup")]
    [InlineData("Agent service", "Unexpected exit code from systemctl status: 4", "AgentStartup")]
    [InlineData("Agent service", "Command timeout when requesting systemctl status", "AgentStartup")]
    [InlineData("Agent service", "Unexpected error from upstart status: exit status 1", "AgentStartup")]
    [InlineData("Agent service", "Received unexpected output from upstart: amazon-ssm-agent stop/waiting", "AgentStartup")]
    [InlineData("Agent service", "Unable to find ssm agent on this instance", "AgentStartup")]
    [InlineData("Agent service", "Agent service is running but failed to get user: user: unknown userid 0", "AgentStartup")]
    [InlineData("Agent service", "Agent service is running but agent is running as ssm-user instead of expected user root", "AgentStartup")]
    [InlineData("Agent service", "Failed to connect to window service manager: Access is denied.", "AgentStartup")]
    [InlineData("Agent service", "Failed to open the agent service: The specified service does not exist as an installed service.", "AgentStartup")]
    [InlineData("Agent service", "Failed to query the agent service status: Access is denied.", "AgentStartup")]
    [InlineData("Agent service", "Agent service is not running, state is: Stopped", "AgentStartup")]
    [InlineData("Windows sysprep image state", "Couldn't find registry key for ImageState", "AgentStartup")]
    [InlineData("Windows sysprep image state", "Error while trying to obtain setupKey from registry: The system cannot find the file specified.", "AgentStartup")]
    [InlineData("Windows sysprep image state", "Windows image state should be IMAGE_STATE_COMPLETE but it is IMAGE_STATE_UNDEPLOYABLE", "AgentStartup")]
    public void Every_failed_get_diagnostics_check_is_named(string check, string note, string category)
    {
        Assert.Equal(category, LogScan.FirstCategory(Row(check, "Failed", note)));
        Assert.Equal(category, LogScan.FirstCategory($"      \"Note\": \"{note}\""));
    }

    [Theory]
    [InlineData("EC2 IMDS", "Success", "IMDS is accessible and has instance id i-0123456789abcdef0 in Region us-east-1")]
    [InlineData("Hybrid instance registration", "Skipped", "Instance does not have hybrid registration")]
    [InlineData("Connectivity to ssm endpoint", "Success", "ssm.us-east-1.amazonaws.com is reachable")]
    [InlineData("AWS Credentials", "Success", "Credentials are for arn:aws:sts::123456789012:assumed-role/NodeRole/i-0123456789abcdef0 and will expire at 2024-03-01 16:00:00 +0000 UTC")]
    [InlineData("Agent service", "Success", "Agent service is running and is running as expected user")]
    [InlineData("Proxy configuration", "Success", "Detected proxy configuration: https_proxy: http://10.0.0.9:3128 no_proxy: 169.254.169.254")]
    [InlineData("Proxy configuration", "Skipped", "No proxy configuration detected")]
    [InlineData("Windows sysprep image state", "Success", "Windows image state value is at desired value IMAGE_STATE_COMPLETE")]
    [InlineData("SSM Agent version", "Success", "SSM Agent version is 3.2.582.0, latest agent version in us-east-1 is 3.3.1142.0")]
    public void Checks_that_passed_or_do_not_apply_stay_quiet(string check, string status, string note) =>
        Assert.Null(LogScan.FirstCategory(Row(check, status, note), new LogScanOptions { IncludeUnclassified = true }));

    [Fact]
    public void A_pasted_table_gives_each_failed_check_its_own_entry_even_when_a_note_wraps()
    {
        var rule = "\u251c" + new string('\u2500', 39) + "\u253c" + new string('\u2500', 9) + "\u253c" + new string('\u2500', 69) + "\u2524";
        var text = string.Join('\n',
            "[root@ip-10-0-1-5 ~]# ssm-cli get-diagnostics --output table",
            Row("Check", "Status", "Note"),
            rule,
            Row("EC2 IMDS", "Success", "IMDS is accessible and has instance id i-0123456789abcdef0 in"),
            Row(string.Empty, string.Empty, "Region us-east-1"),
            rule,
            Row("Connectivity to ssm endpoint", "Success", "ssm.us-east-1.amazonaws.com is reachable"),
            rule,
            Row("Connectivity to ssmmessages endpoint", "Failed", "ssmmessages.us-east-1.amazonaws.com is not reachable: dial tcp"),
            Row(string.Empty, string.Empty, "10.0.2.15:443: i/o timeout"),
            rule,
            Row("AWS Credentials", "Failed", "No credentials available"),
            rule,
            Row("Agent service", "Failed", "Agent is installed as a systemctl service but is not running"),
            rule) + "\n";

        var (issues, entries) = LogScan.Text(text);

        Assert.Equal(["EndpointUnreachable", "NoCredentials", "AgentStartup"], entries.Select(e => e.Category).ToArray());
        Assert.Equal([9L, 12L, 14L], entries.Select(e => e.LineNumber).ToArray());
        Assert.Contains("10.0.2.15:443: i/o timeout", entries[0].Message, StringComparison.Ordinal);
        Assert.Equal(3, issues.Count);
    }

    [Fact]
    public void The_json_output_gives_each_failed_check_its_own_entry()
    {
        static string Check(string name, string status, string note) =>
            $"    {{\n      \"Check\": \"{name}\",\n      \"Status\": \"{status}\",\n      \"Note\": \"{note}\"\n    }}";
        var text = "{\n  \"DiagnosticsOutput\": [\n" + string.Join(",\n",
            Check("EC2 IMDS", "Failed", "IMDS request timeout"),
            Check("Hybrid instance registration", "Skipped", "Instance does not have hybrid registration"),
            Check("Connectivity to ssm endpoint", "Failed", "connection timed out for ssm.eu-west-1.amazonaws.com"),
            Check("Proxy configuration", "Success", "Detected proxy configuration: https_proxy: http://10.0.0.9:3128"),
            Check("Agent service", "Failed", "Agent service is not running, state is: Stopped")) + "\n  ]\n}\n";

        var (_, entries) = LogScan.Text(text);

        Assert.Equal(["ImdsUnreachable", "EndpointUnreachable", "AgentStartup"], entries.Select(e => e.Category).ToArray());
    }

    [Theory]
    // The connectivity checks the knowledge-center and troubleshooting pages ask for, in each tool's own words.
    [InlineData("EndpointUnreachable", "curl: (28) Failed to connect to ssm.us-east-1.amazonaws.com port 443 after 129318 ms: Connection timed out")]
    [InlineData("EndpointUnreachable", "curl: (7) Failed to connect to ec2messages.eu-west-1.amazonaws.com port 443: No route to host")]
    [InlineData("EndpointUnreachable", "nc: connect to ssm.eu-west-1.amazonaws.com port 443 (tcp) failed: Connection timed out")]
    [InlineData("EndpointUnreachable", "nc: connect to ssmmessages.eu-west-1.amazonaws.com (10.0.2.15) port 443 (tcp) timed out: Operation now in progress")]
    [InlineData("EndpointUnreachable", "telnet: Unable to connect to remote host: Connection timed out")]
    [InlineData("EndpointUnreachable", "WARNING: TCP connect to (52.94.0.1 : 443) failed")]
    [InlineData("EndpointUnreachable", "TcpTestSucceeded : False")]
    [InlineData("ImdsUnreachable", "WARNING: TCP connect to (169.254.169.254 : 80) failed")]
    [InlineData("ImdsUnreachable", "curl: (7) Failed to connect to 169.254.169.254 port 80: Connection refused")]
    [InlineData("ImdsUnreachable", "curl: (28) Failed to connect to 169.254.169.254 port 80 after 1001 ms: Timeout was reached")]
    [InlineData("DnsResolution", "curl: (6) Could not resolve host: ssm.us-east-1.amazonaws.com")]
    [InlineData("DnsResolution", "** server can't find ssm.us-east-1.amazonaws.com: NXDOMAIN")]
    [InlineData("DnsResolution", "*** dc01.corp.example can't find ssmmessages.us-east-1.amazonaws.com: Non-existent domain")]
    [InlineData("DnsResolution", "WARNING: Name resolution of ssm.us-east-1.amazonaws.com failed")]
    [InlineData("DnsResolution", "Resolve-DnsName : ssm.us-east-1.amazonaws.com : DNS name does not exist")]
    [InlineData("DnsResolution", "ping: ssm.us-east-1.amazonaws.com: Name or service not known")]
    [InlineData("DnsResolution", ";; connection timed out; no servers could be reached")]
    [InlineData("ProxyMisconfiguration", "curl: (56) Received HTTP code 407 from proxy after CONNECT")]
    [InlineData("ProxyMisconfiguration", "curl: (5) Could not resolve proxy: proxy.corp.example")]
    // The AWS CLI run on the node (botocore's wordings).
    [InlineData("EndpointUnreachable", "Connect timeout on endpoint URL: \"https://ssm.us-east-1.amazonaws.com/\"")]
    [InlineData("EndpointUnreachable", "botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: \"https://ec2messages.ap-southeast-1.amazonaws.com/\"")]
    [InlineData("EndpointUnreachable", "Read timeout on endpoint URL: \"https://ssm.eu-west-1.amazonaws.com/\"")]
    [InlineData("ProxyMisconfiguration", "Failed to connect to proxy URL: \"http://10.0.0.9:3128\"")]
    [InlineData("NoCredentials", "Unable to locate credentials. You can configure credentials by running \"aws configure\".")]
    [InlineData("NoCredentials", "Error when retrieving credentials from Ec2InstanceMetadata: No credentials found in credential_source referencing Ec2InstanceMetadata.")]
    [InlineData("ProxyTls", "SSL validation failed for https://ssm.us-east-1.amazonaws.com/ [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1129)")]
    [InlineData("ProxyTls", "curl: (60) SSL certificate problem: self-signed certificate in certificate chain")]
    [InlineData("ProxyTls", "Invoke-WebRequest : The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.")]
    public void A_connectivity_check_run_by_hand_is_named(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // The Session Manager plugin's output on the client (aws/session-manager-plugin 1.2.677.0, Apache-2.0).
    [InlineData("SessionManager", "SessionId: bob-0a1b2c3d4e5f6a7b8 : Cannot perform start session: EOF")]
    [InlineData("SessionManager", "Cannot perform start session: read tcp 10.0.0.5:50522->52.46.141.139:443: read: connection reset by peer")]
    [InlineData("SessionManager", "Connection to destination port failed, check SSM Agent logs.")]
    [InlineData("DnsResolution", "Cannot perform start session: dial tcp: lookup ssmmessages.us-east-1.amazonaws.com: no such host")]
    [InlineData("ProxyTls", "Cannot perform start session: x509: certificate signed by unknown authority")]
    // Its own log (session-manager-plugin.log, the agent's line format).
    [InlineData("S3OrKms", "2024-03-01 10:00:00 ERROR Unable to decrypt incoming data payload, MessageType output_stream_data, PayloadType 1, err: cipher: message authentication failed.")]
    [InlineData("SessionManager", "2024-03-01 10:00:00 WARN Message 17 was resent over 3000 times.")]
    [InlineData("SessionManager", "2024-03-01 10:00:00 ERROR Unable to open tcp connection to port. listen tcp 127.0.0.1:8080: bind: address already in use")]
    [InlineData("SessionManager", "2024-03-01 10:00:00 ERROR Unable to process incoming data payload, MessageType output_stream_data, PayloadType HandshakeRequestPayloadType, err: unknown action.")]
    public void The_session_plugins_failures_are_named(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    [InlineData("Starting session with SessionId: bob-0a1b2c3d4e5f6a7b8")]
    [InlineData("Port 8080 opened for sessionId bob-0a1b2c3d4e5f6a7b8.")]
    [InlineData("Waiting for connections...")]
    [InlineData("Connection accepted for session [bob-0a1b2c3d4e5f6a7b8]")]
    [InlineData("Session: bob-0a1b2c3d4e5f6a7b8 timed out.")]
    [InlineData("Exiting session with sessionId: bob-0a1b2c3d4e5f6a7b8.")]
    [InlineData("Terminate signal received, exiting.")]
    [InlineData("2024-03-01 10:00:00 ERROR Could not get size of the terminal: inappropriate ioctl for device, using width 0 height 0")]
    [InlineData("2024-03-01 10:00:00 WARN Setting session type to shell based on PayloadType!")]
    public void The_session_plugins_routine_lines_stay_quiet(string text) =>
        Assert.Null(LogScan.FirstCategory(text, new LogScanOptions { IncludeUnclassified = true }));

    [Theory]
    // The AWS SDK for Go v2's IMDS client words a failure "operation error ec2imds: <operation>, …"; the v1 SDK's is
    // EC2MetadataError. A connection that fails is IMDS; a 404 for the role is the missing instance profile.
    [InlineData("ImdsUnreachable", "operation error ec2imds: GetMetadata, request canceled, context deadline exceeded")]
    [InlineData("ImdsUnreachable", "operation error ec2imds: GetToken, http response error StatusCode: 403, request to EC2 IMDS failed")]
    [InlineData("ImdsUnreachable", "failed to get API token, operation error ec2imds: getToken, http response error StatusCode: 401")]
    [InlineData("ImdsUnreachable", "caused by: EC2MetadataError: failed to make EC2Metadata request")]
    [InlineData("ImdsUnreachable", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] failed to refresh cached credentials, failed to retrieve credentials, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded")]
    [InlineData("NoCredentials", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 404, request to EC2 IMDS failed")]
    [InlineData("NoCredentials", "2020-07-04 01:51:42 ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\ncaused by: EC2MetadataError: failed to make EC2Metadata request\n\tstatus code: 404, request id: ")]
    // The identity rules' own messages keep their category whatever status the SDK error under them shows.
    [InlineData("ImdsUnreachable", "2024-01-01 10:00:00 ERROR Failed to get region with err EC2MetadataError: failed to make EC2Metadata request status code: 404")]
    [InlineData("ImdsUnreachable", "2024-01-01 10:00:00 ERROR [EC2Identity] Failed to get instance info from IMDS. Err: EC2MetadataError: failed to make EC2Metadata request\n\tstatus code: 404, request id: ")]
    public void The_sdks_instance_metadata_failures_are_named(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    [InlineData("Job for amazon-ssm-agent.service failed because the control process exited with error code.")]
    [InlineData("Start-Service : Service 'Amazon SSM Agent (AmazonSSMAgent)' cannot be started due to the following error: Cannot start service AmazonSSMAgent on computer '.'.")]
    [InlineData("Start-Service : Failed to start service 'Amazon SSM Agent (AmazonSSMAgent)'.")]
    [InlineData("Get-Service : Cannot find any service with service name 'AmazonSSMAgent'.")]
    public void The_service_manager_refusing_the_agent_is_a_start_problem(string text) =>
        Assert.Equal("AgentStartup", LogScan.FirstCategory(text));
}
