using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Emulator.Model;

/// <summary>
/// What a node does when Run Command reaches it (World.CommandOutputs): what its script prints, how it ends, and
/// for how many polls it stays InProgress. Nodes without an entry succeed with empty output.
/// </summary>
public sealed class CommandOutput
{
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>What the script prints (for log collection: the agent log window the script would send).</summary>
    public string StandardOutput { get; set; } = string.Empty;

    public string StandardError { get; set; } = string.Empty;

    /// <summary>Success, Failed, TimedOut (execution timed out), Undeliverable, Cancelled.</summary>
    public string Status { get; set; } = "Success";

    /// <summary>The exit code; default 0 for Success, 1 for Failed, -1 otherwise.</summary>
    public int? ResponseCode { get; set; }

    /// <summary>List/Get calls that see the invocation InProgress before it ends (the emulator's notion of time).</summary>
    public int PollsInProgress { get; set; }

    /// <summary>
    /// Whether the agent uploads its output to SendCommand's OutputS3BucketName (false: the instance profile lacks
    /// s3:PutObject, so the object is missing and S3 answers NoSuchKey).
    /// </summary>
    public bool UploadsToS3 { get; set; } = true;
}

/// <summary>A command as SendCommand recorded it (World.Commands), with the state of each invocation.</summary>
public sealed class SentCommand
{
    public string CommandId { get; set; } = string.Empty;
    public string DocumentName { get; set; } = string.Empty;
    public List<string> InstanceIds { get; set; } = new();

    /// <summary>Run Command targeting (tag:Name, tag-key, InstanceIds) when the command was sent without ids.</summary>
    public List<KeyValuePair<string, List<string>>> Targets { get; set; } = new();
    public Dictionary<string, List<string>> Parameters { get; set; } = new();
    public string? Comment { get; set; }
    public string MaxConcurrency { get; set; } = "50";
    public string MaxErrors { get; set; } = "0";
    public int? TimeoutSeconds { get; set; }
    public string? OutputS3BucketName { get; set; }
    public string? OutputS3KeyPrefix { get; set; }
    public DateTime RequestedDateTime { get; set; }
    public List<CommandInvocationState> Invocations { get; set; } = new();
}

/// <summary>One node's invocation of a sent command.</summary>
public sealed class CommandInvocationState
{
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>The status once finished: Success, Failed, TimedOut, Cancelled.</summary>
    public string FinalStatus { get; set; } = "Success";

    /// <summary>Success, Failed, ExecutionTimedOut, Undeliverable, Cancelled.</summary>
    public string FinalStatusDetails { get; set; } = "Success";

    public int ResponseCode { get; set; }
    public string StandardOutput { get; set; } = string.Empty;
    public string StandardError { get; set; } = string.Empty;
    public int PollsInProgress { get; set; }

    /// <summary>Whether the finished invocation's output exists in the command's output bucket.</summary>
    public bool UploadsToS3 { get; set; } = true;

    /// <summary>A tag-targeted node that was not Online: Pending until the command's delivery timeout, then Delivery Timed Out.</summary>
    public bool AwaitsDelivery { get; set; }

    /// <summary>List/Get calls that have seen this invocation so far.</summary>
    public int Observed { get; set; }

    internal bool Finished => !AwaitsDelivery && Observed > PollsInProgress;
}
