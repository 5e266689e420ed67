using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// The agent reports most failures by wrapping the error it got (%v) in a message of its own: "error when calling AWS
/// APIs. error details - …", "Health ping failed with error - …", "Retrieve credentials produced error: …". What decides
/// the diagnosis is the wrapped error: the Go runtime's network errors, the AWS SDK's error codes, the x509 and proxy
/// errors. Every such error is named the same in every carrier the agent puts it in, so a carrier that no corpus line
/// showed with that error is still read right.
/// </summary>
public sealed class ErrorVocabularyTests
{
    private const string Ssm = "https://ssm.eu-west-1.amazonaws.com/";

    /// <summary>Carriers from the agent's templates (tools/agent-messages/templates), with the endpoint each one calls.</summary>
    public static readonly (string Name, string Template, string Url)[] Carriers =
    {
        ("MDS GetMessages", "2024-03-01 10:00:00 ERROR [HandleAwsError @ awserr.go.49] [ssm-agent-worker] [MessagingDeliveryService] error when calling AWS APIs. error details - GetMessages Error: {E}", "https://ec2messages.eu-west-1.amazonaws.com/"),
        ("health ping", "2024-03-01 10:00:00 ERROR Health ping failed with error - {E}", Ssm),
        ("health check", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - {E}", Ssm),
        ("credential refresher", "2024-03-01 10:00:00 ERROR [CredentialRefresher] Retrieve credentials produced error: {E}", Ssm),
        ("control channel token", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] Failed to get controlchannel token, error: CreateControlChannel failed with error: createControlChannel request failed: {E}", "https://ssmmessages.eu-west-1.amazonaws.com/v1/control-channel/i-0abc?role=subscribe&stream=input"),
        ("control channel reconnect", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [MessageService] [MGSInteractor] failed to reconnect to the controlchannel with error: {E}", "https://ssmmessages.eu-west-1.amazonaws.com/v1/control-channel/i-0abc?role=subscribe&stream=input"),
        ("registration", "2024-03-01 10:00:00 ERROR [Registrar] failed to register identity: error calling RegisterManagedInstance API: {E}", Ssm),
        ("instance profile check", "2024-03-01 10:00:00 WARN EC2RoleProvider Failed to connect to Systems Manager with instance profile role credentials. Err: retrieved credentials failed to report to ssm. RequestId: 6c3a Error: {E}", Ssm),
        ("journal, two lines", "Mar  1 10:00:00 ip-10-0-1-15 amazon-ssm-agent[1860]: 2024-03-01 10:00:00 ERROR [HandleAwsError @ awserr.go.49] [ssm-agent-worker] [MessagingDeliveryService] error when calling AWS APIs. error details - RequestError: send request failed\nMar  1 10:00:00 ip-10-0-1-15 amazon-ssm-agent[1860]: caused by: {E}", "https://ec2messages.eu-west-1.amazonaws.com/"),
    };

    /// <summary>Wrapped errors and what they mean; {U} is the carrier's endpoint, {H} its host.</summary>
    public static readonly (string Error, string Category)[] Vocabulary =
    {
        // Go's net and net/http errors, Linux and Windows wordings.
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp 52.94.1.1:443: i/o timeout", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post {U}: dial tcp 52.94.1.1:443: connect: connection refused", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp 52.94.1.1:443: connect: connection timed out", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp 52.94.1.1:443: connect: no route to host", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp 52.94.1.1:443: connect: network is unreachable", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": net/http: TLS handshake timeout", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": read tcp 10.0.1.15:43210->52.94.1.1:443: read: connection reset by peer", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": EOF", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": write tcp 10.0.1.15:43210->52.94.1.1:443: write: broken pipe", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post {U}: dial tcp 52.94.1.1:443: connectex: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post {U}: dial tcp 52.94.1.1:443: connectex: No connection could be made because the target machine actively refused it.", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post {U}: read tcp 10.0.1.15:50123->52.94.1.1:443: wsarecv: An existing connection was forcibly closed by the remote host.", "EndpointUnreachable"),
        ("RequestCanceled: request context canceled\ncaused by: context deadline exceeded", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": net/http: timeout awaiting response headers", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post {U}: dial tcp 52.94.1.1:443: connectex: A socket operation was attempted to an unreachable network.", "EndpointUnreachable"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp 52.94.1.1:443: socket: too many open files", "FileDescriptorExhaustion"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp: lookup {H} on [::1]:53: read udp [::1]:51234->[::1]:53: read: connection refused", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post {U}: dial tcp: lookup {H}: getaddrinfow: The requested name is valid, but no data of the requested type was found.", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post {U}: dial tcp: lookup {H}: getaddrinfow: This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server.", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": remote error: tls: handshake failure", "ProxyTls"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": proxyconnect tcp: tls: first record does not look like a TLS handshake", "ProxyMisconfiguration"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": x509: certificate has expired or is not yet valid: current time 2024-03-01T10:00:00Z is after 2023-12-31T23:59:59Z", "ProxyTls"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp: lookup {H}: no such host", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp: lookup {H} on 10.0.0.2:53: server misbehaving", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp: lookup {H} on 10.0.0.2:53: read udp 10.0.1.15:40000->10.0.0.2:53: i/o timeout", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": dial tcp: lookup {H}: i/o timeout", "DnsResolution"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": x509: certificate signed by unknown authority", "ProxyTls"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": tls: failed to verify certificate: x509: certificate signed by unknown authority", "ProxyTls"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": x509: certificate is valid for *.corp.example.com, not {H}", "ProxyTls"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": proxyconnect tcp: dial tcp 10.0.0.9:3128: connect: connection refused", "ProxyMisconfiguration"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": Proxy Authentication Required", "ProxyMisconfiguration"),
        ("RequestError: send request failed\ncaused by: Post \"{U}\": x509: certificate has expired or is not yet valid: current time 2019-01-01T00:00:00Z is before 2024-01-01T00:00:00Z", "ClockSkew"),
        // The AWS SDK's error codes, as the agent prints them ("Code: Message\n\tstatus code: …, request id: …").
        ("AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/AppRole/i-0abc is not authorized to perform: ssm:UpdateInstanceInformation on resource: arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc\n\tstatus code: 400, request id: 6c3a", "IamAccessDenied"),
        ("AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/AppRole/i-0abc is not authorized to perform: ec2messages:GetMessages with an explicit deny in a service control policy\n\tstatus code: 400, request id: 6c3a", "IamAccessDenied"),
        ("AccessDeniedException: \n\tstatus code: 400, request id: 6c3a", "IamAccessDenied"),
        ("UnrecognizedClientException: The security token included in the request is invalid.\n\tstatus code: 400, request id: 6c3a", "CredentialsExpired"),
        ("ExpiredTokenException: The security token included in the request is expired\n\tstatus code: 400, request id: 6c3a", "CredentialsExpired"),
        ("InvalidSignatureException: Signature expired: 20240301T095000Z is now earlier than 20240301T100500Z (20240301T101000Z - 5 min.)\n\tstatus code: 400, request id: 6c3a", "ClockSkew"),
        ("InvalidSignatureException: Signature not yet current: 20240301T102000Z is still later than 20240301T101500Z (20240301T101000Z + 5 min.)\n\tstatus code: 400, request id: 6c3a", "ClockSkew"),
        ("TooManyRequestsException: Too Many Requests\n\tstatus code: 429, request id: 6c3a", "Throttling"),
        ("RequestTimeTooSkewed: The difference between the request time and the current time is too large.\n\tstatus code: 403, request id: 6c3a", "ClockSkew"),
        ("InvalidSignatureException: Signature expired: 20240301T095000Z is now earlier than 20240301T100500Z (20240301T101000Z - 15 min.)\n\tstatus code: 400, request id: 6c3a", "ClockSkew"),
        ("AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/AppRole/i-0abc is not authorized to perform: ssmmessages:CreateControlChannel on resource: * because no identity-based policy allows the ssmmessages:CreateControlChannel action\n\tstatus code: 400, request id: 6c3a", "IamAccessDenied"),
        ("ThrottlingException: Rate exceeded\n\tstatus code: 400, request id: 6c3a", "Throttling"),
        ("SlowDown: Please reduce your request rate.\n\tstatus code: 503, request id: 6c3a", "Throttling"),
        ("AuthFailure: AWS was not able to validate the provided access credentials\n\tstatus code: 401, request id: 6c3a", "CredentialsExpired"),
        ("InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\n\tstatus code: 403, request id: 6c3a", "CredentialsExpired"),
        ("SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.\n\tstatus code: 403, request id: 6c3a", "CredentialsExpired"),
        // The same failures in the words of the AWS SDK for Go v2 (newer agent components and the tools around the agent).
        ("operation error SSM: UpdateInstanceInformation, https response error StatusCode: 400, RequestID: 6c3a, api error AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/AppRole/i-0abc is not authorized to perform: ssm:UpdateInstanceInformation", "IamAccessDenied"),
        ("operation error SSM: UpdateInstanceInformation, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"{U}\": dial tcp 52.94.1.1:443: i/o timeout", "EndpointUnreachable"),
        ("operation error SSM: UpdateInstanceInformation, https response error StatusCode: 400, RequestID: 6c3a, api error ThrottlingException: Rate exceeded", "Throttling"),
        ("operation error SSM: UpdateInstanceInformation, failed to sign request: failed to retrieve credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 404, request to EC2 IMDS failed", "NoCredentials"),
        ("operation error SSM: UpdateInstanceInformation, failed to sign request: failed to retrieve credentials: failed to refresh cached credentials, failed to retrieve credentials, operation error ec2imds: GetMetadata, exceeded maximum number of attempts, 3, request send failed, Get \"http://169.254.169.254/latest/meta-data/iam/security-credentials/\": dial tcp 169.254.169.254:80: connect: connection refused", "ImdsUnreachable"),
        ("EC2RoleRequestError: no EC2 instance role found\ncaused by: RequestError: send request failed\ncaused by: Get \"http://169.254.169.254/latest/meta-data/iam/security-credentials/\": dial tcp 169.254.169.254:80: connect: network is unreachable", "ImdsUnreachable"),
        ("InvalidInstanceId: Instance id mi-0123456789abcdef0 is not a managed instance\n\tstatus code: 400, request id: 6c3a", "HybridRegistration"),
        ("NoCredentialProviders: no valid providers in chain. Deprecated.\n\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors", "NoCredentials"),
        ("EC2RoleRequestError: no EC2 instance role found\ncaused by: EC2MetadataError: failed to make EC2Metadata request\n\tstatus code: 404, request id: ", "NoCredentials"),
    };

    /// <summary>Carriers of a file operation's error, from the agent's templates; {P} is a path the agent writes.</summary>
    public static readonly (string Name, string Template)[] FileCarriers =
    {
        ("orchestration folder", "2024-03-01 10:00:00 ERROR [ssm-agent-worker] [MessageService] failed to create orchestrationDir directory {P}: {E}"),
        ("state file", "2024-03-01 10:00:00 ERROR [ssm-document-worker] [abc-123] Failed to open the file at {P}: {E}"),
        ("data folders", "2024-03-01 10:00:00 ERROR [amazon-ssm-agent] Encountered error while creating folders for MDS replies{E}"),
        ("session channel", "2024-03-01 10:00:00 ERROR [ssm-session-worker] [abc-123] failed to create channel: {E}"),
        ("journal copy", "Mar  1 10:00:00 ip-10-0-1-15 amazon-ssm-agent[1860]: 2024-03-01 10:00:00 ERROR [ssm-agent-worker] Failed to write the message to stdout: {E}"),
    };

    /// <summary>
    /// What the operating system says when the agent runs out of room or descriptors. (A read-only or foreign-owned folder
    /// is named by the carrier instead: the core's folders are AgentStartup, a document's files DiskSpace.)
    /// </summary>
    public static readonly (string Error, string Category)[] FileErrors =
    {
        ("open {P}: no space left on device", "DiskSpace"),
        ("write {P}: disk quota exceeded", "DiskSpace"),
        ("open {P}: There is not enough space on the disk.", "DiskSpace"),
        ("open {P}: too many open files", "FileDescriptorExhaustion"),
    };

    public static IEnumerable<object[]> FileProbes() =>
        from c in FileCarriers
        from e in Enumerable.Range(0, FileErrors.Length)
        select new object[] { c.Name, e, FileErrors[e].Category };

    [Theory]
    [MemberData(nameof(FileProbes))]
    public void A_file_system_error_is_named_the_same_in_every_carrier(string carrierName, int error, string category)
    {
        var carrier = FileCarriers.Single(c => c.Name == carrierName);
        var wrapped = FileErrors[error].Error.Replace("{P}", "/var/lib/amazon/ssm/i-0abc/document/orchestration/abc-123", StringComparison.Ordinal);
        var text = carrier.Template.Replace("{P}", "/var/lib/amazon/ssm/i-0abc/document/orchestration/abc-123", StringComparison.Ordinal).Replace("{E}", wrapped, StringComparison.Ordinal);

        AssertNamed(text, category);
    }

    public static IEnumerable<object[]> Probes() =>
        from c in Enumerable.Range(0, Carriers.Length)
        from v in Enumerable.Range(0, Vocabulary.Length)
        select new object[] { Carriers[c].Name, v, Vocabulary[v].Category };

    [Theory]
    [MemberData(nameof(Probes))]
    public void A_wrapped_error_is_named_the_same_in_every_carrier(string carrierName, int error, string category)
    {
        var carrier = Carriers.Single(c => c.Name == carrierName);
        var host = new Uri(carrier.Url).Host;
        var wrapped = Vocabulary[error].Error.Replace("{U}", carrier.Url, StringComparison.Ordinal).Replace("{H}", host, StringComparison.Ordinal);
        // In a journal copy every line of the entry carries the journal's prefix.
        var prefix = carrier.Template.StartsWith("Mar ", StringComparison.Ordinal) ? carrier.Template[..(carrier.Template.IndexOf("]: ", StringComparison.Ordinal) + 3)] : string.Empty;
        var text = carrier.Template.Replace("{E}", wrapped.Replace("\n", "\n" + prefix, StringComparison.Ordinal), StringComparison.Ordinal);

        AssertNamed(text, category);
    }

    /// <summary>How each SDK prints a refused call's error code ({C}) when its message says nothing more.</summary>
    private static readonly (string Name, string Template)[] SdkForms =
    {
        ("Go v1", "{C}: the request failed\n\tstatus code: 400, request id: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        ("AWS CLI and boto3", "An error occurred ({C}) when calling the DescribeInstanceInformation operation: the request failed"),
        ("Go v2", "operation error SSM: DescribeInstanceInformation, https response error StatusCode: 400, RequestID: 0f1e2d3c, api error {C}: the request failed"),
        ("Java v2", "the request failed (Service: Ssm, Status Code: 400, Request ID: 0f1e2d3c, Error Code: {C})"),
        ("Java v1", "the request failed (Service: AWSSimpleSystemsManagement; Status Code: 400; Error Code: {C}; Request ID: 0f1e2d3c; Proxy: null)"),
        ("JavaScript v3", "{C}: the request failed\n    at throwDefaultError (/app/node_modules/@smithy/smithy-client/dist-cjs/index.js:867:20)"),
        ("Ruby", "Error during perform: Aws::SSM::Errors::{C} - the request failed"),
    };

    /// <summary>Codes that name their cause on their own: credentials that are expired, unknown or do not sign, throttling, the clock.</summary>
    private static readonly (string Code, string Category)[] SelfNamingCodes =
    {
        ("ExpiredToken", "CredentialsExpired"), ("ExpiredTokenException", "CredentialsExpired"), ("InvalidClientTokenId", "CredentialsExpired"),
        ("UnrecognizedClientException", "CredentialsExpired"), ("InvalidAccessKeyId", "CredentialsExpired"), ("SignatureDoesNotMatch", "CredentialsExpired"),
        ("AuthFailure", "CredentialsExpired"), ("RequestExpired", "CredentialsExpired"), ("AccessDeniedException", "IamAccessDenied"),
        ("UnauthorizedOperation", "IamAccessDenied"), ("ThrottlingException", "Throttling"), ("RequestLimitExceeded", "Throttling"),
        ("TooManyRequestsException", "Throttling"), ("RequestTimeTooSkewed", "ClockSkew"),
    };

    public static IEnumerable<object[]> SdkFormProbes() =>
        from f in SdkForms
        from c in SelfNamingCodes
        select new object[] { f.Name, c.Code, c.Category };

    [Theory]
    [MemberData(nameof(SdkFormProbes))]
    public void An_error_code_that_names_its_cause_is_read_alike_in_every_sdk_s_form(string form, string code, string category) =>
        AssertNamed(SdkForms.Single(f => f.Name == form).Template.Replace("{C}", code, StringComparison.Ordinal), category);

    /// <summary>The most severe issue of the entry has the category (the root cause in it wins over its carrier).</summary>
    private static void AssertNamed(string text, string category)
    {
        var (issues, _) = LogScan.Text(text + "\n");
        Assert.True(issues.Count > 0, $"nothing found in:\n{text}");
        var found = issues.OrderByDescending(i => i.Severity).First().Category;
        Assert.True(found == category, $"{found} instead of {category} in:\n{text}");
    }
}
