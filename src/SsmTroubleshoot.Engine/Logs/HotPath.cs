using System.Runtime.CompilerServices;

namespace SsmTroubleshoot.Logs;

/// <summary>Method attributes for the per-line loops.</summary>
internal static class HotPath
{
    /// <summary>
    /// MethodImplOptions.AggressiveOptimization (missing from netstandard2.0's enum, honoured by .NET Core 3+):
    /// a cmdlet usually scans once, so its loops must not spend that run in unoptimised tier-0 code.
    /// </summary>
    internal const MethodImplOptions Optimize = (MethodImplOptions)512;
}
