using System.Collections.Generic;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>Agent log entries as the agent writes them (wording from real agent logs and issue reports).</summary>
internal static class AgentLogSamples
{
    internal const string InstanceId = "i-0123456789abcdef0";

    /// <summary>Category -> one realistic entry (continuation lines included).</summary>
    internal static readonly IReadOnlyDictionary<string, string> ByCategory = new Dictionary<string, string>
    {
        ["ImdsUnreachable"] =
            "2024-06-11 07:42:05.1234 INFO Entering SSM Agent hibernate - Failed to fetch instance ID. Data from vault is empty. RequestError: send request failed\n" +
            "caused by: Get \"http://169.254.169.254/latest/meta-data/instance-id\": dial tcp 169.254.169.254:80: i/o timeout\n",
        ["EndpointUnreachable"] =
            "2024-06-11 07:43:10.5561 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\n" +
            "caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout\n",
        ["DnsResolution"] =
            "2024-06-11 07:44:00.0001 ERROR Health ping failed with error - RequestError: send request failed\n" +
            "caused by: Post \"https://ssm.eu-west-1.amazonaws.com/\": dial tcp: lookup ssm.eu-west-1.amazonaws.com on 10.0.0.2:53: no such host\n",
        ["ProxyTls"] =
            "2024-06-11 07:45:00.0001 ERROR [ssm-agent-worker] [MessagingDeliveryService] error when calling AWS APIs. error details - GetMessages Error: RequestError: send request failed\n" +
            "caused by: Post \"https://ec2messages.us-east-1.amazonaws.com/\": x509: certificate signed by unknown authority\n",
        ["ProxyMisconfiguration"] =
            "2024-06-11 07:46:00.0001 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\n" +
            "caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": proxyconnect tcp: dial tcp 10.0.0.5:3128: connect: connection refused\n",
        ["IamAccessDenied"] =
            "2024-06-11 07:47:00.0001 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/AppServerRole/" + InstanceId +
            " is not authorized to perform: ssm:UpdateInstanceInformation on resource: arn:aws:ec2:us-east-1:123456789012:instance/" + InstanceId + " because no identity-based policy allows the ssm:UpdateInstanceInformation action\n" +
            "\tstatus code: 400, request id: 2a2b9c5e-1f0e-4a53-9b53-7b1d2c3e4f50\n",
        ["NoCredentials"] =
            "2024-06-11 07:48:30 ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\n" +
            "caused by: EC2MetadataError: failed to make EC2Metadata request\n" +
            "\tstatus code: 404, request id:\n",
        ["CredentialsExpired"] =
            "2024-06-11 07:49:00.0001 ERROR [ssm-agent-worker] [MessagingDeliveryService] error when calling AWS APIs. error details - GetMessages Error: ExpiredTokenException: The security token included in the request is expired\n" +
            "\tstatus code: 400, request id: 7c6b1d2e-0f4a-4b5c-8d9e-0a1b2c3d4e5f\n",
        ["Throttling"] =
            "2024-06-11 07:50:00.0001 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - ThrottlingException: Rate exceeded\n" +
            "\tstatus code: 400, request id: 5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b\n",
        ["ClockSkew"] =
            "2024-06-11 07:51:00.0001 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - InvalidSignatureException: Signature expired: 20240611T072100Z is now earlier than 20240611T074600Z (20240611T075100Z - 5 min.)\n" +
            "\tstatus code: 400, request id: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\n",
        ["HybridRegistration"] =
            "2024-06-11 07:52:00 ERROR Registration failed due to error registering the instance with AWS SSM. ActivationExpired: \n" +
            "\tstatus code: 400, request id: 0d3c2b1a-9f8e-4d7c-6b5a-4f3e2d1c0b9a\n",
        ["SessionManager"] =
            "2024-06-11 07:53:00.0001 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to open websocket connection to: wss://ssmmessages.us-east-1.amazonaws.com/v1/control-channel/" + InstanceId + "?role=subscribe&stream=input, error: websocket: bad handshake\n",
        ["AgentUpdate"] =
            "2024-06-11 07:54:00.0001 ERROR [ssm-agent-worker] [Updater] failed to download manifest - failed to download file reliably, https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/ssm-agent-manifest.json\n",
        ["FileDescriptorExhaustion"] =
            "2024-06-11 07:55:00.0001 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to create channel: open /var/lib/amazon/ssm/" + InstanceId + "/session/orchestration: too many open files\n",
        ["S3OrKms"] =
            "2024-06-11 07:56:00.0001 ERROR [ssm-document-worker] [S3Upload] Failed to upload command output to S3 bucket my-output-bucket: AccessDenied: Access Denied\n" +
            "\tstatus code: 403, request id: 9A8B7C6D5E4F3A2B\n",
        ["DocumentPlugin"] =
            "2024-06-11 07:57:00.0001 ERROR [ssm-document-worker] [0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e] [aws:runShellScript] failed to run commands: exit status 127\n",
        ["Hibernation"] =
            "2024-06-11 07:58:00 INFO Backing off health check to every 600 seconds for 1800 seconds.\n",
        ["AgentStartup"] =
            "2024-06-11 07:59:40.0001 ERROR [amazon-ssm-agent] Error occurred when starting amazon-ssm-agent: failed to create IPC folder, mkdir /var/lib/amazon/ssm/ipc: read-only file system\n",
        ["DiskSpace"] =
            "2024-06-11 07:59:30.0001 ERROR [ssm-agent-worker] [MessageService] [MessageHandler] failed to save document state: write /var/lib/amazon/ssm/" + InstanceId + "/document/state/current/abc: no space left on device\n",
    };

    /// <summary>Lines a healthy agent writes: "failed", "proxy", errors that mean nothing. None may be flagged.</summary>
    internal const string Benign =
        "2024-06-11 07:40:00.0001 INFO [ssm-agent-worker] [MessageService] [MGSInteractor] send failed reply thread started\n" +
        "2024-06-11 07:40:00.0002 INFO [ssm-agent-worker] Proxy environment variables: https_proxy=http://10.0.0.5:3128 no_proxy=169.254.169.254,.internal\n" +
        "2024-06-11 07:40:00.0003 INFO [ssm-agent-worker] [HealthCheck] HealthCheck reporting agent health.\n" +
        "2024-06-11 07:40:00.0004 INFO [ssm-agent-worker] [MessageService] [Association] Schedule manager refreshed with 0 associations, 0 new associations associated\n" +
        "2024-06-11 07:40:00.0005 INFO [ssm-agent-worker] [MessageService] [MGSInteractor] Opening websocket connection to: wss://ssmmessages.us-east-1.amazonaws.com/v1/control-channel/" + InstanceId + "?role=subscribe&stream=input\n" +
        "2024-06-11 07:40:00.0007 ERROR Error occurred fetching the seelog config file path:  open /etc/amazon/ssm/seelog.xml: no such file or directory\n" +
        "2024-06-11 07:40:00.0008 WARN [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to close websocket: tls: failed to send closeNotify alert (but connection was closed anyway): write tcp 10.0.1.15:50134->52.46.200.123:443: write: broken pipe\n" +
        "2024-06-11 07:40:00.0009 INFO [ssm-agent-worker] [LongRunningPluginsManager] There are no long running plugins currently getting executed - skipping their healthcheck\n" +
        "2024-06-11 07:40:01.0000 INFO [ssm-agent-worker] [MessageService] [MessageHandler] Failed to process the reply: the document was already processed, ignoring\n" +
        "2024-06-11 07:40:01.0001 DEBUG [ssm-agent-worker] [MessageService] retrying GetMessages after ThrottlingException-free backoff of 0s\n" +
        "2024-06-11 07:40:01.0002 INFO EC2RoleProvider Successfully connected with instance profile role credentials\n";

    /// <summary>Harmless alone (the agent reconnects); evidence when sessions fail in the same log.</summary>
    internal const string WebsocketRetryLimit =
        "2024-06-11 07:40:00.0006 WARN [ssm-agent-worker] [MessageService] [MGSInteractor] Reach the retry limit 5 for receive messages. Error: websocket: close 1006 (abnormal closure): unexpected EOF\n";

    internal const string Unclassified =
        "2024-06-11 07:59:00.0001 ERROR [ssm-agent-worker] [MessageService] Something completely unexpected happened: code 42\n";

    internal const string Journal =
        "-- Logs begin at Tue 2024-06-11 07:00:01 UTC. --\n" +
        "Jun 11 07:42:05 ip-10-0-1-15 amazon-ssm-agent[1234]: 2024-06-11 07:42:05 ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\n" +
        "Jun 11 07:42:05 ip-10-0-1-15 amazon-ssm-agent[1234]: caused by: EC2MetadataError: failed to make EC2Metadata request\n" +
        "Jun 11 07:42:05 ip-10-0-1-15 systemd[1]: Started Session 5 of user root.\n" +
        "Jun 11 07:42:05 ip-10-0-1-15 amazon-ssm-agent[1234]: \tstatus code: 404, request id:\n" +
        "Jun 11 07:43:05 ip-10-0-1-15 systemd[1]: amazon-ssm-agent.service: Failed with result 'exit-code'.\n";
}
