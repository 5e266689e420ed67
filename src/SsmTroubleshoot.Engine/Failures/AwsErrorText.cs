using System;
using System.Globalization;
using System.Net;
using Amazon.Runtime;

namespace SsmTroubleshoot.Failures;

/// <summary>
/// "Code: message" for a failed AWS call that says what the service said. When the SDK could not read the error
/// (an endpoint that answers in another shape), its message is only "The service returned an error. See inner
/// exception for details.": then the HTTP status and the innermost message are used instead.
/// </summary>
public static class AwsErrorText
{
    public static string Describe(Exception exception)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        var service = exception as AmazonServiceException;
        var code = !string.IsNullOrEmpty(service?.ErrorCode) ? service!.ErrorCode
            : service is not null && service.StatusCode != 0 ? "HTTP " + ((int)service.StatusCode).ToString(CultureInfo.InvariantCulture) + (service.StatusCode == (HttpStatusCode)0 ? string.Empty : " " + service.StatusCode)
            : FailureClassifier.Classify(exception).ToString();
        return code + ": " + Message(exception);
    }

    private static string Message(Exception exception)
    {
        var message = exception.Message;
        var inner = exception.InnerException;
        while (IsGeneric(message) && inner is not null)
        {
            if (!string.IsNullOrWhiteSpace(inner.Message))
            {
                message = inner.Message;
            }

            inner = inner.InnerException;
        }

        return message;
    }

    private static bool IsGeneric(string message) =>
        message.IndexOf("See inner exception", StringComparison.OrdinalIgnoreCase) >= 0
        || message.IndexOf("Exception of type", StringComparison.Ordinal) >= 0;
}
