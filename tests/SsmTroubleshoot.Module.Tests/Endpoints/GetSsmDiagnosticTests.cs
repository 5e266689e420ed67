using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Logs;
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

    private const string RoleArn = "arn:aws:sts::123456789012:assumed-role/SsmInstanceRole/i-0123456789abcdef0";

    private static World InstanceRoleWorld()
    {
        var world = new World();
        world.Callers.Add(new Caller { AccessKeyId = FakeImds.AccessKeyId, SecretAccessKey = FakeImds.SecretAccessKey, Arn = RoleArn, UserId = "AROAEXAMPLE:i-0123456789abcdef0" });
        return world;
    }

    private static string Stamp(string sample, DateTime when) =>
        Regex.Replace(sample, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", when.ToString("yyyy-MM-dd HH:mm:ss.ffff", System.Globalization.CultureInfo.InvariantCulture));

    private static string ClosedUrl() => "http://127.0.0.1:" + ClosedPort.Find() + "/";

    private static Hashtable Hosts(string region) => new(Services.ToDictionary(s => s + "." + region + ".amazonaws.com", _ => (object)"127.0.0.1"));

    [Fact]
    public async Task An_ec2_instance_gets_an_ssm_cli_like_report()
    {
        RunningAgent();
        var now = DateTime.Now;
        Write("/var/log/amazon/ssm/amazon-ssm-agent.log",
            Stamp(AgentLogSamples.ByCategory["EndpointUnreachable"], now.AddDays(-2))
            + Stamp(AgentLogSamples.ByCategory["ClockSkew"], now.AddHours(-3))
            + Stamp(AgentLogSamples.ByCategory["ClockSkew"], now.AddHours(-1))
            + Stamp(AgentLogSamples.ByCategory["Throttling"], now.AddMinutes(-20)));
        await using var emu = await AwsEmulator.StartAsync(InstanceRoleWorld());
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
        session.SetVariable("sts", emu.Endpoint.ToString());
        const string command = "Get-SsmDiagnostic -ImdsEndpoint $imds -Port $port -HostAddressOverride $hosts -TrustedRootCertificatePath $ca -FileSystemRoot $root -AgentVersion 3.2.582.0 -LatestVersionUrl $latest -StsEndpointUrl $sts";
        var result = session.Run(command);
        Assert.Empty(result.AllErrors);
        Assert.All(result.Output, o => Assert.Equal("SsmTroubleshoot.Endpoints.SsmDiagnosticCheck", o.TypeNames[0]));
        var status = result.Output.ToDictionary(o => (string)ScriptResult.Prop(o, "Check")!, o => ScriptResult.Prop(o, "Status")!.ToString());
        Assert.Equal(15, status.Count);
        Assert.Equal("AWS Credentials", status.Keys.ElementAt(9));
        Assert.Equal("Passed", status["AWS Credentials"]);
        Assert.Equal("Agent log findings (24 h)", status.Keys.Last());
        Assert.Equal("Warning", status["Agent log findings (24 h)"]);
        Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
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
        Assert.Contains(lines, l => l.StartsWith("AWS Credentials") && l.Contains("Passed") && l.Contains("Authenticated as " + RoleArn));
        Assert.Contains(lines, l => l.StartsWith("Agent log findings (24 h)") && l.Contains("Warning") && l.Contains("ClockSkew x2 (High), Throttling x1 (Medium)"));
        Assert.DoesNotContain("EndpointUnreachable", text);
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
    public async Task No_stream_and_no_rendered_output_ever_holds_the_instance_role_credentials()
    {
        RunningAgent();
        Write("/var/log/amazon/ssm/amazon-ssm-agent.log", Stamp(AgentLogSamples.ByCategory["NoCredentials"], DateTime.Now.AddHours(-1)));
        var world = InstanceRoleWorld();
        await using var emu = await AwsEmulator.StartAsync(world);
        // A second emulator that denies the key: error texts must not carry it either.
        var deniedWorld = InstanceRoleWorld();
        deniedWorld.Denies.Add(new Deny { Principal = FakeImds.AccessKeyId, Action = "sts:GetCallerIdentity" });
        await using var denied = await AwsEmulator.StartAsync(deniedWorld);
        using var imds = new FakeImds(new FakeImdsBehaviour { Expiration = DateTimeOffset.UtcNow.AddMinutes(5) });
        using var session = new PowerShellSession(width: 200);
        session.SetVariable("root", _root);
        session.SetVariable("imds", imds.Url);
        session.SetVariable("latest", ClosedUrl());
        session.SetVariable("ok", emu.Endpoint.ToString());
        session.SetVariable("denied", denied.Endpoint.ToString());
        session.SetVariable("closed", ClosedUrl());
        // Never real DNS or AWS: the one endpoint resolves to loopback, on a closed port.
        session.SetVariable("hosts", new Hashtable { ["ssm.us-east-1.amazonaws.com"] = "127.0.0.1" });
        session.SetVariable("port", ClosedPort.Find());
        var statuses = new System.Collections.Generic.List<string>();
        foreach (var sts in new[] { "$ok", "$denied", "$closed" })
        {
            var command = "Get-SsmDiagnostic -Service ssm -HostAddressOverride $hosts -Port $port -ImdsEndpoint $imds -FileSystemRoot $root -TimeoutSeconds 2 -AgentVersion 3.3.40.0 -LatestVersionUrl $latest -StsEndpointUrl " + sts + " -Verbose -Debug";
            var result = session.Run(command);
            Assert.Null(result.Terminating);
            var row = Assert.Single(result.Output, o => (string)ScriptResult.Prop(o, "Check")! == "AWS Credentials");
            statuses.Add(ScriptResult.Prop(row, "Status")!.ToString()!);
            AssertNoSecret(result);
            // The console view, with the verbose and debug lines the host prints.
            var text = session.Render(command);
            AssertNoSecret(text);
            if (sts == "$denied")
            {
                File.WriteAllText(Path.Combine(Path.GetTempPath(), "ssmts-diagnostic-denied-render.txt"), session.Render(command.Replace(" -Verbose -Debug", string.Empty)));
            }
        }

        Assert.Equal(new[] { "Warning", "Failed", "Failed" }, statuses);
        var probe = session.Run("Test-SsmEndpoint -Service ssm -HostAddressOverride $hosts -Port $port -ImdsEndpoint $imds -FileSystemRoot $root -Region us-east-1 -TimeoutSeconds 1 -Verbose -Debug");
        Assert.Contains(probe.Output, o => (string)ScriptResult.Prop(o, "Service")! == "imds");
        AssertNoSecret(probe);
        AssertNoSecret(session.Render("Test-SsmEndpoint -Service ssm -HostAddressOverride $hosts -Port $port -ImdsEndpoint $imds -FileSystemRoot $root -Region us-east-1 -TimeoutSeconds 1 -Verbose -Debug"));
    }

    private static readonly string[] Secrets = { FakeImds.AccessKeyId, FakeImds.SecretAccessKey, FakeImds.SessionToken };

    private static void AssertNoSecret(string text)
    {
        Assert.NotEmpty(text);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text);
        }
    }

    private static void AssertNoSecret(ScriptResult result)
    {
        var texts = new System.Collections.Generic.List<string>();
        foreach (var output in result.Output)
        {
            Collect(output, texts, 0);
        }

        texts.AddRange(result.AllErrors.Select(e => e.ToString() + " " + e.ErrorDetails?.Message + " " + e.ErrorDetails?.RecommendedAction + " " + e.Exception));
        texts.AddRange(result.Warnings.Select(w => w.Message));
        texts.AddRange(result.Verbose.Select(v => v.Message));
        texts.AddRange(result.Debug.Select(d => d.Message));
        texts.AddRange(result.Progress.Select(p => p.Activity + " " + p.StatusDescription + " " + p.CurrentOperation));
        texts.AddRange(result.Information.Select(i => i.MessageData?.ToString() ?? string.Empty));
        Assert.NotEmpty(result.Verbose);
        foreach (var text in texts)
        {
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, text);
            }
        }
    }

    // Every public property, nested objects included (Probe, Imds), as PowerShell sees them.
    private static void Collect(PSObject obj, System.Collections.Generic.List<string> texts, int depth)
    {
        texts.Add(obj.ToString());
        if (depth > 3)
        {
            return;
        }

        foreach (var property in obj.Properties)
        {
            object? value;
            try
            {
                value = property.Value;
            }
            catch (GetValueInvocationException)
            {
                continue;
            }

            if (value is null)
            {
                continue;
            }

            if (value is string or ValueType)
            {
                texts.Add(value.ToString()!);
            }
            else if (value is IEnumerable items)
            {
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        Collect(PSObject.AsPSObject(item), texts, depth + 1);
                    }
                }
            }
            else
            {
                Collect(PSObject.AsPSObject(value), texts, depth + 1);
            }
        }
    }

    [Fact]
    public async Task Stop_ends_a_run_that_waits_for_sts_at_once()
    {
        RunningAgent();
        await using var emu = await AwsEmulator.StartAsync(InstanceRoleWorld());
        emu.Faults.Set("sts:GetCallerIdentity", new InjectedFault { Latency = TimeSpan.FromSeconds(60) });
        using var imds = new FakeImds(new FakeImdsBehaviour());
        using var session = new PowerShellSession();
        using var ps = PowerShell.Create();
        ps.Runspace = session.Runspace;
        ps.AddCommand("Get-SsmDiagnostic").AddParameter("Service", "ssm").AddParameter("Region", "us-east-1").AddParameter("ImdsEndpoint", imds.Url)
            .AddParameter("TimeoutSeconds", 30).AddParameter("HostAddressOverride", new Hashtable { ["ssm.us-east-1.amazonaws.com"] = "127.0.0.1" })
            .AddParameter("Port", ClosedPort.Find()).AddParameter("FileSystemRoot", _root).AddParameter("AgentVersion", "3.3.40.0")
            .AddParameter("LatestVersionUrl", ClosedUrl()).AddParameter("StsEndpointUrl", emu.Endpoint.ToString());
        var async = ps.BeginInvoke();
        await emu.Calls.WaitForAsync("sts:GetCallerIdentity", TimeSpan.FromSeconds(10));

        Assert.Equal(1, emu.Calls["sts:GetCallerIdentity"]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "stopping took " + watch.Elapsed);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    [Fact]
    public void A_bad_sts_endpoint_url_stops_with_its_error_id()
    {
        using var session = new PowerShellSession();
        var result = session.Run("try { Get-SsmDiagnostic -SkipImds -Region us-east-1 -FileSystemRoot $root -StsEndpointUrl 'ftp://x'; 'went on' } catch { $_ }", new() { ["root"] = _root });
        var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(("StsEndpointUrlInvalid", ErrorCategory.InvalidArgument), (ScriptResult.ErrorId(record), record.CategoryInfo.Category));
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
