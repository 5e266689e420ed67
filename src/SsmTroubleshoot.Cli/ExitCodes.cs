namespace SsmTroubleshoot.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Everything checked is healthy.</summary>
    public const int Healthy = 0;

    /// <summary>The command ran and found problems.</summary>
    public const int ProblemsFound = 1;

    /// <summary>The command line was wrong.</summary>
    public const int UsageError = 2;

    /// <summary>The command could not run (no region, no credentials, unreadable input, AWS error).</summary>
    public const int CouldNotRun = 3;

    /// <summary>A search matched nothing (`runbook find` with a keyword no runbook has), as grep's "no lines selected".</summary>
    public const int NothingFound = 4;

    /// <summary>Ctrl+C or SIGTERM stopped the command (the shell convention 128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
