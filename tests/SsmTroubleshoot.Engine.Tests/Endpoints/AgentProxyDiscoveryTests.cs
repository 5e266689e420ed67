using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Endpoints;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

public sealed class AgentProxyDiscoveryTests
{
    private static readonly Dictionary<string, string> NoShellProxy = new();

    [Fact]
    public void The_running_agents_environ_is_authoritative()
    {
        using var root = new MachineRoot();
        root.Write("/proc/1/comm", "systemd\n").Write("/proc/1/environ", "HTTPS_PROXY=http://wrong:1\0")
            .Agent(812, "PATH=/usr/bin", "https_proxy=http://user:secret@proxy.corp:3128", "no_proxy=169.254.169.254,.internal");
        var notes = new List<string>();
        var proxy = AgentProxyDiscovery.DiscoverLinux(new HostFileSystem(root.Path), notes);
        Assert.Equal("/proc/812/environ (running agent)", proxy.Source);
        Assert.Equal("http://user:secret@proxy.corp:3128", proxy.EffectiveProxy);
        Assert.Equal("http://proxy.corp:3128", AgentProxySettings.Redact(proxy.EffectiveProxy!));
        Assert.DoesNotContain("secret", proxy.ToString());
        Assert.Null(proxy.ProxyFor("ssm.internal", 443));
        Assert.Equal(proxy.EffectiveProxy, proxy.ProxyFor("ssm.us-east-1.amazonaws.com", 443));
        Assert.Empty(notes);
    }

    [Fact]
    public void Systemd_drop_ins_are_read_in_order_with_quoted_and_file_forms_when_no_agent_runs()
    {
        using var root = new MachineRoot();
        root.Write("/lib/systemd/system/amazon-ssm-agent.service", "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n")
            .Write("/etc/systemd/system/amazon-ssm-agent.service.d/10-proxy.conf",
                "[Service]\nEnvironment=\"HTTPS_PROXY=http://first:3128\" \"NO_PROXY=localhost\"\n")
            .Write("/etc/systemd/system/amazon-ssm-agent.service.d/20-override.conf",
                "[Service]\nEnvironment='https_proxy=http://second:8080' NO_PROXY=169.254.169.254\nEnvironmentFile=-/etc/ssm-proxy.env\n")
            .Write("/etc/ssm-proxy.env", "# extra\nexport http_proxy=\"http://httponly:80\"\n");
        var proxy = AgentProxyDiscovery.DiscoverLinux(new HostFileSystem(root.Path), new List<string>());
        Assert.StartsWith("service configuration /etc/systemd/system/amazon-ssm-agent.service.d/10-proxy.conf, ", proxy.Source);
        Assert.Contains("20-override.conf", proxy.Source);
        // Upper case wins over lower case (Go's order): the first drop-in's HTTPS_PROXY stays.
        Assert.Equal("http://first:3128", proxy.HttpsProxy);
        Assert.Equal("http://httponly:80", proxy.HttpProxy);
        Assert.Equal("169.254.169.254", proxy.NoProxy);
    }

    [Fact]
    public void A_drop_in_the_running_agent_does_not_have_yet_asks_for_a_restart()
    {
        using var root = new MachineRoot();
        root.Agent(900, "PATH=/usr/bin")
            .Write("/etc/systemd/system/amazon-ssm-agent.service.d/proxy.conf", "[Service]\nEnvironment=HTTPS_PROXY=http://proxy:3128\n");
        var notes = new List<string>();
        var proxy = AgentProxyDiscovery.DiscoverLinux(new HostFileSystem(root.Path), notes);
        Assert.False(proxy.HasProxy);
        Assert.Contains(notes, n => n.Contains("systemctl daemon-reload") && n.Contains("http://proxy:3128"));
    }

    [Fact]
    public void Etc_environment_alone_is_reported_as_not_reaching_the_agent()
    {
        using var root = new MachineRoot();
        root.Write("/etc/environment", "PATH=\"/usr/bin\"\nhttps_proxy=\"http://envproxy:3128\"\n");
        var notes = new List<string>();
        var proxy = AgentProxyDiscovery.DiscoverLinux(new HostFileSystem(root.Path), notes);
        Assert.False(proxy.HasProxy);
        Assert.Contains(notes, n => n.StartsWith("/etc/environment sets proxy http://envproxy:3128"));
    }

    [Fact]
    public void Shell_and_agent_mismatches_and_a_missing_imds_bypass_are_flagged()
    {
        var findings = new List<string>();
        AgentProxyDiscovery.CompareWithShell(AgentProxySettings.None, new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://shell:3128" }, findings);
        Assert.Contains("This shell uses proxy http://shell:3128 but the agent has none", Assert.Single(findings));

        using var root = new MachineRoot();
        root.Agent(5, "HTTP_PROXY=http://agentproxy:3128", "NO_PROXY=.internal");
        var agent = AgentProxyDiscovery.DiscoverLinux(new HostFileSystem(root.Path), new List<string>());
        findings.Clear();
        AgentProxyDiscovery.CompareWithShell(agent, NoShellProxy, findings);
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.StartsWith("The agent uses proxy http://agentproxy:3128"));
        Assert.Contains(findings, f => f.Contains("lacks 169.254.169.254"));
    }

    [Fact]
    public void Windows_sources_are_taken_in_ssm_cli_order()
    {
        var source = new FakeWindowsProxy();
        Assert.False(AgentProxyDiscovery.DiscoverWindows(source).HasProxy);
        source.WinHttp = ("http=web:80;https=secure:8443", "<local>;*.internal");
        var winhttp = AgentProxyDiscovery.DiscoverWindows(source);
        Assert.Equal(("WinHTTP proxy", "http://secure:8443"), (winhttp.Source, winhttp.EffectiveProxy));
        Assert.Null(winhttp.ProxyFor("ssm.internal", 443));
        source.Machine["HTTPS_PROXY"] = "http://machine:3128";
        Assert.Equal("machine environment", AgentProxyDiscovery.DiscoverWindows(source).Source);
        source.Service = new[] { "https_proxy=http://service:3128", "no_proxy=169.254.169.254" };
        var service = AgentProxyDiscovery.DiscoverWindows(source);
        Assert.Equal("http://service:3128", service.EffectiveProxy);
        Assert.Contains("AmazonSSMAgent", service.Source);
    }

    [Theory]
    [InlineData("169.254.169.254", "169.254.169.254", 80, true)]
    [InlineData("169.254.0.0/16", "169.254.169.254", 80, true)]
    [InlineData(".amazonaws.com", "ssm.us-east-1.amazonaws.com", 443, true)]
    [InlineData("amazonaws.com", "ssm.us-east-1.amazonaws.com", 443, true)]
    [InlineData("*.amazonaws.com", "ssm.us-east-1.amazonaws.com", 443, true)]
    [InlineData("amazonaws.com:80", "ssm.us-east-1.amazonaws.com", 443, false)]
    [InlineData("*", "anything", 443, true)]
    [InlineData("localhost,127.0.0.1", "ssm.us-east-1.amazonaws.com", 443, false)]
    [InlineData("zonaws.com", "ssm.us-east-1.amazonaws.com", 443, false)]
    public void No_proxy_matches_like_go(string noProxy, string host, int port, bool bypassed)
    {
        Assert.Equal(bypassed, new NoProxyList(noProxy).Bypasses(host, port));
    }

    private sealed class FakeWindowsProxy : IWindowsProxySource
    {
        public string[]? Service { get; set; }

        public Dictionary<string, string> Machine { get; } = new();

        public (string Proxy, string? Bypass)? WinHttp { get; set; }

        public IReadOnlyList<string>? ServiceEnvironment() => Service;

        public string? MachineVariable(string name) => Machine.TryGetValue(name, out var v) ? v : null;

        public (string Proxy, string? Bypass)? WinHttpProxy() => WinHttp;
    }
}
