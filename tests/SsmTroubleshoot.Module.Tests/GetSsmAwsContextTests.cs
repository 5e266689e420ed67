using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests;

/// <summary>Get-SsmAwsContext end to end: hosted runspace, the built module, the loopback emulator.</summary>
public sealed class GetSsmAwsContextTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "module-test-secret-value";
    private AwsEmulator _emu = null!;
    private readonly PowerShellSession _session = new();
    private readonly string _emptyProfiles = Path.GetTempFileName();

    public async Task InitializeAsync()
    {
        _emu = await AwsEmulator.StartAsync(World.LoadScenario("demo"));
        _session.SetVariable("endpoint", _emu.Endpoint.ToString());
        _session.SetVariable("secret", Secret);
        _session.SetVariable("noProfiles", _emptyProfiles);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    public void Dispose()
    {
        _session.Dispose();
        File.Delete(_emptyProfiles);
    }

    [Fact]
    public void Returns_the_caller_identity_through_the_endpoint_with_the_module_s_own_sdk()
    {
        var result = _session.Run("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.Empty(result.AllErrors);
        var context = Assert.Single(result.Output);
        Assert.Equal("SsmTroubleshoot.Aws.SsmAwsContext", context.TypeNames[0]);
        Assert.Equal("123456789012", ScriptResult.Prop(context, "Account"));
        Assert.Equal("arn:aws:iam::123456789012:user/demo-admin", ScriptResult.Prop(context, "Arn"));
        Assert.Equal("AIDADEMOADMINEXAMPLE1", ScriptResult.Prop(context, "UserId"));
        Assert.Equal("us-east-1", ScriptResult.Prop(context, "Region"));
        Assert.Equal("the -Region parameter", ScriptResult.Prop(context, "RegionSource"));
        Assert.Equal("the -AccessKey/-SecretKey parameters", ScriptResult.Prop(context, "CredentialSource"));
        Assert.Equal(_emu.Endpoint.ToString(), ScriptResult.Prop(context, "Endpoint"));
        var sdk = (string)ScriptResult.Prop(context, "SdkAssembly")!;
        Assert.Equal(Path.Combine(RepoPaths.ModuleDirectory, "dependencies", "AWSSDK.Core.dll"), Path.GetFullPath(sdk));
        Assert.StartsWith("4.0.", (string)ScriptResult.Prop(context, "SdkFileVersion")!);
        Assert.Equal(1, _emu.Calls["sts:GetCallerIdentity"]);
    }

    [Fact]
    public void Region_binds_by_property_name_from_the_pipeline_one_context_per_input()
    {
        var result = _session.Run("[pscustomobject]@{ Region = 'eu-west-1' }, [pscustomobject]@{ Region = 'ap-southeast-2' } | Get-SsmAwsContext -EndpointUrl $endpoint -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.Empty(result.AllErrors);
        Assert.Equal(new object?[] { "eu-west-1", "ap-southeast-2" }, result.Output.Select(o => ScriptResult.Prop(o, "Region")).ToArray());
        Assert.Equal(2, _emu.Calls["sts:GetCallerIdentity"]);
    }

    [Fact]
    public void Shell_variables_supply_region_and_credentials_and_debug_names_the_sources()
    {
        var script = """
            $StoredAWSRegion = 'eu-west-1'
            $StoredAWSCredentials = [System.Management.Automation.PSCredential]::new('AKIASTOREDPSCRED0001', [System.Net.NetworkCredential]::new('', $secret).SecurePassword)
            Get-SsmAwsContext -EndpointUrl $endpoint -Debug
            """;
        var result = _session.Run(script);
        Assert.Empty(result.AllErrors);
        var context = Assert.Single(result.Output);
        Assert.Equal("eu-west-1", ScriptResult.Prop(context, "Region"));
        Assert.Equal("$StoredAWSRegion (Set-DefaultAWSRegion)", ScriptResult.Prop(context, "RegionSource"));
        var debug = result.Debug.Select(d => d.Message).ToList();
        Assert.Contains("Credentials obtained from $StoredAWSCredentials (Set-AWSCredential)", debug);
        Assert.Contains("Region obtained from $StoredAWSRegion (Set-DefaultAWSRegion)", debug);
        // -Debug alone: PowerShell would ask before every verbose message of a compiled cmdlet; they go to debug instead.
        Assert.Contains(debug, m => m.Contains("GetCallerIdentity"));
        Assert.Empty(result.Verbose);
        Assert.Empty(_session.Host.Prompts);
    }

    [Fact]
    public void Credential_parameter_takes_a_PSCredential_and_the_secret_appears_in_no_stream()
    {
        _emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = "AKIAPSCREDENTIAL0001", SecretAccessKey = Secret, Arn = "arn:aws:iam::123456789012:user/pscred", UserId = "AIDAPSCRED" }));
        var script = """
            $cred = [System.Management.Automation.PSCredential]::new('AKIAPSCREDENTIAL0001', [System.Net.NetworkCredential]::new('', $secret).SecurePassword)
            Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -Credential $cred -Debug -Verbose
            """;
        var result = _session.Run(script);
        Assert.Empty(result.AllErrors);

        // The emulator checks the SigV4 signature against the secret: a match proves the PSCredential password was used.
        Assert.Equal("arn:aws:iam::123456789012:user/pscred", ScriptResult.Prop(Assert.Single(result.Output), "Arn"));
        var everything = string.Join("\n", result.Debug.Select(d => d.Message).Concat(result.Verbose.Select(v => v.Message))
            .Concat(result.Output.SelectMany(o => o.Properties.Select(p => p.Value?.ToString()))));
        Assert.Contains("the -Credential parameter", everything);
        Assert.DoesNotContain(Secret, everything);
        var rendered = _session.Render("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -Credential $cred -Debug -Verbose");
        Assert.DoesNotContain(Secret, rendered);
    }

    /// <summary>Runs one command inside try/catch: only a terminating error is caught and stops the statement.</summary>
    private ErrorRecord Terminates(string command)
    {
        var result = _session.Run("try { " + command + "; 'continued' } catch { $_ }");
        Assert.DoesNotContain(result.Output, o => "continued".Equals(o.BaseObject));
        return Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void Wrong_secret_is_a_terminating_AwsCallFailed_authentication_error_without_the_secret()
    {
        _emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = "AKIAWRONGSECRET00001", SecretAccessKey = "the-real-secret", Arn = "arn:aws:iam::123456789012:user/x", UserId = "AIDAX" }));
        var result = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAWRONGSECRET00001 -SecretKey $secret");
        Assert.Equal("AwsCallFailed", ScriptResult.ErrorId(result));
        Assert.Equal(ErrorCategory.AuthenticationError, result.CategoryInfo.Category);
        Assert.Equal(_emu.Endpoint.ToString(), result.TargetObject);
        Assert.Contains("STS GetCallerIdentity", result.ErrorDetails!.Message);
        Assert.Contains("clock", result.ErrorDetails.RecommendedAction);
        Assert.NotNull(result.ErrorDetails?.RecommendedAction);
        Assert.DoesNotContain(Secret, result.ToString());
    }

    [Fact]
    public void Throttling_past_the_retry_budget_is_LimitsExceeded()
    {
        _emu.Faults.Set("sts:GetCallerIdentity", new InjectedFault { ThrottleFirst = 100 });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.Equal("AwsCallFailed", ScriptResult.ErrorId(result));
        Assert.Equal(ErrorCategory.LimitsExceeded, result.CategoryInfo.Category);

        // Standard retry mode: the first attempt and two bounded retries, then the error.
        Assert.Equal(3, _emu.Calls["sts:GetCallerIdentity"]);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"gave up after {watch.Elapsed}");
    }

    [Fact]
    public void Missing_region_is_a_terminating_AwsRegionMissing_with_what_to_do()
    {
        var result = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -ProfileLocation $noProfiles -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.NotNull(result);
        Assert.Equal("AwsRegionMissing", ScriptResult.ErrorId(result));
        Assert.Equal(ErrorCategory.InvalidOperation, result.CategoryInfo.Category);
        Assert.Contains("No region specified", result.Exception.Message);
        Assert.Contains("-Region", result.ErrorDetails.RecommendedAction);
        Assert.Equal(0, _emu.Calls.Total);
    }

    [Fact]
    public void Missing_profile_and_unknown_region_and_bad_endpoint_have_their_own_ids()
    {
        var profile = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -ProfileName nope -ProfileLocation $noProfiles");
        Assert.Equal("AwsProfileNotFound", ScriptResult.ErrorId(profile));
        Assert.Equal(ErrorCategory.ObjectNotFound, profile.CategoryInfo.Category);
        Assert.Equal("nope", profile.TargetObject);

        var region = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-nowhere-9 -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.Equal("AwsRegionInvalid", ScriptResult.ErrorId(region));
        Assert.Equal(ErrorCategory.InvalidArgument, region.CategoryInfo.Category);

        var endpoint = Terminates("Get-SsmAwsContext -EndpointUrl 'not a url' -Region us-east-1 -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.Equal("AwsEndpointInvalid", ScriptResult.ErrorId(endpoint));

        var half = Terminates("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAMODULETEST000001");
        Assert.Equal("AwsCredentialInvalid", ScriptResult.ErrorId(half));
        Assert.Equal(0, _emu.Calls.Total);
    }

    [Fact]
    public void Table_view_shows_account_arn_region_source_and_endpoint()
    {
        var text = _session.Render("Get-SsmAwsContext -EndpointUrl $endpoint -Region us-east-1 -AccessKey AKIAMODULETEST000001 -SecretKey $secret");
        Assert.Contains("Account", text);
        Assert.Contains("CredentialSource", text);
        Assert.Contains("123456789012", text);
        Assert.Contains("arn:aws:iam::123456789012:user/demo-admin", text);
        Assert.Contains(_emu.Endpoint.ToString(), text);
        Assert.DoesNotContain("SdkAssembly", text);
    }
}
