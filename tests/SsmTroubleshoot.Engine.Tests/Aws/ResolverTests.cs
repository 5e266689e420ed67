using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Aws;

/// <summary>Every step of AWS.Tools' credential and region order, with an injected environment and temporary profile files.</summary>
public sealed class ResolverTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "ssmts-aws-" + Guid.NewGuid().ToString("N"));

    public ResolverTests()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string CredentialsFile => Path.Combine(_home, ".aws", "credentials");

    private void WriteProfiles(string credentials, string config = "")
    {
        File.WriteAllText(CredentialsFile, credentials);
        File.WriteAllText(Path.Combine(_home, ".aws", "config"), config);
    }

    private DictionaryEnvironment Env(params (string Name, string Value)[] variables)
    {
        var environment = TestAws.Environment();
        environment["HOME"] = _home;
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static Task<AwsConnection> Resolve(AwsConnectionRequest request) => AwsConnectionResolver.ResolveAsync(request, CancellationToken.None);

    private static async Task<AwsConfigurationException> Fails(AwsConnectionRequest request) =>
        await Assert.ThrowsAsync<AwsConfigurationException>(() => Resolve(request));

    private static string Key(AwsConnection connection) => connection.Credentials.GetCredentials().AccessKey;

    private const string TwoProfiles = "[default]\naws_access_key_id=AKIADEFAULT\naws_secret_access_key=default-secret\n[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key=ops-secret\n[AWS PS Default]\naws_access_key_id=AKIALEGACY\naws_secret_access_key=legacy-secret\n";

    // ---- credentials ----

    [Fact]
    public async Task Explicit_keys_win_over_profile_credential_stored_and_environment()
    {
        WriteProfiles(TwoProfiles);
        var connection = await Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAEXPLICIT", SecretKey = "explicit-secret", SessionToken = "token", ProfileName = "ops", Region = "us-east-1",
            Credential = new BasicAWSCredentials("AKIACRED", "s"), StoredCredentials = new BasicAWSCredentials("AKIASTORED", "s"),
            Environment = Env(("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")),
        });
        Assert.Equal("AKIAEXPLICIT", Key(connection));
        Assert.Equal("token", connection.Credentials.GetCredentials().Token);
        Assert.Equal("the -AccessKey/-SecretKey parameters with -SessionToken", connection.CredentialSource);
    }

    [Fact]
    public async Task Access_key_without_secret_is_invalid()
    {
        var error = await Fails(new AwsConnectionRequest { AccessKey = "AKIAONLY", Region = "us-east-1", Environment = Env() });
        Assert.Equal(AwsConfigurationProblem.CredentialInvalid, error.Problem);
        Assert.Equal(FailureKind.InvalidArgument, FailureClassifier.Classify(error));
    }

    [Fact]
    public async Task ProfileName_comes_next_and_ProfileLocation_names_the_file()
    {
        var elsewhere = Path.Combine(_home, "team-credentials");
        File.WriteAllText(elsewhere, "[team]\naws_access_key_id=AKIATEAM\naws_secret_access_key=team-secret\nregion=eu-west-1\n");
        var connection = await Resolve(new AwsConnectionRequest
        {
            ProfileName = "team", ProfileLocation = elsewhere, Credential = new BasicAWSCredentials("AKIACRED", "s"),
            Environment = Env(("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")),
        });
        Assert.Equal("AKIATEAM", Key(connection));
        Assert.Equal($"profile 'team' (-ProfileName) in {elsewhere}", connection.CredentialSource);
        Assert.Equal("eu-west-1", connection.Region.SystemName);
        Assert.Equal("profile 'team'", connection.RegionSource);
    }

    [Fact]
    public async Task Missing_named_profile_is_an_error_not_a_fall_through()
    {
        WriteProfiles(TwoProfiles);
        var error = await Fails(new AwsConnectionRequest
        {
            ProfileName = "nope", Region = "us-east-1",
            Environment = Env(("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")),
        });
        Assert.Equal(AwsConfigurationProblem.ProfileNotFound, error.Problem);
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("-ProfileLocation", error.RecommendedAction);
        Assert.Equal(FailureKind.NotFound, FailureClassifier.Classify(error));
    }

    [Fact]
    public async Task Credential_parameter_accepts_our_type_and_foreign_objects_read_by_reflection()
    {
        var own = await Resolve(new AwsConnectionRequest { Credential = new BasicAWSCredentials("AKIAOWN", "s"), StoredCredentials = new BasicAWSCredentials("AKIASTORED", "s"), Region = "us-east-1", Environment = Env() });
        Assert.Equal("AKIAOWN", Key(own));
        Assert.Equal("the -Credential parameter", own.CredentialSource);

        var foreign = await Resolve(new AwsConnectionRequest { Credential = new ForeignAwsCredentials("AKIAFOREIGN", "foreign-secret", "foreign-token"), Region = "us-east-1", Environment = Env() });
        Assert.Equal("AKIAFOREIGN", Key(foreign));
        Assert.Equal("foreign-token", foreign.Credentials.GetCredentials().Token);

        var triple = await Resolve(new AwsConnectionRequest { Credential = new CredentialTriple("AKIAPSCRED", "password"), Region = "us-east-1", Environment = Env() });
        Assert.Equal("AKIAPSCRED", Key(triple));

        var wrong = await Fails(new AwsConnectionRequest { Credential = "just a string", Region = "us-east-1", Environment = Env() });
        Assert.Equal(AwsConfigurationProblem.CredentialInvalid, wrong.Problem);
    }

    [Fact]
    public async Task StoredAWSCredentials_come_before_the_environment_even_from_another_load_context()
    {
        var stored = new ForeignPsCredentials(new ForeignAwsCredentials("AKIASTORED", "stored-secret", null));
        var connection = await Resolve(new AwsConnectionRequest
        {
            StoredCredentials = stored, Region = "us-east-1",
            Environment = Env(("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")),
        });
        Assert.Equal("AKIASTORED", Key(connection));
        Assert.Equal("$StoredAWSCredentials (Set-AWSCredential)", connection.CredentialSource);
    }

    [Fact]
    public async Task Environment_keys_come_before_AWS_PROFILE_and_default()
    {
        WriteProfiles(TwoProfiles);
        var connection = await Resolve(new AwsConnectionRequest
        {
            Region = "us-east-1",
            Environment = Env(("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret"), ("AWS_SESSION_TOKEN", "env-token"), ("AWS_PROFILE", "ops")),
        });
        Assert.Equal("AKIAENV", Key(connection));
        Assert.Equal("env-token", connection.Credentials.GetCredentials().Token);
        Assert.StartsWith("environment variables AWS_ACCESS_KEY_ID", connection.CredentialSource);
    }

    [Fact]
    public async Task AWS_PROFILE_comes_before_default_and_must_exist()
    {
        WriteProfiles(TwoProfiles);
        var connection = await Resolve(new AwsConnectionRequest { Region = "us-east-1", Environment = Env(("AWS_PROFILE", "ops")) });
        Assert.Equal("AKIAOPS", Key(connection));
        Assert.Equal($"profile 'ops' (AWS_PROFILE) in {CredentialsFile}", connection.CredentialSource);

        var missing = await Fails(new AwsConnectionRequest { Region = "us-east-1", Environment = Env(("AWS_PROFILE", "gone")) });
        Assert.Equal(AwsConfigurationProblem.ProfileNotFound, missing.Problem);
    }

    [Fact]
    public async Task Default_profile_then_legacy_AWS_PS_Default()
    {
        WriteProfiles(TwoProfiles);
        var connection = await Resolve(new AwsConnectionRequest { Region = "us-east-1", Environment = Env() });
        Assert.Equal("AKIADEFAULT", Key(connection));
        Assert.Equal($"profile 'default' in {CredentialsFile}", connection.CredentialSource);

        WriteProfiles("[AWS PS Default]\naws_access_key_id=AKIALEGACY\naws_secret_access_key=legacy-secret\n");
        var legacy = await Resolve(new AwsConnectionRequest { Region = "us-east-1", Environment = Env() });
        Assert.Equal("AKIALEGACY", Key(legacy));
    }

    [Fact]
    public async Task AWS_SHARED_CREDENTIALS_FILE_moves_the_shared_file()
    {
        var moved = Path.Combine(_home, "moved", "creds");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        File.WriteAllText(moved, "[default]\naws_access_key_id=AKIAMOVED\naws_secret_access_key=s\n");
        var connection = await Resolve(new AwsConnectionRequest { Region = "us-east-1", Environment = Env(("AWS_SHARED_CREDENTIALS_FILE", moved)) });
        Assert.Equal("AKIAMOVED", Key(connection));
    }

    [Fact]
    public async Task Container_credentials_come_before_the_instance_profile()
    {
        var world = new World
        {
            ContainerCredentials = new TemporaryCredentials { AccessKeyId = "ASIACONTAINER", AuthorizationToken = "Bearer task-token" },
            InstanceMetadata = new InstanceMetadata { RoleName = "NodeRole", Credentials = new TemporaryCredentials { AccessKeyId = "ASIAINSTANCE" } },
        };
        await using var emu = await AwsEmulator.StartAsync(world);
        var environment = Env(("AWS_CONTAINER_CREDENTIALS_FULL_URI", emu.Endpoint + "container-credentials"), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer task-token"));
        environment["AWS_EC2_METADATA_DISABLED"] = null;
        var connection = await Resolve(new AwsConnectionRequest { Region = "us-east-1", Environment = environment, InstanceMetadataEndpoint = emu.Endpoint });
        Assert.Equal("ASIACONTAINER", Key(connection));
        Assert.StartsWith("container credentials (", connection.CredentialSource);
        Assert.Equal(0, emu.Calls["imds:Credentials"]);

        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer wrong";
        var refused = await Fails(new AwsConnectionRequest { Region = "us-east-1", Environment = environment, InstanceMetadataEndpoint = emu.Endpoint });
        Assert.Equal(AwsConfigurationProblem.CredentialsMissing, refused.Problem);
    }

    [Fact]
    public async Task Instance_profile_through_IMDSv2_is_last_and_gives_the_region_too()
    {
        var world = new World { InstanceMetadata = new InstanceMetadata { Region = "ap-southeast-2", RoleName = "NodeRole", Credentials = new TemporaryCredentials { AccessKeyId = "ASIAINSTANCE", Token = "imds-token" } } };
        await using var emu = await AwsEmulator.StartAsync(world);
        var environment = Env();
        environment["AWS_EC2_METADATA_DISABLED"] = null;
        // The 1 s default suits a real instance; a loaded 2-core test machine can take longer to answer on loopback.
        var connection = await Resolve(new AwsConnectionRequest { Environment = environment, InstanceMetadataEndpoint = emu.Endpoint, MetadataTimeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("ASIAINSTANCE", Key(connection));
        Assert.Equal("imds-token", connection.Credentials.GetCredentials().Token);
        Assert.StartsWith("the instance profile (instance metadata at", connection.CredentialSource);
        Assert.Equal("ap-southeast-2", connection.Region.SystemName);
        Assert.StartsWith("instance metadata (", connection.RegionSource);
        Assert.True(emu.Calls["imds:Token"] >= 2);
    }

    [Fact]
    public async Task Nothing_anywhere_is_CredentialsMissing_and_disabled_IMDS_is_never_asked()
    {
        await using var emu = await AwsEmulator.StartAsync(new World());
        var error = await Fails(new AwsConnectionRequest { Region = "us-east-1", Environment = Env(), InstanceMetadataEndpoint = emu.Endpoint });
        Assert.Equal(AwsConfigurationProblem.CredentialsMissing, error.Problem);
        Assert.Contains("Set-AWSCredential", error.RecommendedAction);
        Assert.Equal(0, emu.Calls.Total);

        // IMDS enabled but the machine has no role: still CredentialsMissing, after a bounded probe.
        var environment = Env();
        environment["AWS_EC2_METADATA_DISABLED"] = null;
        var noRole = await Fails(new AwsConnectionRequest { Region = "us-east-1", Environment = environment, InstanceMetadataEndpoint = emu.Endpoint });
        Assert.Equal(AwsConfigurationProblem.CredentialsMissing, noRole.Problem);
        Assert.True(emu.Calls.Total > 0);
    }

    // ---- region ----

    private AwsConnectionRequest Keys(string? region = null, string? stored = null, string? profile = null, params (string, string)[] env) => new()
    {
        AccessKey = "AKIAKEYS", SecretKey = "s", Region = region, StoredRegion = stored, ProfileName = profile, Environment = Env(env),
    };

    [Fact]
    public async Task Region_parameter_wins_then_StoredAWSRegion()
    {
        WriteProfiles(TwoProfiles, "[default]\nregion=eu-central-1\n");
        var parameter = await Resolve(Keys("us-west-2", "eu-west-1", null, ("AWS_REGION", "ap-south-1")));
        Assert.Equal(("us-west-2", "the -Region parameter"), (parameter.Region.SystemName, parameter.RegionSource));
        var stored = await Resolve(Keys(null, "eu-west-1", null, ("AWS_REGION", "ap-south-1")));
        Assert.Equal(("eu-west-1", "$StoredAWSRegion (Set-DefaultAWSRegion)"), (stored.Region.SystemName, stored.RegionSource));
    }

    [Fact]
    public async Task Profile_region_comes_before_the_environment()
    {
        WriteProfiles(TwoProfiles, "[default]\nregion=eu-central-1\n[profile ops]\nregion=ca-central-1\n");
        var named = await Resolve(new AwsConnectionRequest { ProfileName = "ops", Environment = Env(("AWS_REGION", "ap-south-1")) });
        Assert.Equal(("ca-central-1", "profile 'ops'"), (named.Region.SystemName, named.RegionSource));
        var byDefault = await Resolve(Keys(env: ("AWS_REGION", "ap-south-1")));
        Assert.Equal(("eu-central-1", "profile 'default'"), (byDefault.Region.SystemName, byDefault.RegionSource));
    }

    [Fact]
    public async Task AWS_REGION_then_AWS_DEFAULT_REGION()
    {
        var region = await Resolve(Keys(env: [("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "sa-east-1")]));
        Assert.Equal(("ap-south-1", "environment variable AWS_REGION"), (region.Region.SystemName, region.RegionSource));
        var fallback = await Resolve(Keys(env: ("AWS_DEFAULT_REGION", "sa-east-1")));
        Assert.Equal(("sa-east-1", "environment variable AWS_DEFAULT_REGION"), (fallback.Region.SystemName, fallback.RegionSource));
    }

    [Fact]
    public async Task No_region_is_RegionMissing_and_unknown_region_is_RegionInvalid()
    {
        var missing = await Fails(Keys());
        Assert.Equal(AwsConfigurationProblem.RegionMissing, missing.Problem);
        Assert.Equal("No region specified or obtained from persisted/shell defaults.", missing.Message);
        Assert.Contains("-Region", missing.RecommendedAction);
        Assert.Equal(FailureKind.NotConfigured, FailureClassifier.Classify(missing));

        var unknown = await Fails(Keys("us-nowhere-9"));
        Assert.Equal(AwsConfigurationProblem.RegionInvalid, unknown.Problem);
        Assert.Contains("us-nowhere-9", unknown.Message);
    }

    [Fact]
    public async Task Secrets_never_appear_in_sources_or_errors()
    {
        WriteProfiles("[default]\naws_access_key_id=AKIADEFAULT\naws_secret_access_key=profile-secret\n");
        Assert.DoesNotContain("profile-secret", (await Resolve(new AwsConnectionRequest { Region = "us-east-1", Environment = Env() })).CredentialSource);
        Assert.DoesNotContain("explicit-secret", (await Resolve(new AwsConnectionRequest { AccessKey = "AKIA1", SecretKey = "explicit-secret", Region = "us-east-1", Environment = Env() })).CredentialSource);
        Assert.DoesNotContain("explicit-secret", new CredentialTriple("AKIA1", "explicit-secret").ToString());
    }
}

/// <summary>Looks like AWSSDK.Core's AWSCredentials from another load context: same member names, unrelated type.</summary>
internal sealed class ForeignAwsCredentials
{
    private readonly ForeignImmutableCredentials _credentials;

    public ForeignAwsCredentials(string accessKey, string secretKey, string? token) => _credentials = new ForeignImmutableCredentials(accessKey, secretKey, token);

    public ForeignImmutableCredentials GetCredentials() => _credentials;
}

internal sealed class ForeignImmutableCredentials
{
    public ForeignImmutableCredentials(string accessKey, string secretKey, string? token)
    {
        AccessKey = accessKey;
        SecretKey = secretKey;
        Token = token;
    }

    public string AccessKey { get; }
    public string SecretKey { get; }
    public string? Token { get; }
}

/// <summary>Looks like AWS.Tools' AWSPSCredentials: the credentials sit behind an internal property.</summary>
internal sealed class ForeignPsCredentials
{
    public ForeignPsCredentials(ForeignAwsCredentials credentials) => Credentials = credentials;

    internal ForeignAwsCredentials Credentials { get; }

    public string Name => "stored";
}
