using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Endpoints;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

/// <summary>The AWS Credentials check (fake IMDS + emulator STS) and the agent log findings row of Get-SsmDiagnostic.</summary>
public sealed class DiagnosticCredentialsAndLogsTests : IDisposable
{
    private const string RoleArn = "arn:aws:sts::123456789012:assumed-role/SsmInstanceRole/i-0123456789abcdef0";
    private static readonly Dictionary<string, string> NoEnvironment = new();
    private readonly MachineRoot _root = new();

    private DiagnosticOptions Options(string? imdsUrl, Uri? sts, double timeoutSeconds = 3, string? region = null) => new()
    {
        Endpoints = new EndpointTestOptions
        {
            Services = new[] { "ssm" },
            Region = region,
            ImdsEndpoint = imdsUrl is null ? ImdsProber.DefaultEndpoint : new Uri(imdsUrl),
            SkipImds = imdsUrl is null,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            Resolver = new MapResolver(),
            FileSystemRoot = _root.Path,
            ShellEnvironment = NoEnvironment,
            Windows = false,
        },
        AgentVersion = "3.3.40.0",
        // Closed port: the version row warns at once and never leaves loopback.
        LatestVersionUrl = new Uri("http://127.0.0.1:" + ClosedPort.Find() + "/VERSION"),
        StsEndpoint = sts,
    };

    private static World Signers(params Caller[] callers)
    {
        var world = new World();
        world.Callers.AddRange(callers);
        return world;
    }

    private static Caller InstanceRole(string secret = FakeImds.SecretAccessKey) =>
        new() { AccessKeyId = FakeImds.AccessKeyId, SecretAccessKey = secret, Arn = RoleArn, UserId = "AROAEXAMPLE:i-0123456789abcdef0" };

    private static SsmDiagnosticCheck Row(IReadOnlyList<SsmDiagnosticCheck> checks, string title) => Assert.Single(checks, c => c.Check == title);

    [Fact]
    public async Task The_instance_role_signs_sts_and_the_rows_follow_ssm_cli_order()
    {
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = "eu-west-1", Expiration = DateTimeOffset.UtcNow.AddHours(6) });
        var checks = await SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint), CancellationToken.None);
        Assert.Equal(new[]
        {
            "EC2 IMDS", "Hybrid instance registration", "Connectivity to ssm endpoint", "AWS Credentials",
            "Agent service", "Proxy configuration", "Windows sysprep image state", "SSM Agent version", "Agent log findings (24 h)",
        }, checks.Select(c => c.Check));
        var credentials = Row(checks, "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Passed, credentials.Status);
        Assert.Contains("Authenticated as " + RoleArn + " (instance profile role SsmInstanceRole)", credentials.Note);
        Assert.Matches(@"credentials expire at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in 3\d\d min\)", credentials.Note);
        Assert.Equal("SsmInstanceRole", credentials.Probe?.Imds?.RoleName);
        // The emulator verifies SigV4 for this caller: the call was signed with the IMDS secret.
        Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
        Assert.Equal(DiagnosticStatus.Skipped, Row(checks, "Agent log findings (24 h)").Status);
        AssertNoSecret(checks);
    }

    [Fact]
    public async Task Sts_errors_fail_the_row_with_the_error_code_and_a_remediation()
    {
        var world = Signers(InstanceRole());
        world.Denies.Add(new Deny { Principal = FakeImds.AccessKeyId, Action = "sts:GetCallerIdentity" });
        await using var emu = await AwsEmulator.StartAsync(world);
        using var imds = new FakeImds(new FakeImdsBehaviour());
        var denied = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Failed, denied.Status);
        Assert.Contains("failed: AccessDenied: User: " + RoleArn + " is not authorized", denied.Note);
        Assert.Contains("STS VPC endpoint policy", denied.Remediation);

        // A secret that does not match the key id STS knows: the emulator rejects the signature.
        await using var other = await AwsEmulator.StartAsync(Signers(InstanceRole("another+secret/EXAMPLEKEYEXAMPLEKEY0000")));
        var badSignature = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, other.Endpoint), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Failed, badSignature.Status);
        Assert.Contains("SignatureDoesNotMatch", badSignature.Note);
        Assert.Contains("clock", badSignature.Remediation);
        AssertNoSecret(new[] { denied, badSignature });
    }

    [Theory]
    [InlineData("InvalidClientTokenId", "The security token included in the request is invalid.", "deleted and recreated")]
    [InlineData("ExpiredToken", "The security token included in the request is expired", "IMDS is not refreshing them")]
    public async Task Sts_error_documents_are_read_by_the_sdk_and_explained(string code, string message, string remediation)
    {
        var body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
            + "</Message></Error><RequestId>4f4b0c3e-0000-4000-8000-000000000000</RequestId></ErrorResponse>";
        using var sts = new LoopbackHttpServer(403, body);
        using var imds = new FakeImds(new FakeImdsBehaviour());
        var row = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, new Uri(sts.Url + "/"), region: "us-east-1"), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Failed, row.Status);
        Assert.Contains("failed: " + code + ": " + message, row.Note);
        Assert.Contains(remediation, row.Remediation);
        Assert.StartsWith("POST / ", Assert.Single(sts.RequestLines));
    }

    [Fact]
    public async Task Sts_goes_through_the_agents_proxy_not_this_shells()
    {
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        using var proxy = new LoopbackConnectProxy((_, _) => null);
        using var imds = new FakeImds(new FakeImdsBehaviour());
        _root.Agent(4242, "HTTPS_PROXY=" + proxy.Url, "NO_PROXY=169.254.169.254");
        var row = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint, region: "us-east-1"), CancellationToken.None), "AWS Credentials");
        // The agent's proxy refuses it: the request reached the proxy and never STS.
        Assert.Equal(DiagnosticStatus.Failed, row.Status);
        Assert.Contains("got HTTP 403 without an AWS error from " + emu.Endpoint + " through the agent's proxy " + proxy.Url, row.Note);
        Assert.Contains("no_proxy", row.Remediation);
        Assert.Contains(proxy.RequestLines, l => l.StartsWith("POST " + emu.Endpoint, StringComparison.Ordinal));
        Assert.Equal(0, emu.Calls["sts:GetCallerIdentity"]);
        AssertNoSecret(new[] { row });
    }

    [Fact]
    public async Task Expiring_credentials_warn_expired_ones_fail_without_calling_sts()
    {
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        using (var soon = new FakeImds(new FakeImdsBehaviour { Expiration = DateTimeOffset.UtcNow.AddMinutes(10) }))
        {
            var row = Row(await SsmDiagnosticRunner.RunAsync(Options(soon.Url, emu.Endpoint), CancellationToken.None), "AWS Credentials");
            Assert.Equal(DiagnosticStatus.Warning, row.Status);
            Assert.Contains("Authenticated as " + RoleArn, row.Note);
            Assert.Contains("expire within 15 minutes", row.Note);
            Assert.Contains("replace-iam-instance-profile-association", row.Remediation);
        }

        Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
        using (var expired = new FakeImds(new FakeImdsBehaviour { Expiration = DateTimeOffset.UtcNow.AddMinutes(-5) }))
        {
            var row = Row(await SsmDiagnosticRunner.RunAsync(Options(expired.Url, emu.Endpoint), CancellationToken.None), "AWS Credentials");
            Assert.Equal(DiagnosticStatus.Failed, row.Status);
            Assert.Contains("expired at", row.Note);
        }

        Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
    }

    [Fact]
    public async Task No_role_skips_and_names_dhmc_hybrid_and_skipped_imds_skip_too()
    {
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        using var imds = new FakeImds(new FakeImdsBehaviour { Role = null });
        var noRole = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Skipped, noRole.Status);
        Assert.Contains("Default Host Management Configuration", noRole.Note);
        Assert.Contains("associate-iam-instance-profile", noRole.Remediation);

        var skipped = Row(await SsmDiagnosticRunner.RunAsync(Options(null, emu.Endpoint, region: "us-east-1"), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Skipped, skipped.Status);

        _root.Write("/var/lib/amazon/ssm/registration", """{"ManagedInstanceID":"mi-0123456789abcdef0","Region":"us-east-2"}""");
        var hybrid = Row(await SsmDiagnosticRunner.RunAsync(Options(null, emu.Endpoint), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Skipped, hybrid.Status);
        Assert.Contains("Hybrid instance", hybrid.Note);
        Assert.Equal(0, emu.Calls["sts:GetCallerIdentity"]);
    }

    [Fact]
    public async Task Imds_that_gives_no_identity_fails_like_ec2_role_request_error()
    {
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        // Tokens required, and the token PUT never comes back: the hop limit inside a container.
        using var imds = new FakeImds(new FakeImdsBehaviour { Token = "hang", RequireToken = true });
        var row = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint, timeoutSeconds: 1, region: "us-east-1"), CancellationToken.None), "AWS Credentials");
        Assert.Equal(DiagnosticStatus.Failed, row.Status);
        Assert.StartsWith("EC2RoleRequestError: the agent cannot read instance profile credentials from IMDS", row.Note);
        Assert.Contains("--http-put-response-hop-limit 2", row.Remediation);
        Assert.Equal(0, emu.Calls["sts:GetCallerIdentity"]);
    }

    [Fact]
    public async Task A_silent_sts_fails_after_one_timeout_and_ctrl_c_stops_at_once()
    {
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        emu.Faults.Set("sts:GetCallerIdentity", new InjectedFault { Latency = TimeSpan.FromSeconds(30) });
        using var imds = new FakeImds(new FakeImdsBehaviour());
        var watch = Stopwatch.StartNew();
        // Two seconds, not one: the fake IMDS must answer inside the same timeout on a loaded 2-core machine, or the row
        // reports IMDS instead of STS.
        var row = Row(await SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint, timeoutSeconds: 2), CancellationToken.None), "AWS Credentials");
        watch.Stop();
        Assert.Equal(DiagnosticStatus.Failed, row.Status);
        Assert.Contains("did not answer within 2 s", row.Note);
        Assert.Contains("Test-SsmEndpoint -Service sts", row.Remediation);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.9, 5);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        watch.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SsmDiagnosticRunner.RunAsync(Options(imds.Url, emu.Endpoint, timeoutSeconds: 20), cancel.Token));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 3);
    }

    [Fact]
    public async Task Sts_and_the_latest_version_run_alongside_the_probes()
    {
        // Everything that can wait waits one full timeout: STS, the latest VERSION and one black-holed endpoint. Run one
        // after another they would take three timeouts (6 s); together one (2 s), plus what a cold process spends
        // starting (the rule catalog, JIT), which on a loaded 2-core machine reached 1.3 s.
        await using var emu = await AwsEmulator.StartAsync(Signers(InstanceRole()));
        emu.Faults.Set("sts:GetCallerIdentity", new InjectedFault { Latency = TimeSpan.FromSeconds(30) });
        using var imds = new FakeImds(new FakeImdsBehaviour());
        using var hole = new BlackHoleListener();
        using var silentVersion = new BlackHoleListener();
        var options = Options(imds.Url, emu.Endpoint, timeoutSeconds: 2, region: "us-east-1");
        options = new DiagnosticOptions
        {
            Endpoints = new EndpointTestOptions
            {
                Services = options.Endpoints.Services, Region = "us-east-1", ImdsEndpoint = options.Endpoints.ImdsEndpoint, Timeout = options.Endpoints.Timeout,
                Resolver = options.Endpoints.Resolver, FileSystemRoot = _root.Path, ShellEnvironment = NoEnvironment, Windows = false,
                EndpointOverrides = new Dictionary<string, string> { ["ssm"] = "127.0.0.1:" + hole.Port },
            },
            AgentVersion = "3.3.40.0",
            LatestVersionUrl = new Uri("http://127.0.0.1:" + silentVersion.Port + "/VERSION"),
            StsEndpoint = emu.Endpoint,
        };
        var watch = Stopwatch.StartNew();
        var checks = await SsmDiagnosticRunner.RunAsync(options, CancellationToken.None);
        watch.Stop();
        Assert.Equal(DiagnosticStatus.Failed, Row(checks, "Connectivity to ssm endpoint").Status);
        Assert.Equal(DiagnosticStatus.Failed, Row(checks, "AWS Credentials").Status);
        Assert.Contains("timed out", Row(checks, "SSM Agent version").Note);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.9, 4.5);
    }

    private static string Stamp(string sample, DateTime when) =>
        Regex.Replace(sample, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", when.ToString("yyyy-MM-dd HH:mm:ss.ffff", System.Globalization.CultureInfo.InvariantCulture));

    private void Log(params string[] entries) => _root.Write("/var/log/amazon/ssm/amazon-ssm-agent.log", string.Concat(entries));

    [Fact]
    public async Task Log_findings_of_the_last_day_fail_on_critical_and_ignore_older_entries()
    {
        var now = DateTime.Now;
        Log(
            Stamp(AgentLogSamples.ByCategory["EndpointUnreachable"], now.AddDays(-3)),
            Stamp(AgentLogSamples.ByCategory["EndpointUnreachable"], now.AddDays(-2)),
            Stamp(AgentLogSamples.ByCategory["NoCredentials"], now.AddHours(-5)),
            Stamp(AgentLogSamples.ByCategory["NoCredentials"], now.AddHours(-1)),
            Stamp(AgentLogSamples.ByCategory["ClockSkew"], now.AddMinutes(-30)),
            Stamp(AgentLogSamples.ByCategory["Throttling"], now.AddMinutes(-10)));
        _root.Write("/var/log/amazon/ssm/errors.log", Stamp(AgentLogSamples.ByCategory["NoCredentials"], now.AddMinutes(-2)));
        // A rotation last written days ago is not even read.
        _root.Write("/var/log/amazon/ssm/amazon-ssm-agent.log.1", Stamp(AgentLogSamples.ByCategory["ProxyTls"], now.AddDays(-4)));
        System.IO.File.SetLastWriteTime(System.IO.Path.Combine(_root.Path, "var/log/amazon/ssm/amazon-ssm-agent.log.1"), now.AddDays(-4));
        var row = Row(await SsmDiagnosticRunner.RunAsync(Options(null, null, region: "us-east-1"), CancellationToken.None), "Agent log findings (24 h)");
        Assert.Equal(DiagnosticStatus.Failed, row.Status);
        Assert.StartsWith("NoCredentials x3 (Critical), ClockSkew x1 (High), Throttling x1 (Medium) in the last 24 h (2 log file(s) in /var/log/amazon/ssm). ", row.Note);
        Assert.DoesNotContain("EndpointUnreachable", row.Note);
        Assert.Contains("Get-SsmAgentLogIssue", row.Remediation);
    }

    [Fact]
    public async Task Log_findings_warn_on_high_pass_on_old_or_minor_and_skip_without_a_folder()
    {
        var options = Options(null, null, region: "us-east-1");
        var row = Row(await SsmDiagnosticRunner.RunAsync(options, CancellationToken.None), "Agent log findings (24 h)");
        Assert.Equal((DiagnosticStatus.Skipped, "No agent log folder (/var/log/amazon/ssm)."), (row.Status, row.Note));

        var now = DateTime.Now;
        Log(Stamp(AgentLogSamples.ByCategory["ProxyTls"], now.AddDays(-2)));
        System.IO.File.SetLastWriteTime(System.IO.Path.Combine(_root.Path, "var/log/amazon/ssm/amazon-ssm-agent.log"), now.AddDays(-2));
        row = Row(await SsmDiagnosticRunner.RunAsync(options, CancellationToken.None), "Agent log findings (24 h)");
        Assert.Equal(DiagnosticStatus.Skipped, row.Status);
        Assert.Contains("was written in the last 24 h (1 older file(s))", row.Note);

        Log(Stamp(AgentLogSamples.ByCategory["ProxyTls"], now.AddDays(-2)), Stamp(AgentLogSamples.ByCategory["Throttling"], now.AddHours(-2)));
        row = Row(await SsmDiagnosticRunner.RunAsync(options, CancellationToken.None), "Agent log findings (24 h)");
        Assert.Equal(DiagnosticStatus.Passed, row.Status);
        Assert.Contains("Nothing of High or Critical severity", row.Note);
        Assert.Contains("Throttling x1 (Medium)", row.Note);

        Log(Stamp(AgentLogSamples.ByCategory["ClockSkew"], now.AddHours(-2)));
        row = Row(await SsmDiagnosticRunner.RunAsync(options, CancellationToken.None), "Agent log findings (24 h)");
        Assert.Equal(DiagnosticStatus.Warning, row.Status);
        Assert.StartsWith("ClockSkew x1 (High)", row.Note);
    }

    private static void AssertNoSecret(IEnumerable<SsmDiagnosticCheck> checks)
    {
        foreach (var check in checks)
        {
            foreach (var text in new[] { check.Note, check.Remediation ?? string.Empty, check.ToString(), check.Probe?.Error ?? string.Empty, check.Probe?.Remediation ?? string.Empty })
            {
                Assert.DoesNotContain(FakeImds.SecretAccessKey, text);
                Assert.DoesNotContain(FakeImds.AccessKeyId, text);
                Assert.DoesNotContain(FakeImds.SessionToken, text);
            }
        }
    }

    public void Dispose() => _root.Dispose();
}
