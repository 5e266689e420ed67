using System;

namespace SsmTroubleshoot.Logs;

/// <summary>One agent log entry (its first line plus continuation lines) and the category it was classified as.</summary>
public sealed class SsmAgentLogEntry
{
    internal SsmAgentLogEntry(DateTime? timestamp, AgentLogLevel level, string? component, string message, string category,
        string? ruleId, SsmAgentLogSeverity? severity, string? path, long lineNumber, string? instanceId, string? endpoint)
    {
        Timestamp = timestamp;
        Level = level;
        Component = component;
        Message = message;
        Category = category;
        RuleId = ruleId;
        Severity = severity;
        Path = path;
        LineNumber = lineNumber;
        InstanceId = instanceId;
        Endpoint = endpoint;
    }

    /// <summary>The agent's own timestamp (instance local time, as the agent writes it); null when the text has none.</summary>
    public DateTime? Timestamp { get; }

    public AgentLogLevel Level { get; }

    /// <summary>The bracketed components, joined with '/' (e.g. ssm-agent-worker/MessageService/MGSInteractor).</summary>
    public string? Component { get; }

    /// <summary>The message with its continuation lines (joined with a line feed), capped for display.</summary>
    public string Message { get; }

    public string Category { get; }

    public string? RuleId { get; }

    public SsmAgentLogSeverity? Severity { get; }

    /// <summary>The file the entry was read from; null for pipeline input.</summary>
    public string? Path { get; }

    /// <summary>The 1-based line number of the entry's first line.</summary>
    public long LineNumber { get; }

    public string? InstanceId { get; }

    public string? Endpoint { get; }

    /// <summary>For a symptom entry (hibernation, back-off): the category of the most recent specific entry before it.</summary>
    public string? LikelyCause { get; internal init; }
}
