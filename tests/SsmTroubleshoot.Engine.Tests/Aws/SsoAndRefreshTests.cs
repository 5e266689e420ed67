using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SecurityToken.Model;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;
using SsmTroubleshoot.Iam;

namespace SsmTroubleshoot.Engine.Tests.Aws;

/// <summary>
/// SSO profiles (token cache of `aws sso login` -> the portal's GetRoleCredentials), credentials that refresh during
/// a run longer than their lifetime, and IAM signing per partition: against the emulator, with a temporary home.
/// </summary>
public sealed class SsoAndRefreshTests : IAsyncLifetime
{
    private const string Token = "sso-access-token-for-tests";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "ssmts-sso-" + Guid.NewGuid().ToString("N"));
    private AwsEmulator _emu = null!;
    private string _account = string.Empty;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws", "sso", "cache"));
        var world = TestAws.Demo();
        world.SsoAssignments.Add(new SsoAssignment { AccessToken = Token, AccountId = "111122223333", RoleName = "SsmReadOnly", UserName = "ana" });
        world.SsoAssignments.Add(new SsoAssignment { AccessToken = Token, AccountId = "111122223333", RoleName = "ShortLived", UserName = "ana", CredentialLifetimeSeconds = 3 });
        SsmTroubleshoot.Emulator.Scenarios.NetworkFleet.AddRole(world, "SsmChained", null);
        _account = world.AccountId;
        _emu = await AwsEmulator.StartAsync(world);
    }

    public async Task DisposeAsync()
    {
        await _emu.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    private const string SessionConfig =
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = SsmReadOnly\nregion = eu-west-1\n"
        + "[profile short]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ShortLived\nregion = eu-west-1\n"
        + "[profile wrongrole]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Administrator\n"
        + "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = SsmReadOnly\n"
        + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n";

    private void WriteConfig(string config = SessionConfig) => File.WriteAllText(Path.Combine(_home, ".aws", "config"), config);

    private static string Sha1(string text) =>
        string.Concat(SHA1.HashData(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The cache file exactly as the AWS CLI v2 writes it.</summary>
    private void WriteToken(string key, DateTime expiresAt, string token = Token) =>
        File.WriteAllText(
            Path.Combine(_home, ".aws", "sso", "cache", Sha1(key) + ".json"),
            $"{{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"eu-west-1\", \"accessToken\": \"{token}\", \"expiresAt\": \"{expiresAt:yyyy-MM-ddTHH:mm:ssZ}\", \"clientId\": \"c\", \"clientSecret\": \"s\"}}");

    private Task<AwsConnection> Resolve(string profile, string? region = null) => AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
    {
        ProfileName = profile,
        Region = region,
        EndpointUrl = _emu.Endpoint.ToString(),
        Environment = Env(),
        UseSdkStore = false,
        Timeout = TimeSpan.FromSeconds(10),
    }, CancellationToken.None);

    private DictionaryEnvironment Env()
    {
        var environment = TestAws.Environment();
        environment["HOME"] = _home;
        return environment;
    }

    [Fact]
    public async Task An_sso_session_profile_gets_role_credentials_from_the_portal_with_the_cached_token()
    {
        WriteConfig();
        WriteToken("corp", DateTime.UtcNow.AddHours(1));

        var connection = await Resolve("dev");
        using var sts = new AwsClientFactory(connection).CreateSts();
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("111122223333", identity.Account);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_SsmReadOnly_0123456789abcdef/ana", identity.Arn);
        Assert.Equal("eu-west-1", connection.Region.SystemName); // the profile's region
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
        Assert.Contains("SSO profile 'dev'", connection.CredentialSource);
        Assert.DoesNotContain(Token, connection.CredentialSource);
    }

    [Fact]
    public async Task A_legacy_profile_keys_its_token_by_the_start_url_and_AWS_ENDPOINT_URL_SSO_reaches_the_portal()
    {
        WriteConfig();
        WriteToken("https://legacy.awsapps.com/start", DateTime.UtcNow.AddHours(1));
        var environment = Env();
        environment["AWS_ENDPOINT_URL_SSO"] = _emu.Endpoint.ToString();
        environment["AWS_PROFILE"] = "legacy";

        var connection = await AwsConnectionResolver.ResolveAsync(
            new AwsConnectionRequest { Region = "us-east-1", Environment = environment, UseSdkStore = false, Timeout = TimeSpan.FromSeconds(10) },
            CancellationToken.None);

        Assert.StartsWith("ASIASSO", connection.Credentials.GetCredentials().AccessKey);
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
    }

    [Fact]
    public async Task An_expired_or_missing_sign_in_asks_for_aws_sso_login_and_never_calls_the_portal()
    {
        WriteConfig();
        var missing = await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve("dev"));
        Assert.Equal(AwsConfigurationProblem.SsoLoginRequired, missing.Problem);
        Assert.Contains("aws sso login --profile dev", missing.RecommendedAction);

        WriteToken("corp", DateTime.UtcNow.AddMinutes(-1));
        var expired = await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve("dev"));
        Assert.Equal(AwsConfigurationProblem.SsoLoginRequired, expired.Problem);
        Assert.Contains("expired", expired.Message);
        Assert.Equal(0, _emu.Calls["sso:GetRoleCredentials"]);
    }

    [Fact]
    public async Task A_token_the_portal_does_not_know_also_asks_for_a_new_sign_in()
    {
        WriteConfig();
        WriteToken("corp", DateTime.UtcNow.AddHours(1), token: "revoked-token");
        var error = await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve("dev"));
        Assert.Equal(AwsConfigurationProblem.SsoLoginRequired, error.Problem);
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
    }

    [Fact]
    public async Task A_role_not_assigned_to_the_user_names_the_role_and_account()
    {
        WriteConfig();
        WriteToken("corp", DateTime.UtcNow.AddHours(1));
        var error = await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve("wrongrole", "us-east-1"));
        Assert.Equal(AwsConfigurationProblem.SsoRoleDenied, error.Problem);
        Assert.Contains("'Administrator' in account 111122223333", error.Message);
        Assert.Contains("No access", error.Message);
    }

    [Fact]
    public async Task Keys_for_the_same_profile_in_the_credentials_file_win_over_its_sso_settings()
    {
        WriteConfig();
        WriteToken("corp", DateTime.UtcNow.AddHours(1));
        File.WriteAllText(Path.Combine(_home, ".aws", "credentials"), "[dev]\naws_access_key_id = AKIAKEYSWIN000000001\naws_secret_access_key = keys-win-secret\n");
        var connection = await Resolve("dev");
        Assert.Equal("AKIAKEYSWIN000000001", connection.Credentials.GetCredentials().AccessKey);
        Assert.Equal(0, _emu.Calls["sso:GetRoleCredentials"]);
    }

    [Fact]
    public async Task A_profile_naming_a_missing_sso_session_is_a_configuration_error()
    {
        WriteConfig("[profile dev]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n");
        var error = await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve("dev", "us-east-1"));
        Assert.Equal(AwsConfigurationProblem.CredentialInvalid, error.Problem);
        Assert.Contains("[sso-session nowhere]", error.Message);
    }

    [Fact]
    public async Task A_role_profile_whose_source_is_an_sso_profile_assumes_the_role_with_the_sso_credentials()
    {
        WriteConfig(SessionConfig
            + $"[profile chained]\nrole_arn = arn:aws:iam::{_account}:role/SsmChained\nsource_profile = dev\nrole_session_name = chain-test\nregion = eu-west-1\n"
            + $"[profile nochain]\nrole_arn = arn:aws:iam::{_account}:role/NoSuchRole\nsource_profile = dev\n");
        WriteToken("corp", DateTime.UtcNow.AddHours(1));

        var connection = await Resolve("chained");
        Assert.Contains("role arn:aws:iam::" + _account + ":role/SsmChained of profile 'chained'", connection.CredentialSource, StringComparison.Ordinal);
        Assert.Contains("SSO profile 'dev'", connection.CredentialSource, StringComparison.Ordinal);
        using var sts = new AwsClientFactory(connection).CreateSts();
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.EndsWith(":assumed-role/SsmChained/chain-test", identity.Arn, StringComparison.Ordinal);
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
        Assert.Equal(1, _emu.Calls["sts:AssumeRole"]);

        // A role the SSO role may not assume: a configuration error naming the role and the source, no secrets.
        var error = await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve("nochain"));
        Assert.Equal(AwsConfigurationProblem.CredentialInvalid, error.Problem);
        Assert.Contains("NoSuchRole", error.Message, StringComparison.Ordinal);
        Assert.Contains("SSO source profile 'dev'", error.Message, StringComparison.Ordinal);
        Assert.Contains("trust policy", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sso_credentials_refresh_during_a_run_longer_than_their_lifetime()
    {
        WriteConfig();
        WriteToken("corp", DateTime.UtcNow.AddHours(1));
        var connection = await Resolve("short");
        var first = connection.Credentials.GetCredentials();
        using var sts = new AwsClientFactory(connection).CreateSts();

        // At least 7 s and 10 calls: a loaded machine makes calls slower, not fewer.
        var deadline = DateTime.UtcNow.AddSeconds(7);
        var calls = 0;
        while (DateTime.UtcNow < deadline || calls < 10)
        {
            var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
            Assert.Equal("111122223333", identity.Account);
            calls++;
            await Task.Delay(500);
        }

        Assert.True(calls >= 10);
        Assert.True(_emu.Calls["sso:GetRoleCredentials"] >= 3, "credentials of 3 s over 7 s need at least two refreshes");

        // The emulator really rejects the first, now expired, keys: a copy taken once would have failed.
        var copied = new AwsConnectionRequest
        {
            AccessKey = first.AccessKey,
            SecretKey = first.SecretKey,
            SessionToken = first.Token,
            Region = "us-east-1",
            EndpointUrl = _emu.Endpoint.ToString(),
            Environment = Env(),
            Timeout = TimeSpan.FromSeconds(10),
        };
        using var stale = new AwsClientFactory(await AwsConnectionResolver.ResolveAsync(copied, CancellationToken.None)).CreateSts();
        var rejected = await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => stale.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("ExpiredToken", rejected.ErrorCode);
    }

    [Fact]
    public async Task A_sign_in_that_expires_mid_run_stops_the_next_refresh_with_the_login_advice()
    {
        WriteConfig();
        WriteToken("corp", DateTime.UtcNow.AddHours(1));
        var connection = await Resolve("short");
        using var sts = new AwsClientFactory(connection).CreateSts();
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        WriteToken("corp", DateTime.UtcNow.AddMinutes(-1)); // the SSO session ended meanwhile
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        var configuration = Assert.IsType<AwsConfigurationException>(error);
        Assert.Equal(AwsConfigurationProblem.SsoLoginRequired, configuration.Problem);
        Assert.Equal(SsmTroubleshoot.Failures.FailureKind.AuthenticationFailed, SsmTroubleshoot.Failures.FailureClassifier.Classify(error));
        Assert.Equal(1, _emu.Calls["sso:GetRoleCredentials"]);
    }

    /// <summary>Shaped like AWS.Tools' credentials from another load context: only reflection reaches GetCredentials().</summary>
    public sealed class ForeignLike
    {
        public Keys Current { get; set; } = new("AKIAFOREIGN000000001", "foreign-secret-1");

        public Keys GetCredentials() => Current;

        public sealed record Keys(string AccessKey, string SecretKey, string? Token = null);
    }

    [Fact]
    public async Task Credential_objects_are_read_at_every_signing_not_copied_once()
    {
        _emu.World.Mutate(w =>
        {
            w.Callers.Add(new Caller { AccessKeyId = "AKIAFOREIGN000000001", SecretAccessKey = "foreign-secret-1", Arn = "arn:aws:iam::123456789012:user/first", Expires = DateTime.UtcNow.AddSeconds(2) });
            w.Callers.Add(new Caller { AccessKeyId = "AKIAFOREIGN000000002", SecretAccessKey = "foreign-secret-2", Arn = "arn:aws:iam::123456789012:user/second" });
        });
        var foreign = new ForeignLike();
        var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            Credential = foreign,
            Region = "us-east-1",
            EndpointUrl = _emu.Endpoint.ToString(),
            Environment = Env(),
            UseSdkStore = false,
            Timeout = TimeSpan.FromSeconds(10),
        }, CancellationToken.None);
        using var sts = new AwsClientFactory(connection).CreateSts();

        Assert.Equal("arn:aws:iam::123456789012:user/first", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);

        // The owner refreshes its keys (as AWS.Tools' refreshing credentials do); the old ones expire.
        foreign.Current = new ForeignLike.Keys("AKIAFOREIGN000000002", "foreign-secret-2");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal("arn:aws:iam::123456789012:user/second", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Theory]
    [InlineData("us-west-2", "us-east-1", "iam.amazonaws.com")]
    [InlineData("eu-central-1", "us-east-1", "iam.amazonaws.com")]
    [InlineData("cn-northwest-1", "cn-north-1", "iam.cn-north-1.amazonaws.com.cn")]
    [InlineData("cn-north-1", "cn-north-1", "iam.cn-north-1.amazonaws.com.cn")]
    [InlineData("us-gov-east-1", "us-gov-west-1", "iam.us-gov.amazonaws.com")]
    public async Task Iam_signs_for_the_global_region_of_the_partition(string region, string signingRegion, string host)
    {
        var connection = await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = TestAws.AccessKey,
            SecretKey = TestAws.SecretKey,
            Region = region,
            EndpointUrl = _emu.Endpoint.ToString(),
            Environment = Env(),
            UseSdkStore = false,
            Timeout = TimeSpan.FromSeconds(10),
        }, CancellationToken.None);
        using var iam = new AwsClientFactory(connection).CreateIam();
        await Assert.ThrowsAnyAsync<Exception>(() => iam.GetRoleAsync("no-such-role-anywhere", CancellationToken.None));

        var signed = Assert.Single(_emu.SignedCalls, c => c.Key == "iam:GetRole");
        Assert.Equal(signingRegion, signed.Region);
        Assert.EndsWith("/" + signingRegion + "/iam/aws4_request", signed.Scope);
        Assert.Equal(host, IamQueryClient.GlobalEndpointFor(connection.Region).Host);

        // Without an endpoint override the client goes to the partition's own host.
        var withoutOverride = new AwsClientFactory(await AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = TestAws.AccessKey, SecretKey = TestAws.SecretKey, Region = region, Environment = Env(), UseSdkStore = false,
        }, CancellationToken.None));
        using var real = withoutOverride.CreateIam();
        Assert.Equal(host, real.Endpoint.Host);
        Assert.Equal(signingRegion, real.SigningRegion.SystemName);
    }
}
