using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using System.Text;
using SsmTroubleshoot.Module.Tests.Harness;

namespace SsmTroubleshoot.Module.Tests.Compliance;

/// <summary>
/// A Pester 5 file of tests/compliance read with the PowerShell parser. Without Pester, it is turned into one plain
/// script that runs the same code in Pester's order (param defaults, BeforeDiscovery, then each Describe/Context
/// with its -ForEach data, BeforeAll, each It per -ForEach item) and reports every It as a result object
/// (Name, Passed, Message). A small Should (only the operators the files use) judges the assertions.
/// </summary>
internal sealed class PesterFile
{
    internal static readonly string[] PesterCommands = { "Describe", "Context", "It", "Should", "BeforeAll", "BeforeDiscovery", "AfterAll", "BeforeEach", "AfterEach" };

    /// <summary>Pester's Should, reduced to the operators the compliance files use (anything else fails to bind).</summary>
    internal const string ShouldShim = """
        function Should {
            param(
                [Parameter(ValueFromPipeline = $true)] $ActualValue,
                [switch] $Not,
                $Be,
                [switch] $BeNullOrEmpty,
                [switch] $BeTrue,
                [switch] $BeFalse,
                $BeGreaterThan,
                [string] $Because)
            begin { $items = [System.Collections.Generic.List[object]]::new() }
            process { $items.Add($ActualValue) }
            end {
                $value = if ($items.Count -eq 1) { $items[0] } else { $items.ToArray() }
                if ($PSBoundParameters.ContainsKey('Be')) { $ok = $items.Count -eq 1 -and $value -eq $Be; $what = "'$Be'" }
                elseif ($BeNullOrEmpty) { $ok = $items.Count -eq 0 -or ($items.Count -eq 1 -and ($null -eq $value -or "$value" -eq '' -or ($value -is [array] -and $value.Count -eq 0))); $what = '$null or empty' }
                elseif ($BeTrue) { $ok = $items.Count -eq 1 -and [bool]$value; $what = '$true' }
                elseif ($BeFalse) { $ok = $items.Count -eq 1 -and -not [bool]$value; $what = '$false' }
                elseif ($PSBoundParameters.ContainsKey('BeGreaterThan')) { $ok = $items.Count -eq 1 -and $value -gt $BeGreaterThan; $what = "greater than $BeGreaterThan" }
                else { throw 'Should: no operator the shim knows.' }
                if ($Not) { $ok = -not $ok; $what = "not $what" }
                if (-not $ok) {
                    $reason = if ($Because) { ", because $Because" } else { '' }
                    throw "Expected $what$reason, but got '$($items -join ', ')'."
                }
            }
        }
        function __Expand([string] $template, $item) {
            [regex]::Replace($template, '<([\w.]+)>', {
                param($__match)
                # Names of the shim's own locals must not shadow the test data (PowerShell names are case-insensitive).
                $__key = $__match.Groups[1].Value
                if ($__key -eq '_') { return "$item" }
                "$($ExecutionContext.SessionState.PSVariable.GetValue($__key))"
            })
        }
        """;

    private int _loop;

    private PesterFile(string path, ScriptBlockAst ast)
    {
        Path = path;
        Ast = ast;
    }

    public string Path { get; }

    public ScriptBlockAst Ast { get; }

    public static PesterFile Load(string name)
    {
        var path = System.IO.Path.Combine(RepoPaths.Root, "tests", "compliance", name);
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidDataException($"{name}: {string.Join("; ", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"))}");
        }

        return new PesterFile(path, ast);
    }

    /// <summary>Every command call: its name and the parameter names it uses (splatted ones are not visible).</summary>
    public IReadOnlyList<(string Command, IReadOnlyList<string> Parameters, int Line)> Commands() =>
        Ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>()
            .Select(c => (c.GetCommandName() ?? c.CommandElements[0].Extent.Text,
                (IReadOnlyList<string>)c.CommandElements.OfType<CommandParameterAst>().Select(p => p.ParameterName).ToList(),
                c.Extent.StartLineNumber))
            .ToList();

    /// <summary>
    /// The plain script. <paramref name="data"/> names the param-block parameters the caller sets (as the variable
    /// $__data['Name'], like New-PesterContainer -Data); the others take their defaults.
    /// </summary>
    public string Compose(IEnumerable<string> data)
    {
        var given = new HashSet<string>(data, StringComparer.OrdinalIgnoreCase);
        var script = new StringBuilder("$__results = [System.Collections.Generic.List[object]]::new()\n$__path = [System.Collections.Generic.List[string]]::new()\n");
        foreach (var parameter in Ast.ParamBlock?.Parameters ?? (IReadOnlyCollection<ParameterAst>)Array.Empty<ParameterAst>())
        {
            var name = parameter.Name.VariablePath.UserPath;
            var type = string.Concat(parameter.Attributes.OfType<TypeConstraintAst>().Select(t => t.Extent.Text));
            var value = given.Contains(name) ? $"$__data['{name}']" : parameter.DefaultValue?.Extent.Text ?? "$null";
            script.Append(type).Append('$').Append(name).Append(" = ").Append(value).Append('\n');
        }

        // Discovery first, as Pester does, then the blocks in order.
        foreach (var statement in Ast.EndBlock.Statements)
        {
            if (Call(statement) is { } call && Name(call) == "BeforeDiscovery")
            {
                script.Append(Body(call)).Append('\n');
            }
        }

        foreach (var statement in Ast.EndBlock.Statements)
        {
            Emit(statement, script);
        }

        script.Append("$__results\n");
        return script.ToString();
    }

    private void Emit(StatementAst statement, StringBuilder script)
    {
        var call = Call(statement);
        switch (call is null ? null : Name(call))
        {
            case null:
                script.Append(statement.Extent.Text).Append('\n');
                break;
            case "BeforeDiscovery":
                break;
            case "BeforeAll" or "AfterAll":
                script.Append(Body(call!)).Append('\n');
                break;
            case "Describe" or "Context":
            {
                var item = "$__block" + _loop++;
                script.Append($"foreach ({item} in @({ForEach(call!) ?? "$null"})) {{\n");
                Bind(item, script);
                script.Append($"$__path.Add((__Expand {Title(call!)} {item}))\n");
                foreach (var inner in Block(call!).EndBlock.Statements)
                {
                    Emit(inner, script);
                }

                script.Append("$__path.RemoveAt($__path.Count - 1)\n}\n");
                break;
            }

            case "It":
            {
                var item = "$__it" + _loop++;
                script.Append($"foreach ({item} in @({ForEach(call!) ?? "$null"})) {{\n");
                Bind(item, script);
                script.Append($"$__name = (($__path + @(__Expand {Title(call!)} {item})) -join ' > ')\n");
                script.Append("try {\n").Append(Body(call!)).Append("\n$__results.Add([pscustomobject]@{ Name = $__name; Passed = $true; Message = $null })\n}\n");
                script.Append("catch { $__results.Add([pscustomobject]@{ Name = $__name; Passed = $false; Message = $_.Exception.Message }) }\n}\n");
                break;
            }

            default:
                script.Append(statement.Extent.Text).Append('\n');
                break;
        }
    }

    // Hashtable items become variables (Pester's -ForEach); every item is also $_.
    private static void Bind(string item, StringBuilder script) =>
        script.Append($"$_ = {item}\nif ({item} -is [System.Collections.IDictionary]) {{ foreach ($__k in {item}.Keys) {{ $ExecutionContext.SessionState.PSVariable.Set($__k, {item}[$__k]) }} }}\n");

    private static CommandAst? Call(StatementAst statement) =>
        statement is PipelineAst { PipelineElements.Count: 1 } pipeline ? pipeline.PipelineElements[0] as CommandAst : null;

    private static string? Name(CommandAst call) => call.GetCommandName();

    private static ScriptBlockAst Block(CommandAst call) =>
        call.CommandElements.OfType<ScriptBlockExpressionAst>().Last().ScriptBlock;

    private static string Body(CommandAst call) => Block(call).EndBlock.Extent.Text;

    private static string Title(CommandAst call)
    {
        for (var i = 1; i < call.CommandElements.Count; i++)
        {
            if (call.CommandElements[i] is CommandParameterAst)
            {
                i++; // its argument
                continue;
            }

            if (call.CommandElements[i] is StringConstantExpressionAst or ExpandableStringExpressionAst)
            {
                return "(" + call.CommandElements[i].Extent.Text + ")";
            }
        }

        return "''";
    }

    private static string? ForEach(CommandAst call)
    {
        for (var i = 1; i < call.CommandElements.Count; i++)
        {
            if (call.CommandElements[i] is CommandParameterAst parameter
                && (parameter.ParameterName.Equals("ForEach", StringComparison.OrdinalIgnoreCase) || parameter.ParameterName.Equals("TestCases", StringComparison.OrdinalIgnoreCase)))
            {
                return (parameter.Argument ?? call.CommandElements[i + 1]).Extent.Text;
            }
        }

        return null;
    }
}
