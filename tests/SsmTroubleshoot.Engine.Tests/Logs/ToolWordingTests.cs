using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// What the tools around Systems Manager print, rendered from their own source (format strings and literals read in
/// each repository; the wrapped AWS errors are the ones those code paths receive): ECS Exec's agent, Ansible's aws_ssm
/// connection, Teleport's discovery, community session clients, the CloudWatch agent, and Terraform's resource errors.
/// </summary>
public sealed class ToolWordingTests
{
    [Theory]
    // The ECS agent's execute-command agent (aws/amazon-ecs-agent agent/engine/docker_task_engine.go, execcmd/manager_start.go) and describe-tasks' managed-agent reason.
    [InlineData("SessionManager", "level=error time=2024-05-14T10:23:01Z msg=\"Failed to start ExecCommandAgent Process for container\" task=\"5f1c2a9e8b7d4c3e9a0b1c2d3e4f5a6b\" container=\"app\" error=\"ExecuteCommandAgent process exited with exit code: 1\"")]
    [InlineData("SessionManager", "level=warn time=2024-05-14T10:21:58Z msg=\"Error initializing ExecCommandAgent; proceeding to start container without exec feature\" task=\"5f1c2a9e8b7d4c3e9a0b1c2d3e4f5a6b\" container=\"app\" error=\"could not find certs\"")]
    [InlineData("SessionManager", "\"managedAgents\": [ { \"name\": \"ExecuteCommandAgent\", \"lastStatus\": \"STOPPED\", \"reason\": \"ExecuteCommandAgent Initialization failed - open /managed-agents/execute-command/bin: no such file or directory\" } ]")]
    [InlineData("SessionManager", "level=error time=2024-05-14T11:15:40Z msg=\"Failed to restart ExecCommandAgent Process for container\" task=\"5f1c2a9e8b7d4c3e9a0b1c2d3e4f5a6b\" container=\"app\" dockerId=\"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90\" error=\"ExecuteCommandAgent process exited with exit code: 1\"")]
    [InlineData("SessionManager", "level=warn time=2021-11-03T08:14:20Z msg=\"Exec Agent initialization: no valid versions were found in /var/lib/ecs/deps/execute-command/bin . Continuing to start container without enabling exec feature.\" module=docker_task_engine.go")]
    // The ECS Anywhere install script (aws/amazon-ecs-init scripts/ecs-anywhere-install.sh) fetching and checking the agent package.
    [InlineData("AgentUpdate", "Failed to download https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/latest/debian_amd64/amazon-ssm-agent.deb")]
    [InlineData("AgentUpdate", "amazon-ssm-agent GPG public key fingerprint verification fail. Stop the installation of the amazon-ssm-agent. Please contact AWS Support.")]
    // Ansible's aws_ssm connection (ansible-collections amazon.aws and community.aws): time-outs in every release's words, credentials.
    [InlineData("SessionManager", "fatal: [i-0abc123def4567890]: UNREACHABLE! => {\"changed\": false, \"msg\": \"EXEC_COMMUNICATE command '<BEGIN_MARKER>' timeout on host: i-0abc123def4567890\", \"unreachable\": true}")]
    [InlineData("SessionManager", "fatal: [i-0abc123def4567890]: UNREACHABLE! => {\"changed\": false, \"msg\": \"SSM process closed during _prepare_terminal on host: i-0abc123def4567890\", \"unreachable\": true}")]
    [InlineData("CredentialsExpired", "<i-0abc123def4567890> ssm_retry: attempt: 0, caught exception(An error occurred (ExpiredToken) when calling the GetBucketLocation operation: The provided token has expired.) from cmd (/bin/sh -c 'echo ~ && sleep 0'...), pausing for 0 seconds")]
    [InlineData("S3OrKms", "<i-0abc123def4567890> AWSConnectionRetry: attempt 1/4, caught exception (ClientError: An error occurred (404) when calling the HeadBucket operation: Not Found) from cmd (/bin/sh -c 'echo ~ && sleep 0'...), pausing for 1 seconds")]
    [InlineData("NoCredentials", "fatal: [i-0abc123def4567890]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Couldn't connect to AWS: The config profile (prod-admin) could not be found\", \"unreachable\": true}")]
    // Teleport's EC2 discovery (lib/srv/server/ssm_install.go, lib/usertasks): a node the service does not list, an agent that does not connect.
    [InlineData("NoCredentials", "EC2 Instance is not registered in SSM. Make sure that the instance has AmazonSSMManagedInstanceCore policy assigned.")]
    [InlineData("EndpointUnreachable", "SSM Agent in EC2 Instance is not connecting to SSM Service. Restart or reinstall the SSM service. See https://docs.aws.amazon.com/systems-manager/latest/userguide/ami-preinstalled-agent.html#verify-ssm-agent-status for more details.")]
    [InlineData("EndpointUnreachable", "SSM Agent can't reach the Amazon Systems Manager service")]
    // DescribeInstanceInformation's PingStatus, as JSON and as a table row: the agent stopped talking to the service.
    [InlineData("EndpointUnreachable", "        \"PingStatus\": \"ConnectionLost\",")]
    [InlineData("EndpointUnreachable", "|  i-0abc123def4567890 |  ConnectionLost |  Linux |  Amazon Linux  |  2.3.1319.0 |")]
    // Community session tools (gossm, aws-gate, aws-ssm-tools, sshm, ecsta): the SDKs' words for a sign-in that expired, a profile that does not exist, an MFA refusal.
    [InlineData("CredentialsExpired", "2024/03/26 12:34:56 [ERROR] FAILED. failed to select tasks: operation error ECS: ListTasks, get identity: get credentials: failed to refresh cached credentials, refresh cached SSO token failed, unable to refresh SSO token, operation error SSO OIDC: CreateToken, https response error StatusCode: 400, RequestID: 9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e, InvalidGrantException: ")]
    [InlineData("NoCredentials", "2024/03/26 12:34:56 [ERROR] FAILED. failed to create ecsta application: failed to get shared config profile, prod")]
    [InlineData("HybridRegistration", "2024/05/14 10:21:33 BadRequest: Enable advanced-instances tier to use Session Manager with your on-premises instances\n\tstatus code: 400, request id: c0ffee12-3456-4789-abcd-ef0123456789")]
    [InlineData("CredentialsExpired", "[err] [err][cmd.initConfig:217] failed to refresh cached credentials, refresh cached SSO token failed, unable to refresh SSO token, operation error SSO OIDC: CreateToken, https response error StatusCode: 400, RequestID: 8d2e7c41-0a6b-4f3e-b5c9-7e1f2a3b4c5d, InvalidGrantException: ")]
    [InlineData("IamAccessDenied", "[err] operation error STS: GetSessionToken, https response error StatusCode: 403, RequestID: 3f1c2a9e-5b7d-4c8e-9f0a-1b2c3d4e5f60, api error AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code. ")]
    [InlineData("CredentialsExpired", "An error occurred (AuthFailure) when calling the DescribeInstances operation: AWS was not able to validate the provided access credentials")]
    [InlineData("CredentialsExpired", "Error when retrieving token from sso: Token has expired and refresh failed")]
    [InlineData("NoCredentials", "WARNING: No instances registered in SSM!")]
    [InlineData("NoCredentials", "WARNING: Perhaps the 'web-01' is not registered in SSM?")]
    // The CloudWatch agent reading its configuration from Parameter Store (aws/amazon-cloudwatch-agent tool/downloader/downloader.go); S3's expired token in the CLI's form.
    [InlineData("DocumentPlugin", "2025/06/12 09:14:03 E! fail to fetch/remove json config: error in retrieving parameter store content: ParameterNotFound: \n\tstatus code: 400, request id: 6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a")]
    [InlineData("ImdsUnreachable", "2025/06/12 09:14:03 E! please check if you can access the metadata service. For example, on linux, run 'wget -q -O - http://169.254.169.254/latest/meta-data/instance-id && echo'")]
    [InlineData("NoCredentials", "2025/06/12 09:14:03 E! please make sure the credentials and region set correctly on your hosts")]
    [InlineData("CredentialsExpired", "Error listing buckets An error occurred (ExpiredToken) when calling the ListBuckets operation: The provided token has expired.")]
    // AWS Support's SSMAgent-Toolkit (awslabs/aws-support-tools, Systems Manager/SSMAgent-Toolkit-Windows Public/*.ps1 and
    // SSMAGENT-TOOLKIT-LINUX/ssmagent-toolkit-Linux.sh): a failing Check / Value / Note row names its check's cause.
    [InlineData("ImdsUnreachable", "EC2 instance metadata accessible                         Fail   Please make sure there is a route to 169.254.169.254 via primary interface in the OS route table")]
    [InlineData("EndpointUnreachable", "ssm.us-east-1.amazonaws.com accessible                   Fail   Please make sure the TCP connection to the endpoint ssm.us-east-1.amazonaws.com for the TCP port 443 is accessible")]
    [InlineData("NoCredentials", "IAM instance profile                                     N/A    Please make sure IAM Role is attach to the instance,Stop and start the instance")]
    [InlineData("CredentialsExpired", "IAM profile credential valid                             Fail   Credential Expiration time is in the past.Please make sure IAM Role is attach to the instance,Stop and start the instance")]
    [InlineData("AgentStartup", "Windows sysprep image state complete                     Fail   The state of windows Image is IMAGE_STATE_UNDEPLOYABLE")]
    [InlineData("ImdsUnreachable", "Testing metadata endpoint                  Fail            Couldn't connect to http://169.254.169.254. Possible issue could be proxy")]
    [InlineData("DnsResolution", "Testing ec2messages endpoint Connectivity  Fail            Check if DNS is working")]
    [InlineData("AgentStartup", "SSM agent service status                   Inactive        https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-manual-agent-install.html")]
    // ssm-setup-cli (amazon-ssm-agent agent/setupcli/setupcli.go) wraps every step's failure in "Failed to perform Onprem
    // registration: …": a failed package install or signature check is the install's, the activation's refusal the registration's.
    [InlineData("AgentUpdate", "2024-10-22 09:14:03 ERROR Failed to perform Onprem registration: installation failed dpkg install: Failed to install deb package with output 'dpkg: error: dpkg frontend lock was locked by another process with pid 1234'")]
    [InlineData("AgentUpdate", "2024-10-22 09:14:03 ERROR Failed to perform Onprem registration: failed to verify signature file: gpg is not installed. Please install gpg to validate the signature of binaries")]
    [InlineData("AgentUpdate", "2024-10-22 09:14:03 ERROR Failed to perform Onprem registration: error while verifying installed ssm-setup-cli checksum: checksum mismatch with latest ssm-setup-cli. Please update ssm-setup-cli.")]
    [InlineData("HybridRegistration", "2024-10-22 09:14:03 ERROR Failed to perform Onprem registration: failed to register agent: registration failed due to error registering the instance with AWS SSM. InvalidActivation: Activation ID is not valid")]
    // The scripts of AWS-owned documents (AWS-RunPatchBaseline, AWSSupport-TroubleshootPatchManagerLinux, an older
    // AWSSupport-TroubleshootManagedInstance, AWS-RunInspecChecks): curl's exit code names the failure; the runbooks'
    // FAILED rows name the network path or the role.
    [InlineData("EndpointUnreachable", "08/14/2026 03:17:12 root [ERROR]: All 10 download attempts failed. Error code returned from curl is 28")]
    [InlineData("ProxyTls", "08/14/2026 03:17:12 root [ERROR]: Unable to download payload: https://s3.us-east-1.amazonaws.com/aws-ssm-us-east-1/patchbaselineoperations/linux/payloads/patch-baseline-operations-1.244.tar.gz. Certificate authentication related error was detected.")]
    [InlineData("DnsResolution", "ERROR: Failed to download file. curl exited with 6.")]
    [InlineData("EndpointUnreachable", "Check2: [FAILED] Connectivity to the S3 endpoint could not be established. This is required for Patch Manager to work and also for this automation to continue. Ensure the S3 connectivity is present on the Instance.")]
    [InlineData("EndpointUnreachable", "FAILED : VPC Endpoints for SSM exist, vpce-0123456789abcdef0 but Ingress rules on Security groups of VPC endpoints do not allow traffic on port 443 from the Instance.")]
    [InlineData("EndpointUnreachable", "FAILED : Network Acl Egress Rules do not allow outbound traffic on port 443 towards 0.0.0.0/0")]
    [InlineData("EndpointUnreachable", "4. Checking SGs of the instance for Port 443 outbound rule: \n\n FAILED: No outbound rule for TCP 443 found.")]
    [InlineData("IamAccessDenied", "Warning: Found Instance profile attached to the Instance i-0abc123def4567890 is arn:aws:iam::123456789012:instance-profile/web-app-profile. However, couldn't find AWS Managed policies for SSM attached to it. ")]
    // GitHub Actions that run Run Command (ankurk91/aws-ssm-run-command-action, rav2040/aws-ssm-command-action,
    // Beakyn/aws-ssm-send-command): the invocation's status or exit code as they print it.
    [InlineData("DocumentPlugin", "Command status: TimedOut")]
    [InlineData("DocumentPlugin", "response.Status =>  Failed")]
    [InlineData("DocumentPlugin", "Remote command invocation completed with status: \"TimedOut\". Fetching output...")]
    [InlineData("DocumentPlugin", "Remote command invocation has completed with exit code: 1")]
    public void A_tool_s_own_words_name_the_cause(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // A hyphenated resource name (a maintenance window called patch-sunday) is not a patch run.
    [InlineData("Error: creating SSM Maintenance Window (patch-sunday): operation error SSM: CreateMaintenanceWindow, https response error StatusCode: 400, RequestID: 5d0a7f3e-8c21-4b6e-9f14-2a3b4c5d6e7f, ValidationException: Invalid schedule: cron(0 2 ? * SUN *)x")]
    // ECS Exec's agent started, and a node whose PingStatus is Online, stay quiet.
    [InlineData("level=info time=2024-05-14T10:22:02Z msg=\"Started ExecCommandAgent for container\" task=\"5f1c2a9e8b7d4c3e9a0b1c2d3e4f5a6b\" container=\"app\"")]
    [InlineData("\"PingStatus\": \"Online\",")]
    // The toolkit's passing rows.
    [InlineData("EC2 instance metadata accessible                         Pass   EC2 InstanceID = i-0abc123def4567890, Region = us-east-1")]
    [InlineData("Testing ssm endpoint Connectivity          Pass            Connected to ssm.us-east-1.amazonaws.com.")]
    [InlineData("Command status: InProgress")]
    [InlineData("Remote command invocation has completed with exit code: 0")]
    // The same socket messages about an application's own host are not the node's: a database refusing, a cache timing out.
    [InlineData("System.Net.Http.HttpRequestException: Connection refused (localhost:5432)")]
    [InlineData("System.Net.Http.HttpRequestException: Name or service not known (redis.internal:6379)")]
    public void Healthy_statuses_and_resource_names_stay_quiet(string text) => Assert.Null(LogScan.FirstCategory(text));

    [Theory]
    // How the SDKs every tool is built on word a failed transport: .NET Framework's WebException statuses and .NET's TLS
    // errors, Java v1's UnknownHostException (its message is the bare host name), JavaScript v3's socket time-out and the
    // proxy agent's tunnel.
    [InlineData("DnsResolution", "Amazon.Runtime.AmazonServiceException: A WebException with status NameResolutionFailure was thrown.")]
    [InlineData("EndpointUnreachable", "Amazon.Runtime.AmazonServiceException: A WebException with status ConnectFailure was thrown.")]
    [InlineData("ProxyTls", "Amazon.Runtime.AmazonServiceException: A WebException with status TrustFailure was thrown.")]
    [InlineData("ProxyMisconfiguration", "Amazon.Runtime.AmazonServiceException: A WebException with status ProxyNameResolutionFailure was thrown.")]
    [InlineData("ProxyTls", "System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.")]
    [InlineData("ProxyTls", "System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch, RemoteCertificateChainErrors")]
    [InlineData("DnsResolution", "com.amazonaws.SdkClientException: Unable to execute HTTP request: ssm.us-east-1.amazonaws.com")]
    [InlineData("DnsResolution", "Caused by: java.net.UnknownHostException: ssmmessages.eu-west-1.amazonaws.com")]
    [InlineData("EndpointUnreachable", "TimeoutError: Connection timed out after 1000 ms")]
    [InlineData("ProxyMisconfiguration", "Error: tunneling socket could not be established, cause=connect ECONNREFUSED 10.0.0.5:3128")]
    // botocore and the AWS CLI (exceptions.py, credentials.py, utils.py) and the JavaScript SDK v3 with smithy-typescript:
    // an expired or missing sign-in, partial keys, the metadata service failing, a connection closed or timed out.
    [InlineData("CredentialsExpired", "CredentialsProviderError: The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.")]
    [InlineData("CredentialsExpired", "CredentialsProviderError: Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.")]
    [InlineData("CredentialsExpired", "WARNING:botocore.credentials:Refreshing temporary credentials failed during mandatory refresh period.")]
    [InlineData("NoCredentials", "botocore.exceptions.PartialCredentialsError: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY")]
    [InlineData("NoCredentials", "botocore.exceptions.InvalidConfigError: The source_profile \"base\" referenced in the profile \"ssm-operator\" does not exist.")]
    [InlineData("NoCredentials", "botocore.exceptions.SSOTokenLoadError: Error loading SSO Token: Token for my-sso does not exist")]
    [InlineData("ImdsUnreachable", "DEBUG:botocore.utils:Caught retryable HTTP exception while making metadata service request to http://169.254.169.254/latest/api/token: Connect timeout on endpoint URL: \"http://169.254.169.254/latest/api/token\"")]
    [InlineData("ImdsUnreachable", "DEBUG:botocore.utils:Max number of attempts exceeded (1) when attempting to retrieve data from metadata service.")]
    [InlineData("ImdsUnreachable", "ProviderError: TimeoutError from instance metadata service")]
    [InlineData("ImdsUnreachable", "InstanceMetadataV1FallbackError: AWS EC2 Metadata v1 fallback has been blocked by AWS SDK configuration in the following: [process environment variable (AWS_EC2_METADATA_V1_DISABLED)].")]
    [InlineData("ImdsUnreachable", "INFO:botocore.utils:Attempting credential expiration extension due to a credential service availability issue. A refresh of these credentials will be attempted again within the next 12 minutes.")]
    [InlineData("EndpointUnreachable", "botocore.exceptions.ConnectionClosedError: Connection was closed before we received a valid response from endpoint URL: \"https://ssm.us-west-2.amazonaws.com/\".")]
    [InlineData("EndpointUnreachable", "TimeoutError: @smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.")]
    // Go SDK v1, Java v2 and .NET (credential providers, the retry handler's INFO lines on a failed request and a corrected clock).
    [InlineData("CredentialsExpired", "SSOProviderInvalidToken: the SSO session has expired or is invalid\ncaused by: open /home/ops/.aws/sso/cache/3f1b0c0e6c2b4f5a0c4f7e1b2d9a8c7e6f5d4c3b.json: no such file or directory")]
    [InlineData("ProxyTls", "LoadCustomCABundleError: failed to load custom CA bundle PEM file")]
    [InlineData("ImdsUnreachable", "2025-01-14 10:20:11 WARN  software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider - Failure encountered when attempting to refresh credentials from IMDS.\nsoftware.amazon.awssdk.core.exception.SdkClientException: Unable to load credentials path\n\tat software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider.getSecurityCredentials(InstanceProfileCredentialsProvider.java:273)")]
    [InlineData("NoCredentials", "Amazon.Runtime.AmazonClientException: Unable to find the \"ssm-admin\" profile specified in the client configuration.")]
    [InlineData("EndpointUnreachable", "2025-01-14 10:22:02,118 [1] INFO  Amazon.Runtime.Internal.RetryHandler - HttpRequestException making request SendCommandRequest to https://ssm.us-east-1.amazonaws.com/. Attempting retry 2 of 4.")]
    [InlineData("ClockSkew", "2025-01-14 10:05:33,201 [1] INFO  Amazon.Runtime.Internal.RetryHandler - Identified clock skew: local time = 1/14/2025 10:05:33 AM, local time with correction = 1/14/2025 10:05:33 AM, current clock skew correction = 00:00:00, server time = 1/14/2025 10:32:41 AM.")]
    [InlineData("ClockSkew", "2025-01-14 10:05:33,202 [1] INFO  Amazon.Runtime.Internal.RetryHandler - Setting clock skew correction: new clock skew correction = 00:27:08.")]
    // .NET's HttpRequestException puts the socket's message before the host ("<message> (<host>:<port>)", SocketsHttpHandler
    // since .NET 5, so in AWS.Tools for PowerShell 7 too), on Linux and on Windows; its proxy tunnel's refusal
    // (SR.net_http_proxy_tunnel_returned_failure_status_code). Java 13 and later write "Connect timed out"; Java v1's
    // ClientExecutionTimeoutException and v2's ApiCallTimeoutException / ApiCallAttemptTimeoutException end a call that did not finish.
    [InlineData("DnsResolution", "System.Net.Http.HttpRequestException: Name or service not known (ssm.us-east-1.amazonaws.com:443)")]
    [InlineData("DnsResolution", "Get-SSMInstanceInformation: nodename nor servname provided, or not known (ssm.eu-west-1.amazonaws.com:443)")]
    [InlineData("DnsResolution", "System.Net.Http.HttpRequestException: No such host is known. (ssmmessages.us-east-1.amazonaws.com:443)")]
    [InlineData("EndpointUnreachable", "System.Net.Http.HttpRequestException: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond. (ssm.us-east-1.amazonaws.com:443)")]
    [InlineData("EndpointUnreachable", "Send-SSMCommand: Connection timed out (ssm.ap-southeast-2.amazonaws.com:443)")]
    [InlineData("EndpointUnreachable", "System.Net.Http.HttpRequestException: No connection could be made because the target machine actively refused it. (ec2messages.us-east-1.amazonaws.com:443)")]
    [InlineData("EndpointUnreachable", "System.Net.Http.HttpRequestException: Network is unreachable (ssm.us-east-1.amazonaws.com:443)")]
    [InlineData("ImdsUnreachable", "System.Net.Http.HttpRequestException: Connection refused (169.254.169.254:80)")]
    [InlineData("ProxyMisconfiguration", "System.Net.Http.HttpRequestException: The proxy tunnel request to proxy 'http://proxy.corp.example:3128/' failed with status code '407'.")]
    [InlineData("EndpointUnreachable", "software.amazon.awssdk.core.exception.SdkClientException: Unable to execute HTTP request: Connect to ssm.us-east-1.amazonaws.com:443 [ssm.us-east-1.amazonaws.com/52.46.141.158] failed: Connect timed out")]
    [InlineData("EndpointUnreachable", "software.amazon.awssdk.core.exception.ApiCallTimeoutException: Client execution did not complete before the specified timeout configuration: 10000 millis")]
    [InlineData("EndpointUnreachable", "software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException: HTTP request execution did not complete before the specified timeout configuration: 2000 millis")]
    [InlineData("EndpointUnreachable", "com.amazonaws.services.simplesystemsmanagement.model.ClientExecutionTimeoutException: Client execution did not complete before the specified timeout configuration.")]
    // S3's and KMS's refusals in the Java SDKs' form, v1 "(Service: Amazon S3; Status Code: 403; Error Code: …)" and v2
    // "(Service: S3, Status Code: 403, …)", and in AWS.Tools' S3 cmdlets' error records.
    [InlineData("S3OrKms", "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 4F2C9A1B7E3D5A60)")]
    [InlineData("S3OrKms", "com.amazonaws.services.kms.model.AWSKMSException: The ciphertext is invalid (Service: AWSKMS; Status Code: 400; Error Code: InvalidCiphertextException; Request ID: 0a1b2c3d)")]
    [InlineData("S3OrKms", "software.amazon.awssdk.services.s3.model.S3Exception: Access Denied (Service: S3, Status Code: 403, Request ID: 4F2C9A1B7E3D5A60, Extended Request ID: abc=)")]
    [InlineData("S3OrKms", "Read-S3Object : Access Denied")]
    [InlineData("S3OrKms", "Write-S3Object: The specified bucket does not exist")]
    public void The_SDKs_own_words_name_the_cause(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Fact]
    public void Each_record_of_a_structured_log_is_an_entry_of_its_own_at_its_own_level()
    {
        // The ECS agent's logfmt and nodeadm's JSON lines (zap): no agent header, but every line is a whole record. Read as
        // continuations, the whole file was one entry and only its first cause was named.
        const string log = """
            level=info time=2024-05-14T10:21:58Z msg="Task engine started" module=docker_task_engine.go
            level=error time=2024-05-14T10:23:01Z msg="Failed to start ExecCommandAgent Process for container" task="5f1c2a9e" container="app" error="ExecuteCommandAgent process exited with exit code: 1"
            level=info time=2024-05-14T10:23:02Z msg="Sending ManagedAgent event" event="containerName=app managedAgentName=ExecuteCommandAgent managedAgentStatus=STOPPED managedAgentReason=ExecuteCommandAgent Initialization failed - could not find certs"
            time="2024-05-14T10:23:03Z" level=info msg="Could not find the session file, starting a new session"
            {"level":"info","ts":"2025-06-12T09:14:02.512Z","msg":"Failed to read the cached token, a new one is requested"}
            {"level":"error","ts":"2025-06-12T09:14:03.512Z","caller":"nodeadm/main.go:57","msg":"Command failed","error":"SSM activation expired. Please use a valid activation"}
            {"level":"error","ts":"2025-06-12T09:14:05.512Z","msg":"Validation failed","error":"dial tcp: lookup ssm.us-west-2.amazonaws.com on 10.0.0.2:53: no such host"}

            """;
        var (_, entries) = LogScan.Text(log.Replace("\r\n", "\n"));

        Assert.Equal(new long[] { 2, 3, 6, 7 }, entries.Select(e => e.LineNumber).ToArray());
        Assert.Equal(new[] { "SessionManager", "SessionManager", "HybridRegistration", "DnsResolution" }, entries.Select(e => e.Category).ToArray());
        Assert.Equal(new[] { AgentLogLevel.Error, AgentLogLevel.Info, AgentLogLevel.Error, AgentLogLevel.Error }, entries.Select(e => e.Level).ToArray());
    }

    [Fact]
    public void Each_line_of_Go_s_standard_logger_is_a_record_and_the_CloudWatch_agent_s_marker_is_its_level()
    {
        // Community session clients and the CloudWatch agent (telegraf: E!, W!, I!, D!) log "2024/05/14 10:21:33 …"; the
        // SDK's "status code:" line under an error still belongs to it.
        const string log = """
            2025/06/12 09:14:01 I! Detected the instance is EC2, failed attempts are retried
            2025/06/12 09:14:03 E! please check if you can access the metadata service. For example, on linux, run 'wget -q -O - http://169.254.169.254/latest/meta-data/instance-id && echo'
            2024/05/14 10:21:33 BadRequest: Enable advanced-instances tier to use Session Manager with your on-premises instances
            	status code: 400, request id: c0ffee12-3456-4789-abcd-ef0123456789
            2024/05/14 10:21:35 operation error SSM: StartSession, https response error StatusCode: 400, RequestID: 5d0a7f3e, TargetNotConnected: i-0abc123def4567890 is not connected.

            """;
        var (_, entries) = LogScan.Text(log.Replace("\r\n", "\n"));

        Assert.Equal(new long[] { 2, 3, 5 }, entries.Select(e => e.LineNumber).ToArray());
        Assert.Equal(new[] { "ImdsUnreachable", "HybridRegistration", "SessionManager" }, entries.Select(e => e.Category).ToArray());
        Assert.Equal(AgentLogLevel.Error, entries[0].Level);
        Assert.Contains("status code: 400", entries[1].Message);
    }

    [Theory]
    // The other agents Systems Manager installs on a node, rendered from their source: the CodeDeploy agent
    // (aws/aws-codedeploy-agent 1.8.1: lib/instance_agent/plugins/codedeploy/command_poller.rb, codedeploy_control.rb,
    // command_executor.rb; its log pattern '%d %-5l [%c(%p)]: %m' with an ISO 8601 time) with the AWS SDK for Ruby's
    // request log, which it writes at INFO with the error's class (aws-sdk-core plugins/logging.rb), and the CloudWatch
    // agent (aws/amazon-cloudwatch-agent: tool/downloader/downloader.go, translator/translate/agent/ruleRegion.go,
    // plugins/outputs/cloudwatch/cloudwatch.go). A proxy that refuses CONNECT leaves Go's transport only its status text.
    // Not named by TLS: CodeDeploy's "Error during certificate verification on codedeploy endpoint" and its abort "due
    // to SSL validation error", which its check (codedeploy_control.rb verify_cert) also prints for a time-out or a
    // failed lookup.
    [InlineData("IamAccessDenied", "2026-12-06T04:15:20 INFO  [codedeploy-agent(2314)]: [Aws::CodeDeployCommand::Client 400 0.031464 0 retries] poll_host_command(host_identifier:\"arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f67890\") Aws::CodeDeployCommand::Errors::AccessDeniedException Aws::CodeDeployCommand::Errors::AccessDeniedException")]
    [InlineData("Throttling", "2026-12-06T04:17:40 INFO  [codedeploy-agent(2314)]: [Aws::CodeDeployCommand::Client 400 1.912034 3 retries] poll_host_command(host_identifier:\"arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f67890\") Aws::CodeDeployCommand::Errors::ThrottlingException Rate exceeded")]
    [InlineData("ClockSkew", "2026-12-06T04:16:03 ERROR [codedeploy-agent(2314)]: InstanceAgent::Plugins::CodeDeployPlugin::CommandPoller: Cannot reach InstanceService: Aws::CodeDeployCommand::Errors::InvalidSignatureException - Signature expired: 20261206T035551Z is now earlier than 20261206T040103Z (20261206T041603Z - 15 min.)")]
    [InlineData("S3OrKms", "2026-12-06T04:31:14 ERROR [codedeploy-agent(2314)]: InstanceAgent::Plugins::CodeDeployPlugin::CommandPoller: Error during perform: Aws::S3::Errors::AccessDenied - Access Denied - /opt/codedeploy-agent/vendor/gems/aws-sdk-core-3.211.0/lib/seahorse/client/plugins/raise_response_errors.rb:17:in `call'")]
    [InlineData("Throttling", "2026-12-06T04:31:15 ERROR [codedeploy-agent(2314)]: InstanceAgent::Plugins::CodeDeployPlugin::CommandPoller: Error during perform: Aws::S3::Errors::SlowDown - Please reduce your request rate. - /opt/codedeploy-agent/vendor/gems/aws-sdk-core-3.211.0/lib/seahorse/client/plugins/raise_response_errors.rb:17:in `call'")]
    [InlineData("DiskSpace", "2026-12-06T04:31:32 WARN  [codedeploy-agent(2314)]: InstanceAgent::Plugins::CodeDeployPlugin::CommandExecutor: The disk is (or was) full during extraction.")]
    [InlineData("ProxyTls", "2026/12/06 04:02:35 E! fail to fetch/remove json config: error in creating session: LoadCustomCABundleError: failed to open custom CA bundle PEM file\ncaused by: open /etc/pki/tls/certs/corp-proxy-ca.pem: no such file or directory")]
    [InlineData("ImdsUnreachable", "2026/12/06 04:02:40 E! failed to generate TOML configuration validation content: [Under path : /agent/ruleRegion/ | Error : Region info is missing for mode: ec2]")]
    [InlineData("ProxyMisconfiguration", "2026-12-06T04:07:02Z E! cloudwatch: code: RequestError, message: send request failed, original error: Post \"https://monitoring.us-east-1.amazonaws.com/\": Forbidden")]
    [InlineData("ProxyMisconfiguration", "2024-03-01 10:00:00 ERROR [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": Forbidden")]
    // The CodeDeploy agent's metadata client (lib/instance_metadata.rb: a debug line and then the error up to 1.1.2, the
    // error alone since; its installer's bin/install warns and falls back to us-east-1) and its plugin that does not load
    // (lib/instance_agent/runner/child.rb): the metadata service refusing or failing, the agent started without its plugin.
    [InlineData("ImdsUnreachable", "2019-11-02T10:14:08 DEBUG [codedeploy-agent(2716)]: HTTP error from metadata service, code 401")]
    [InlineData("ImdsUnreachable", "2026-12-06T04:10:04 ERROR [codedeploy-agent(2314)]: InstanceAgent::Plugins::CodeDeployPlugin::CommandPoller: Cannot reach InstanceService: RuntimeError - HTTP error from metadata service: Forbidden, code 403")]
    [InlineData("ImdsUnreachable", "2026-12-06T04:10:04 ERROR [codedeploy-agent(2314)]: HTTP error from metadata service to get imdsv2 token.")]
    [InlineData("ImdsUnreachable", "W, [2026-12-06T04:00:12.103721 #1811]  WARN -- : Could not get region from EC2 metadata service at 'HTTP error from metadata service: Unauthorized, code 401'")]
    [InlineData("AgentStartup", "2026-12-06T04:00:31 ERROR [codedeploy-agent(2314)]: Plugin codedeploy could not be loaded: cannot load such file -- webrick/httputils.")]
    // The ECS agent (aws/amazon-ecs-agent agent/app/agent.go, ecs-agent/acs/session): the Go SDK v1's metadata client
    // failing to fetch the instance identity document is the metadata service's, not a document's.
    [InlineData("ImdsUnreachable", "2024-05-14T10:21:33Z [CRITICAL] Unable to initialize Agent: EC2MetadataRequestError: failed to get EC2 instance identity document")]
    [InlineData("ImdsUnreachable", "level=critical time=2024-05-14T10:21:33Z msg=\"Unable to get instance identity document\" module=agent.go")]
    [InlineData("DnsResolution", "level=error time=2024-05-14T10:21:33Z msg=\"Failed to connect to ACS\" error=\"dial tcp: lookup ecs-a-3.us-east-1.amazonaws.com on 10.0.0.2:53: no such host\" module=session.go")]
    public void The_other_agents_on_a_node_are_named_by_the_node_problem_they_meet(string category, string text) =>
        Assert.Equal(category, LogScan.FirstCategory(text));

    [Theory]
    // Their routine lines that sound alarming: the IMDSv2 probe falling back, a successful poll, unzip's fallback, a
    // second start while the agent runs, the CloudWatch agent's IMDSv1 fallback and its wait for the network.
    [InlineData("2026-12-06T04:10:02 WARN  [codedeploy-agent(2314)]: IMDSv2 http request failed, falling back to IMDSv1.")]
    [InlineData("2026-12-06T04:10:23 INFO  [codedeploy-agent(2314)]: [Aws::CodeDeployCommand::Client 200 20.118423 0 retries] poll_host_command(host_identifier:\"arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f67890\")")]
    [InlineData("2026-12-06T04:31:13 WARN  [codedeploy-agent(2314)]: InstanceAgent::Plugins::CodeDeployPlugin::CommandExecutor: Error extracting zip archive: 9, with default system unzip util. Hence falling back to ruby unzip to mitigate any partially unzipped changes.")]
    [InlineData("2026-12-06T04:40:05 INFO  [codedeploy-agent(3107)]: Pidfile /opt/codedeploy-agent/state/.pid/codedeploy-agent.pid exists and process 2298 is running - aborting start!")]
    [InlineData("2026-12-06T04:02:44Z D! could not perform operation without imds v1 fallback enable thus enable fallback")]
    [InlineData("W! [EC2] Sleep until network is up")]
    public void Their_routine_lines_stay_quiet(string text) => Assert.Null(LogScan.FirstCategory(text));

    [Theory]
    // systemd's own word on the unit of an agent Systems Manager installs beside the SSM Agent, in a journal copy (the
    // CodeDeploy agent's codedeploy-agent.service, the CloudWatch agent's, the ECS agent's ecs.service), systemctl's
    // "Job for …" at the prompt, and Windows' service control manager on the CodeDeploy agent's service (lib/register.rb's
    // display name).
    [InlineData("Jul 17 09:55:13 ip-172-31-36-74 systemd[1]: codedeploy-agent.service: Control process exited, code=exited, status=127/n/a")]
    [InlineData("Jul 17 09:55:13 ip-172-31-36-74 systemd[1]: codedeploy-agent.service: Failed with result 'exit-code'.")]
    [InlineData("Job for codedeploy-agent.service failed because the control process exited with error code.\nSee \"systemctl status codedeploy-agent.service\" and \"journalctl -xeu codedeploy-agent.service\" for details.")]
    [InlineData("Dec 06 04:02:11 ip-10-0-1-5 systemd[1]: amazon-cloudwatch-agent.service: Main process exited, code=exited, status=1/FAILURE")]
    [InlineData("Dec 06 04:02:41 ip-10-0-1-5 systemd[1]: ecs.service: Start request repeated too quickly.")]
    [InlineData("The AWS CodeDeploy Host Agent Service service terminated unexpectedly.  It has done this 1 time(s).")]
    public void A_failed_service_of_another_agent_on_the_node_is_an_agent_start_problem(string text)
    {
        var (issues, _) = LogScan.Text(text);
        var issue = Assert.Single(issues);
        Assert.Equal("AgentStartup", issue.Category);
        Assert.Equal("core.companion-service-failed", issue.RuleId);
    }

    [Theory]
    // Their units stopping or starting cleanly, and another unit whose name ends the same way, stay quiet.
    [InlineData("Jul 17 09:55:13 ip-172-31-36-74 systemd[1]: codedeploy-agent.service: Main process exited, code=exited, status=0/SUCCESS")]
    [InlineData("Jul 17 09:55:13 ip-172-31-36-74 systemd[1]: ecs.service: Deactivated successfully.")]
    [InlineData("Jul 17 09:55:13 ip-172-31-36-74 systemd[1]: amazon-cloudwatch-agent.service: Consumed 1.203s CPU time.")]
    [InlineData("Jul 17 09:55:13 ip-172-31-36-74 systemd[1]: specs.service: Failed with result 'exit-code'.")]
    public void Their_units_stopping_cleanly_stay_quiet(string text) => Assert.Null(LogScan.FirstCategory(text));

    [Fact]
    public void Registering_an_ECS_container_instance_is_not_a_hybrid_activation()
    {
        // The ECS agent registers the instance with its cluster (agent/app/agent.go); "register" there is ECS's word,
        // not Systems Manager's activation, whatever the refusal.
        var category = LogScan.FirstCategory("level=critical time=2024-05-14T10:21:33Z msg=\"Agent will terminally exit, unable to register container instance:\" error=\"ClientException: Cluster not found.\" module=agent.go");
        Assert.NotEqual("HybridRegistration", category);
    }

    [Fact]
    public void Another_agent_s_failed_unit_is_never_the_likely_cause_of_the_SSM_Agent_s()
    {
        // A journal copy: the SSM Agent's credentials fail, the CodeDeploy agent's unit fails, then the SSM Agent's unit.
        // The SSM Agent's failure is explained by its own credentials, not by the other agent's unit.
        var (issues, entries) = LogScan.Text(
            "Dec 06 04:02:09 ip-10-0-1-5 amazon-ssm-agent[812]: 2026-12-06 04:02:09 ERROR [CredentialRefresher] Retrieve credentials produced error: no EC2 instance role found\n" +
            "Dec 06 04:02:11 ip-10-0-1-5 systemd[1]: codedeploy-agent.service: Failed with result 'exit-code'.\n" +
            "Dec 06 04:02:15 ip-10-0-1-5 systemd[1]: amazon-ssm-agent.service: Main process exited, code=exited, status=1/FAILURE\n");

        Assert.Single(entries, e => e.RuleId == "core.companion-service-failed");
        var agent = Assert.Single(entries, e => e.RuleId == "core.service-failed");
        Assert.Equal("NoCredentials", agent.LikelyCause);
        Assert.Equal("NoCredentials", Assert.Single(issues, i => i.Category == "AgentStartup").LikelyCause);
    }
}
