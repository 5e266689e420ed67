using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SsmTroubleshoot.Module.Tests.Harness;

/// <summary>Everything a script produced, stream by stream.</summary>
public sealed class ScriptResult
{
    public List<PSObject> Output { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<WarningRecord> Warnings { get; } = new();
    public List<VerboseRecord> Verbose { get; } = new();
    public List<DebugRecord> Debug { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    public List<InformationRecord> Information { get; } = new();

    /// <summary>The terminating error, if the script stopped with one.</summary>
    public ErrorRecord? Terminating { get; set; }

    /// <summary>Non-terminating and terminating errors together.</summary>
    public IEnumerable<ErrorRecord> AllErrors => Terminating is null ? Errors : Errors.Append(Terminating);

    /// <summary>ErrorIds as scripts see them: the part of FullyQualifiedErrorId before the first comma.</summary>
    public IReadOnlyList<string> ErrorIds => AllErrors.Select(ErrorId).ToList();

    public static string ErrorId(ErrorRecord record) => record.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>A property of an output object, as PowerShell sees it.</summary>
    public static object? Prop(PSObject obj, string name) => obj.Properties[name]?.Value;
}
