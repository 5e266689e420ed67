using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Logs;

/// <summary>What a scan keeps and reports.</summary>
public sealed class LogScanOptions
{
    /// <summary>Entries older than this are ignored (compared with the agent's own, instance-local timestamps).</summary>
    public DateTime? Since { get; init; }

    public DateTime? Until { get; init; }

    /// <summary>Report ERROR/WARN entries that match no rule under the category Unknown.</summary>
    public bool IncludeUnclassified { get; init; }

    /// <summary>Only these categories are reported (null: all).</summary>
    public IReadOnlyCollection<string>? Categories { get; init; }

    /// <summary>The start of a line that is kept for display and classification; the rest is skipped.</summary>
    public int MaxLineChars { get; init; } = 64 * 1024;

    /// <summary>An entry (with its continuation lines) longer than this is cut.</summary>
    public int MaxEntryChars { get; init; } = 256 * 1024;

    /// <summary>Characters per block handed from the reader to the classifier (small: short-lived, below the large-object heap).</summary>
    public int BlockChars { get; init; } = 32 * 1024;

    /// <summary>Files at least this large are read on a second thread while the first classifies.</summary>
    public long ParallelReadThreshold { get; init; } = 4L * 1024 * 1024;
}
