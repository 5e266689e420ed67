using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.LogCollection;

/// <summary>
/// The SSM calls fleet collection needs. Implementations throw the SDK's service exceptions so
/// <see cref="Failures.FailureClassifier"/> can tell throttling apart.
/// </summary>
public interface IRunCommandApi
{
    /// <summary>One page of DescribeInstanceInformation: by ids (at most 50) or by filters (Key → Values).</summary>
    Task<ManagedNodePage> DescribeNodesAsync(IReadOnlyList<string>? instanceIds, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters,
        string? nextToken, CancellationToken cancellationToken);

    /// <summary>SendCommand; returns the CommandId.</summary>
    Task<string> SendCommandAsync(RunCommandRequest request, CancellationToken cancellationToken);

    /// <summary>One page of ListCommandInvocations for a command (no plugin details).</summary>
    Task<InvocationPage> ListInvocationsAsync(string commandId, string? nextToken, CancellationToken cancellationToken);

    /// <summary>GetCommandInvocation: status and the first 24,000 characters of standard output.</summary>
    Task<InvocationOutput> GetInvocationAsync(string commandId, string instanceId, CancellationToken cancellationToken);
}

/// <summary>A managed node as DescribeInstanceInformation reports it.</summary>
public sealed class ManagedNode
{
    public string InstanceId { get; init; } = string.Empty;

    /// <summary>Online, ConnectionLost or Inactive.</summary>
    public string PingStatus { get; init; } = string.Empty;

    /// <summary>Linux, Windows or MacOS.</summary>
    public string PlatformType { get; init; } = string.Empty;

    public string? PlatformName { get; init; }

    public string? ComputerName { get; init; }

    public string? AgentVersion { get; init; }

    public DateTime? LastPingDateTime { get; init; }
}

public sealed class ManagedNodePage
{
    public IReadOnlyList<ManagedNode> Nodes { get; init; } = Array.Empty<ManagedNode>();

    public string? NextToken { get; init; }
}

/// <summary>What SendCommand is asked to run, on which nodes, at which rate.</summary>
public sealed class RunCommandRequest
{
    public string DocumentName { get; init; } = string.Empty;

    /// <summary>The nodes by id (at most 50); empty when <see cref="Targets"/> selects them.</summary>
    public IReadOnlyList<string> InstanceIds { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Run Command's own targeting instead of ids: Key (tag:Name, tag-key) → Values. SSM resolves the nodes and paces
    /// them by MaxConcurrency/MaxErrors over the whole selection, with no 50-id limit.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Targets { get; init; }

    /// <summary>SendCommand TimeoutSeconds: a node the command has not reached by then never runs it (Delivery Timed Out).</summary>
    public int? DeliveryTimeoutSeconds { get; init; }

    /// <summary>The document's "commands" parameter: the script, one line per value.</summary>
    public IReadOnlyList<string> Commands { get; init; } = Array.Empty<string>();

    public int ExecutionTimeoutSeconds { get; init; }

    public string? MaxConcurrency { get; init; }

    public string? MaxErrors { get; init; }

    public string? OutputS3BucketName { get; init; }

    public string? OutputS3KeyPrefix { get; init; }

    public string? Comment { get; init; }
}

/// <summary>One row of ListCommandInvocations.</summary>
public sealed class InvocationSummary
{
    public string InstanceId { get; init; } = string.Empty;

    /// <summary>Pending, InProgress, Delayed, Success, Cancelled, TimedOut, Failed, Cancelling.</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>Finer: Undeliverable, DeliveryTimedOut, ExecutionTimedOut, Terminated, ...</summary>
    public string? StatusDetails { get; init; }
}

public sealed class InvocationPage
{
    public IReadOnlyList<InvocationSummary> Invocations { get; init; } = Array.Empty<InvocationSummary>();

    public string? NextToken { get; init; }
}

/// <summary>GetCommandInvocation's answer, reduced to what collection uses.</summary>
public sealed class InvocationOutput
{
    public string Status { get; init; } = string.Empty;

    public string? StatusDetails { get; init; }

    public int ResponseCode { get; init; }

    public string StandardOutput { get; init; } = string.Empty;

    public string StandardError { get; init; } = string.Empty;

    /// <summary>The S3 URL of the full output, when the command was sent with an output bucket.</summary>
    public string? StandardOutputUrl { get; init; }
}
