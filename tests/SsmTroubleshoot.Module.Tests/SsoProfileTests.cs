using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests;

/// <summary>
/// -ProfileName of an IAM Identity Center (SSO) profile: the module reads the token `aws sso login` cached and
/// gets role credentials from the emulator's portal; a stale sign-in or an unassigned role is a clear terminating error.
/// The profile files live in a temporary folder (-ProfileLocation), the token cache in sso/cache beside them.
/// </summary>
public sealed class SsoProfileTests : IAsyncLifetime, IDisposable
{
    private const string Token = "module-sso-token";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ssmts-module-sso-" + Guid.NewGuid().ToString("N"));
    private readonly string _session = "module-test-" + Guid.NewGuid().ToString("N");
    private readonly PowerShellSession _shell = new();
    private AwsEmulator _emu = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sso", "cache"));
        File.WriteAllText(Path.Combine(_dir, "credentials"), string.Empty);
        File.WriteAllText(
            Path.Combine(_dir, "config"),
            $"[profile ops]\nsso_session = {_session}\nsso_account_id = 444455556666\nsso_role_name = SsmOperator\nregion = eu-west-1\n"
            + $"[profile admin]\nsso_session = {_session}\nsso_account_id = 444455556666\nsso_role_name = AdministratorAccess\n"
            + $"[sso-session {_session}]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n");
        var world = World.LoadScenario("demo");
        world.SsoAssignments.Add(new SsoAssignment { AccessToken = Token, AccountId = "444455556666", RoleName = "SsmOperator", UserName = "maria" });
        _emu = await AwsEmulator.StartAsync(world);
        _shell.SetVariable("endpoint", _emu.Endpoint.ToString());
        _shell.SetVariable("profiles", Path.Combine(_dir, "credentials"));
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    public void Dispose()
    {
        _shell.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private void SignIn(DateTime expiresAt)
    {
        var name = string.Concat(SHA1.HashData(Encoding.UTF8.GetBytes(_session)).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(_dir, "sso", "cache", name + ".json"), $"{{\"accessToken\":\"{Token}\",\"expiresAt\":\"{expiresAt:yyyy-MM-ddTHH:mm:ssZ}\",\"region\":\"eu-west-1\"}}");
    }

    private ErrorRecord Terminates(string command)
    {
        var result = _shell.Run("try { " + command + "; 'continued' } catch { $_ }");
        Assert.DoesNotContain(result.Output, o => "continued".Equals(o.BaseObject));
        return Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void An_sso_profile_works_against_the_portal_with_the_cached_token()
    {
        SignIn(DateTime.UtcNow.AddHours(8));
        var result = _shell.Run("Get-SsmAwsContext -EndpointUrl $endpoint -ProfileName ops -ProfileLocation $profiles");
        Assert.Empty(result.AllErrors);
        var context = Assert.Single(result.Output);
        Assert.Equal("444455556666", ScriptResult.Prop(context, "Account"));
        Assert.Equal("arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_SsmOperator_0123456789abcdef/maria", ScriptResult.Prop(context, "Arn"));
        Assert.Equal("eu-west-1", ScriptResult.Prop(context, "Region"));
        Assert.StartsWith("SSO profile 'ops' (-ProfileName)", (string)ScriptResult.Prop(context, "CredentialSource")!);
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
    }

    [Fact]
    public void An_expired_sign_in_is_AwsSsoLoginRequired_telling_to_run_aws_sso_login()
    {
        SignIn(DateTime.UtcNow.AddMinutes(-5));
        var error = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -ProfileName ops -ProfileLocation $profiles");
        Assert.Equal("AwsSsoLoginRequired", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Equal("ops", error.TargetObject);
        Assert.Contains("aws sso login --profile ops", error.ErrorDetails.RecommendedAction);
        Assert.Equal(0, _emu.Calls["sso:GetRoleCredentials"]);
    }

    [Fact]
    public void A_role_not_assigned_is_AwsSsoRoleDenied()
    {
        SignIn(DateTime.UtcNow.AddHours(8));
        var error = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -ProfileName admin -ProfileLocation $profiles");
        Assert.Equal("AwsSsoRoleDenied", ScriptResult.ErrorId(error));
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("'AdministratorAccess' in account 444455556666", error.Exception.Message);
    }
}
