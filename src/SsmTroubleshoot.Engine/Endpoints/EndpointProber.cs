using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>One endpoint to probe: where it is and how the agent would reach it.</summary>
public sealed class EndpointTarget
{
    public EndpointTarget(string service, string host, int port, string? region)
    {
        Service = service ?? throw new ArgumentNullException(nameof(service));
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Port = port;
        Region = region;
    }

    public string Service { get; }

    public string Host { get; }

    public int Port { get; }

    public string? Region { get; }

    public string Source { get; init; } = "default";

    /// <summary>The agent's proxy URL for this host, or null for a direct connection.</summary>
    public string? Proxy { get; init; }

    /// <summary>True when the agent has a proxy but no_proxy lists this host.</summary>
    public bool BypassedProxy { get; init; }
}

/// <summary>
/// Probes one endpoint phase by phase — DNS, TCP (or proxy CONNECT), TLS, HTTP — stopping at the first failure,
/// each phase bounded by the same timeout.
/// </summary>
public sealed class EndpointProber
{
    private const string VpcRemediation =
        "Check, for port 443: the instance security group egress, the network ACLs both ways, the subnet route table (NAT or internet gateway, or an interface VPC endpoint for the service), the VPC endpoint's security group ingress, and any host or network firewall.";

    private const string ProxyTlsRemediation =
        "Exempt the AWS endpoints (*.amazonaws.com) from TLS inspection on the proxy or firewall, or add the inspecting CA to the system trust store the agent uses (Linux: /etc/pki/ca-trust/source/anchors + update-ca-trust, or /usr/local/share/ca-certificates + update-ca-certificates; Windows: Local Machine Trusted Root Certification Authorities).";

    // .NET (PowerShell 7) lets the OS choose, TLS 1.3 included; Windows PowerShell's old default would offer TLS 1.0, which AWS refuses.
    private static readonly SslProtocols ClientProtocols =
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
            ? SslProtocols.Tls12
            : SslProtocols.None;

    private readonly IHostResolver _resolver;
    private readonly TimeSpan _timeout;
    private readonly TlsTrust _trust;

    public EndpointProber(IHostResolver resolver, TimeSpan phaseTimeout, X509Certificate2Collection? extraTrustedRoots = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        if (phaseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(phaseTimeout), "The phase timeout must be positive.");
        }

        _timeout = phaseTimeout;
        _trust = new TlsTrust(extraTrustedRoots);
    }

    public async Task<SsmEndpointProbe> ProbeAsync(EndpointTarget target, CancellationToken cancellationToken)
    {
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        var probe = new SsmEndpointProbe(target.Service, target.Host, target.Port, target.Region)
        {
            EndpointSource = target.Source,
            Proxy = target.Proxy is not null ? AgentProxySettings.Redact(target.Proxy) : target.BypassedProxy ? "direct (no_proxy)" : "direct",
        };

        Uri? proxy = null;
        if (target.Proxy is not null && !TryParseProxy(target.Proxy, out proxy, out var proxyError))
        {
            probe.Fail(EndpointProbePhase.Proxy, EndpointProblem.ProxyRefused, proxyError!, "Fix the agent's https_proxy value: http://host:port.");
            return probe;
        }

        var watch = Stopwatch.StartNew();
        var connectAddress = await ResolveAsync(probe, target.Host, proxy, cancellationToken).ConfigureAwait(false);
        probe.DnsMs = Ms(watch);
        if (connectAddress is null)
        {
            return probe;
        }

        watch.Restart();
        var socket = new Socket(connectAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var connectPort = proxy?.Port ?? target.Port;
            if (!await ConnectAsync(probe, socket, connectAddress, connectPort, proxy is not null, cancellationToken).ConfigureAwait(false))
            {
                probe.TcpMs = Ms(watch);
                return probe;
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            if (proxy is not null && !await ConnectThroughProxyAsync(probe, stream, proxy, target, cancellationToken).ConfigureAwait(false))
            {
                probe.TcpMs = Ms(watch);
                return probe;
            }

            probe.TcpMs = Ms(watch);
            watch.Restart();
            var tls = _trust.Begin();
            using var ssl = new SslStream(stream, false, tls.Validate);
            if (!await HandshakeAsync(probe, ssl, tls, target.Host, cancellationToken).ConfigureAwait(false))
            {
                probe.TlsMs = Ms(watch);
                return probe;
            }

            probe.TlsMs = Ms(watch);
            watch.Restart();
            await RequestAsync(probe, ssl, target, cancellationToken).ConfigureAwait(false);
            probe.HttpMs = Ms(watch);
            return probe;
        }
        finally
        {
            socket.Dispose();
        }
    }

    private async Task<IPAddress?> ResolveAsync(SsmEndpointProbe probe, string host, Uri? proxy, CancellationToken cancellationToken)
    {
        // Through a proxy the proxy resolves the endpoint; the local answer is still shown (private = VPC endpoint).
        var endpointLookup = LookupAsync(host, cancellationToken);
        var proxyLookup = proxy is null ? null : LookupAsync(proxy.IdnHost.Trim('[', ']'), cancellationToken);
        var (addresses, error) = await endpointLookup.ConfigureAwait(false);
        if (addresses is not null)
        {
            probe.Addresses = addresses.Select(a => a.ToString()).ToArray();
            probe.IsPrivateAddress = AddressClass.AllPrivate(addresses);
        }

        if (proxyLookup is null)
        {
            if (addresses is null || addresses.Length == 0)
            {
                probe.Fail(EndpointProbePhase.Dns, error is TimeoutException ? EndpointProblem.Timeout : EndpointProblem.DnsFailed,
                    "DNS: " + host + " does not resolve (" + Describe(error) + ").",
                    "Check the resolvers in /etc/resolv.conf (the VPC resolver is the .2 address of the VPC CIDR or 169.254.169.253). With an interface VPC endpoint, turn on its private DNS names and the VPC's enableDnsSupport/enableDnsHostnames; a Route 53 private hosted zone must cover the name.");
                return null;
            }

            return Prefer(addresses);
        }

        var (proxyAddresses, proxyError) = await proxyLookup.ConfigureAwait(false);
        if (proxyAddresses is null || proxyAddresses.Length == 0)
        {
            probe.Fail(EndpointProbePhase.Dns, EndpointProblem.DnsFailed,
                "DNS: the agent's proxy host " + proxy!.Host + " does not resolve (" + Describe(proxyError) + ").",
                "Fix the proxy host name in the agent's https_proxy, or the resolver configuration.");
            return null;
        }

        return Prefer(proxyAddresses);
    }

    private async Task<(IPAddress[]? Addresses, Exception? Error)> LookupAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return (await Deadline.Within(_resolver.ResolveAsync(host, cancellationToken), _timeout, cancellationToken).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    private async Task<bool> ConnectAsync(SsmEndpointProbe probe, Socket socket, IPAddress address, int port, bool toProxy, CancellationToken cancellationToken)
    {
        var what = (toProxy ? "the proxy " : string.Empty) + Endpoint(address, port);
        try
        {
            await Deadline.Within(socket.ConnectAsync(new IPEndPoint(address, port)), _timeout, cancellationToken, socket).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            probe.Fail(EndpointProbePhase.Tcp, EndpointProblem.ConnectTimeout,
                "TCP: no answer from " + what + " within " + Seconds(_timeout) + ": packets are dropped on the way.",
                toProxy ? "Check that the proxy is up and that security groups, network ACLs and firewalls let the instance reach it." : VpcRemediation);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            probe.Fail(EndpointProbePhase.Tcp, EndpointProblem.ConnectionRefused,
                "TCP: connection to " + what + " was refused: nothing accepts connections on port " + port + " there, or a firewall rejects them.",
                toProxy ? "Start the proxy or fix the port in the agent's https_proxy." : "Look for a host firewall (iptables/nftables, Windows Firewall) or network appliance that rejects port 443; " + VpcRemediation);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            probe.Fail(EndpointProbePhase.Tcp, EndpointProblem.ConnectTimeout, "TCP: cannot connect to " + what + ": " + ex.Message, VpcRemediation);
        }

        return false;
    }

    private async Task<bool> ConnectThroughProxyAsync(SsmEndpointProbe probe, NetworkStream stream, Uri proxy, EndpointTarget target, CancellationToken cancellationToken)
    {
        var authority = target.Host + ":" + target.Port.ToString(CultureInfo.InvariantCulture);
        var request = new StringBuilder()
            .Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(authority).Append("\r\n");
        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            request.Append("Proxy-Authorization: Basic ")
                .Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(proxy.UserInfo)))).Append("\r\n");
        }

        request.Append("\r\n");
        try
        {
            var bytes = Encoding.ASCII.GetBytes(request.ToString());
            await Deadline.Within(stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken), _timeout, cancellationToken, stream).ConfigureAwait(false);
            var head = await Deadline.Within(ReadHeadAsync(stream, cancellationToken), _timeout, cancellationToken, stream).ConfigureAwait(false);
            var status = ParseStatus(head);
            if (status is >= 200 and < 300)
            {
                return true;
            }

            probe.Fail(EndpointProbePhase.Proxy, EndpointProblem.ProxyRefused,
                "Proxy: " + probe.Proxy + " answered CONNECT " + authority + " with '" + FirstLine(head) + "'.",
                "Allow CONNECT to " + target.Host + ":443 on the proxy (an allow-list for *.amazonaws.com), give the agent proxy credentials, or add the endpoint to no_proxy when it is a VPC endpoint.");
        }
        catch (TimeoutException)
        {
            probe.Fail(EndpointProbePhase.Proxy, EndpointProblem.Timeout,
                "Proxy: " + probe.Proxy + " did not answer CONNECT " + authority + " within " + Seconds(_timeout) + ".",
                "Check the proxy: it accepted the connection but did not open the tunnel.");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            probe.Fail(EndpointProbePhase.Proxy, EndpointProblem.ProxyRefused,
                "Proxy: " + probe.Proxy + " closed the connection on CONNECT " + authority + " (" + ex.Message + ").",
                "Check the proxy's access rules for " + target.Host + ".");
        }

        return false;
    }

    private async Task<bool> HandshakeAsync(SsmEndpointProbe probe, SslStream ssl, TlsTrust.Session tls, string host, CancellationToken cancellationToken)
    {
        try
        {
            await Deadline.Within(ssl.AuthenticateAsClientAsync(host, null, ClientProtocols, false), _timeout, cancellationToken, ssl).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            probe.Fail(EndpointProbePhase.Tls, EndpointProblem.Timeout,
                "TLS: the handshake with " + host + " did not finish within " + Seconds(_timeout) + ".",
                "A firewall or proxy that inspects TLS or filters by SNI may be holding the connection; check it.");
            return false;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or ObjectDisposedException or SocketException)
        {
            probe.CertificateIssuer = tls.Issuer;
            probe.CertificateSubject = tls.Subject;
            if (tls.Rejection is not null)
            {
                // A rejected certificate that Amazon did not issue is someone else's: interception.
                var intercepted = !TlsTrust.IsAmazonIssuer(tls.Issuer);
                probe.TlsIntercepted = intercepted;
                probe.Fail(EndpointProbePhase.Tls, intercepted ? EndpointProblem.ProxyTls : EndpointProblem.TlsFailed,
                    (intercepted ? "TLS interception: " : "TLS: ") + "the certificate presented for " + host + " (issuer '" + tls.Issuer + "') was rejected: " + tls.Rejection + "."
                        + (intercepted ? " A proxy or firewall is inspecting TLS; the agent rejects this certificate too." : string.Empty),
                    intercepted ? ProxyTlsRemediation : "Check the endpoint host name and the machine's trust store.");
            }
            else
            {
                probe.Fail(EndpointProbePhase.Tls, EndpointProblem.TlsFailed,
                    "TLS: the handshake with " + host + " failed: " + Innermost(ex).Message + ". A firewall that filters by SNI, or a service that does not speak TLS on this port, cuts it off.",
                    "Check firewalls and proxies between the instance and " + host + " for TLS/SNI filtering.");
            }

            return false;
        }

        probe.CertificateIssuer = tls.Issuer;
        probe.CertificateSubject = tls.Subject;
        if (TlsTrust.ExpectsAmazonCertificate(host) && !TlsTrust.IsAmazonIssuer(tls.Issuer))
        {
            probe.TlsIntercepted = true;
            probe.Warn(EndpointProblem.ProxyTls,
                "TLS interception: " + host + " presented a certificate issued by '" + tls.Issuer + "', not by Amazon"
                    + (tls.TrustedByExtraRoot ? " (trusted only through -TrustedRootCertificatePath; the agent uses the system store)." : " (trusted by this machine's store)."),
                ProxyTlsRemediation);
        }

        return true;
    }

    private async Task RequestAsync(SsmEndpointProbe probe, SslStream ssl, EndpointTarget target, CancellationToken cancellationToken)
    {
        var hostHeader = target.Port == 443 ? target.Host : target.Host + ":" + target.Port.ToString(CultureInfo.InvariantCulture);
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: SsmTroubleshoot-Test-SsmEndpoint\r\nAccept: */*\r\nConnection: close\r\n\r\n");
        try
        {
            await Deadline.Within(ssl.WriteAsync(request, 0, request.Length, cancellationToken), _timeout, cancellationToken, ssl).ConfigureAwait(false);
            var head = await Deadline.Within(ReadHeadAsync(ssl, cancellationToken), _timeout, cancellationToken, ssl).ConfigureAwait(false);
            var status = ParseStatus(head);
            if (status is null)
            {
                probe.Fail(EndpointProbePhase.Http, EndpointProblem.HttpFailed,
                    "HTTP: " + target.Host + " closed the connection without an HTTP answer.",
                    "Something between the instance and the endpoint ends HTTPS sessions; check proxies and firewalls.");
                return;
            }

            probe.HttpStatus = status;
            probe.Reachable = true;
        }
        catch (TimeoutException)
        {
            probe.Fail(EndpointProbePhase.Http, EndpointProblem.Timeout,
                "HTTP: no answer to GET / from " + target.Host + " within " + Seconds(_timeout) + ".",
                "Something between the instance and the endpoint holds HTTPS requests; check proxies and firewalls.");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            probe.Fail(EndpointProbePhase.Http, EndpointProblem.HttpFailed,
                "HTTP: the connection to " + target.Host + " broke: " + Innermost(ex).Message + ".",
                "Something between the instance and the endpoint ends HTTPS sessions; check proxies and firewalls.");
        }
    }

    /// <summary>Reads a response head (status line and headers), at most 16 KB, byte by byte so no tunnel data is consumed.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (head.Length < 16384)
        {
            var read = await stream.ReadAsync(one, 0, 1, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            head.Append((char)one[0]);
            if (head.Length >= 4 && head[head.Length - 1] == '\n' && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        return head.ToString();
    }

    internal static int? ParseStatus(string head)
    {
        var line = FirstLine(head);
        var parts = line.Split(' ');
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 999
            ? status
            : null;
    }

    private static string FirstLine(string head)
    {
        var end = head.IndexOf('\r');
        return (end >= 0 ? head.Substring(0, end) : head).Trim();
    }

    private static bool TryParseProxy(string value, out Uri? proxy, out string? error)
    {
        var text = value.IndexOf("://", StringComparison.Ordinal) >= 0 ? value : "http://" + value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out proxy) || string.IsNullOrEmpty(proxy.Host))
        {
            error = "The agent's proxy '" + AgentProxySettings.Redact(value) + "' is not a valid URL.";
            return false;
        }

        if (!string.Equals(proxy.Scheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            error = "The agent's proxy '" + AgentProxySettings.Redact(value) + "' uses scheme " + proxy.Scheme + "; only http:// proxies (HTTP CONNECT) are probed.";
            return false;
        }

        error = null;
        return true;
    }

    private static IPAddress Prefer(IPAddress[] addresses) =>
        addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];

    private static string Endpoint(IPAddress address, int port) =>
        (address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString()) + ":" + port.ToString(CultureInfo.InvariantCulture);

    private static string Describe(Exception? error) => error switch
    {
        null => "no addresses",
        TimeoutException => "no answer from the resolver in time",
        _ => Innermost(error).Message,
    };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static double Ms(Stopwatch watch) => Math.Round(watch.Elapsed.TotalMilliseconds, 1);
}
