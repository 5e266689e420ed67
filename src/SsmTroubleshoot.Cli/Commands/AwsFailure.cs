using System;
using SsmTroubleshoot.Common;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>One line for a failed AWS call: what was called, the kind of failure (the module's classifier) and the service's message.</summary>
internal static class AwsFailure
{
    public static string Describe(Exception exception, string call, string? endpoint)
    {
        var kind = FailureClassifier.Classify(exception);
        var where = string.IsNullOrEmpty(endpoint) ? string.Empty : " at " + endpoint;
        return $"{call}{where} failed ({kind}): {exception.Message} Check the credentials, --region and --endpoint-url.";
    }
}
