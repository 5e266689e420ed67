using System;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.LogCollection;

/// <summary>
/// Rows for nodes whose log could not be read: shaped like log issues so that one pipeline (sort, group, pipe
/// by InstanceId into Test-ManagedInstanceNetwork or Invoke-SawRunbook) handles the whole fleet.
/// </summary>
internal static class FleetIssues
{
    private const string TroubleshootUri = "https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html";

    internal static SsmAgentLogIssue NotRegistered(string instanceId) => Row(
        FleetLogCollector.OfflineCategory, SsmAgentLogSeverity.Critical, instanceId,
        $"{instanceId} is not registered with Systems Manager in this account and region (DescribeInstanceInformation does not list it).",
        "Fleet.NotRegistered",
        "The agent never registered, or stopped long ago: it is not running, cannot reach the SSM endpoints, or the instance has no role with AmazonSSMManagedInstanceCore.",
        "Check the network path and the instance profile; start the agent; for hybrid nodes, re-register with an activation.",
        $"Test-ManagedInstanceNetwork -InstanceId {instanceId}");

    internal static SsmAgentLogIssue NotRegisteredIn(string instanceId, string where) => Row(
        FleetLogCollector.OfflineCategory, SsmAgentLogSeverity.Critical, instanceId,
        $"{instanceId} is not registered with Systems Manager in any of {where} (DescribeInstanceInformation lists it in none).",
        "Fleet.NotRegistered",
        "The agent never registered, or stopped long ago: it is not running, cannot reach the SSM endpoints, or the instance has no role with AmazonSSMManagedInstanceCore. Or the node is in an account or region not asked about.",
        "Check -Region and -AccountId; then the network path and the instance profile; start the agent; for hybrid nodes, re-register with an activation.",
        $"Test-ManagedInstanceNetwork -InstanceId {instanceId}");

    internal static SsmAgentLogIssue NotFoundInRead(string instanceId, string where, int unread) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, instanceId,
        $"{instanceId} is not registered in the parts of {where} that could be read; "
            + (unread > 0 ? $"{unread} account/region pair(s) could not be read (see the errors)." : "DescribeInstanceInformation kept failing for it where it may live (see the warnings)."),
        "Fleet.NotDescribed",
        "Whether the node is managed is unknown: it is not listed where Systems Manager answered, and the account or region it may live in could not be read.",
        "Fix the access to the account or region named in the errors (AssumeRole, opted-in region, permissions), then collect again.",
        $"Get-SsmAgentLogIssue -InstanceId {instanceId}");

    internal static SsmAgentLogIssue Offline(ManagedNode node) => Row(
        FleetLogCollector.OfflineCategory, SsmAgentLogSeverity.Critical, node.InstanceId,
        $"PingStatus {node.PingStatus}" + (node.LastPingDateTime is { } last ? $"; last ping {last.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z" : string.Empty)
            + (node.AgentVersion is null ? string.Empty : $"; agent {node.AgentVersion}") + ". Its log cannot be collected through Run Command.",
        "Fleet.AgentOffline",
        "The agent has stopped talking to Systems Manager: the instance is stopped, the agent is not running, or it lost its network path or credentials.",
        "Check the instance state, the network path (routes, security groups, NACLs, VPC endpoints) and the instance profile; read the agent log on the box.",
        $"Test-ManagedInstanceNetwork -InstanceId {node.InstanceId}");

    internal static SsmAgentLogIssue NotFinished(ManagedNode node, string commandId, string? status, TimeSpan timeout) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, node.InstanceId,
        $"Command {commandId} still {status ?? "not listed"} after {timeout.TotalSeconds:0} s.",
        "Fleet.NotFinished",
        "The agent took the command but has not finished it: it is busy, slow, or the instance is overloaded.",
        "Look at the command in the console (Run Command history) and run the collection again later.",
        $"Get-SsmAgentLogIssue -InstanceId {node.InstanceId}");

    internal static SsmAgentLogIssue NotSent(ManagedNode node, string document, Exception error) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, node.InstanceId,
        $"SendCommand {document} to {node.InstanceId} failed: {Why(error)}",
        "Fleet.NotSent",
        "Systems Manager refused to send the collection script: the caller may not run the document on this node, or the node stopped being a valid target.",
        "Allow ssm:SendCommand on the document and the node (Get-SsmAwsContext shows who is calling), then collect again.",
        $"Get-SsmAgentLogIssue -InstanceId {node.InstanceId}");

    internal static SsmAgentLogIssue NotDescribed(string instanceId, Exception error) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, instanceId,
        $"DescribeInstanceInformation for {instanceId} failed: {Why(error)}",
        "Fleet.NotDescribed",
        "Systems Manager did not say whether the node is managed: the call kept failing (throttled beyond the retries, refused, or unreachable).",
        AdviceFor(error, "Allow ssm:DescribeInstanceInformation (Get-SsmAwsContext shows who is calling), then collect again."),
        $"Get-SsmAgentLogIssue -InstanceId {instanceId}");

    internal static SsmAgentLogIssue NotListed(ManagedNode node, string commandId, Exception error) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, node.InstanceId,
        $"Command {commandId} was sent, but its invocations could not be listed: {Why(error)}",
        "Fleet.NotListed",
        "The collection script was sent to the node, but ListCommandInvocations kept failing, so whether it ran is unknown.",
        AdviceFor(error, "Allow ssm:ListCommandInvocations, then collect again (or look at the command in Run Command history)."),
        $"Get-SsmAgentLogIssue -InstanceId {node.InstanceId}");

    internal static SsmAgentLogIssue NotRead(ManagedNode node, string commandId, Exception error) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, node.InstanceId,
        $"Command {commandId} ran, but its output could not be read: {Why(error)}",
        "Fleet.NotRead",
        "The collection script ran on the node, but GetCommandInvocation kept failing, so its output was not read.",
        AdviceFor(error, "Allow ssm:GetCommandInvocation, then collect again."),
        $"Get-SsmAgentLogIssue -InstanceId {node.InstanceId}");

    internal static SsmAgentLogIssue Unaccounted(string instanceId) => Row(
        FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, instanceId,
        $"{instanceId} was asked about but neither collected nor reported by a step of the collection.",
        "Fleet.Unaccounted",
        "An unexpected answer (for example a node missing from its command's invocation list) left this node without a result.",
        "Collect this node again.",
        $"Get-SsmAgentLogIssue -InstanceId {instanceId}");

    /// <summary>The failure in one line: the call, the service's code and message, no secrets or HTML.</summary>
    private static string Why(Exception error) => OneLine(Aws.AwsFailureText.Describe(error).Message);

    private static string AdviceFor(Exception error, string fallback)
    {
        var description = Aws.AwsFailureText.Describe(error);
        return description.Kind is Failures.FailureKind.Throttled or Failures.FailureKind.Timeout or Failures.FailureKind.Unreachable
            or Failures.FailureKind.ServiceError or Failures.FailureKind.AuthenticationFailed
            ? description.RecommendedAction ?? fallback
            : fallback;
    }

    internal static SsmAgentLogIssue Failed(ManagedNode node, string commandId, string document, InvocationSummary? summary, InvocationOutput? output)
    {
        var details = summary?.StatusDetails ?? output?.StatusDetails ?? summary?.Status ?? "Failed";
        var delivery = string.Equals(details, "Undeliverable", StringComparison.OrdinalIgnoreCase)
            || string.Equals(details, "DeliveryTimedOut", StringComparison.OrdinalIgnoreCase);
        var error = output?.StandardError.Trim();
        var sample = $"Command {commandId} ({document}) on {node.InstanceId}: {summary?.Status ?? "Failed"} ({details})"
            + (output is null ? string.Empty : $", exit code {output.ResponseCode}")
            + (string.IsNullOrEmpty(error) ? "." : ": " + OneLine(error!));
        return delivery
            ? Row(FleetLogCollector.FailedCategory, SsmAgentLogSeverity.Critical, node.InstanceId, sample, "Fleet.Undeliverable",
                "The command never reached the agent although the node was Online when asked: it went offline since, or its connection to ec2messages/ssmmessages is broken.",
                "Check the network path to the ec2messages and ssmmessages endpoints and the agent service.",
                $"Test-ManagedInstanceNetwork -InstanceId {node.InstanceId}")
            : Row(FleetLogCollector.FailedCategory, SsmAgentLogSeverity.High, node.InstanceId, sample, "Fleet.CollectionFailed",
                "The collection script ran and failed (or timed out): the log folder is unreadable, the shell or PowerShell is broken, or the document is blocked.",
                "Read the error in the sample; run Get-SsmAgentLogIssue on the instance itself (Session Manager or RDP/SSH).",
                $"Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId {node.InstanceId}");
    }

    private static string OneLine(string text)
    {
        var flat = text.Replace("\r", string.Empty).Replace("\n", " | ");
        return flat.Length <= 300 ? flat : flat.Substring(0, 300) + "…";
    }

    private static SsmAgentLogIssue Row(string category, SsmAgentLogSeverity severity, string instanceId, string sample, string ruleId,
        string cause, string remediation, string nextStep) =>
        new(category, severity, 1, null, null, instanceId, null, sample, ruleId, cause, remediation, TroubleshootUri, nextStep, instanceId, Array.Empty<long>());
}
