using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

public sealed class ImdsProberTests
{
    private static async Task<SsmEndpointProbe> Probe(FakeImdsBehaviour behaviour, Func<DateTimeOffset>? clock = null)
    {
        using var imds = new FakeImds(behaviour);
        // Only the hanging token PUT waits for the timeout; everything else answers at once.
        var timeout = behaviour.Token == "hang" ? TimeSpan.FromMilliseconds(800) : TimeSpan.FromSeconds(10);
        using var prober = new ImdsProber(new Uri(imds.Url), timeout, clock);
        return await prober.ProbeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Imdsv2_gives_instance_region_and_role_without_keeping_any_secret()
    {
        var row = await Probe(new FakeImdsBehaviour { RequireToken = true });
        Assert.True(row.Reachable);
        Assert.Equal(EndpointProbeStatus.Reachable, row.Status);
        Assert.Equal("imds", row.Service);
        Assert.Equal(("v2", "i-0123456789abcdef0", "us-east-1", "SsmInstanceRole", "Success"),
            (row.Imds!.Version, row.Imds.InstanceId, row.Imds.Region, row.Imds.RoleName, row.Imds.CredentialCode));
        Assert.NotNull(row.Imds.CredentialExpiration);
        var everything = JsonSerializer.Serialize(row);
        Assert.DoesNotContain(FakeImds.SecretAccessKey, everything);
        Assert.DoesNotContain(FakeImds.AccessKeyId, everything);
        Assert.DoesNotContain("FAKESESSIONTOKEN", everything);
    }

    [Fact]
    public async Task A_refused_token_put_with_working_gets_is_imdsv1_only()
    {
        var row = await Probe(new FakeImdsBehaviour { Token = "v1" });
        Assert.True(row.Reachable);
        Assert.Equal((EndpointProbeStatus.Warning, EndpointProblem.ImdsV1Only, "v1", 403), (row.Status, row.Problem, row.Imds!.Version, row.Imds.TokenHttpStatus));
        Assert.Contains("--http-tokens required", row.Remediation);
    }

    [Fact]
    public async Task A_token_put_that_times_out_while_get_works_is_the_hop_limit()
    {
        var row = await Probe(new FakeImdsBehaviour { Token = "hang" });
        Assert.True(row.Reachable);
        Assert.Equal((EndpointProblem.ImdsHopLimit, true), (row.Problem, row.Imds!.TokenRequestTimedOut));
        Assert.Contains("--http-put-response-hop-limit 2", row.Remediation);
    }

    [Fact]
    public async Task Hop_limit_with_tokens_required_fails()
    {
        var row = await Probe(new FakeImdsBehaviour { Token = "hang", RequireToken = true });
        Assert.False(row.Reachable);
        Assert.Equal((EndpointProbePhase.Imds, EndpointProblem.ImdsHopLimit), (row.FailedPhase, row.Problem));
    }

    [Fact]
    public async Task No_role_and_soon_expiring_credentials_are_warnings()
    {
        var noRole = await Probe(new FakeImdsBehaviour { Role = null });
        Assert.Equal((EndpointProbeStatus.Warning, EndpointProblem.NoInstanceProfile), (noRole.Status, noRole.Problem));
        Assert.Contains("AmazonSSMManagedInstanceCore", noRole.Remediation);

        var now = DateTimeOffset.UtcNow;
        var expiring = await Probe(new FakeImdsBehaviour { Expiration = now.AddMinutes(10) }, () => now);
        Assert.Equal(EndpointProblem.CredentialsExpiring, expiring.Problem);
        var fine = await Probe(new FakeImdsBehaviour { Expiration = now.AddMinutes(20) }, () => now);
        Assert.Equal(EndpointProbeStatus.Reachable, fine.Status);
    }

    [Fact]
    public async Task Nothing_listening_is_imds_unreachable()
    {
        using var prober = new ImdsProber(new Uri("http://127.0.0.1:" + ClosedPort.Find()), TimeSpan.FromSeconds(5));
        var row = await prober.ProbeAsync(CancellationToken.None);
        Assert.Equal((false, EndpointProbePhase.Imds, EndpointProblem.ImdsUnreachable), (row.Reachable, row.FailedPhase, row.Problem));
    }
}

public sealed class EndpointTestRunnerTests : IDisposable
{
    private readonly TestCertificates _ca = new("Amazon Test Root");
    private readonly MachineRoot _root = new();
    private static readonly Dictionary<string, string> NoEnvironment = new();

    [Fact]
    public async Task Probes_run_concurrently_so_three_black_holes_cost_one_timeout_and_results_keep_catalog_order()
    {
        using var server = new LoopbackTlsServer(_ca.IssueServer("*.us-east-1.amazonaws.com"));
        using var hole = new BlackHoleListener();
        var services = EndpointCatalog.AllServices;
        var overrides = services.ToDictionary(s => s, s => s + ".us-east-1.amazonaws.com:" + (s is "s3" or "kms" or "logs" ? hole.Port : server.Port));
        var resolver = new MapResolver();
        foreach (var s in services)
        {
            resolver.Map(s + ".us-east-1.amazonaws.com");
        }

        var completed = 0;
        var watch = Stopwatch.StartNew();
        var report = await EndpointTestRunner.RunAsync(new EndpointTestOptions
        {
            Services = services.Reverse().ToList(),
            Region = "us-east-1",
            SkipImds = true,
            Timeout = TimeSpan.FromSeconds(3),
            EndpointOverrides = overrides,
            Resolver = resolver,
            TrustedRoots = new X509Certificate2Collection(_ca.Authority),
            FileSystemRoot = _root.Path,
            ShellEnvironment = NoEnvironment,
            Windows = false,
        }, _ => Interlocked.Increment(ref completed), CancellationToken.None);
        Assert.InRange(watch.Elapsed.TotalSeconds, 2.9, 5.5); // one 3 s timeout, not three
        Assert.Equal(services, report.Probes.Select(p => p.Service));
        Assert.Equal(9, completed);
        Assert.Equal(new[] { "s3", "kms", "logs" }, report.Probes.Where(p => !p.Reachable).Select(p => p.Service));
        Assert.All(report.Probes.Where(p => !p.Reachable), p => Assert.Equal(EndpointProblem.ConnectTimeout, p.Problem));
        Assert.All(report.Probes, p => Assert.Equal("-EndpointOverride", p.EndpointSource));
    }

    [Fact]
    public async Task Region_comes_from_imds_when_not_given_and_the_imds_row_comes_first()
    {
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = "eu-central-1" });
        var report = await EndpointTestRunner.RunAsync(new EndpointTestOptions
        {
            Services = new[] { "ssm" },
            ImdsEndpoint = new Uri(imds.Url),
            Timeout = TimeSpan.FromSeconds(10),
            Resolver = new MapResolver(),
            FileSystemRoot = _root.Path,
            ShellEnvironment = new Dictionary<string, string> { ["AWS_REGION"] = "us-west-2" },
            Windows = false,
        }, null, CancellationToken.None);
        Assert.Equal(("eu-central-1", "IMDS"), (report.Region, report.RegionSource));
        Assert.Equal(new[] { "imds", "ssm" }, report.Probes.Select(p => p.Service));
        Assert.Equal("ssm.eu-central-1.amazonaws.com", report.Probes[1].Host);
    }

    [Fact]
    public async Task Region_falls_back_to_the_environment_then_fails_clearly()
    {
        var options = new EndpointTestOptions
        {
            Services = new[] { "sts" },
            SkipImds = true,
            Resolver = new MapResolver(),
            FileSystemRoot = _root.Path,
            ShellEnvironment = new Dictionary<string, string> { ["AWS_DEFAULT_REGION"] = "ap-northeast-1" },
            Windows = false,
        };
        var report = await EndpointTestRunner.RunAsync(options, null, CancellationToken.None);
        Assert.Equal(("ap-northeast-1", "AWS_DEFAULT_REGION"), (report.Region, report.RegionSource));
        Assert.Equal(EndpointProblem.DnsFailed, Assert.Single(report.Probes).Problem);

        var none = new EndpointTestOptions { SkipImds = true, Resolver = new MapResolver(), FileSystemRoot = _root.Path, ShellEnvironment = NoEnvironment, Windows = false };
        var error = await Assert.ThrowsAsync<RegionNotFoundException>(() => EndpointTestRunner.RunAsync(none, null, CancellationToken.None));
        Assert.Contains("AWS_REGION", error.Message);
    }

    [Fact]
    public async Task The_agents_proxy_from_a_fixture_root_is_used_and_no_proxy_is_honoured()
    {
        using var server = new LoopbackTlsServer(_ca.IssueServer("*.us-east-1.amazonaws.com", "kms.internal"));
        using var proxy = new LoopbackConnectProxy((_, _) => server.Port);
        _root.Agent(4242, "HTTPS_PROXY=" + proxy.Url, "NO_PROXY=169.254.169.254,.internal")
            .Write("/etc/amazon/ssm/amazon-ssm-agent.json", """{"Kms":{"Endpoint":"kms.internal"}}""");
        var report = await EndpointTestRunner.RunAsync(new EndpointTestOptions
        {
            Services = new[] { "ssm", "kms" },
            Region = "us-east-1",
            SkipImds = true,
            Port = server.Port,
            Resolver = new MapResolver().Map("kms.internal"),
            TrustedRoots = new X509Certificate2Collection(_ca.Authority),
            FileSystemRoot = _root.Path,
            ShellEnvironment = NoEnvironment,
            Windows = false,
        }, null, CancellationToken.None);
        var ssm = report.Probes[0];
        var kms = report.Probes[1];
        Assert.True(ssm.Reachable, ssm.Error);
        Assert.Equal(proxy.Url, ssm.Proxy);
        Assert.Equal("CONNECT ssm.us-east-1.amazonaws.com:" + server.Port + " HTTP/1.1", Assert.Single(proxy.RequestLines));
        Assert.True(kms.Reachable, kms.Error);
        Assert.Equal(("direct (no_proxy)", "amazon-ssm-agent.json Kms.Endpoint"), (kms.Proxy, kms.EndpointSource));
        Assert.Equal("/proc/4242/environ (running agent)", report.Proxy.Source);
        Assert.Contains(report.Findings, f => f.StartsWith("The agent uses proxy " + proxy.Url));
    }

    [Fact]
    public async Task Cancellation_ends_the_run_promptly()
    {
        using var hole = new BlackHoleListener();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EndpointTestRunner.RunAsync(new EndpointTestOptions
        {
            Region = "us-east-1",
            SkipImds = true,
            Timeout = TimeSpan.FromSeconds(30),
            Port = hole.Port,
            Resolver = new MapResolver().Map("ssm.us-east-1.amazonaws.com").Map("ec2messages.us-east-1.amazonaws.com"),
            Services = new[] { "ssm", "ec2messages" },
            FileSystemRoot = _root.Path,
            ShellEnvironment = NoEnvironment,
            Windows = false,
        }, null, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _root.Dispose();
    }
}
