using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Endpoints;

/// <summary>The phase of an endpoint probe: each runs only when the one before it succeeded.</summary>
public enum EndpointProbePhase
{
    None = 0,
    Dns,
    Tcp,
    Proxy,
    Tls,
    Http,
    Imds,
}

/// <summary>What kind of problem a probe found; scripts match on it.</summary>
public enum EndpointProblem
{
    None = 0,
    DnsFailed,
    ConnectionRefused,
    ConnectTimeout,
    ProxyRefused,
    ProxyTls,
    TlsFailed,
    HttpFailed,
    Timeout,
    ImdsUnreachable,
    ImdsV1Only,
    ImdsHopLimit,
    ImdsTokenRequired,
    NoInstanceProfile,
    CredentialsUnavailable,
    CredentialsExpiring,
}

/// <summary>Overall verdict of one row: Reachable, Warning (reachable but something is off) or Failed.</summary>
public enum EndpointProbeStatus
{
    Reachable = 0,
    Warning,
    Failed,
}

/// <summary>One endpoint probed the way the agent would reach it (Test-SsmEndpoint output). Service 'imds' is the metadata service.</summary>
public sealed class SsmEndpointProbe
{
    internal SsmEndpointProbe(string service, string host, int port, string? region)
    {
        Service = service;
        Host = host;
        Port = port;
        Region = region;
    }

    public string Service { get; }

    public string Host { get; }

    public int Port { get; }

    public string? Region { get; internal set; }

    /// <summary>Where the host name came from: the partition default, amazon-ssm-agent.json, or an override.</summary>
    public string EndpointSource { get; internal set; } = "default";

    public EndpointProbeStatus Status { get; internal set; }

    public bool Reachable { get; internal set; }

    public EndpointProbePhase FailedPhase { get; internal set; }

    public EndpointProblem Problem { get; internal set; }

    public string[] Addresses { get; internal set; } = Array.Empty<string>();

    /// <summary>True when every resolved address is private (RFC 1918, 100.64/10, fc00::/7): an interface VPC endpoint answers.</summary>
    public bool IsPrivateAddress { get; internal set; }

    /// <summary>"direct", "direct (no_proxy)" or the proxy URL (credentials removed) the probe went through.</summary>
    public string Proxy { get; internal set; } = "direct";

    public double? DnsMs { get; internal set; }

    public double? TcpMs { get; internal set; }

    public double? TlsMs { get; internal set; }

    public double? HttpMs { get; internal set; }

    /// <summary>The HTTP status the endpoint answered with; any status proves reachability.</summary>
    public int? HttpStatus { get; internal set; }

    public string? CertificateIssuer { get; internal set; }

    public string? CertificateSubject { get; internal set; }

    /// <summary>True when a certificate not issued by Amazon was presented for an AWS host: a proxy or firewall inspects TLS.</summary>
    public bool TlsIntercepted { get; internal set; }

    public string? Error { get; internal set; }

    public string? Remediation { get; internal set; }

    /// <summary>For the 'imds' row only: what the metadata service said.</summary>
    public SsmImdsDetail? Imds { get; internal set; }

    internal void Fail(EndpointProbePhase phase, EndpointProblem problem, string error, string remediation)
    {
        Status = EndpointProbeStatus.Failed;
        Reachable = false;
        FailedPhase = phase;
        Problem = problem;
        Error = error;
        Remediation = remediation;
    }

    internal void Warn(EndpointProblem problem, string error, string remediation)
    {
        if (Status == EndpointProbeStatus.Failed)
        {
            return;
        }

        Status = EndpointProbeStatus.Warning;
        if (Problem == EndpointProblem.None)
        {
            Problem = problem;
            Error = error;
            Remediation = remediation;
        }
        else
        {
            Error += " " + error;
            Remediation += " " + remediation;
        }
    }

    public override string ToString() => Service + " " + Host + ":" + Port + " " + Status;
}

/// <summary>What the instance metadata service answered. Never holds credential values, only their state.</summary>
public sealed class SsmImdsDetail
{
    internal SsmImdsDetail(string endpoint) => Endpoint = endpoint;

    public string Endpoint { get; }

    /// <summary>"v2" when a session token was issued, "v1" when only token-less GETs work, null when IMDS did not answer.</summary>
    public string? Version { get; internal set; }

    public bool TokenRequestTimedOut { get; internal set; }

    public int? TokenHttpStatus { get; internal set; }

    public string? InstanceId { get; internal set; }

    public string? Region { get; internal set; }

    public string? RoleName { get; internal set; }

    /// <summary>The Code field of the role's credential document (Success when IMDS could get credentials).</summary>
    public string? CredentialCode { get; internal set; }

    public DateTimeOffset? CredentialExpiration { get; internal set; }

    public IReadOnlyList<string> Findings => _findings;

    private readonly List<string> _findings = new();

    internal void AddFinding(string finding) => _findings.Add(finding);
}
