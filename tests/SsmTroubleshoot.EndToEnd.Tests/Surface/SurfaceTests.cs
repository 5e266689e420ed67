using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.EndToEnd.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.EndToEnd.Tests.Surface;

/// <summary>
/// The module as a person meets it in real pwsh 7.6: imported by path, each cmdlet's default view through the real
/// Format-Table/Format-List, -WhatIf, -Verbose and -Debug on the console, errors as the console and
/// <c>$Error[0] | Format-List * -Force</c> show them, and Get-Help -Full. One pwsh process types every command
/// (against the tour emulator and loopback instance fixtures); each test checks its part of the screen.
/// </summary>
public sealed class SurfaceTests : IClassFixture<SurfaceTests.Session>
{
    public static readonly string[] Cmdlets =
    {
        "Get-SsmAgentLogIssue", "Get-SsmAgentLogRule", "Test-SsmEndpoint", "Get-SsmDiagnostic", "Get-SsmAwsContext", "Find-SawRunbook",
        "Get-SawRunbook", "Invoke-SawRunbook", "Wait-AutomationExecution", "Export-SawSupportCase", "Test-ManagedInstanceNetwork",
        "Get-SsmNodeDiagnosis",
    };

    private static readonly (string Name, string Command)[] Views =
    {
        ("view-logissue", "Get-SsmAgentLogIssue -Path examples/logs/hibernate.log"),
        ("view-logentry", "Get-SsmAgentLogIssue -Path examples/logs/hibernate.log -AsEntry"),
        ("view-logrule", "Get-SsmAgentLogRule -Category Hibernation"),
        ("view-awscontext", "Get-SsmAwsContext"),
        ("view-network", "Test-ManagedInstanceNetwork -InstanceId i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002, mi-0a1b2c3d4e5f60003"),
        ("view-networkchecks", "(Test-ManagedInstanceNetwork -InstanceId i-0a1b2c3d4e5f60001).Checks"),
        ("view-nodediagnosis", "Get-SsmNodeDiagnosis -InstanceId i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002, i-0a1b2c3d4e5f60009, mi-0a1b2c3d4e5f60003"),
        ("view-nodeevidence", "(Get-SsmNodeDiagnosis -InstanceId i-0a1b2c3d4e5f60009).Evidence"),
        ("view-nodegroups", "Get-SsmNodeDiagnosis -Filter @{ 'tag:Environment' = 'prod' } -GroupByRootCause"),
        ("view-runbooks", "Find-SawRunbook"),
        ("view-runbook", "Get-SawRunbook AWSSupport-TroubleshootManagedInstance"),
        ("view-start", "$started = Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId i-0a1b2c3d4e5f60001; $started"),
        ("view-wait", "$done = $started | Wait-AutomationExecution; $done"),
        ("view-findings", "$done.Findings"),
        ("view-supportcase", "$done | Export-SawSupportCase -Path ./out-e2e/case -Redact"),
        ("view-endpoint", "Test-SsmEndpoint -Service ssm, ssmmessages @probe"),
        ("view-diagnostic", "Get-SsmDiagnostic -Service ssm @probe @diagnostic"),
        ("whatif", "Invoke-SawRunbook AWSSupport-ExecuteEC2Rescue -InstanceId i-0a1b2c3d4e5f60001 -Parameter @{ LogDestination = 'my-rescue-logs' } -WhatIf"),
        ("verbose", "Test-ManagedInstanceNetwork -InstanceId i-0a1b2c3d4e5f60001 -Verbose | Out-Null"),
        ("debug", "Get-SsmAwsContext -Region us-east-1 -Debug | Out-Null"),
        ("error-console", "Test-ManagedInstanceNetwork -InstanceId i-0deadbeefdeadbeef"),
        ("error-record", "$Error[0] | Format-List * -Force"),
        ("error-terminating", "$region = $env:AWS_REGION; $env:AWS_REGION = $null; try { Get-SsmAwsContext } finally { $env:AWS_REGION = $region }"),
        ("error-terminating-record", "$Error[0] | Format-List * -Force"),
    };

    private readonly Session _session;

    public SurfaceTests(Session session) => _session = session;

    public static TheoryData<string> ViewNames => new(Views.Select(v => v.Name));

    public static TheoryData<string> CmdletNames => new(Cmdlets);

    [Fact]
    public void The_module_imports_by_path_silently_with_every_cmdlet()
    {
        var import = _session["import"];
        Assert.True(import.Failed is null, import.ToString());
        Assert.Equal(string.Join(", ", Cmdlets.Order(StringComparer.Ordinal)), import.Output.Trim());
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void What_the_console_shows(string name)
    {
        var output = _session[name].Output;
        // Describe calls run concurrently: their verbose lines are compared as a set.
        Expected.Matches(name, name == "verbose" ? string.Join('\n', output.Split('\n').Order(StringComparer.Ordinal)) : output);
    }

    [Fact]
    public void WhatIf_starts_nothing_and_Debug_asks_nothing()
    {
        Assert.Null(_session["whatif"].Failed);
        Assert.DoesNotContain(_session.Desk.Emulator.World.AutomationExecutions, e => e.DocumentName == "AWSSupport-ExecuteEC2Rescue");
        Assert.Null(_session["debug"].Failed);
        Assert.Contains("DEBUG: Calling STS GetCallerIdentity", _session["debug"].Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Get_Help_Full_documents_every_part(string cmdlet)
    {
        var help = _session["help-" + cmdlet].Output;
        foreach (var heading in new[] { "\nNAME\n", "\nSYNOPSIS\n", "\nSYNTAX\n", "\nDESCRIPTION\n", "\nPARAMETERS\n", "\nINPUTS\n", "\nOUTPUTS\n", "--- Example 1", "\nRELATED LINKS" })
        {
            Assert.True(help.Contains(heading, StringComparison.OrdinalIgnoreCase), $"Get-Help {cmdlet} -Full has no {heading.Trim()}:\n{help}");
        }

        var lines = help.Split('\n');
        Assert.Equal(cmdlet, lines[Array.IndexOf(lines, "NAME") + 1].Trim());
        Assert.DoesNotContain("{{", help, StringComparison.Ordinal);
        // Every parameter of the cmdlet is described: PowerShell prints "-<Name> <Type>" followed by its text.
        var parameters = _session["params-" + cmdlet].Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(parameters);
        foreach (var parameter in parameters)
        {
            var at = help.IndexOf("\n    -" + parameter + " ", StringComparison.Ordinal) is var i and >= 0 ? i : help.IndexOf("\n    -" + parameter + "\n", StringComparison.Ordinal);
            Assert.True(at >= 0, $"Get-Help {cmdlet} -Full does not list -{parameter}");
            var description = help[(at + 1)..].Split('\n').Skip(1).FirstOrDefault()?.Trim() ?? string.Empty;
            Assert.True(description.Length > 0 && !description.StartsWith("Required?", StringComparison.Ordinal), $"-{parameter} of {cmdlet} has no description");
        }
    }

    [Fact]
    public void About_topics_are_found_by_Get_Help()
    {
        Assert.Contains("about_SsmTroubleshoot_Compliance", _session["help-about-compliance"].Output, StringComparison.Ordinal);
        Assert.Contains("ManagedInstances.Tests.ps1", _session["help-about-compliance"].Output, StringComparison.Ordinal);
        Assert.Contains("about_SsmTroubleshoot", _session["help-about"].Output, StringComparison.Ordinal);
    }

    /// <summary>Runs every command once for the class.</summary>
    public sealed class Session : IAsyncLifetime
    {
        private Dictionary<string, StepResult> _results = new();
        private InstanceFixtures? _instance;

        public Workspace Desk { get; private set; } = null!;

        public StepResult this[string name] => _results.TryGetValue(name, out var result) ? result : throw new KeyNotFoundException(name);

        public async Task InitializeAsync()
        {
            Desk = (await Workspace.StartAsync(World.LoadScenario("tour"))).WithTourCredentials();
            _instance = new InstanceFixtures();
            var steps = new List<(string, string)>
            {
                ("import", "Import-Module ./out/SsmTroubleshoot/SsmTroubleshoot.psd1; (Get-Command -Module SsmTroubleshoot).Name -join ', '"),
            };
            steps.AddRange(Views);
            foreach (var cmdlet in Cmdlets)
            {
                steps.Add(("help-" + cmdlet, $"Get-Help {cmdlet} -Full"));
                // The parameters to look for in the help: the cmdlet's own, not the common ones.
                steps.Add(("params-" + cmdlet, $"(Get-Command {cmdlet}).Parameters.Keys | Where-Object {{ $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }}"));
            }

            steps.Add(("help-about-compliance", "Get-Help about_SsmTroubleshoot_Compliance"));
            steps.Add(("help-about", "Get-Help about_SsmTroubleshoot | Select-Object -First 1 | Out-String -Stream | Select-Object -First 3"));
            var prelude = $"$probe = {_instance.Splat()}\n$diagnostic = {_instance.DiagnosticSplat(Desk.Endpoint)}";
            _results = await Desk.RunPwshAsync(steps, prelude);
        }

        public async Task DisposeAsync()
        {
            _instance?.Dispose();
            await Desk.DisposeAsync();
        }
    }
}
