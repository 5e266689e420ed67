using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Aws;

/// <summary>A failed AWS call in words: which call, the service's code, what it means and the fix for that code.</summary>
public sealed class AwsFailureDescription
{
    internal AwsFailureDescription(FailureKind kind, AwsCallInfo? call, string? errorCode, string message, string? recommendedAction, string detail)
    {
        Detail = detail;
        Kind = kind;
        Call = call;
        ErrorCode = errorCode;
        Message = message;
        RecommendedAction = recommendedAction;
    }

    public FailureKind Kind { get; }

    /// <summary>The call that failed, when it is known.</summary>
    public AwsCallInfo? Call { get; }

    /// <summary>The service's error code (ThrottlingException, AuthFailure, ...) or null.</summary>
    public string? ErrorCode { get; }

    /// <summary>One line: "SSM DescribeInstanceInformation (endpoint) failed: ThrottlingException: Rate exceeded." No secret, no HTML.</summary>
    public string Message { get; }

    /// <summary>The fix that fits the code; null when only the caller's context can say (not found, invalid input).</summary>
    public string? RecommendedAction { get; }

    /// <summary>The service's code and message without the call ("ThrottlingException: Rate exceeded"), scrubbed.</summary>
    public string Detail { get; }
}

/// <summary>
/// The one place that words AWS failures for people, used by the cmdlets, the CLI and the engines' warnings:
/// names the call, keeps the service's code, drops wrappers ("See inner exception for details"), HTML pages and
/// secrets, and picks the fix from the code (a bad signature is the secret key or the clock, not a missing grant).
/// </summary>
public static class AwsFailureText
{
    private static readonly Regex s_title = new("<title>(?<t>[^<]{1,200})</title>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Describes an exception. <paramref name="context"/> says what was being done ("Reading runbook X"); it names the
    /// call when the exception does not carry one, and leads the message when it says more than the call.
    /// </summary>
    public static AwsFailureDescription Describe(Exception exception, string? context = null, IEnumerable<string?>? secrets = null)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        var kind = FailureClassifier.Classify(exception);
        var call = AwsCallInfo.Of(exception);
        var service = Find<AmazonServiceException>(exception);
        var code = service is not null && !string.IsNullOrEmpty(service.ErrorCode) ? service.ErrorCode : null;
        var status = service is not null && service.StatusCode != 0 ? (int)service.StatusCode : (int?)null;
        var detail = Detail(exception, service, status, out var html);
        if (html && kind is FailureKind.Unknown or FailureKind.InvalidArgument or FailureKind.NotConfigured)
        {
            kind = FailureKind.ServiceError;
        }

        var what = call is null ? context ?? "The AWS call"
            : context is null || context.StartsWith(call.Call, StringComparison.Ordinal) ? call.ToString()
            : context + ": " + call;
        var coded = code is null || detail.StartsWith(code, StringComparison.Ordinal) ? detail : code + ": " + detail;
        var message = kind == FailureKind.Timeout && exception is AwsCallTimeoutException timeout
            ? timeout.Message
            : $"{what} failed: " + coded;
        message = SecretScrubber.Scrub(OneLine(message), secrets);
        return new AwsFailureDescription(kind, call, code, message, Advice(kind, code, call, html, exception), SecretScrubber.Scrub(OneLine(coded), secrets));
    }

    /// <summary>The fix for a failure kind and code, naming the call's permission where one is missing.</summary>
    public static string? Advice(FailureKind kind, string? code, AwsCallInfo? call, bool html = false, Exception? exception = null)
    {
        var action = call?.Action ?? "the API action";
        if (html)
        {
            return "Something between this computer and AWS answered instead of the service (a proxy, firewall or load balancer returned a web page): "
                + "check -EndpointUrl, the HTTPS_PROXY/NO_PROXY settings and the proxy's rules for *.amazonaws.com.";
        }

        switch (kind)
        {
            case FailureKind.Throttled:
                return $"AWS throttled {action}: the account's request rate is shared by every tool using it. Wait and run again, lower the concurrency "
                    + "(-ThrottleLimit, -MaxConcurrency), or ask for a higher quota in Service Quotas; AWS_MAX_ATTEMPTS adds SDK retries.";
            case FailureKind.AuthenticationFailed:
                return code switch
                {
                    "InvalidClientTokenId" or "UnrecognizedClientException" or "InvalidAccessKeyId" =>
                        "AWS does not know this access key id: it was deleted, mistyped, or belongs to another partition. Check the access key (profile, -AccessKey, AWS_ACCESS_KEY_ID).",
                    "ExpiredToken" or "ExpiredTokenException" or "TokenRefreshRequired" or "InvalidToken" =>
                        "The session credentials have expired: get new ones (aws sso login, a new role session, Set-AWSCredential) and run again.",
                    "RequestExpired" =>
                        "The request's time stamp is too far from AWS time: correct this computer's clock (chronyc tracking, w32tm /resync).",
                    "MissingAuthenticationToken" or "MissingAuthenticationTokenException" =>
                        "The request was not signed: give credentials (-ProfileName, -AccessKey/-SecretKey) and check -EndpointUrl.",
                    _ => "AWS could not verify the request's signature: the secret access key does not belong to the access key id, or this computer's clock "
                        + "is more than 5 minutes off. Check the secret key (profile, -SecretKey, AWS_SECRET_ACCESS_KEY) and the system time.",
                };
            case FailureKind.PermissionDenied:
                return $"Allow {action} for the caller (Get-SsmAwsContext shows who is calling); an SCP, a permissions boundary or a VPC endpoint policy can also deny it.";
            case FailureKind.Timeout:
                return $"{(call is null ? "AWS" : call.Endpoint ?? call.Call)} did not answer in time: check the network path and proxy to the endpoint. "
                    + $"A slow link may need a longer call timeout (-CallTimeoutSeconds, or {AwsConnection.CallTimeoutVariable}).";
            case FailureKind.Unreachable:
                return $"{(call?.Endpoint is { } endpoint ? endpoint : "The endpoint")} could not be reached: check DNS, the network path, the proxy (HTTPS_PROXY) and -EndpointUrl.";
            case FailureKind.ServiceError:
                return "AWS answered with a server error: run again in a moment; if it persists, look at the AWS Health Dashboard for the region.";
            case FailureKind.NotConfigured when exception is not null:
                return "Check the credentials and the region (Get-SsmAwsContext).";
            default:
                return null;
        }
    }

    /// <summary>Whether the text is (or contains) an HTML page.</summary>
    public static bool IsHtml(string? text) =>
        text is not null && (text.IndexOf("<html", StringComparison.OrdinalIgnoreCase) >= 0 || text.IndexOf("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) >= 0);

    private static string Detail(Exception exception, AmazonServiceException? service, int? status, out bool html)
    {
        html = false;
        var text = Meaningful(exception);
        if (IsHtml(text) || (service is not null && IsHtml(service.Message)))
        {
            html = true;
            var match = s_title.Match(text);
            var title = match.Success ? WebUtility.HtmlDecode(match.Groups["t"].Value).Trim() : null;
            return $"HTTP {status?.ToString(CultureInfo.InvariantCulture) ?? "error"} with a web page"
                + (title is null ? string.Empty : $" '{title}'") + ", not an AWS answer.";
        }

        if (string.IsNullOrWhiteSpace(text) && status is not null)
        {
            return $"HTTP {status.Value.ToString(CultureInfo.InvariantCulture)} with no error message.";
        }

        return text.Length <= 500 ? text : text.Substring(0, 500) + "…";
    }

    /// <summary>The first message that says something: wrappers that only point at their inner exception are skipped.</summary>
    private static string Meaningful(Exception exception)
    {
        var e = exception;
        while (e is not null)
        {
            if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                e = aggregate.InnerExceptions[0];
                continue;
            }

            var message = e.Message ?? string.Empty;
            var wrapper = message.IndexOf("inner exception", StringComparison.OrdinalIgnoreCase) >= 0
                || message.Length == 0
                || (e is OperationCanceledException && e.InnerException is not null)
                || (e.InnerException is not null && e is AmazonClientException && !(e is AmazonServiceException));
            if (!wrapper || e.InnerException is null)
            {
                return message.Replace("See the inner exception for details.", string.Empty).Replace("See inner exception for details.", string.Empty).Trim();
            }

            e = e.InnerException;
        }

        return string.Empty;
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                return Find<T>(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }

    private static string OneLine(string text) => text.Replace("\r", string.Empty).Replace("\n", " ").Trim();
}
