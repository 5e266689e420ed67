using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Tests.Loopback;

/// <summary>Reads an HTTP request or response head (up to the blank line) byte by byte.</summary>
internal static class HttpHead
{
    public static async Task<string> ReadAsync(Stream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (head.Length < 16384)
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
            {
                break;
            }
        }

        return head.ToString();
    }

    public static string Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line.Substring(name.Length + 1).Trim();
            }
        }

        return string.Empty;
    }
}

/// <summary>
/// A TCP server on 127.0.0.1 (random port): accepts until disposed and hands each connection to
/// <see cref="ServeAsync"/>. Derived classes call <see cref="Start"/> once their own state is set.
/// </summary>
public abstract class LoopbackTcpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => "http://127.0.0.1:" + Port;

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

    protected void Start()
    {
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    protected abstract Task ServeAsync(TcpClient client);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>An HTTPS server on 127.0.0.1 that answers every GET with 404 (any status proves reachability).</summary>
public sealed class LoopbackTlsServer : LoopbackTcpServer
{
    private readonly X509Certificate2 _certificate;

    public LoopbackTlsServer(X509Certificate2 certificate)
    {
        _certificate = certificate;
        Start();
    }

    /// <summary>Host headers of the requests served.</summary>
    public ConcurrentQueue<string> Hosts { get; } = new();

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await using var ssl = new SslStream(client.GetStream(), false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
                var head = await HttpHead.ReadAsync(ssl, timeout.Token);
                Hosts.Enqueue(HttpHead.Header(head, "Host"));
                await ssl.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), timeout.Token);
            }
            catch (Exception)
            {
                // Clients that reject the certificate hang up mid-handshake; that is the point of some tests.
            }
        }
    }

}

/// <summary>A loopback port that takes connections into a full backlog and never accepts: connects hang (a black hole).</summary>
public sealed class BlackHoleListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = new();

    public BlackHoleListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        // Fill the accept queue; once full, the kernel drops further SYNs and connects time out.
        for (var i = 0; i < 16; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var connect = filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
            if (!connect.Wait(TimeSpan.FromMilliseconds(300)))
            {
                filler.Dispose();
                return;
            }

            _fillers.Add(filler);
        }

        throw new InvalidOperationException("could not fill the listen backlog");
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}

/// <summary>A loopback port nobody listens on: connects are refused.</summary>
public static class ClosedPort
{
    public static int Find()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>
/// An HTTP CONNECT proxy on loopback that records each CONNECT line and tunnels to 127.0.0.1 on the port a map
/// gives for the requested host (or answers 403 for hosts it is told to deny).
/// </summary>
public sealed class LoopbackConnectProxy : LoopbackTcpServer
{
    private readonly Func<string, int, int?> _route;

    /// <param name="route">(host, port) -> loopback port to tunnel to, or null to deny with 403.</param>
    public LoopbackConnectProxy(Func<string, int, int?> route)
    {
        _route = route;
        Start();
    }

    public ConcurrentQueue<string> RequestLines { get; } = new();

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await HttpHead.ReadAsync(stream, Stopping);
                var line = head.Split("\r\n")[0];
                RequestLines.Enqueue(line);
                var parts = line.Split(' ');
                var authority = parts.Length > 1 ? parts[1] : string.Empty;
                var colon = authority.LastIndexOf(':');
                int? target = parts[0] == "CONNECT" && colon > 0 ? _route(authority[..colon], int.Parse(authority[(colon + 1)..])) : null;
                if (target is null)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"), Stopping);
                    return;
                }

                using var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, target.Value, Stopping);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n"), Stopping);
                var up = upstream.GetStream();
                await Task.WhenAny(stream.CopyToAsync(up, Stopping), up.CopyToAsync(stream, Stopping));
            }
            catch (Exception)
            {
                // A client that goes away ends its tunnel.
            }
        }
    }

}

/// <summary>How the fake IMDS behaves.</summary>
public sealed class FakeImdsBehaviour
{
    /// <summary>"v2" (tokens work), "v1" (PUT answers 403), "hang" (PUT never answered: hop limit 1).</summary>
    public string Token { get; init; } = "v2";

    /// <summary>When true, GETs without a token get 401 (HttpTokens=required).</summary>
    public bool RequireToken { get; init; }

    public string InstanceId { get; init; } = "i-0123456789abcdef0";

    public string Region { get; init; } = "us-east-1";

    /// <summary>Null: no instance profile (404).</summary>
    public string? Role { get; init; } = "SsmInstanceRole";

    public DateTimeOffset Expiration { get; init; } = DateTimeOffset.UtcNow.AddHours(6);

    public string CredentialCode { get; init; } = "Success";

    public string AccessKeyId { get; init; } = FakeImds.AccessKeyId;

    public string SecretAccessKey { get; init; } = FakeImds.SecretAccessKey;

    public string SessionToken { get; init; } = FakeImds.SessionToken;
}

/// <summary>A minimal instance metadata service on 127.0.0.1 speaking the IMDSv1/v2 wire protocol.</summary>
public sealed class FakeImds : LoopbackTcpServer
{
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    public const string AccessKeyId = "ASIAEXAMPLEEXAMPLE12";
    public const string SessionToken = "FAKESESSIONTOKEN";
    private const string IssuedToken = "AQAEAFAKE-TOKEN==";
    private readonly FakeImdsBehaviour _behaviour;

    public FakeImds(FakeImdsBehaviour behaviour)
    {
        _behaviour = behaviour;
        Start();
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                while (!Stopping.IsCancellationRequested)
                {
                    var head = await HttpHead.ReadAsync(stream, Stopping);
                    if (head.Length == 0)
                    {
                        return;
                    }

                    var line = head.Split("\r\n")[0];
                    Requests.Enqueue(line);
                    var length = HttpHead.Header(head, "Content-Length");
                    if (int.TryParse(length, out var bodyLength) && bodyLength > 0)
                    {
                        await stream.ReadExactlyAsync(new byte[bodyLength], Stopping);
                    }

                    var (status, body) = Answer(line, HttpHead.Header(head, "X-aws-ec2-metadata-token"));
                    if (status == 0)
                    {
                        await Task.Delay(Timeout.Infinite, Stopping); // the PUT answer that never comes back past the hop limit
                    }

                    var bytes = Encoding.UTF8.GetBytes(body);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.Length + "\r\n\r\n"), Stopping);
                    await stream.WriteAsync(bytes, Stopping);
                }
            }
            catch (Exception)
            {
                // The client closed the connection.
            }
        }
    }

    private (int Status, string Body) Answer(string requestLine, string token)
    {
        var parts = requestLine.Split(' ');
        var (method, path) = (parts[0], parts.Length > 1 ? parts[1] : "/");
        if (method == "PUT" && path == "/latest/api/token")
        {
            return _behaviour.Token switch
            {
                "v2" => (200, IssuedToken),
                "hang" => (0, string.Empty),
                _ => (403, string.Empty),
            };
        }

        if (method != "GET")
        {
            return (405, string.Empty);
        }

        if (token.Length > 0 ? token != IssuedToken : _behaviour.RequireToken)
        {
            return (401, string.Empty);
        }

        return path switch
        {
            "/latest/meta-data/instance-id" => (200, _behaviour.InstanceId),
            "/latest/meta-data/placement/region" => (200, _behaviour.Region),
            "/latest/meta-data/iam/security-credentials/" => _behaviour.Role is null ? (404, string.Empty) : (200, _behaviour.Role),
            _ when _behaviour.Role is not null && path == "/latest/meta-data/iam/security-credentials/" + _behaviour.Role => (200,
                "{\"Code\":\"" + _behaviour.CredentialCode + "\",\"LastUpdated\":\"2026-01-01T00:00:00Z\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"" + _behaviour.AccessKeyId
                + "\",\"SecretAccessKey\":\"" + _behaviour.SecretAccessKey + "\",\"Token\":\"" + _behaviour.SessionToken + "\",\"Expiration\":\""
                + _behaviour.Expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"}"),
            _ => (404, string.Empty),
        };
    }

}

/// <summary>A plain HTTP server on 127.0.0.1 that answers every GET with one fixed status and body.</summary>
public sealed class LoopbackHttpServer : LoopbackTcpServer
{
    private readonly int _status;
    private readonly string _body;

    public LoopbackHttpServer(int status, string body)
    {
        (_status, _body) = (status, body);
        Start();
    }

    public ConcurrentQueue<string> RequestLines { get; } = new();

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await HttpHead.ReadAsync(stream, Stopping);
                RequestLines.Enqueue(head.Split("\r\n")[0]);
                var bytes = Encoding.UTF8.GetBytes(_body);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 " + _status + " X\r\nContent-Length: " + bytes.Length + "\r\nConnection: close\r\n\r\n"), Stopping);
                await stream.WriteAsync(bytes, Stopping);
            }
            catch (Exception)
            {
                // The client went away.
            }
        }
    }

}
