using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Completes -Name from the built-in runbook catalog (no AWS call while typing).</summary>
public sealed class RunbookNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        RunbookCatalog.Complete(wordToComplete)
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, RunbookCatalog.Find(name)?.Purpose ?? name))
            .ToList();
}
