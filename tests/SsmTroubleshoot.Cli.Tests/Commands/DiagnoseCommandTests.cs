using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Endpoints;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>`diagnose` on a fixture machine root, with loopback endpoints, a fake IMDS and a loopback latest/VERSION.</summary>
public sealed class DiagnoseCommandTests : IDisposable
{
    private const string RoleArn = "arn:aws:sts::123456789012:assumed-role/SsmInstanceRole/i-0123456789abcdef0";
    private static readonly string[] Services = { "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring" };
    private readonly TestCertificates _ca = new("Amazon RSA 2048 M99 Test");
    private readonly TempFolder _dir = new();
    private readonly string _root;
    private readonly string _caPath;

    public DiagnoseCommandTests()
    {
        _root = System.IO.Path.Combine(_dir.Path, "root");
        System.IO.Directory.CreateDirectory(_root);
        _caPath = _ca.WriteAuthority(_dir.Path);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    private void RunningAgent()
    {
        _dir.Write("root/proc/2210/comm", "amazon-ssm-agen\n");
        _dir.Write("root/proc/2210/status", "Name:\tamazon-ssm-agen\nUid:\t0\t0\t0\t0\n");
        _dir.Write("root/proc/2210/environ", "PATH=/usr/bin\0");
        _dir.Write("root/lib/systemd/system/amazon-ssm-agent.service", "[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n");
        _dir.Write("root/etc/systemd/system/multi-user.target.wants/amazon-ssm-agent.service", "");
    }

    private List<string> Args(string region, params string[] args)
    {
        var list = new List<string> { "diagnose", "--file-system-root", _root, "--trusted-root-certificate-path", _caPath, "--host-address" };
        list.AddRange(Services.Select(s => s + "." + region + ".amazonaws.com=127.0.0.1"));
        list.AddRange(args);
        return list;
    }

    [Fact]
    public async Task An_ec2_instance_gets_an_ssm_cli_like_report_and_warnings_alone_exit_0()
    {
        RunningAgent();
        using var server = new LoopbackTlsServer(_ca.IssueServer("*.eu-west-1.amazonaws.com"));
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = "eu-west-1" });
        using var latest = new LoopbackHttpServer(200, "3.3.1000.0");

        // The AWS Credentials check calls STS with the (fake) IMDS role credentials: the emulator knows them.
        var world = new World();
        world.Callers.Add(new Caller { AccessKeyId = FakeImds.AccessKeyId, SecretAccessKey = FakeImds.SecretAccessKey, Arn = RoleArn, UserId = "AROAEXAMPLE:i-0123456789abcdef0" });
        await using var sts = await AwsEmulator.StartAsync(world);
        var args = Args("eu-west-1", "--imds-endpoint", imds.Url, "--port", server.Port.ToString(), "--agent-version", "3.2.582.0",
            "--latest-version-url", latest.Url + "/amazon-ssm-eu-west-1/latest/VERSION", "--sts-endpoint-url", sts.Endpoint.ToString());
        var json = await CliRun.RunAsync(args.Concat(new[] { "--json" }).ToList(), null, CancellationToken.None);
        Assert.True(json.ExitCode == ExitCodes.Healthy, json.ToString());
        var checks = json.Json().EnumerateArray().ToList();
        Assert.Equal(15, checks.Count);
        var status = checks.ToDictionary(c => c.GetProperty("Check").GetString()!, c => c.GetProperty("Status").GetString());
        Assert.Equal("Passed", status["EC2 IMDS"]);
        Assert.Equal("Skipped", status["Hybrid instance registration"]);
        Assert.All(Services, s => Assert.Equal("Passed", status["Connectivity to " + s + " endpoint"]));
        Assert.Equal("Passed", status["Agent service"]);
        Assert.Equal("Warning", status["SSM Agent version"]);
        Assert.Equal("Passed", status["AWS Credentials"]);
        Assert.Equal(1, sts.Calls["sts:GetCallerIdentity"]);
        var names = typeof(SsmDiagnosticCheck).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(names, checks[0].EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal("ssm", checks.Single(c => c.GetProperty("Check").GetString() == "Connectivity to ssm endpoint").GetProperty("Probe").GetProperty("Service").GetString());
        Assert.Equal("GET /amazon-ssm-eu-west-1/latest/VERSION HTTP/1.1", Assert.Single(latest.RequestLines));

        var table = await CliRun.RunAsync(args, null, CancellationToken.None);
        Console.WriteLine(table.Output);
        Assert.Equal(ExitCodes.Healthy, table.ExitCode);
        var lines = CliRun.Lines(table.Output);
        Assert.Equal(new[] { "Check", "Status", "Note" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2 + 15, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("AWS Credentials") && l.Contains("Authenticated as " + RoleArn));
        Assert.Contains(lines, l => l.StartsWith("SSM Agent version") && l.Contains("Warning") && l.Contains("3.2.582.0 is older than the latest 3.3.1000.0"));
        Assert.Contains(lines, l => l.StartsWith("Agent service") && l.Contains("Running (pid 2210) as root, systemd"));
    }

    [Fact]
    public async Task A_hybrid_instance_with_a_stopped_agent_and_a_closed_port_exits_1()
    {
        _dir.Write("root/var/lib/amazon/ssm/registration", "{\"ManagedInstanceID\":\"mi-0abc0abc0abc0abc0\",\"Region\":\"us-east-2\"}");
        _dir.Write("root/lib/systemd/system/amazon-ssm-agent.service", "[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n");
        var result = await CliRun.RunAsync(new List<string>
        {
            "diagnose", "--service", "ssm", "--file-system-root", _root, "--timeout-seconds", "1", "--host-address", "ssm.us-east-2.amazonaws.com=127.0.0.1",
            "--port", ClosedPort.Find().ToString(), "--agent-version", "3.3.40.0", "--latest-version-url", "http://127.0.0.1:" + ClosedPort.Find() + "/VERSION",
            "--sts-endpoint-url", "http://127.0.0.1:" + ClosedPort.Find() + "/", "--json",
        }, null, CancellationToken.None);
        Assert.True(result.ExitCode == ExitCodes.ProblemsFound, result.ToString());
        var rows = result.Json().EnumerateArray().ToDictionary(c => c.GetProperty("Check").GetString()!);
        Assert.Equal("Skipped", rows["EC2 IMDS"].GetProperty("Status").GetString());
        Assert.Contains("mi-0abc0abc0abc0abc0 in us-east-2", rows["Hybrid instance registration"].GetProperty("Note").GetString());
        Assert.Equal("Failed", rows["Connectivity to ssm endpoint"].GetProperty("Status").GetString());
        Assert.Equal("Failed", rows["Agent service"].GetProperty("Status").GetString());
    }

    [Theory]
    [InlineData("--agent-version", "latest", "--agent-version 'latest' is not a version")]
    [InlineData("--latest-version-url", "not a url", "--latest-version-url 'not a url' is not an http(s) URL")]
    [InlineData("--sts-endpoint-url", "ftp://sts", "--sts-endpoint-url 'ftp://sts' is not an http(s) URL")]
    [InlineData("--service", "iam", "'iam' is not a service this tool probes")]
    public async Task Bad_values_are_usage_errors(string option, string value, string message)
    {
        var result = await CliRun.RunAsync("diagnose", "--skip-imds", "--region", "us-east-1", "--file-system-root", _root, option, value);
        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.Contains("ssmtroubleshoot diagnose --help", result.Error);
    }
}
