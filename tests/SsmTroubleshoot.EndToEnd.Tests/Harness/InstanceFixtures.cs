using System;
using System.IO;
using SsmTroubleshoot.Tests.Loopback;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>
/// An EC2 instance's view on loopback, for Test-SsmEndpoint and Get-SsmDiagnostic: a TLS server answering for
/// *.eu-west-1.amazonaws.com under a private "Amazon" CA, instance metadata (IMDSv2, a role), the agent's latest
/// VERSION file, and a file system root with a running systemd agent. <see cref="Splat"/> is the PowerShell hashtable
/// of the parameters that point the cmdlets at them.
/// </summary>
public sealed class InstanceFixtures : IDisposable
{
    private readonly TestCertificates _ca = new("Amazon RSA 2048 M99 Test");
    private readonly LoopbackTlsServer _endpoints;
    private readonly FakeImds _imds = new(new FakeImdsBehaviour { Region = "eu-west-1" });
    private readonly LoopbackHttpServer _latest = new(200, "3.3.1000.0");
    private readonly string _dir = Directory.CreateTempSubdirectory("ssm-e2e-instance-").FullName;

    public InstanceFixtures()
    {
        _endpoints = new LoopbackTlsServer(_ca.IssueServer("*.eu-west-1.amazonaws.com"));
        Write("/proc/2210/comm", "amazon-ssm-agen\n");
        Write("/proc/2210/status", "Name:\tamazon-ssm-agen\nUid:\t0\t0\t0\t0\n");
        Write("/proc/2210/environ", "PATH=/usr/bin\0");
        Write("/lib/systemd/system/amazon-ssm-agent.service", "[Service]\nExecStart=/usr/bin/amazon-ssm-agent\n");
        Write("/etc/systemd/system/multi-user.target.wants/amazon-ssm-agent.service", string.Empty);
        Authority = _ca.WriteAuthority(_dir);
    }

    public string Authority { get; }

    public string FileSystemRoot => Path.Combine(_dir, "root");

    /// <summary>Parameters for both on-instance cmdlets; ssmmessages goes to <paramref name="ssmmessagesAddress"/> (127.0.0.2: nothing listens).</summary>
    public string Splat(string ssmmessagesAddress = "127.0.0.1") =>
        $"@{{ ImdsEndpoint = '{_imds.Url}'; Port = {_endpoints.Port}; TrustedRootCertificatePath = '{Authority}'; FileSystemRoot = '{FileSystemRoot}'; TimeoutSeconds = 2; "
        + $"HostAddressOverride = @{{ 'ssm.eu-west-1.amazonaws.com' = '127.0.0.1'; 'ec2messages.eu-west-1.amazonaws.com' = '127.0.0.1'; 'ssmmessages.eu-west-1.amazonaws.com' = '{ssmmessagesAddress}' }} }}";

    /// <summary>Get-SsmDiagnostic's own parameters: STS at the emulator, the agent's latest version on loopback.</summary>
    public string DiagnosticSplat(string stsEndpoint) => $"@{{ StsEndpointUrl = '{stsEndpoint}'; LatestVersionUrl = '{_latest.Url}/VERSION' }}";

    public void Dispose()
    {
        _endpoints.Dispose();
        _imds.Dispose();
        _latest.Dispose();
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private void Write(string machinePath, string content)
    {
        var full = Path.Combine(_dir, "root", machinePath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
