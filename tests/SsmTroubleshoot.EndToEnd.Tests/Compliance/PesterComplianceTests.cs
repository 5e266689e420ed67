using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.EndToEnd.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.EndToEnd.Tests.Compliance;

/// <summary>
/// Every file of tests/compliance run by real Pester 5 (Invoke-Pester with data, as README shows) in real pwsh,
/// against the tour emulator and loopback instance fixtures: a healthy node passes, a broken one fails naming its
/// failed checks. One pwsh process runs every case; Pester's result objects come back as JSON.
/// </summary>
public sealed class PesterComplianceTests : IClassFixture<PesterComplianceTests.Session>
{
    private readonly Session _session;

    public PesterComplianceTests(Session session) => _session = session;

    [Fact]
    public void Every_compliance_file_has_a_healthy_and_a_broken_case()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "compliance"), "*.Tests.ps1").Select(Path.GetFileName).Order().ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Assert.True(Session.Cases.Any(c => c.File == file && c.Healthy) && Session.Cases.Any(c => c.File == file && !c.Healthy),
                $"{file} has no healthy and broken case in {nameof(PesterComplianceTests)}");
        }
    }

    [Fact]
    public void Pester_5_runs_them()
    {
        Assert.Equal("5.7.1", _session.PesterVersion);
    }

    [Fact]
    public void ManagedInstances_passes_the_healthy_node_and_names_the_failed_checks_of_the_broken_one()
    {
        var results = _session["managed"];
        Assert.Equal("Passed", results["Managed instances tagged Team=demo reach Systems Manager.the tag selects at least one instance"].Result);
        Assert.Equal("Passed", results["Managed instances tagged Team=demo reach Systems Manager.i-0a1b2c3d4e5f60001 (healthy).passes every network check"].Result);
        Assert.Equal("Passed", results["Managed instances tagged Team=demo reach Systems Manager.i-0a1b2c3d4e5f60001 (healthy).is Online in Systems Manager"].Result);
        var network = results["Managed instances tagged Team=demo reach Systems Manager.i-0a1b2c3d4e5f60002 (broken).passes every network check"];
        Assert.Equal("Failed", network.Result);
        foreach (var check in new[] { "InstanceProfile", "SecurityGroupEgress.ssm", "NaclEgress.ssm", "Route.ec2messages" })
        {
            Assert.Contains(check, network.Message, StringComparison.Ordinal);
        }

        Assert.Contains("ConnectionLost", results["Managed instances tagged Team=demo reach Systems Manager.i-0a1b2c3d4e5f60002 (broken).is Online in Systems Manager"].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentLogs_passes_a_clean_node_and_names_what_the_broken_ones_logged()
    {
        var results = _session["agentlogs-fleet"];
        const string prefix = "SSM Agent logs of the last 1.00:00:00.";
        Assert.Equal("Passed", results[prefix + "i-0a1b2c3d4e5f60001.was read (the agent is online and Run Command reached it)"].Result);
        Assert.Equal("Passed", results[prefix + "i-0a1b2c3d4e5f60001.has no Critical or High severity issue"].Result);
        var severe = results[prefix + "i-0a1b2c3d4e5f60006.has no Critical or High severity issue"];
        Assert.Equal("Failed", severe.Result);
        Assert.Contains("IamAccessDenied", severe.Message, StringComparison.Ordinal);
        Assert.Contains("EndpointUnreachable", severe.Message, StringComparison.Ordinal);
        var offline = results[prefix + "i-0a1b2c3d4e5f60002.was read (the agent is online and Run Command reached it)"];
        Assert.Equal("Failed", offline.Result);
        Assert.Contains("ConnectionLost", offline.Message, StringComparison.Ordinal);

        // On the box: issues are grouped by the instance id the log names (amazon-ssm-agent.log), else "this instance".
        var local = _session["agentlogs-local"];
        var named = local.Single(r => r.Key.EndsWith("i-0123456789abcdef0.has no Critical or High severity issue", StringComparison.Ordinal)).Value;
        Assert.Equal("Failed", named.Result);
        Assert.True(named.Message.Contains("Critical IamAccessDenied x2", StringComparison.Ordinal), named.Message);
        var unnamed = local.Single(r => r.Key.EndsWith("this instance.has no Critical or High severity issue", StringComparison.Ordinal)).Value;
        Assert.True(unnamed.Message.Contains("High Hibernation x2", StringComparison.Ordinal), unnamed.Message);
    }

    [Fact]
    public void OnInstance_passes_a_healthy_box_and_names_the_endpoint_that_fails()
    {
        var healthy = _session["oninstance"];
        Assert.True(healthy.Values.All(r => r.Result == "Passed"), string.Join("\n", healthy.Where(r => r.Value.Result != "Passed").Select(r => r.Key + ": " + r.Value.Message)));
        Assert.Contains(healthy.Keys, k => k.StartsWith("SSM Agent endpoints from this instance.ssmmessages (ssmmessages.eu-west-1.amazonaws.com:", StringComparison.Ordinal));
        Assert.Contains("ssm-cli diagnostic of this instance.AWS Credentials", healthy.Keys);

        var broken = _session["oninstance-broken"];
        var failed = broken.Where(r => r.Value.Result == "Failed").ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, r => Assert.Contains("ssmmessages", r.Key, StringComparison.Ordinal));
        Assert.Contains(failed, r => r.Key.EndsWith("is reachable", StringComparison.Ordinal) && r.Value.Message.Contains("because", StringComparison.Ordinal));
        Assert.Contains(failed, r => r.Key == "ssm-cli diagnostic of this instance.Connectivity to ssmmessages endpoint");
    }

    public sealed record PesterResult(string Result, string Message);

    public sealed class Session : IAsyncLifetime
    {
        internal static readonly (string Name, string File, bool Healthy)[] Cases =
        {
            ("managed", "ManagedInstances.Tests.ps1", true), ("managed", "ManagedInstances.Tests.ps1", false),
            ("agentlogs-fleet", "AgentLogs.Tests.ps1", true), ("agentlogs-fleet", "AgentLogs.Tests.ps1", false),
            ("oninstance", "OnInstance.Tests.ps1", true), ("oninstance-broken", "OnInstance.Tests.ps1", false),
        };

        private readonly Dictionary<string, Dictionary<string, PesterResult>> _results = new();
        private InstanceFixtures? _instance;
        private Workspace? _desk;

        public string PesterVersion { get; private set; } = string.Empty;

        public Dictionary<string, PesterResult> this[string name] => _results[name];

        public async Task InitializeAsync()
        {
            _desk = (await Workspace.StartAsync(World.LoadScenario("tour"))).WithTourCredentials();
            _instance = new InstanceFixtures();
            // Invoke-Pester with data, as a user does; the tests' outcomes as JSON on one line.
            var prelude = """
                Import-Module ./out/SsmTroubleshoot/SsmTroubleshoot.psd1
                Import-Module Pester -MinimumVersion 5.0
                function Invoke-Compliance([string] $File, [hashtable] $Data) {
                    $run = Invoke-Pester -Container (New-PesterContainer -Path "./tests/compliance/$File" -Data $Data) -PassThru -Output None
                    ConvertTo-Json -Compress -InputObject @($run.Tests | ForEach-Object {
                        [pscustomobject]@{ Name = $_.ExpandedPath; Result = "$($_.Result)"; Message = if ($_.ErrorRecord.Count) { $_.ErrorRecord[0].DisplayErrorMessage } else { '' } }
                    })
                }
                """ + $"\n$probe = {_instance.Splat()}\n$brokenProbe = {_instance.Splat("127.0.0.2")}\n$diagnostic = {_instance.DiagnosticSplat(_desk.Endpoint)}";
            var steps = new[]
            {
                ("pester", "(Get-Module Pester).Version.ToString()"),
                ("managed", "Invoke-Compliance ManagedInstances.Tests.ps1 @{ TagKey = 'Team'; TagValue = 'demo' }"),
                ("agentlogs-fleet", "Invoke-Compliance AgentLogs.Tests.ps1 @{ InstanceId = 'i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60006', 'i-0a1b2c3d4e5f60002' }"),
                ("agentlogs-local", "Invoke-Compliance AgentLogs.Tests.ps1 @{ Path = './examples/logs'; Window = '36500.00:00:00' }"),
                ("oninstance", "Invoke-Compliance OnInstance.Tests.ps1 @{ ProbeParameters = $probe; DiagnosticParameters = $diagnostic }"),
                ("oninstance-broken", "Invoke-Compliance OnInstance.Tests.ps1 @{ ProbeParameters = $brokenProbe; DiagnosticParameters = $diagnostic }"),
            };
            var results = await _desk.RunPwshAsync(steps, prelude);
            PesterVersion = results["pester"].Output.Trim();
            foreach (var (name, _) in steps.Skip(1))
            {
                // Warnings the cmdlets wrote during discovery come first; the result list is the last line.
                var output = results[name].Output.Trim();
                try
                {
                    using var json = JsonDocument.Parse(output.Split('\n')[^1]);
                    _results[name] = json.RootElement.EnumerateArray().ToDictionary(
                        t => t.GetProperty("Name").GetString()!,
                        t => new PesterResult(t.GetProperty("Result").GetString()!, t.GetProperty("Message").GetString() ?? string.Empty));
                }
                catch (JsonException ex)
                {
                    throw new InvalidOperationException($"Invoke-Pester for {name} printed no result list:\n{output}", ex);
                }
            }
        }

        public async Task DisposeAsync()
        {
            _instance?.Dispose();
            if (_desk is not null)
            {
                await _desk.DisposeAsync();
            }
        }
    }
}
