using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.EndToEnd.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.EndToEnd.Tests.Interrupt;

/// <summary>
/// Ctrl+C as a person presses it: SIGINT to the pwsh process while Invoke-SawRunbook -Wait follows an execution that
/// never ends. The wait stops at once, the console shows no error, and the automation goes on (nothing cancels it).
/// </summary>
public sealed partial class CtrlCTests
{
    [Fact]
    public async Task Ctrl_C_stops_a_long_wait_promptly_and_leaves_the_automation_running()
    {
        var world = World.LoadScenario("tour");
        world.AutomationScripts.Insert(0, new AutomationScript { Outcome = "Running", StepMilliseconds = 1000 });
        await using var desk = (await Workspace.StartAsync(world)).WithTourCredentials();
        var script = Path.Combine(desk.Home, "wait.ps1");
        File.WriteAllText(script, """
            Import-Module ./out/SsmTroubleshoot/SsmTroubleshoot.psd1
            $ProgressPreference = 'SilentlyContinue'
            Write-Host "@@@waiting $PID"
            Invoke-SawRunbook AWSSupport-TroubleshootManagedInstance -InstanceId i-0a1b2c3d4e5f60001 -Wait -TimeoutSeconds 600
            Write-Host '@@@after'
            """);

        using var process = Terminal.Start(Terminal.PwshCommand(script), desk.Environment, desk.Root);
        var screen = new StringBuilder();
        var reader = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, read);
                }
            }
        });
        string Screen()
        {
            lock (screen)
            {
                return Terminal.Clean(screen.ToString());
            }
        }

        try
        {
            // The wait is under way once pwsh announced itself and the module has polled SSM.
            var pid = await Until(() => PidMarker().Match(Screen()) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null, TimeSpan.FromSeconds(60), Screen);
            await Until(() => desk.Emulator.Calls["ssm:DescribeAutomationExecutions"] + desk.Emulator.Calls["ssm:GetAutomationExecution"] > 0 ? true : (bool?)null, TimeSpan.FromSeconds(60), Screen);
            Assert.False(process.HasExited, Screen());

            var pressed = Stopwatch.StartNew();
            Terminal.Interrupt(pid);
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                await process.WaitForExitAsync(cts.Token);
            }

            pressed.Stop();
            await reader;
            var after = Screen();
            Assert.True(pressed.Elapsed < TimeSpan.FromSeconds(3), $"pwsh took {pressed.Elapsed.TotalSeconds:0.0} s to stop after Ctrl+C:\n{after}");
            // Ctrl+C ends the script: the line after the wait never runs, and no error record is shown.
            Assert.DoesNotContain("@@@after", after, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", after, StringComparison.Ordinal);
            Assert.DoesNotContain("Wait-AutomationExecution:", after, StringComparison.Ordinal);
            Assert.DoesNotContain("Invoke-SawRunbook:", after, StringComparison.Ordinal);
            // Stopping the wait does not stop the automation.
            Assert.Equal(0, desk.Emulator.Calls["ssm:StopAutomationExecution"]);
            Assert.Single(desk.Emulator.World.AutomationExecutions, e => e.DocumentName == "AWSSupport-TroubleshootManagedInstance");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<T> Until<T>(Func<T?> probe, TimeSpan timeout, Func<string> screen)
        where T : struct
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("Gave up waiting; the screen:\n" + screen());
    }

    [GeneratedRegex(@"@@@waiting (\d+)")]
    private static partial Regex PidMarker();
}
