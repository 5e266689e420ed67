using System.Management.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>What a bound value is under PowerShell's wrapper (a piped or variable value often arrives as a PSObject).</summary>
internal static class PSValues
{
    internal static object? BaseOf(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
