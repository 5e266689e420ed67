namespace SsmTroubleshoot.Logs;

/// <summary>The agent's log level; ordered so that comparisons mean "at least as severe as".</summary>
public enum AgentLogLevel
{
    /// <summary>No level could be read (pipeline text without the agent's header).</summary>
    Unknown = 0,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Critical,
}

/// <summary>How bad a diagnosed issue is for the node being managed.</summary>
public enum SsmAgentLogSeverity
{
    Low = 0,
    Medium,
    High,
    Critical,
}
