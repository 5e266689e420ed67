using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests;

/// <summary>
/// Coexistence with AWS.Tools, proven in a child process (this test process never loads AWSSDK): another
/// AWSSDK.Core build with the same AssemblyVersion 4.0.0.0 is loaded into the default context before or after
/// the module, as AWS.Tools.Common's RequiredAssemblies would, and both copies keep working.
/// </summary>
public sealed class IsolationTests : IAsyncLifetime
{
    private AwsEmulator? _emulator;

    public async System.Threading.Tasks.Task InitializeAsync() => _emulator = await AwsEmulator.StartAsync(World.LoadScenario("demo"));

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("before")]
    [InlineData("after")]
    public void Module_and_another_AWSSDK_Core_coexist_and_each_runs_on_its_own_copy(string order)
    {
        var script = $"Get-SsmAwsContext -EndpointUrl '{_emulator!.Endpoint}' -Region us-east-1 -AccessKey AKIDISOLATION -SecretKey isolation-secret";
        var lines = RunHost(order, script);

        Assert.DoesNotContain(lines, l => l.StartsWith("FATAL:", StringComparison.Ordinal) || l.StartsWith("ERR:", StringComparison.Ordinal));
        var output = Assert.Single(lines, l => l.StartsWith("OUT:", StringComparison.Ordinal));
        var ourSdk = Path.Combine(RepoPaths.ModuleDirectory, "dependencies", "AWSSDK.Core.dll");
        Assert.Contains("SdkAssembly=" + ourSdk, output, StringComparison.Ordinal);
        Assert.Contains("Account=", output, StringComparison.Ordinal);

        var foreign = Assert.Single(lines, l => l.StartsWith("FOREIGN:", StringComparison.Ordinal));
        Assert.Contains("foreign-awssdk", foreign, StringComparison.Ordinal);
        Assert.Contains("|4.0.100.2|AKIDFOREIGN", foreign, StringComparison.Ordinal);
        // Only the foreign copy is in the default context; ours stays in the module's private one.
        Assert.Contains("DEFAULT-CONTEXT-AWSSDK-CORE: 1", lines);
    }

    private static string[] RunHost(string order, string script)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        var host = Path.Combine(RepoPaths.Root, "tests", "SsmTroubleshoot.IsolationHost", "bin", configuration, "net10.0", "SsmTroubleshoot.IsolationHost.dll");
        Assert.True(File.Exists(host), "isolation host not built: " + host);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(order);
        start.ArgumentList.Add(RepoPaths.ModuleManifest);
        start.ArgumentList.Add(script);
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("isolation host did not finish in 60 s");
        }

        Assert.True(process.ExitCode == 0, stdout.Result + stderr.Result);
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
