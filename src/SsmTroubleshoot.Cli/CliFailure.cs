using System;

namespace SsmTroubleshoot.Cli;

/// <summary>A value on the command line that cannot be used (exit code 2).</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException()
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The command could not run: missing region, unreadable input (exit code 3). The message is what the operator reads.</summary>
internal sealed class CliRunException : Exception
{
    public CliRunException(string message)
        : base(message)
    {
    }

    public CliRunException()
    {
    }

    public CliRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
