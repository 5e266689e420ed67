using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using System.Threading;
using System.Xml.Linq;
using System;
using Amazon.Runtime.Signing;
using Amazon.Runtime;
using Amazon;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Iam;

/// <summary>An IAM error answer (ErrorResponse/Error/Code); an AmazonServiceException so FailureClassifier reads its code.</summary>
public sealed class IamServiceException : AmazonServiceException
{
    public IamServiceException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode, Exception? innerException = null)
        : base(message, innerException, errorType, errorCode, requestId, statusCode)
    {
    }
}

/// <summary>
/// The few IAM Query operations we need (AWSSDK.IdentityManagement is not available to this build): form POST
/// signed with AWSSDK.Core's public SigV4 signer (service iam, the partition's global region), XML answers, Marker paging,
/// standard-mode style retries on throttling/5xx/transport errors, per-attempt timeout, cancellable.
/// Swap for AmazonIdentityManagementServiceClient when the package becomes available.
/// </summary>
public sealed class IamQueryClient : IDisposable
{
    public static readonly Uri DefaultEndpoint = new("https://iam.amazonaws.com/");
    private static readonly XNamespace Ns = "https://iam.amazonaws.com/doc/2010-05-08/";
    private const int MaxPages = 1000;

    private readonly AWSCredentials _credentials;
    private readonly HttpClient _http;
    private readonly int _maxErrorRetry;
    private readonly TimeSpan _timeout;
    private readonly Random _jitter = new();

    public IamQueryClient(AWSCredentials credentials, Uri endpoint, int maxErrorRetry = 2, TimeSpan? timeout = null, HttpMessageHandler? handler = null, RegionEndpoint? region = null)
    {
        SigningRegion = GlobalRegionFor(region);
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _maxErrorRetry = Math.Max(0, maxErrorRetry);
        _timeout = timeout ?? TimeSpan.FromSeconds(30);

        // Our own timeout per attempt (below) so a retry gets a fresh budget; redirects are never followed when signed.
        _http = new HttpClient(handler ?? new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public Uri Endpoint { get; }

    /// <summary>IAM is global per partition: the region every call signs for (us-east-1, cn-north-1, us-gov-west-1).</summary>
    public RegionEndpoint SigningRegion { get; }

    /// <summary>The region IAM signs for in the partition of <paramref name="region"/>; us-east-1 when none is given.</summary>
    public static RegionEndpoint GlobalRegionFor(RegionEndpoint? region) => PartitionOf(region) switch
    {
        "aws-cn" => RegionEndpoint.CNNorth1,
        "aws-us-gov" => RegionEndpoint.USGovCloudWest1,
        "aws-iso" => RegionEndpoint.GetBySystemName("us-iso-east-1"),
        "aws-iso-b" => RegionEndpoint.GetBySystemName("us-isob-east-1"),
        _ => RegionEndpoint.USEast1,
    };

    /// <summary>IAM's global endpoint in the partition of <paramref name="region"/>.</summary>
    public static Uri GlobalEndpointFor(RegionEndpoint? region) => PartitionOf(region) switch
    {
        "aws-cn" => new Uri("https://iam.cn-north-1.amazonaws.com.cn/"),
        "aws-us-gov" => new Uri("https://iam.us-gov.amazonaws.com/"),
        "aws-iso" => new Uri("https://iam.us-iso-east-1.c2s.ic.gov/"),
        "aws-iso-b" => new Uri("https://iam.us-isob-east-1.sc2s.sgov.gov/"),
        _ => DefaultEndpoint,
    };

    /// <summary>By region name prefix: stable, and independent of the SDK's bundled partition data.</summary>
    private static string PartitionOf(RegionEndpoint? region)
    {
        var name = region?.SystemName ?? string.Empty;
        if (name.StartsWith("cn-", StringComparison.Ordinal))
        {
            return "aws-cn";
        }

        if (name.StartsWith("us-gov-", StringComparison.Ordinal))
        {
            return "aws-us-gov";
        }

        if (name.StartsWith("us-isob-", StringComparison.Ordinal))
        {
            return "aws-iso-b";
        }

        return name.StartsWith("us-iso-", StringComparison.Ordinal) ? "aws-iso" : "aws";
    }

    /// <summary>Base of the exponential backoff; tests shorten it.</summary>
    internal TimeSpan BackoffBase { get; set; } = TimeSpan.FromMilliseconds(100);

    public async Task<IamInstanceProfile> GetInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetInstanceProfile", new() { ["InstanceProfileName"] = instanceProfileName }, cancellationToken).ConfigureAwait(false);
        var profile = result.Element(Ns + "InstanceProfile") ?? throw Malformed("GetInstanceProfile");
        var roles = profile.Element(Ns + "Roles")?.Elements(Ns + "member").Select(ParseRole).ToList() ?? new List<IamRoleDetails>();
        return new IamInstanceProfile(Text(profile, "InstanceProfileName"), Text(profile, "Arn"), Text(profile, "InstanceProfileId"), roles);
    }

    public async Task<IamRoleDetails> GetRoleAsync(string roleName, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetRole", new() { ["RoleName"] = roleName }, cancellationToken).ConfigureAwait(false);
        return ParseRole(result.Element(Ns + "Role") ?? throw Malformed("GetRole"));
    }

    public async Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, CancellationToken cancellationToken)
    {
        var pages = await ListAsync("ListAttachedRolePolicies", new() { ["RoleName"] = roleName }, cancellationToken).ConfigureAwait(false);
        return pages.SelectMany(p => p.Element(Ns + "AttachedPolicies")?.Elements(Ns + "member") ?? Enumerable.Empty<XElement>())
            .Select(m => new IamAttachedPolicy(Text(m, "PolicyName"), Text(m, "PolicyArn")))
            .ToList();
    }

    public async Task<IReadOnlyList<string>> ListRolePoliciesAsync(string roleName, CancellationToken cancellationToken)
    {
        var pages = await ListAsync("ListRolePolicies", new() { ["RoleName"] = roleName }, cancellationToken).ConfigureAwait(false);
        return pages.SelectMany(p => p.Element(Ns + "PolicyNames")?.Elements(Ns + "member") ?? Enumerable.Empty<XElement>())
            .Select(m => m.Value)
            .ToList();
    }

    public async Task<IamPolicyDocument> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetRolePolicy", new() { ["RoleName"] = roleName, ["PolicyName"] = policyName }, cancellationToken).ConfigureAwait(false);
        return new IamPolicyDocument(Text(result, "PolicyName"), null, true, Uri.UnescapeDataString(Text(result, "PolicyDocument")));
    }

    public async Task<IamManagedPolicy> GetPolicyAsync(string policyArn, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetPolicy", new() { ["PolicyArn"] = policyArn }, cancellationToken).ConfigureAwait(false);
        var policy = result.Element(Ns + "Policy") ?? throw Malformed("GetPolicy");
        var count = int.TryParse(policy.Element(Ns + "AttachmentCount")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new IamManagedPolicy(Text(policy, "PolicyName"), Text(policy, "Arn"), Text(policy, "DefaultVersionId"), count);
    }

    public async Task<IamPolicyDocument> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken)
    {
        var result = await CallAsync("GetPolicyVersion", new() { ["PolicyArn"] = policyArn, ["VersionId"] = versionId }, cancellationToken).ConfigureAwait(false);
        var version = result.Element(Ns + "PolicyVersion") ?? throw Malformed("GetPolicyVersion");
        return new IamPolicyDocument(
            policyArn,
            Text(version, "VersionId"),
            string.Equals(version.Element(Ns + "IsDefaultVersion")?.Value, "true", StringComparison.OrdinalIgnoreCase),
            Uri.UnescapeDataString(Text(version, "Document")));
    }

    /// <summary>Evaluates the principal's identity policies for each action (and resource; "*" when none given).</summary>
    public async Task<IReadOnlyList<IamEvaluation>> SimulatePrincipalPolicyAsync(string policySourceArn, IEnumerable<string> actionNames, IEnumerable<string>? resourceArns, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string> { ["PolicySourceArn"] = policySourceArn };
        var i = 1;
        foreach (var action in actionNames)
        {
            parameters["ActionNames.member." + i.ToString(CultureInfo.InvariantCulture)] = action;
            i++;
        }

        i = 1;
        foreach (var resource in resourceArns ?? Enumerable.Empty<string>())
        {
            parameters["ResourceArns.member." + i.ToString(CultureInfo.InvariantCulture)] = resource;
            i++;
        }

        var pages = await ListAsync("SimulatePrincipalPolicy", parameters, cancellationToken).ConfigureAwait(false);
        return pages.SelectMany(p => p.Element(Ns + "EvaluationResults")?.Elements(Ns + "member") ?? Enumerable.Empty<XElement>())
            .Select(m => new IamEvaluation(
                Text(m, "EvalActionName"),
                m.Element(Ns + "EvalResourceName")?.Value ?? "*",
                Text(m, "EvalDecision"),
                m.Element(Ns + "MatchedStatements")?.Elements(Ns + "member").Select(s => s.Element(Ns + "SourcePolicyId")?.Value ?? string.Empty).ToList() ?? new List<string>(),
                m.Element(Ns + "MissingContextValues")?.Elements(Ns + "member").Select(s => s.Value).ToList() ?? new List<string>()))
            .ToList();
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Follows Marker/IsTruncated to the end (bounded).</summary>
    private async Task<List<XElement>> ListAsync(string action, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var pages = new List<XElement>();
        string? marker = null;
        do
        {
            var pageParameters = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
            if (marker is not null)
            {
                pageParameters["Marker"] = marker;
            }

            var result = await CallAsync(action, pageParameters, cancellationToken).ConfigureAwait(false);
            pages.Add(result);
            var truncated = string.Equals(result.Element(Ns + "IsTruncated")?.Value, "true", StringComparison.OrdinalIgnoreCase);
            var next = truncated ? result.Element(Ns + "Marker")?.Value : null;
            if (next is not null && next == marker)
            {
                throw new InvalidOperationException($"IAM {action} returned the same Marker twice.");
            }

            marker = next;
        }
        while (marker is not null && pages.Count < MaxPages);

        return pages;
    }

    /// <summary>
    /// One operation with retries, all within the call timeout (so a silent or trickling IAM cannot hold the command);
    /// returns the &lt;ActionResult&gt; element. Failures record the call (IAM action, endpoint).
    /// </summary>
    private async Task<XElement> CallAsync(string action, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var call = new AwsCallInfo("IAM", action, Endpoint.ToString());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                deadline.Token.ThrowIfCancellationRequested();
                try
                {
                    return await SendOnceAsync(action, parameters, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < _maxErrorRetry && IsRetryable(ex, deadline.Token))
                {
                    var throttled = FailureClassifier.Classify(ex) == FailureKind.Throttled;
                    var cap = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(20).Ticks, BackoffBase.Ticks * (throttled ? 5 : 1) * (1L << Math.Min(attempt, 10))));
                    double fraction;
                    lock (_jitter)
                    {
                        fraction = _jitter.NextDouble();
                    }

                    await Task.Delay(TimeSpan.FromTicks((long)(cap.Ticks * fraction)), deadline.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AwsCallTimeoutException(call, _timeout, ex);
        }
        catch (Exception ex) when (Note(ex, call))
        {
            throw; // not reached: Note returns false
        }
    }

    private static bool Note(Exception exception, AwsCallInfo call)
    {
        AwsCallInfo.Annotate(exception, call);
        return false;
    }

    private static bool IsRetryable(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return FailureClassifier.Classify(exception) is FailureKind.Throttled or FailureKind.Timeout or FailureKind.Unreachable or FailureKind.ServiceError;
    }

    private async Task<XElement> SendOnceAsync(string action, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var form = new StringBuilder("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=2010-05-08");
        foreach (var pair in parameters)
        {
            form.Append('&').Append(Uri.EscapeDataString(pair.Key)).Append('=').Append(Uri.EscapeDataString(pair.Value));
        }

        var body = Encoding.UTF8.GetBytes(form.ToString());
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = Endpoint, Content = body };
        signing.Headers["Content-Type"] = contentType;
        signing.Headers["Host"] = Endpoint.IsDefaultPort ? Endpoint.Host : Endpoint.Host + ":" + Endpoint.Port.ToString(CultureInfo.InvariantCulture);
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = _credentials,
            Region = SigningRegion,
            Service = "iam",
            SignPayload = true,
        }, cancellationToken).ConfigureAwait(false);

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var header in signed.Headers)
        {
            if (!string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase) && !string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        string text;
        HttpStatusCode status;

        // The whole body is read within SendAsync (ResponseContentRead), under the call's deadline.
        using (var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false))
        {
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        }

        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (System.Xml.XmlException ex)
        {
            throw new IamServiceException($"IAM {action} answered {(int)status} with a body that is not XML.", ErrorType.Unknown, (int)status >= 500 ? "InternalFailure" : "MalformedResponse", string.Empty, status, ex);
        }

        if ((int)status >= 300 || root.Name.LocalName == "ErrorResponse")
        {
            var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "Unknown";
            var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? $"IAM {action} failed with HTTP {(int)status}.";
            var type = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Type")?.Value;
            var requestId = root.Elements().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value ?? string.Empty;
            throw new IamServiceException(message, type == "Sender" ? ErrorType.Sender : type == "Receiver" ? ErrorType.Receiver : ErrorType.Unknown, code, requestId, status);
        }

        return root.Element(Ns + action + "Result") ?? throw Malformed(action);
    }

    private static IamRoleDetails ParseRole(XElement role) => new(
        Text(role, "RoleName"),
        Text(role, "Arn"),
        Text(role, "RoleId"),
        role.Element(Ns + "Path")?.Value ?? "/",
        role.Element(Ns + "AssumeRolePolicyDocument")?.Value is { } trust ? Uri.UnescapeDataString(trust) : null);

    private static string Text(XElement parent, string name) => parent.Element(Ns + name)?.Value ?? string.Empty;

    private static IamServiceException Malformed(string action) =>
        new($"IAM {action} answered without a {action}Result element.", ErrorType.Unknown, "MalformedResponse", string.Empty, HttpStatusCode.OK);
}
