using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Module.Tests.Harness;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Endpoints;

/// <summary>
/// Test-SsmEndpoint through the imported module, against loopback servers only: names are mapped to 127.0.0.1 with
/// -HostAddressOverride, ports set with -EndpointOverride/-Port, IMDS pointed at a fake with -ImdsEndpoint.
/// </summary>
public sealed class TestSsmEndpointTests : IDisposable
{
    private const string Region = "us-east-1";
    private readonly TestCertificates _amazonLike = new("Amazon RSA 2048 M99 Test");
    private readonly TestCertificates _inspector = new("Corp TLS Inspection CA");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ssmts-endpoint-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _rootCa;

    public TestSsmEndpointTests()
    {
        _root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(_root);
        _rootCa = _amazonLike.WriteAuthority(_dir, pem: true);
    }

    private static string HostOf(string service) => service + "." + Region + ".amazonaws.com";

    private static Hashtable AllToLoopback() =>
        new(new[] { "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts", "ec2" }.ToDictionary(s => HostOf(s), _ => (object)"127.0.0.1"));

    private void WriteMachineFile(string machinePath, string content)
    {
        var full = Path.Combine(_root, machinePath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
    {
        var vars = new Dictionary<string, object?> { ["hosts"] = AllToLoopback(), ["root"] = _root, ["ca"] = _rootCa };
        foreach (var (name, value) in extra)
        {
            vars[name] = value;
        }

        return vars;
    }

    [Fact]
    public void Reachable_endpoints_come_back_typed_in_stable_order_with_imds_first()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = Region });
        using var session = new PowerShellSession();
        var result = session.Run(
            "Test-SsmEndpoint -Service sts, ssm, ec2messages -ImdsEndpoint $imds -Port $port -HostAddressOverride $hosts -TrustedRootCertificatePath $ca -FileSystemRoot $root -Verbose",
            Vars(("imds", imds.Url), ("port", server.Port)));
        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "imds", "ssm", "ec2messages", "sts" }, result.Output.Select(o => (string)ScriptResult.Prop(o, "Service")!));
        Assert.All(result.Output, o => Assert.Equal("SsmTroubleshoot.Endpoints.SsmEndpointProbe", o.TypeNames[0]));
        Assert.All(result.Output, o => Assert.Equal(true, ScriptResult.Prop(o, "Reachable")));
        Assert.Equal("i-0123456789abcdef0", PSObject.AsPSObject(ScriptResult.Prop(result.Output[0], "Imds")!).Properties["InstanceId"].Value);
        Assert.Equal("ssm.us-east-1.amazonaws.com", ScriptResult.Prop(result.Output[1], "Host"));
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("Region us-east-1 (from IMDS)"));
        Assert.NotEmpty(result.Progress);
        Assert.Equal(3, server.Hosts.Count);
    }

    [Fact]
    public void Failures_are_results_with_phase_problem_and_remediation_and_the_run_takes_about_one_timeout()
    {
        using var good = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var intercepting = new LoopbackTlsServer(_inspector.IssueServer("*.us-east-1.amazonaws.com"));
        using var hole = new BlackHoleListener();
        using var imds = new FakeImds(new FakeImdsBehaviour { Token = "hang" });
        var overrides = new Hashtable
        {
            ["ssm"] = HostOf("ssm") + ":" + good.Port,
            ["ec2messages"] = HostOf("ec2messages") + ":" + hole.Port,
            ["ssmmessages"] = HostOf("ssmmessages") + ":" + intercepting.Port,
            ["s3"] = HostOf("s3") + ":" + ClosedPort.Find(),
        };
        using var session = new PowerShellSession();
        var watch = Stopwatch.StartNew();
        var result = session.Run(
            "Test-SsmEndpoint -Region us-east-1 -Service ssm, ec2messages, ssmmessages, s3, kms -TimeoutSeconds 3 -ImdsEndpoint $imds -EndpointOverride $overrides -HostAddressOverride $hosts -TrustedRootCertificatePath $ca -FileSystemRoot $root",
            Vars(("imds", imds.Url), ("overrides", overrides)));
        watch.Stop();
        Assert.Empty(result.AllErrors);
        // The hop-limit PUT (3 s) and the black hole (3 s) overlap: about one timeout, not the sum (6 s and more).
        Assert.InRange(watch.Elapsed.TotalSeconds, 2.9, 5.5);
        var rows = result.Output.ToDictionary(o => (string)ScriptResult.Prop(o, "Service")!);
        Assert.Equal(new[] { "imds", "ssm", "ec2messages", "ssmmessages", "s3", "kms" }, result.Output.Select(o => (string)ScriptResult.Prop(o, "Service")!));
        Assert.Equal("ImdsHopLimit", ScriptResult.Prop(rows["imds"], "Problem")!.ToString());
        Assert.Equal("Reachable", ScriptResult.Prop(rows["ssm"], "Status")!.ToString());
        Assert.Equal("Tcp/ConnectTimeout", ScriptResult.Prop(rows["ec2messages"], "FailedPhase") + "/" + ScriptResult.Prop(rows["ec2messages"], "Problem"));
        Assert.Equal("Tls/ProxyTls", ScriptResult.Prop(rows["ssmmessages"], "FailedPhase") + "/" + ScriptResult.Prop(rows["ssmmessages"], "Problem"));
        Assert.Contains("TLS interception", (string)ScriptResult.Prop(rows["ssmmessages"], "Error")!);
        Assert.Equal("Tcp/ConnectionRefused", ScriptResult.Prop(rows["s3"], "FailedPhase") + "/" + ScriptResult.Prop(rows["s3"], "Problem"));
        // kms keeps port 443 on loopback, where nothing listens.
        Assert.Equal("Tcp", ScriptResult.Prop(rows["kms"], "FailedPhase")!.ToString());
        Assert.All(result.Output.Where(o => ScriptResult.Prop(o, "Status")!.ToString() != "Reachable"),
            o => Assert.False(string.IsNullOrEmpty((string?)ScriptResult.Prop(o, "Remediation"))));
    }

    [Fact]
    public void The_default_view_is_one_line_per_endpoint()
    {
        using var good = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var intercepting = new LoopbackTlsServer(_inspector.IssueServer("*.us-east-1.amazonaws.com"));
        using var imds = new FakeImds(new FakeImdsBehaviour { Role = null });
        using var session = new PowerShellSession(width: 150);
        session.SetVariable("hosts", AllToLoopback());
        session.SetVariable("root", _root);
        session.SetVariable("ca", _rootCa);
        session.SetVariable("imds", imds.Url);
        session.SetVariable("overrides", new Hashtable { ["ssm"] = HostOf("ssm") + ":" + good.Port, ["ssmmessages"] = HostOf("ssmmessages") + ":" + intercepting.Port, ["sts"] = HostOf("sts") + ":" + good.Port });
        var text = session.Render("Test-SsmEndpoint -Region us-east-1 -Service ssm, ssmmessages, sts, ec2 -TimeoutSeconds 10 -ImdsEndpoint $imds -EndpointOverride $overrides -HostAddressOverride $hosts -TrustedRootCertificatePath $ca -FileSystemRoot $root");
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "ssmts-endpoint-render.txt"), text);
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.StartsWith("Service", lines[0].TrimStart());
        Assert.Contains("Problem", lines[0]);
        Assert.Equal(2 + 5, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("imds") && l.Contains("Warning") && l.Contains("NoInstanceProfile"));
        Assert.Contains(lines, l => l.StartsWith("ssm ") && l.Contains("Reachable") && l.Contains("127.0.0.1"));
        Assert.Contains(lines, l => l.StartsWith("ssmmessages") && l.Contains("ProxyTls (Tls)"));
        Assert.Contains(lines, l => l.StartsWith("ec2 ") && l.Contains("ConnectionRefused (Tcp)"));
        Console.WriteLine(text);
    }

    [Fact]
    public void The_agents_proxy_from_proc_environ_is_used_and_mismatches_are_warned()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var proxy = new LoopbackConnectProxy((_, _) => server.Port);
        WriteMachineFile("/proc/812/comm", "amazon-ssm-agen\n");
        WriteMachineFile("/proc/812/environ", "PATH=/usr/bin\0https_proxy=" + proxy.Url + "\0no_proxy=localhost\0");
        using var session = new PowerShellSession();
        var result = session.Run(
            "Test-SsmEndpoint -Region us-east-1 -Service ssm -SkipImds -HostAddressOverride $hosts -TrustedRootCertificatePath $ca -FileSystemRoot $root",
            Vars());
        Assert.Empty(result.AllErrors);
        var row = Assert.Single(result.Output);
        Assert.Equal(true, ScriptResult.Prop(row, "Reachable"));
        Assert.Equal(proxy.Url, ScriptResult.Prop(row, "Proxy"));
        Assert.Equal("CONNECT ssm.us-east-1.amazonaws.com:443 HTTP/1.1", Assert.Single(proxy.RequestLines));
        Assert.Contains(result.Warnings, w => w.Message.Contains("lacks 169.254.169.254"));
        if (Environment.GetEnvironmentVariable("HTTPS_PROXY") is null && Environment.GetEnvironmentVariable("https_proxy") is null
            && Environment.GetEnvironmentVariable("HTTP_PROXY") is null && Environment.GetEnvironmentVariable("http_proxy") is null)
        {
            Assert.Contains(result.Warnings, w => w.Message.StartsWith("The agent uses proxy " + proxy.Url));
        }
    }

    [Fact]
    public void Agent_config_endpoint_overrides_are_followed()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com"));
        var config = Path.Combine(_dir, "amazon-ssm-agent.json");
        File.WriteAllText(config, "{\"Ssm\":{\"Endpoint\":\"https://vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com:" + server.Port + "\"}}");
        using var session = new PowerShellSession();
        var result = session.Run(
            "Test-SsmEndpoint -Region us-east-1 -Service ssm -SkipImds -AgentConfigPath $config -HostAddressOverride @{ 'vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com' = '127.0.0.1' } -TrustedRootCertificatePath $ca -FileSystemRoot $root",
            Vars(("config", config)));
        var row = Assert.Single(result.Output);
        Assert.Equal(("vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com", "amazon-ssm-agent.json Ssm.Endpoint", true),
            ((string)ScriptResult.Prop(row, "Host")!, (string)ScriptResult.Prop(row, "EndpointSource")!, (bool)ScriptResult.Prop(row, "Reachable")!));
    }

    [Theory]
    [InlineData("us-east-1", "", "ssm-fips.us-east-1.amazonaws.com")]
    [InlineData("cn-north-1", "", "ssm.cn-north-1.amazonaws.com.cn")]
    [InlineData("us-iso-east-1", "", "ssm.us-iso-east-1.c2s.ic.gov")]
    [InlineData("eu-west-1", "ssm.corp.example", "ssm.corp.example")]
    public void Host_names_follow_partition_fips_and_the_agent_config(string region, string configured, string expected)
    {
        var config = Path.Combine(_dir, "agent-" + region + ".json");
        File.WriteAllText(config, configured.Length == 0 ? "{}" : "{\"Ssm\":{\"Endpoint\":\"" + configured + "\"}}");
        using var session = new PowerShellSession();
        var result = session.Run(
            "Test-SsmEndpoint -Region $region -Service ssm -UseFipsEndpoint -SkipImds -AgentConfigPath $config -Port $port -HostAddressOverride @{ $expected = '127.0.0.1' } -FileSystemRoot $root",
            Vars(("region", region), ("config", config), ("port", ClosedPort.Find()), ("expected", expected)));
        var row = Assert.Single(result.Output);
        Assert.Equal(expected, ScriptResult.Prop(row, "Host"));
        Assert.Equal(region, ScriptResult.Prop(row, "Region"));
        Assert.Equal("ConnectionRefused", ScriptResult.Prop(row, "Problem")!.ToString());
    }

    [Theory]
    [InlineData("-EndpointOverride @{ iam = 'x' }", "EndpointOverrideInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("-EndpointOverride @{ ssm = 'host:70000' }", "EndpointOverrideInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("-HostAddressOverride @{ 'ssm.us-east-1.amazonaws.com' = 'not-an-ip' }", "HostAddressOverrideInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("-ImdsEndpoint 'ftp://x'", "ImdsEndpointInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("-TrustedRootCertificatePath ./no-such-root.pem", "TrustedRootInvalid", ErrorCategory.ObjectNotFound)]
    [InlineData("-AgentConfigPath ./no-such-config.json", "AgentConfigNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("-AgentConfigPath $bad", "AgentConfigInvalid", ErrorCategory.InvalidData)]
    public void Bad_input_stops_with_a_stable_error_id(string parameters, string errorId, ErrorCategory category)
    {
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{ nope");
        using var session = new PowerShellSession();
        // try/catch only catches terminating errors: a non-terminating one would let 'went on' through.
        var result = session.Run("try { Test-SsmEndpoint -Region us-east-1 -SkipImds -FileSystemRoot $root -Service ssm " + parameters + "; 'went on' } catch { $_ }", Vars(("bad", bad)));
        var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.True(errorId == ScriptResult.ErrorId(record), record.FullyQualifiedErrorId + ": " + record + " " + record.Exception);
        Assert.Equal(category, record.CategoryInfo.Category);
    }

    [Fact]
    public void Unknown_services_are_rejected_by_the_parameter_binder()
    {
        using var session = new PowerShellSession();
        var result = session.Run("Test-SsmEndpoint -Service iam -Region us-east-1 -SkipImds");
        Assert.Equal("ParameterArgumentValidationError", Assert.Single(result.ErrorIds));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Without_any_region_source_the_command_stops_with_AwsRegionMissing()
    {
        if (Environment.GetEnvironmentVariable("AWS_REGION") is not null || Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is not null)
        {
            return; // the process environment supplies a region; CI unsets it
        }

        using var session = new PowerShellSession();
        var result = session.Run("try { Test-SsmEndpoint -SkipImds -FileSystemRoot $root; 'went on' } catch { $_ }", Vars());
        var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.Equal("AwsRegionMissing", ScriptResult.ErrorId(record));
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Contains("-Region", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Stop_ends_a_hanging_run_at_once()
    {
        using var hole = new BlackHoleListener();
        using var session = new PowerShellSession();
        using var ps = PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddCommand("Test-SsmEndpoint").AddParameter("Region", Region).AddParameter("SkipImds").AddParameter("TimeoutSeconds", 30)
            .AddParameter("Port", hole.Port).AddParameter("HostAddressOverride", AllToLoopback()).AddParameter("FileSystemRoot", _root);
        var async = ps.BeginInvoke();
        System.Threading.Thread.Sleep(500);
        var watch = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "stopping took " + watch.Elapsed);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    public void Dispose()
    {
        _amazonLike.Dispose();
        _inspector.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
