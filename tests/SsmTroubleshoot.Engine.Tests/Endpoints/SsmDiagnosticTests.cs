using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

public sealed class SsmDiagnosticTests : IDisposable
{
    private readonly MachineRoot _root = new();
    private static readonly Dictionary<string, string> NoEnvironment = new();

    private DiagnosticOptions Options(string? imdsUrl, string? latestUrl, string? agentVersion = "3.3.40.0", string? region = null, IAgentServiceQuery? service = null) => new()
    {
        Endpoints = new EndpointTestOptions
        {
            Region = region,
            ImdsEndpoint = imdsUrl is null ? ImdsProber.DefaultEndpoint : new Uri(imdsUrl),
            SkipImds = imdsUrl is null,
            Timeout = TimeSpan.FromSeconds(5),
            Resolver = new MapResolver(),
            FileSystemRoot = _root.Path,
            ShellEnvironment = NoEnvironment,
            Windows = false,
        },
        AgentVersion = agentVersion,
        LatestVersionUrl = latestUrl is null ? null : new Uri(latestUrl),
        ServiceQuery = service,
    };

    private static SsmDiagnosticCheck Row(IReadOnlyList<SsmDiagnosticCheck> checks, string title) => Assert.Single(checks, c => c.Check == title);

    [Fact]
    public async Task An_ec2_instance_gets_every_check_in_ssm_cli_order()
    {
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = "eu-west-1" });
        using var latest = new LoopbackHttpServer(200, "3.3.1000.0\n");
        _root.Agent(1234, "PATH=/usr/bin")
            .Write("/proc/1234/status", "Name:\tamazon-ssm-agen\nUid:\t0\t0\t0\t0\n")
            .Write("/lib/systemd/system/amazon-ssm-agent.service", "[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n")
            .Write("/etc/systemd/system/multi-user.target.wants/amazon-ssm-agent.service", "");
        var checks = await SsmDiagnosticRunner.RunAsync(Options(imds.Url, latest.Url), CancellationToken.None);
        Assert.Equal(new[]
        {
            "EC2 IMDS", "Hybrid instance registration",
            "Connectivity to ssm endpoint", "Connectivity to ec2messages endpoint", "Connectivity to ssmmessages endpoint",
            "Connectivity to s3 endpoint", "Connectivity to kms endpoint", "Connectivity to logs endpoint", "Connectivity to monitoring endpoint",
            "Agent service", "Proxy configuration", "Windows sysprep image state", "SSM Agent version",
        }, checks.Select(c => c.Check));
        Assert.Equal(DiagnosticStatus.Passed, Row(checks, "EC2 IMDS").Status);
        Assert.Contains("i-0123456789abcdef0 in eu-west-1", Row(checks, "EC2 IMDS").Note);
        Assert.Equal(DiagnosticStatus.Skipped, Row(checks, "Hybrid instance registration").Status);
        // The resolver knows no names: every endpoint fails at DNS, for the region IMDS gave.
        var ssm = Row(checks, "Connectivity to ssm endpoint");
        Assert.Equal(DiagnosticStatus.Failed, ssm.Status);
        Assert.Contains("ssm.eu-west-1.amazonaws.com does not resolve", ssm.Note);
        Assert.Equal((DiagnosticStatus.Passed, "Running (pid 1234) as root, systemd, start type enabled."), (Row(checks, "Agent service").Status, Row(checks, "Agent service").Note));
        Assert.Equal(DiagnosticStatus.Passed, Row(checks, "Proxy configuration").Status);
        Assert.Equal(DiagnosticStatus.Skipped, Row(checks, "Windows sysprep image state").Status);
        var version = Row(checks, "SSM Agent version");
        Assert.Equal(DiagnosticStatus.Warning, version.Status);
        Assert.Contains("older than the latest 3.3.1000.0", version.Note);
        Assert.Contains("AWS-UpdateSSMAgent", version.Remediation);
        Assert.Equal("GET / HTTP/1.1", Assert.Single(latest.RequestLines));
    }

    [Fact]
    public async Task A_hybrid_instance_skips_imds_and_takes_its_region_from_the_registration()
    {
        _root.Write("/var/lib/amazon/ssm/registration", """{"ManagedInstanceID":"mi-0123456789abcdef0","Region":"ap-southeast-2"}""");
        using var latest = new LoopbackHttpServer(200, "3.3.40.0");
        var checks = await SsmDiagnosticRunner.RunAsync(Options(null, latest.Url), CancellationToken.None);
        Assert.Equal(DiagnosticStatus.Skipped, Row(checks, "EC2 IMDS").Status);
        Assert.Equal((DiagnosticStatus.Passed, true), (Row(checks, "Hybrid instance registration").Status, Row(checks, "Hybrid instance registration").Note.Contains("mi-0123456789abcdef0 in ap-southeast-2")));
        Assert.Contains("ssm.ap-southeast-2.amazonaws.com", Row(checks, "Connectivity to ssm endpoint").Note);
        Assert.Equal(DiagnosticStatus.Passed, Row(checks, "SSM Agent version").Status);
        Assert.Equal((DiagnosticStatus.Failed, "The SSM agent is not installed."), (Row(checks, "Agent service").Status, Row(checks, "Agent service").Note));
    }

    [Fact]
    public async Task Service_states_and_a_broken_registration_are_judged()
    {
        _root.Write("/var/lib/amazon/ssm/registration", "{ broken");
        var stopped = new FakeServiceQuery(new AgentServiceState { Installed = true, Running = false, Manager = "systemd" });
        var checks = await SsmDiagnosticRunner.RunAsync(Options(null, null, region: "us-east-1", service: stopped), CancellationToken.None);
        Assert.Equal(DiagnosticStatus.Failed, Row(checks, "Hybrid instance registration").Status);
        Assert.Equal(DiagnosticStatus.Failed, Row(checks, "Agent service").Status);
        Assert.Contains("systemctl enable --now", Row(checks, "Agent service").Remediation);

        var notRoot = new FakeServiceQuery(new AgentServiceState { Installed = true, Running = true, Manager = "systemd", RunAs = "uid 1000", Privileged = false, StartsAtBoot = true });
        checks = await SsmDiagnosticRunner.RunAsync(Options(null, null, region: "us-east-1", service: notRoot), CancellationToken.None);
        Assert.Contains("must run as root", Row(checks, "Agent service").Note);

        var noBoot = new FakeServiceQuery(new AgentServiceState { Installed = true, Running = true, Manager = "snap", RunAs = "root", Privileged = true, StartsAtBoot = false });
        checks = await SsmDiagnosticRunner.RunAsync(Options(null, null, region: "us-east-1", service: noBoot), CancellationToken.None);
        Assert.Equal(DiagnosticStatus.Warning, Row(checks, "Agent service").Status);
    }

    [Fact]
    public async Task Windows_sysprep_state_is_read_through_its_seam_and_an_unreachable_latest_version_is_a_warning()
    {
        var options = Options(null, "http://127.0.0.1:" + ClosedPort.Find() + "/latest/VERSION", region: "us-east-1",
            service: new FakeServiceQuery(new AgentServiceState { Installed = true, Running = true, Manager = "Windows SCM", RunAs = "LocalSystem", Privileged = true, StartsAtBoot = true }));
        var windows = new DiagnosticOptions
        {
            Endpoints = new EndpointTestOptions
            {
                Region = "us-east-1", SkipImds = true, Resolver = new MapResolver(), FileSystemRoot = _root.Path, ShellEnvironment = NoEnvironment,
                Windows = true, WindowsProxySource = new NoWindowsProxy(),
            },
            AgentVersion = options.AgentVersion,
            LatestVersionUrl = options.LatestVersionUrl,
            ServiceQuery = options.ServiceQuery,
            SysprepState = () => "IMAGE_STATE_UNDEPLOYABLE",
        };
        var checks = await SsmDiagnosticRunner.RunAsync(windows, CancellationToken.None);
        Assert.Equal(DiagnosticStatus.Failed, Row(checks, "Windows sysprep image state").Status);
        Assert.Contains("IMAGE_STATE_UNDEPLOYABLE", Row(checks, "Windows sysprep image state").Note);
        Assert.Equal(DiagnosticStatus.Warning, Row(checks, "SSM Agent version").Status);
        Assert.Contains("could not read the latest version", Row(checks, "SSM Agent version").Note);
        Assert.Equal(DiagnosticStatus.Passed, Row(checks, "Agent service").Status);
    }

    [Fact]
    public async Task Without_a_region_the_connectivity_check_fails_instead_of_the_whole_run()
    {
        var checks = await SsmDiagnosticRunner.RunAsync(Options(null, null, agentVersion: null), CancellationToken.None);
        Assert.Equal(DiagnosticStatus.Failed, Row(checks, "Connectivity to endpoints").Status);
        Assert.Equal(DiagnosticStatus.Skipped, Row(checks, "SSM Agent version").Status);
    }

    public void Dispose() => _root.Dispose();

    private sealed class FakeServiceQuery(AgentServiceState state) : IAgentServiceQuery
    {
        public Task<AgentServiceState> QueryAsync(CancellationToken cancellationToken) => Task.FromResult(state);
    }

    private sealed class NoWindowsProxy : IWindowsProxySource
    {
        public IReadOnlyList<string>? ServiceEnvironment() => null;

        public string? MachineVariable(string name) => null;

        public (string Proxy, string? Bypass)? WinHttpProxy() => null;
    }
}
