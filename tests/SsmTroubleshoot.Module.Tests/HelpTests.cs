using System.Linq;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests;

/// <summary>Help cannot fall behind the code: every exported cmdlet and parameter is documented with examples.</summary>
public sealed class HelpTests
{
    private const string HelpAudit = """
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($command in Get-Command -Module SsmTroubleshoot) {
            $name = $command.Name
            $help = Get-Help $name -Full
            $description = (@($help.description) | ForEach-Object { $_.Text }) -join ''
            if (-not $description) { "${name}: no description" }
            if (-not $help.Synopsis -or $help.Synopsis.Trim().StartsWith($name)) { "${name}: no synopsis" }
            $examples = @($help.examples.example)
            $sets = @($command.ParameterSets)
            if ($examples.Count -lt $sets.Count) { "${name}: $($examples.Count) examples for $($sets.Count) parameter sets" }
            foreach ($example in $examples) { if (-not $example.code) { "${name}: an example without code" } }
            $documented = @{}
            foreach ($p in @($help.parameters.parameter)) {
                if ($p -and $p.name) { $documented[$p.name] = (@($p.description) | ForEach-Object { $_.Text }) -join '' }
            }
            foreach ($parameter in $command.Parameters.Keys) {
                if ($common -contains $parameter) { continue }
                if (-not $documented.ContainsKey($parameter)) { "${name}: parameter $parameter not in help" }
                elseif (-not $documented[$parameter]) { "${name}: parameter $parameter has no description" }
            }
            foreach ($documentedName in $documented.Keys) {
                if (-not $command.Parameters.ContainsKey($documentedName)) { "${name}: help documents $documentedName, which does not exist" }
            }
        }
        """;

    [Fact]
    public void Every_exported_cmdlet_has_synopsis_description_examples_and_parameter_help()
    {
        using var session = new PowerShellSession();
        var result = session.Run(HelpAudit);
        Assert.Empty(result.AllErrors);
        var problems = result.Output.Select(o => o.ToString()).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.NotEmpty(session.Run("Get-Command -Module SsmTroubleshoot").Output);
    }
}
