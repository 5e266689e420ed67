using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Module.Tests.Harness;
using SsmTroubleshoot.Tests.Loopback;
using Xunit;

namespace SsmTroubleshoot.Module.Tests.Endpoints;

/// <summary>Get-SsmDiagnostic through the imported module, on a fixture machine root and loopback servers.</summary>
public sealed class GetSsmDiagnosticTests : IDisposable
{
    private static readonly string[] Services = { "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring" };
    private readonly TestCertificates _ca = new("Amazon RSA 2048 M99 Test");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ssmts-diag-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _caPath;

    public GetSsmDiagnosticTests()
    {
        _root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(_root);
        _caPath = _ca.WriteAuthority(_dir);
    }

    private void Write(string machinePath, string content)
    {
        var full = Path.Combine(_root, machinePath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private void RunningAgent()
    {
        Write("/proc/2210/comm", "amazon-ssm-agen\n");
        Write("/proc/2210/status", "Name:\tamazon-ssm-agen\nUid:\t0\t0\t0\t0\n");
        Write("/proc/2210/environ", "PATH=/usr/bin\0");
        Write("/lib/systemd/system/amazon-ssm-agent.service", "[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n");
        Write("/etc/systemd/system/multi-user.target.wants/amazon-ssm-agent.service", "");
    }

    private static Hashtable Hosts(string region) => new(Services.ToDictionary(s => s + "." + region + ".amazonaws.com", _ => (object)"127.0.0.1"));

    [Fact]
    public void An_ec2_instance_gets_an_ssm_cli_like_report()
    {
        RunningAgent();
        using var server = new LoopbackTlsServer(_ca.IssueServer("*.eu-west-1.amazonaws.com"));
        using var imds = new FakeImds(new FakeImdsBehaviour { Region = "eu-west-1" });
        using var latest = new LoopbackHttpServer(200, "3.3.1000.0");
        using var session = new PowerShellSession(width: 160);
        session.SetVariable("root", _root);
        session.SetVariable("ca", _caPath);
        session.SetVariable("imds", imds.Url);
        session.SetVariable("latest", latest.Url + "/amazon-ssm-eu-west-1/latest/VERSION");
        session.SetVariable("port", server.Port);
        session.SetVariable("hosts", Hosts("eu-west-1"));
        const string command = "Get-SsmDiagnostic -ImdsEndpoint $imds -Port $port -HostAddressOverride $hosts -TrustedRootCertificatePath $ca -FileSystemRoot $root -AgentVersion 3.2.582.0 -LatestVersionUrl $latest";
        var result = session.Run(command);
        Assert.Empty(result.AllErrors);
        Assert.All(result.Output, o => Assert.Equal("SsmTroubleshoot.Endpoints.SsmDiagnosticCheck", o.TypeNames[0]));
        var status = result.Output.ToDictionary(o => (string)ScriptResult.Prop(o, "Check")!, o => ScriptResult.Prop(o, "Status")!.ToString());
        Assert.Equal(13, status.Count);
        Assert.Equal("Passed", status["EC2 IMDS"]);
        Assert.Equal("Skipped", status["Hybrid instance registration"]);
        Assert.All(Services, s => Assert.Equal("Passed", status["Connectivity to " + s + " endpoint"]));
        Assert.Equal("Passed", status["Agent service"]);
        Assert.Equal("Passed", status["Proxy configuration"]);
        Assert.Equal("Skipped", status["Windows sysprep image state"]);
        Assert.Equal("Warning", status["SSM Agent version"]);
        Assert.Equal("GET /amazon-ssm-eu-west-1/latest/VERSION HTTP/1.1", Assert.Single(latest.RequestLines));
        Assert.Equal(7, server.Hosts.Count);

        var text = session.Render(command);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "ssmts-diagnostic-render.txt"), text);
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.StartsWith("Check", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("SSM Agent version") && l.Contains("Warning") && l.Contains("3.2.582.0 is older than the latest 3.3.1000.0"));
        Assert.Contains(lines, l => l.StartsWith("Agent service") && l.Contains("Running (pid 2210) as root, systemd"));
    }

    [Fact]
    public void A_hybrid_instance_skips_imds_and_a_stopped_agent_fails()
    {
        Write("/var/lib/amazon/ssm/registration", "{\"ManagedInstanceID\":\"mi-0abc0abc0abc0abc0\",\"Region\":\"us-east-2\"}");
        Write("/lib/systemd/system/amazon-ssm-agent.service", "[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n");
        using var session = new PowerShellSession();
        var result = session.Run("Get-SsmDiagnostic -Service ssm -FileSystemRoot $root -TimeoutSeconds 1 -HostAddressOverride @{ 'ssm.us-east-2.amazonaws.com' = '127.0.0.1' } -Port $port -AgentVersion 3.3.40.0 -LatestVersionUrl $latest",
            new() { ["root"] = _root, ["port"] = ClosedPort.Find(), ["latest"] = "http://127.0.0.1:" + ClosedPort.Find() + "/VERSION" });
        Assert.Empty(result.AllErrors);
        var rows = result.Output.ToDictionary(o => (string)ScriptResult.Prop(o, "Check")!);
        Assert.Equal("Skipped", ScriptResult.Prop(rows["EC2 IMDS"], "Status")!.ToString());
        Assert.Contains("mi-0abc0abc0abc0abc0 in us-east-2", (string)ScriptResult.Prop(rows["Hybrid instance registration"], "Note")!);
        Assert.Equal("Failed", ScriptResult.Prop(rows["Connectivity to ssm endpoint"], "Status")!.ToString());
        Assert.Contains("refused", (string)ScriptResult.Prop(rows["Connectivity to ssm endpoint"], "Note")!);
        Assert.Equal("Failed", ScriptResult.Prop(rows["Agent service"], "Status")!.ToString());
        Assert.Equal("Warning", ScriptResult.Prop(rows["SSM Agent version"], "Status")!.ToString());
    }

    [Fact]
    public void A_bad_latest_version_url_stops_with_its_error_id()
    {
        using var session = new PowerShellSession();
        var result = session.Run("try { Get-SsmDiagnostic -SkipImds -Region us-east-1 -FileSystemRoot $root -LatestVersionUrl 'not a url'; 'went on' } catch { $_ }", new() { ["root"] = _root });
        var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(("LatestVersionUrlInvalid", ErrorCategory.InvalidArgument), (ScriptResult.ErrorId(record), record.CategoryInfo.Category));
    }

    public void Dispose()
    {
        _ca.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
