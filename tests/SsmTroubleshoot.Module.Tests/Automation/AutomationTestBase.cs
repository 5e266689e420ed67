using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Automation;

/// <summary>
/// One emulator (scenario "automation": the catalog runbooks, steps of 50 ms) and one session per test class;
/// $aws splats the connection (-EndpointUrl, -Region, keys) and $fast a short first poll interval.
/// </summary>
public abstract class AutomationTestBase : IAsyncLifetime, IDisposable
{
    protected const string Healthy = "i-0a1b2c3d4e5f60001";
    protected const string Broken = "i-0a1b2c3d4e5f60002";

    protected AwsEmulator Emu { get; private set; } = null!;

    protected PowerShellSession Session { get; } = new();

    public virtual async Task InitializeAsync()
    {
        Emu = await AwsEmulator.StartAsync(World.LoadScenario("automation"));
        Session.Run("$aws = @{ EndpointUrl = '" + Emu.Endpoint + "'; Region = 'us-east-1'; AccessKey = 'AKIAAUTOMATIONTEST01'; SecretKey = 'automation-test-secret' }; $fast = @{ PollIntervalSeconds = 0.1 }");
    }

    public async Task DisposeAsync() => await Emu.DisposeAsync();

    public void Dispose() => Session.Dispose();

    protected List<AutomationExecution> Executions()
    {
        lock (Emu.World.Sync)
        {
            return Emu.World.AutomationExecutions.ToList();
        }
    }

    protected void Script(AutomationScript script) => Emu.World.Mutate(w => w.AutomationScripts.Insert(0, script));

    protected static string Instance(int n) => $"i-0a1b2c3d4e5f7{n:D4}";
}
