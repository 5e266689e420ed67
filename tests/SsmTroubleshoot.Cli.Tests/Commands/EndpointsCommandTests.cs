using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Endpoints;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>
/// `endpoints` against loopback servers only: host names mapped to 127.0.0.1 with --host-address, ports set with
/// --port/--endpoint-override, IMDS pointed at a fake with --imds-endpoint (or skipped), the machine's files under
/// --file-system-root.
/// </summary>
public sealed class EndpointsCommandTests : IDisposable
{
    private static readonly string[] AllServices = { "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts", "ec2" };
    private readonly TestCertificates _amazonLike = new("Amazon RSA 2048 M99 Test");
    private readonly TestCertificates _inspector = new("Corp TLS Inspection CA");
    private readonly TempFolder _dir = new();
    private readonly string _root;
    private readonly string _ca;

    public EndpointsCommandTests()
    {
        _root = Path.Combine(_dir.Path, "root");
        Directory.CreateDirectory(_root);
        _ca = _amazonLike.WriteAuthority(_dir.Path, pem: true);
    }

    public void Dispose()
    {
        _amazonLike.Dispose();
        _inspector.Dispose();
        _dir.Dispose();
    }

    private static string HostOf(string service, string region = "us-east-1") => service + "." + region + ".amazonaws.com";

    /// <summary>The common part of every command line: all names to loopback, the test CA, the fixture root.</summary>
    private List<string> Args(params string[] args)
    {
        var list = new List<string>(args) { "--trusted-root-certificate-path", _ca, "--file-system-root", _root, "--host-address" };
        list.AddRange(AllServices.Select(s => HostOf(s) + "=127.0.0.1"));
        return list;
    }

    private static Dictionary<string, JsonElement> ByService(JsonElement probes) =>
        probes.EnumerateArray().ToDictionary(p => p.GetProperty("Service").GetString()!);

    [Fact]
    public async Task Reachable_endpoints_exit_0_with_imds_first_and_the_module_view_columns()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = "us-east-1" });
        var json = await CliRun.RunAsync(Args("endpoints", "--service", "sts", "ssm,ec2messages", "--imds-endpoint", imds.Url, "--port", server.Port.ToString(), "--json"), null, CancellationToken.None);
        Assert.True(json.ExitCode == ExitCodes.Healthy, json.ToString());
        var probes = json.Json();
        Assert.Equal(new[] { "imds", "ssm", "ec2messages", "sts" }, probes.EnumerateArray().Select(p => p.GetProperty("Service").GetString()));
        Assert.All(probes.EnumerateArray(), p => Assert.True(p.GetProperty("Reachable").GetBoolean()));
        Assert.All(probes.EnumerateArray(), p => Assert.Equal("Reachable", p.GetProperty("Status").GetString()));
        var names = typeof(SsmEndpointProbe).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(names, probes[1].EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal("i-0123456789abcdef0", probes[0].GetProperty("Imds").GetProperty("InstanceId").GetString());
        Assert.Equal("ssm.us-east-1.amazonaws.com", probes[1].GetProperty("Host").GetString());
        Assert.Equal("127.0.0.1", probes[1].GetProperty("Addresses")[0].GetString());
        Assert.Equal(3, server.Hosts.Count);

        var table = await CliRun.RunAsync(Args("endpoints", "--service", "ssm", "--imds-endpoint", imds.Url, "--port", server.Port.ToString()), null, CancellationToken.None);
        Assert.Equal(ExitCodes.Healthy, table.ExitCode);
        var lines = CliRun.Lines(table.Output);
        Console.WriteLine(table.Output);
        Assert.Equal(new[] { "Service", "Status", "Host", "Address", "Private", "Proxy", "Latency", "ms", "Problem" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(4, lines.Count);
        Assert.Matches(@"^ssm\s+Reachable\s+ssm\.us-east-1\.amazonaws\.com:\d+\s+127\.0\.0\.1\s+no\s+direct\s+\d+/\d+/\d+/\d+$", lines[3]);
        Console.WriteLine(table.Output);
    }

    [Fact]
    public async Task Unreachable_endpoints_exit_1_with_phase_problem_and_remediation()
    {
        using var good = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var intercepting = new LoopbackTlsServer(_inspector.IssueServer("*.us-east-1.amazonaws.com"));
        var result = await CliRun.RunAsync(Args(
            "endpoints", "--region", "us-east-1", "--skip-imds", "--service", "ssm", "ssmmessages", "s3", "--timeout-seconds", "3",
            "--endpoint-override", "ssm=" + HostOf("ssm") + ":" + good.Port,
            "--endpoint-override", "ssmmessages=" + HostOf("ssmmessages") + ":" + intercepting.Port,
            "--endpoint-override", "s3=https://" + HostOf("s3") + ":" + ClosedPort.Find(),
            "--json"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        var rows = ByService(result.Json());
        Assert.Equal(new[] { "ssm", "ssmmessages", "s3" }, rows.Keys);
        Assert.Equal("Reachable", rows["ssm"].GetProperty("Status").GetString());
        Assert.Equal("Tls/ProxyTls", rows["ssmmessages"].GetProperty("FailedPhase").GetString() + "/" + rows["ssmmessages"].GetProperty("Problem").GetString());
        Assert.Equal("Tcp/ConnectionRefused", rows["s3"].GetProperty("FailedPhase").GetString() + "/" + rows["s3"].GetProperty("Problem").GetString());
        Assert.False(string.IsNullOrEmpty(rows["s3"].GetProperty("Remediation").GetString()));
        // The engine names its sources after the module's parameters; the CLI spells them as its own options, JSON included.
        Assert.Equal("--endpoint-override", rows["s3"].GetProperty("EndpointSource").GetString());

        var table = await CliRun.RunAsync(Args("endpoints", "--region", "us-east-1", "--skip-imds", "--service", "s3", "--endpoint-override", "s3=" + HostOf("s3") + ":" + ClosedPort.Find()), null, CancellationToken.None);
        Assert.Equal(ExitCodes.ProblemsFound, table.ExitCode);
        var lines = CliRun.Lines(table.Output);
        Assert.Contains("ConnectionRefused (Tcp)", lines[2]);

        // Not only a code: what failed and what to do, under the table.
        var block = lines.SkipWhile(l => !l.StartsWith("s3 (", StringComparison.Ordinal)).ToList();
        Assert.EndsWith("): ConnectionRefused at Tcp", block[0]);
        Assert.Contains(block, l => l.StartsWith("  Detail:", StringComparison.Ordinal) && l.Length > "  Detail:      ".Length);
        Assert.Contains(block, l => l.StartsWith("  Remediation: ", StringComparison.Ordinal));
        Console.WriteLine(table.Output);
    }

    [Fact]
    public async Task The_agent_config_endpoint_is_followed()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com"));
        var config = _dir.Write("amazon-ssm-agent.json", "{\"Ssm\":{\"Endpoint\":\"https://vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com:" + server.Port + "\"}}");
        var result = await CliRun.RunAsync(Args("endpoints", "--region", "us-east-1", "--skip-imds", "--service", "ssm", "--agent-config-path", config,
            "--host-address-override", "vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com=127.0.0.1", "--json"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.Healthy, result.ToString());
        var row = Assert.Single(result.Json().EnumerateArray());
        Assert.Equal("vpce-0a1b.ssm.us-east-1.vpce.amazonaws.com", row.GetProperty("Host").GetString());
        Assert.Equal("amazon-ssm-agent.json Ssm.Endpoint", row.GetProperty("EndpointSource").GetString());
    }

    [Fact]
    public async Task Agent_proxy_findings_are_warnings_on_stderr_and_json_stays_clean()
    {
        using var server = new LoopbackTlsServer(_amazonLike.IssueServer("*.us-east-1.amazonaws.com"));
        using var proxy = new LoopbackConnectProxy((_, _) => server.Port);
        _dir.Write("root/proc/812/comm", "amazon-ssm-agen\n");
        _dir.Write("root/proc/812/environ", "PATH=/usr/bin\0https_proxy=" + proxy.Url + "\0no_proxy=localhost\0");
        var result = await CliRun.RunAsync(Args("endpoints", "--region", "us-east-1", "--service", "ssm", "--skip-imds", "--json"), null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.Healthy, result.ToString());
        var row = Assert.Single(result.Json().EnumerateArray());
        Assert.Equal(proxy.Url, row.GetProperty("Proxy").GetString());
        Assert.Equal("CONNECT ssm.us-east-1.amazonaws.com:443 HTTP/1.1", Assert.Single(proxy.RequestLines));
        Assert.Contains("WARNING: ", result.Error);
        Assert.Contains("lacks 169.254.169.254", result.Error);
    }

    [Theory]
    [InlineData(ExitCodes.UsageError, "--service", "iam", "'iam' is not a service this tool probes")]
    [InlineData(ExitCodes.UsageError, "--timeout-seconds", "0", "--timeout-seconds must be between 1 and 60")]
    [InlineData(ExitCodes.UsageError, "--timeout-seconds", "soon", "--timeout-seconds 'soon' is not a whole number")]
    [InlineData(ExitCodes.UsageError, "--port", "70000", "--port must be between 1 and 65535")]
    [InlineData(ExitCodes.UsageError, "--endpoint-override", "iam=x", "unknown service 'iam'")]
    [InlineData(ExitCodes.UsageError, "--endpoint-override", "ssm", "is not name=value")]
    [InlineData(ExitCodes.UsageError, "--endpoint-override", "ssm=https://", "--endpoint-override:")]
    [InlineData(ExitCodes.UsageError, "--host-address", "ssm.us-east-1.amazonaws.com=not-an-ip", "'not-an-ip' for ssm.us-east-1.amazonaws.com is not an IP address")]
    [InlineData(ExitCodes.UsageError, "--imds-endpoint", "ftp://x", "--imds-endpoint 'ftp://x' is not an http(s) URL")]
    [InlineData(ExitCodes.UsageError, "--region", "Mars", "'Mars' is not a region name")]
    [InlineData(ExitCodes.CouldNotRun, "--trusted-root-certificate-path", "./no-such-root.pem", "--trusted-root-certificate-path:")]
    [InlineData(ExitCodes.CouldNotRun, "--agent-config-path", "./no-such-config.json", "Pass the path of an existing amazon-ssm-agent.json")]
    public async Task Bad_values_are_usage_errors_and_unreadable_files_could_not_run(int exitCode, string option, string value, string message)
    {
        var args = new List<string> { "endpoints", "--skip-imds", "--service", "ssm", "--file-system-root", _root, option, value };
        if (option != "--region")
        {
            args.AddRange(new[] { "--region", "us-east-1" });
        }

        if (option != "--port")
        {
            args.AddRange(new[] { "--port", ClosedPort.Find().ToString() });
        }

        var result = await CliRun.RunAsync(args, null, CancellationToken.None);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task An_invalid_agent_config_could_not_run()
    {
        var bad = _dir.Write("bad.json", "{ nope");
        var result = await CliRun.RunAsync("endpoints", "--region", "us-east-1", "--skip-imds", "--service", "ssm", "--file-system-root", _root, "--agent-config-path", bad);
        Assert.Equal(ExitCodes.CouldNotRun, result.ExitCode);
        Assert.Contains("Fix the JSON of the agent configuration file", result.Error);
    }

    [Fact]
    public async Task Without_any_region_source_the_command_could_not_run()
    {
        if (Environment.GetEnvironmentVariable("AWS_REGION") is not null || Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is not null)
        {
            return; // the process environment supplies a region; CI unsets it
        }

        var result = await CliRun.RunAsync("endpoints", "--skip-imds", "--file-system-root", _root);
        Assert.Equal(ExitCodes.CouldNotRun, result.ExitCode);
        Assert.Contains("Pass --region", result.Error);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task Cancelling_ends_a_hanging_probe_at_once()
    {
        using var hole = new BlackHoleListener();
        using var cancel = new CancellationTokenSource();
        var run = CliRun.RunAsync(Args("endpoints", "--region", "us-east-1", "--skip-imds", "--service", "ssm", "--timeout-seconds", "30", "--port", hole.Port.ToString()), null, cancel.Token);
        await Task.Delay(500);
        var watch = Stopwatch.StartNew();
        cancel.Cancel();
        var result = await run;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "stopping took " + watch.Elapsed);
        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
    }
}
