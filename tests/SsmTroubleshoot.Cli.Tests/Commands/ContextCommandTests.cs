using System;
using System.Linq;
using System.IO;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`context` against the loopback AWS emulator: the global AWS options reach the module's resolver and clients.</summary>
public sealed class ContextCommandTests : IAsyncLifetime
{
    private const string Secret = "cli-test-secret-value";
    private AwsEmulator _emu = null!;

    public async Task InitializeAsync() => _emu = await AwsEmulator.StartAsync(World.LoadScenario("demo"));

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task Returns_the_caller_identity_through_the_endpoint_and_never_prints_the_secret()
    {
        var result = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIACLITEST000000001", "--secret-key", Secret, "--json");
        Assert.True(result.ExitCode == ExitCodes.Healthy, result.ToString());
        var context = result.Json();
        Assert.Equal("123456789012", context.GetProperty("Account").GetString());
        Assert.Equal("arn:aws:iam::123456789012:user/demo-admin", context.GetProperty("Arn").GetString());
        Assert.Equal("us-east-1", context.GetProperty("Region").GetString());
        Assert.Equal("the --region parameter", context.GetProperty("RegionSource").GetString());
        Assert.Equal("the --access-key/--secret-key parameters", context.GetProperty("CredentialSource").GetString());
        Assert.Equal(_emu.Endpoint.ToString(), context.GetProperty("Endpoint").GetString());
        var names = typeof(SsmAwsContext).GetProperties();
        Assert.Equal(names.Length, context.EnumerateObject().Count());
        Assert.Equal(1, _emu.Calls["sts:GetCallerIdentity"]);
        Assert.DoesNotContain(Secret, result.Output + result.Error);

        var table = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--region", "eu-west-1", "--access-key", "AKIACLITEST000000001", "--secret-key", Secret);
        Assert.Equal(ExitCodes.Healthy, table.ExitCode);
        var lines = CliRun.Lines(table.Output);
        Assert.Equal(new[] { "Account", "Arn", "Region", "CredentialSource", "Endpoint" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^123456789012\s+arn:aws:iam::123456789012:user/demo-admin\s+eu-west-1\s+the --access-key/--secret-key parameters\s+http://127\.0\.0\.1:\d+/$", lines[2]);
    }

    [Fact]
    public async Task Unresolvable_credentials_could_not_run_with_the_cli_option_names()
    {
        var emptyProfiles = Path.GetTempFileName();
        try
        {
            var noProfile = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--region", "us-east-1", "--profile", "nosuch", "--profile-location", emptyProfiles);
            Assert.Equal(ExitCodes.CouldNotRun, noProfile.ExitCode);
            Assert.Contains("nosuch", noProfile.Error);
            Assert.DoesNotContain("-ProfileName", noProfile.Error);

            var half = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIACLITEST000000001");
            Assert.Equal(ExitCodes.UsageError, half.ExitCode); // a command line that cannot work is a usage error
            Assert.Contains("--access-key and --secret-key must be given together", half.Error);
            Assert.Equal(0, _emu.Calls["sts:GetCallerIdentity"]);
        }
        finally
        {
            File.Delete(emptyProfiles);
        }
    }

    [Fact]
    public async Task A_refused_call_could_not_run()
    {
        _emu.Faults.Set("sts:GetCallerIdentity", new InjectedFault { ServerErrorFirst = 100 });
        var result = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--region", "us-east-1", "--access-key", "AKIACLITEST000000001", "--secret-key", Secret);
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.StartsWith("ERROR: STS GetCallerIdentity at " + _emu.Endpoint, result.Error);
        Assert.DoesNotContain(Secret, result.Error);
    }
}
