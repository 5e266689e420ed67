namespace SsmTroubleshoot.Benchmarks;

/// <summary>The agent lines the log benchmarks' generated logs are made of (also read by the engine tests).</summary>
internal static class GeneratedLogLines
{
    /// <summary>The routine lines of a healthy node, most of the generated log (a catalog test holds the INFO/DEBUG ones free of low-level signatures).</summary>
    internal static readonly string[] Routine =
    {
        "INFO [ssm-agent-worker] [HealthCheck] HealthCheck reporting agent health.",
        "INFO [ssm-agent-worker] [MessageService] [Association] Schedule manager refreshed with 0 associations, 0 new associations associated",
        "INFO [ssm-agent-worker] [MessageService] [MGSInteractor] send failed reply thread started",
        "INFO [ssm-agent-worker] [MessageService] [MGSInteractor] send failed reply thread done",
        "INFO [ssm-agent-worker] [LongRunningPluginsManager] There are no long running plugins currently getting executed - skipping their healthcheck",
        "DEBUG [ssm-agent-worker] [MessageService] [MGSInteractor] Received message of type agent_job, MessageId {0}",
        "DEBUG [ssm-agent-worker] [MessageService] [MessageHandler] Processing message {0} for instance {1}",
        "INFO [ssm-agent-worker] [MessageService] [MGSInteractor] received message through control channel {0}",
        "INFO [ssm-agent-worker] [MessageService] [MGSInteractor] Opening websocket connection to: wss://ssmmessages.us-east-1.amazonaws.com/v1/control-channel/{1}?role=subscribe&stream=input",
        "DEBUG [ssm-agent-worker] [CredentialRefresher] Credentials will expire at 2024-06-11 13:42:05 +0000 UTC, next refresh in 5h39m",
        "INFO [ssm-document-worker] [{0}] [aws:runShellScript] Running plugin aws:runShellScript",
        "INFO [ssm-document-worker] [{0}] [aws:runShellScript] Run command completed with exit code 0",
        "DEBUG [ssm-agent-worker] [MessageService] [Association] Next association {0} scheduled in 29m59s",
        "WARN [ssm-agent-worker] [MessageService] [MGSInteractor] Reach the retry limit 5 for receive messages. Error: websocket: close 1006 (abnormal closure): unexpected EOF",
        "INFO [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to close websocket: tls: failed to send closeNotify alert (but connection was closed anyway): write tcp 10.0.1.15:50134->52.46.200.123:443: write: broken pipe",
        "DEBUG [ssm-agent-worker] [MessageService] [MessageHandler] inventory plugin AWS:Application collected 412 items in 1.2s",
    };

    // Written once per agent start: rare, but they carry words the rules look for.
    internal static readonly string[] RareBenign =
    {
        "INFO [ssm-agent-worker] Proxy environment variables: https_proxy=http://10.0.0.5:3128 http_proxy= no_proxy=169.254.169.254",
        "ERROR Error occurred fetching the seelog config file path:  open /etc/amazon/ssm/seelog.xml: no such file or directory",
        "INFO [ssm-agent-worker] [MessageService] [MGSInteractor] Starting receiving message from control channel",
        "INFO [instanceID={1}] Successfully loaded platform independent plugin aws:runShellScript",
    };

    internal static readonly string[] Problems =
    {
        "ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\ncaused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 52.46.141.158:443: i/o timeout",
        "ERROR Health ping failed with error - RequestError: send request failed\ncaused by: Post \"https://ssm.eu-west-1.amazonaws.com/\": dial tcp: lookup ssm.eu-west-1.amazonaws.com on 10.0.0.2:53: no such host",
        "ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/AppServerRole/{1} is not authorized to perform: ssm:UpdateInstanceInformation on resource: arn:aws:ec2:us-east-1:123456789012:instance/{1}\n\tstatus code: 400, request id: {0}",
        "ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - ThrottlingException: Rate exceeded\n\tstatus code: 400, request id: {0}",
        "ERROR Health ping failed with error - EC2RoleRequestError: no EC2 instance role found\ncaused by: EC2MetadataError: failed to make EC2Metadata request\n\tstatus code: 404, request id:",
        "INFO Entering SSM Agent hibernate - Failed to fetch instance ID. Data from vault is empty. RequestError: send request failed\ncaused by: Get \"http://169.254.169.254/latest/meta-data/instance-id\": dial tcp 169.254.169.254:80: i/o timeout",
        "ERROR [ssm-agent-worker] [MessagingDeliveryService] error when calling AWS APIs. error details - GetMessages Error: RequestError: send request failed\ncaused by: Post \"https://ec2messages.us-east-1.amazonaws.com/\": x509: certificate signed by unknown authority",
        "ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to create channel: open /var/lib/amazon/ssm/{1}/session/orchestration: too many open files",
        "ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - InvalidSignatureException: Signature expired: 20240611T072100Z is now earlier than 20240611T074600Z (20240611T075100Z - 5 min.)\n\tstatus code: 400, request id: {0}",
        "INFO Backing off health check to every 600 seconds for 1800 seconds.",
    };
}
