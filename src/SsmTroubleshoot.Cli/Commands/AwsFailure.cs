using System;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// One line for a failed AWS call, worded by the engine's <see cref="AwsFailureText"/> as the module words it: the
/// call, the service's code and message (no secret, no HTML page), and the fix that fits the code, in this
/// command line's option names.
/// </summary>
internal static class AwsFailure
{
    public static string Describe(Exception exception, string call, string? endpoint)
    {
        // The exception names its call and endpoint when it went through our clients; the endpoint is added only otherwise.
        var context = string.IsNullOrEmpty(endpoint) || AwsCallInfo.Of(exception) is not null ? call : $"{call} at {endpoint}";
        var description = AwsFailureText.Describe(exception, context);
        var advice = description.RecommendedAction ?? "Check the credentials, --region and --endpoint-url.";
        return GlobalOptions.OptionNames(description.Message + " " + advice);
    }
}
