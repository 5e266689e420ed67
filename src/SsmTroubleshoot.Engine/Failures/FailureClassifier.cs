using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace SsmTroubleshoot.Failures;

/// <summary>The one place that decides what an exception means (throttling, access denied, not found, ...).</summary>
public static class FailureClassifier
{
    public static FailureKind Classify(Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        exception = Unwrap(exception);
        switch (exception)
        {
            case TaskCanceledException when exception.InnerException is TimeoutException:
                return FailureKind.Timeout; // HttpClient's own timeout, not the user's Ctrl+C
            case OperationCanceledException:
                return FailureKind.Cancelled;
            case TimeoutException:
                return FailureKind.Timeout;
            case Aws.AwsConfigurationException configuration:
                return configuration.Problem switch
                {
                    Aws.AwsConfigurationProblem.ProfileNotFound => FailureKind.NotFound,
                    Aws.AwsConfigurationProblem.SsoRoleDenied => FailureKind.PermissionDenied,
                    Aws.AwsConfigurationProblem.SsoLoginRequired => FailureKind.AuthenticationFailed, // also mid-run, when a refresh finds the sign-in expired
                    Aws.AwsConfigurationProblem.RegionInvalid or Aws.AwsConfigurationProblem.EndpointInvalid
                        or Aws.AwsConfigurationProblem.CredentialInvalid or Aws.AwsConfigurationProblem.CallTimeoutInvalid => FailureKind.InvalidArgument,
                    _ => FailureKind.NotConfigured,
                };
            case AmazonServiceException service:
                return ClassifyServiceError(service.ErrorCode, (int)service.StatusCode);
            case FileNotFoundException:
            case DirectoryNotFoundException:
                return FailureKind.NotFound;
            case UnauthorizedAccessException:
                return FailureKind.PermissionDenied;
            case ArgumentException:
            case FormatException:
                return FailureKind.InvalidArgument;
            case InvalidDataException:
                return FailureKind.InvalidData;
            case SocketException:
            case HttpRequestException:
            case IOException when exception.InnerException is SocketException:
                return FailureKind.Unreachable;
            case AmazonClientException client when client.InnerException is not null:
                return Classify(client.InnerException);
            case AmazonClientException:
                return FailureKind.NotConfigured;
            default:
                return FailureKind.Unknown;
        }
    }

    /// <summary>Classifies an AWS error code (EC2, IAM, STS, SSM spellings).</summary>
    public static FailureKind ClassifyServiceError(string? errorCode, int httpStatus)
    {
        var code = errorCode ?? string.Empty;
        if (code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded" or "TooManyRequestsException"
            or "TooManyUpdates" or "RequestThrottled" or "RequestThrottledException" or "SlowDown"
            || httpStatus == 429)
        {
            return FailureKind.Throttled;
        }

        if (IsAuthenticationCode(code))
        {
            return FailureKind.AuthenticationFailed;
        }

        if (code is "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" or "UnauthorizedAccess"
            || httpStatus == 403)
        {
            return FailureKind.PermissionDenied;
        }

        if (code.EndsWith(".NotFound", StringComparison.Ordinal) || code is "NoSuchEntity" or "InvalidInstanceId"
            || code.EndsWith("NotFoundException", StringComparison.Ordinal) || code is "InvalidDocument"
            || httpStatus == 404)
        {
            return FailureKind.NotFound;
        }

        if (code.EndsWith(".Malformed", StringComparison.Ordinal) || code.StartsWith("Invalid", StringComparison.Ordinal)
            || code is "ValidationError" or "ValidationException" or "MissingParameter")
        {
            return FailureKind.InvalidArgument;
        }

        if (httpStatus >= 500 || code is "InternalError" or "InternalFailure" or "InternalServerError" or "ServiceUnavailable" or "ServiceUnavailableException")
        {
            return FailureKind.ServiceError;
        }

        return FailureKind.Unknown;
    }

    /// <summary>Codes that mean AWS could not tell who is calling (the secret, the key, the token or the clock), not that the caller lacks a permission.</summary>
    public static bool IsAuthenticationCode(string? code) =>
        code is "AuthFailure" or "SignatureDoesNotMatch" or "InvalidSignatureException" or "IncompleteSignature" or "IncompleteSignatureException"
            or "InvalidClientTokenId" or "UnrecognizedClientException" or "InvalidAccessKeyId" or "ExpiredToken" or "ExpiredTokenException"
            or "RequestExpired" or "MissingAuthenticationToken" or "MissingAuthenticationTokenException" or "InvalidToken" or "TokenRefreshRequired";

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
        {
            exception = aggregate.InnerExceptions[0];
        }

        return exception;
    }
}
