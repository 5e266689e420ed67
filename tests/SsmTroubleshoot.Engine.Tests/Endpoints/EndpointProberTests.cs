using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

public sealed class EndpointProberTests : IDisposable
{
    private const string SsmHost = "ssm.us-east-1.amazonaws.com";
    // Generous: success paths must not flake on a loaded machine; hanging cases set their own short timeouts.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestCertificates _amazonLike = new("Amazon RSA 2048 M99 Test");
    private readonly TestCertificates _inspector = new("Corp TLS Inspection CA");

    [Fact]
    public async Task A_valid_chain_through_the_extra_root_is_reachable_with_every_phase_timed()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer(SsmHost));
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), Timeout, new X509Certificate2Collection(_amazonLike.Authority));
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, server.Port, "us-east-1"), CancellationToken.None);
        Assert.True(probe.Reachable, probe.Error);
        Assert.Equal(EndpointProbeStatus.Reachable, probe.Status);
        Assert.Equal(EndpointProbePhase.None, probe.FailedPhase);
        Assert.Equal(404, probe.HttpStatus);
        Assert.Equal(new[] { "127.0.0.1" }, probe.Addresses);
        Assert.False(probe.IsPrivateAddress);
        Assert.Equal("direct", probe.Proxy);
        Assert.Contains("Amazon RSA 2048 M99 Test", probe.CertificateIssuer);
        Assert.Equal("CN=" + SsmHost, probe.CertificateSubject);
        Assert.False(probe.TlsIntercepted);
        Assert.All(new[] { probe.DnsMs, probe.TcpMs, probe.TlsMs, probe.HttpMs }, ms => Assert.True(ms >= 0));
        Assert.Equal(SsmHost + ":" + server.Port, Assert.Single(server.Hosts));
    }

    [Fact]
    public async Task An_untrusted_chain_is_tls_interception()
    {
        using var server = new LoopbackTlsServer(_inspector.IssueServer(SsmHost));
        // The Amazon-like root is trusted; the inspector's is not: adding trust never makes the wrong chain pass.
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), Timeout, new X509Certificate2Collection(_amazonLike.Authority));
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, server.Port, "us-east-1"), CancellationToken.None);
        Assert.False(probe.Reachable);
        Assert.Equal(EndpointProbePhase.Tls, probe.FailedPhase);
        Assert.Equal(EndpointProblem.ProxyTls, probe.Problem);
        Assert.True(probe.TlsIntercepted);
        Assert.StartsWith("TLS interception:", probe.Error);
        Assert.Contains("Corp TLS Inspection CA", probe.Error);
        Assert.Contains("update-ca-trust", probe.Remediation);
        Assert.NotNull(probe.TcpMs);
        Assert.Null(probe.HttpMs);
    }

    [Fact]
    public async Task A_trusted_but_non_amazon_issuer_on_an_aws_host_is_reachable_with_an_interception_warning()
    {
        using var server = new LoopbackTlsServer(_inspector.IssueServer(SsmHost));
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), Timeout, new X509Certificate2Collection(_inspector.Authority));
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, server.Port, "us-east-1"), CancellationToken.None);
        Assert.True(probe.Reachable);
        Assert.Equal(EndpointProbeStatus.Warning, probe.Status);
        Assert.Equal(EndpointProblem.ProxyTls, probe.Problem);
        Assert.True(probe.TlsIntercepted);
        Assert.Contains("-TrustedRootCertificatePath", probe.Error);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_rejected_even_with_a_trusted_root()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("other.example"));
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), Timeout, new X509Certificate2Collection(_amazonLike.Authority));
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, server.Port, "us-east-1"), CancellationToken.None);
        Assert.Equal(EndpointProbePhase.Tls, probe.FailedPhase);
        Assert.Contains("does not match the host name", probe.Error);
    }

    [Fact]
    public async Task A_closed_port_is_connection_refused()
    {
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), Timeout);
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, ClosedPort.Find(), "us-east-1"), CancellationToken.None);
        Assert.Equal((EndpointProbePhase.Tcp, EndpointProblem.ConnectionRefused), (probe.FailedPhase, probe.Problem));
        Assert.Contains("refused", probe.Error);
    }

    [Fact]
    public async Task A_black_holed_connect_times_out_after_the_phase_timeout()
    {
        using var hole = new BlackHoleListener();
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), TimeSpan.FromMilliseconds(700));
        var watch = Stopwatch.StartNew();
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, hole.Port, "us-east-1"), CancellationToken.None);
        Assert.Equal((EndpointProbePhase.Tcp, EndpointProblem.ConnectTimeout), (probe.FailedPhase, probe.Problem));
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 650, 3000);
        Assert.Contains("security group", probe.Remediation);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_fails_at_dns()
    {
        var prober = new EndpointProber(new MapResolver(), Timeout);
        var probe = await prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, 443, "us-east-1"), CancellationToken.None);
        Assert.Equal((EndpointProbePhase.Dns, EndpointProblem.DnsFailed), (probe.FailedPhase, probe.Problem));
        Assert.Null(probe.TcpMs);
        Assert.Contains("private DNS", probe.Remediation);
    }

    [Fact]
    public async Task Probes_go_through_the_agents_proxy_with_connect_and_still_show_private_addresses()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer(SsmHost));
        using var proxy = new LoopbackConnectProxy((host, port) => host == SsmHost ? server.Port : null);
        // The endpoint resolves to a VPC endpoint address; only the loopback proxy is ever connected to.
        var resolver = new MapResolver().Map(SsmHost, "10.0.1.25", "10.0.2.25");
        var prober = new EndpointProber(resolver, Timeout, new X509Certificate2Collection(_amazonLike.Authority));
        var target = new EndpointTarget("ssm", SsmHost, 443, "us-east-1") { Proxy = "http://user:pw@127.0.0.1:" + proxy.Port };
        var probe = await prober.ProbeAsync(target, CancellationToken.None);
        Assert.True(probe.Reachable, probe.Error);
        Assert.Equal("CONNECT " + SsmHost + ":443 HTTP/1.1", Assert.Single(proxy.RequestLines));
        Assert.Equal("http://127.0.0.1:" + proxy.Port, probe.Proxy);
        Assert.True(probe.IsPrivateAddress);
        Assert.Equal(new[] { "10.0.1.25", "10.0.2.25" }, probe.Addresses);
    }

    [Fact]
    public async Task A_proxy_that_refuses_connect_fails_at_the_proxy_phase()
    {
        using var proxy = new LoopbackConnectProxy((_, _) => null);
        var prober = new EndpointProber(new MapResolver(), Timeout);
        var probe = await prober.ProbeAsync(new EndpointTarget("kms", "kms.us-east-1.amazonaws.com", 443, "us-east-1") { Proxy = proxy.Url }, CancellationToken.None);
        Assert.Equal((EndpointProbePhase.Proxy, EndpointProblem.ProxyRefused), (probe.FailedPhase, probe.Problem));
        Assert.Contains("403 Forbidden", probe.Error);
        Assert.Empty(probe.Addresses);
    }

    [Fact]
    public async Task Cancellation_stops_a_hanging_probe_at_once()
    {
        using var hole = new BlackHoleListener();
        var prober = new EndpointProber(new MapResolver().Map(SsmHost), TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prober.ProbeAsync(new EndpointTarget("ssm", SsmHost, hole.Port, "us-east-1"), cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));
    }

    public void Dispose()
    {
        _amazonLike.Dispose();
        _inspector.Dispose();
    }
}
