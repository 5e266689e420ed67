using System;
using System.IO;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`--profile` of an IAM Identity Center (SSO) profile: the shipped examples/sso profile against the tour's portal.</summary>
public sealed class SsoProfileCommandTests : IAsyncLifetime
{
    private AwsEmulator _emu = null!;

    public async Task InitializeAsync() => _emu = await AwsEmulator.StartAsync(World.LoadScenario("tour"));

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    private static string Profiles => Path.Combine(RepoPaths.Root, "examples", "sso", "credentials");

    [Fact]
    public async Task The_sso_profile_resolves_through_the_portal()
    {
        var result = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--profile", "tour-sso", "--profile-location", Profiles, "--json");
        Assert.True(result.ExitCode == ExitCodes.Healthy, result.ToString());
        var context = result.Json();
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_SsmTroubleshooter_0123456789abcdef/ana", context.GetProperty("Arn").GetString());
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
        Assert.DoesNotContain("tour-sso-access-token", result.Output + result.Error);
    }

    [Fact]
    public async Task A_revoked_sign_in_could_not_run_and_says_to_run_aws_sso_login()
    {
        _emu.World.Mutate(w => w.SsoAssignments.Clear());
        var result = await CliRun.RunAsync("context", "--endpoint-url", _emu.Endpoint.ToString(), "--profile", "tour-sso", "--profile-location", Profiles);
        Assert.True(result.ExitCode == ExitCodes.CouldNotRun, result.ToString());
        Assert.Contains("aws sso login --profile tour-sso", result.Error);
        Assert.DoesNotContain("tour-sso-access-token", result.Output + result.Error);
    }
}
