using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;
using SsmTroubleshoot.Emulator.Services;

namespace SsmTroubleshoot.Emulator;

/// <summary>
/// The loopback AWS emulator: one 127.0.0.1 port serving EC2, IAM, STS (Query/XML) and SSM (JSON 1.1) over a
/// <see cref="Model.World"/>. Start it from a test with <c>await using var emu = await AwsEmulator.StartAsync(world)</c>
/// and point clients at <see cref="Endpoint"/>.
/// </summary>
/// <summary>A signed call as received: "iam:GetRole", its SigV4 credential scope (date/region/service/aws4_request), its Host header.</summary>
public sealed record SignedCall(string Key, string Scope, string Host)
{
    /// <summary>The region of the scope.</summary>
    public string Region => Scope.Split('/') is { Length: >= 2 } parts ? parts[1] : string.Empty;
}

public sealed class AwsEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, IAwsService> _services;
    private readonly CancellationToken _stopping;

    private AwsEmulator(WebApplication app, World world, Uri endpoint)
    {
        _app = app;
        _stopping = app.Lifetime.ApplicationStopping;
        World = world;
        Faults = new FaultInjector(world.FaultSeed ?? 7);
        Endpoint = endpoint;
        _services = new IAwsService[] { new Ec2Service(), new IamService(), new StsService(), new SsmService(), new S3Service() }
            .ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>http://127.0.0.1:port/ — the URL for -EndpointUrl / ServiceURL.</summary>
    public Uri Endpoint { get; }

    /// <summary>The account being served; change it with <see cref="Model.World.Mutate"/> while running.</summary>
    public World World { get; }

    /// <summary>Calls per "service:Operation".</summary>
    public CallCounter Calls { get; } = new();

    /// <summary>Faults per "service:Operation" (or "*"), settable at runtime; rates drawn from <see cref="Model.World.FaultSeed"/>.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Every signed call's credential scope ("20261204/cn-north-1/iam/aws4_request") and Host header, in arrival order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<SignedCall> SignedCalls { get; } = new();

    private void RecordScope(string key, HttpRequest http)
    {
        var authorization = http.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return;
        }

        var end = authorization.IndexOf(',', start);
        var credential = end < 0 ? authorization.Substring(start + 11) : authorization.Substring(start + 11, end - start - 11);
        var slash = credential.IndexOf('/', StringComparison.Ordinal);
        SignedCalls.Enqueue(new SignedCall(key, slash < 0 ? string.Empty : credential.Substring(slash + 1), http.Host.Value ?? string.Empty));
    }

    /// <summary>Starts on 127.0.0.1 with a free port (or the given one).</summary>
    public static async Task<AwsEmulator> StartAsync(World world, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>(), ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        AwsEmulator? emulator = null;
        app.Run(context => emulator!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address);
        emulator = new AwsEmulator(app, world, new Uri($"http://127.0.0.1:{bound.Port}/"));
        foreach (var (operation, spec) in world.Faults ?? new Dictionary<string, string>())
        {
            emulator.Faults.Set(operation, InjectedFault.Parse(spec));
        }

        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer, aborted).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        var body = Encoding.UTF8.GetString(bytes);

        if (MetadataEndpoints.Handles(context.Request.Path))
        {
            await MetadataEndpoints.HandleAsync(context, World, Calls, Faults, _stopping).ConfigureAwait(false);
            return;
        }

        if (SsoPortal.Handles(context.Request.Path))
        {
            await SsoPortal.HandleAsync(context, World, Calls, _stopping).ConfigureAwait(false);
            return;
        }

        var request = Decode(context.Request, body);
        if (request is null)
        {
            await WriteAsync(context, new AwsResponse(400, "text/plain", "The emulator could not tell which AWS service this request is for."), null, 0, _stopping).ConfigureAwait(false);
            return;
        }

        Calls.Increment(request.Key);
        RecordScope(request.Key, context.Request);
        var (fault, latency) = Faults.Decide(request.Key, request.Region);
        if (latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(latency, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up; nobody is listening
            }
        }

        if (fault == FaultAction.Drop)
        {
            context.Abort();
            return;
        }

        if (fault == FaultAction.Silent)
        {
            await HoldAsync(context, _stopping).ConfigureAwait(false);
            return;
        }

        if (fault == FaultAction.Html)
        {
            await WriteAsync(context, HtmlPage(Faults.Get(request.Key)?.HtmlStatus ?? 503), null, 0, _stopping).ConfigureAwait(false);
            return;
        }

        var service = _services[request.Service];
        AwsResponse response;
        try
        {
            if (fault == FaultAction.Throttle)
            {
                throw service.Throttling();
            }

            if (fault == FaultAction.ServerError)
            {
                throw service.ServerError();
            }

            string? secret;
            World world;
            lock (World.Sync)
            {
                secret = World.SecretFor(request.AccessKeyId);

                // A multi-account scenario: the world of the caller's account and the signed region answers.
                world = request.Service is "sts" or "s3" ? World : World.WorldFor(request.AccessKeyId, request.Region, request.Service == "iam")
                    ?? throw service.RegionNotEnabled();
            }

            if (secret is not null && !SigV4Verifier.Verify(context.Request, bytes, secret))
            {
                throw service.SignatureMismatch();
            }

            bool expired;
            lock (World.Sync)
            {
                expired = World.IsExpired(request.AccessKeyId);
            }

            if (expired)
            {
                throw request.Service switch
                {
                    "ssm" => new AwsServiceError("ExpiredTokenException", "The security token included in the request is expired", 400),
                    "ec2" => new AwsServiceError("RequestExpired", "Request has expired.", 400),
                    _ => new AwsServiceError("ExpiredToken", "The security token included in the request is expired", 403),
                };
            }

            lock (World.Sync)
            {
                if (World.IsDenied(request.AccessKeyId, request.Key) || (!ReferenceEquals(world, World) && world.IsDenied(request.AccessKeyId, request.Key)))
                {
                    throw service.AccessDenied(request, World);
                }

                response = service.Handle(request, world);
            }
        }
        catch (AwsServiceError error)
        {
            response = service.RenderError(error, request.RequestId);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or JsonException)
        {
            // A request the handler could not read: AWS answers such input with a 400, never a dropped call.
            response = service.RenderError(new AwsServiceError(request.Service == "ssm" ? "SerializationException" : "MalformedQueryString", ex.Message), request.RequestId);
        }

        await WriteAsync(context, response, request.RequestId, Faults.TrickleRate(request.Key, request.Region), _stopping).ConfigureAwait(false);
    }

    /// <summary>A silent server: the request was read, no answer ever comes; ends when the client gives up or the emulator stops.</summary>
    internal static async Task HoldAsync(HttpContext context, CancellationToken stopping)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }

    /// <summary>What a proxy or load balancer answers when it cannot reach the service: a whole HTML page, not AWS's error shape.</summary>
    internal static AwsResponse HtmlPage(int status)
    {
        var reason = ReasonPhrases.GetReasonPhrase(status);
        var filler = string.Concat(Enumerable.Repeat("<p>The request could not be satisfied. Please try again later or contact your network administrator.</p>\n", 40));
        return new AwsResponse(status, "text/html; charset=utf-8",
            $"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title><style>body {{ font-family: sans-serif; }}</style></head>\n<body><h1>{status} {reason}</h1>\n{filler}<hr><address>corp-proxy/2.4</address></body></html>\n");
    }

    /// <summary>Writes an answer; with a trickle rate the headers go at once and the body a few bytes at a time.</summary>
    internal static async Task WriteAsync(HttpContext context, AwsResponse response, string? requestId, int trickleBytesPerSecond, CancellationToken stopping)
    {
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        if (requestId is not null)
        {
            context.Response.Headers["x-amzn-RequestId"] = requestId;
            context.Response.Headers["x-amz-request-id"] = requestId;
        }

        if (trickleBytesPerSecond <= 0)
        {
            await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(response.Body);
        context.Response.ContentLength = bytes.Length;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var chunk = Math.Max(1, trickleBytesPerSecond / 20);
        var pause = TimeSpan.FromSeconds((double)chunk / trickleBytesPerSecond);
        try
        {
            await context.Response.StartAsync(either.Token).ConfigureAwait(false);
            for (var sent = 0; sent < bytes.Length; sent += chunk)
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(sent, Math.Min(chunk, bytes.Length - sent)), either.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(either.Token).ConfigureAwait(false);
                await Task.Delay(pause, either.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            context.Abort(); // the client gave up, or the emulator stops
        }
    }

    private static AwsRequest? Decode(HttpRequest http, string body)
    {
        var accessKeyId = CredentialScope(http.Headers.Authorization.ToString(), out var scopeService, out var scopeRegion);
        var target = http.Headers["X-Amz-Target"].ToString();
        if (!string.IsNullOrEmpty(target))
        {
            var dot = target.IndexOf('.', StringComparison.Ordinal);
            var prefix = dot > 0 ? target.Substring(0, dot) : target;
            var service = prefix.StartsWith("AmazonSSM", StringComparison.Ordinal) ? "ssm" : scopeService;
            if (service != "ssm")
            {
                return null;
            }

            JsonElement json;
            try
            {
                json = string.IsNullOrWhiteSpace(body) ? JsonDocument.Parse("{}").RootElement : JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                json = JsonDocument.Parse("{}").RootElement;
            }

            return new AwsRequest("ssm", target.Substring(dot + 1), accessKeyId, new Dictionary<string, string>(), json) { Region = scopeRegion };
        }

        if (scopeService == "s3")
        {
            // Path-style REST: GET /bucket/key.
            var path = http.Path.Value ?? "/";
            var trimmed = path.TrimStart('/');
            var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
            var bucket = Uri.UnescapeDataString(slash < 0 ? trimmed : trimmed.Substring(0, slash));
            var key = slash < 0 ? null : Uri.UnescapeDataString(trimmed.Substring(slash + 1));
            var operation = HttpMethods.IsGet(http.Method) && !string.IsNullOrEmpty(key) ? "GetObject" : http.Method + "Unsupported";
            return new AwsRequest("s3", operation, accessKeyId, new Dictionary<string, string>(), null) { Bucket = bucket, ObjectKey = key, Region = scopeRegion };
        }

        var form = ParseForm(body);
        foreach (var pair in http.Query)
        {
            form.TryAdd(pair.Key, pair.Value.ToString());
        }

        if (!form.TryGetValue("Action", out var action))
        {
            return null;
        }

        var queryService = scopeService ?? GuessService(action);
        return queryService is "ec2" or "iam" or "sts" ? new AwsRequest(queryService, action, accessKeyId, form, null) { Region = scopeRegion } : null;
    }

    /// <summary>"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, ..." -> (AKID, ec2).</summary>
    private static string? CredentialScope(string authorization, out string? service, out string? region)
    {
        service = null;
        region = null;
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = authorization.IndexOf(',', start);
        var scope = (end < 0 ? authorization.Substring(start + 11) : authorization.Substring(start + 11, end - start - 11)).Split('/');
        if (scope.Length >= 5)
        {
            service = scope[3];
            region = scope[2];
        }

        return scope[0];
    }

    private static string? GuessService(string action) => action switch
    {
        "GetCallerIdentity" or "AssumeRole" => "sts",
        _ when action.StartsWith("Describe", StringComparison.Ordinal) || action == "GetManagedPrefixListEntries" => "ec2",
        _ => "iam",
    };

    private static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair.Substring(0, eq)).Replace('+', ' '));
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
            form[key] = value;
        }

        return form;
    }
}
