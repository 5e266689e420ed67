using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Emulator;

/// <summary>
/// IMDSv2 (PUT /latest/api/token, then GET /latest/meta-data/... with the token) and the container credentials
/// URI (/container-credentials), so credential and region resolution can be tested without 169.254.x.x.
/// Counted as "imds:Token", "imds:Region", "imds:Roles", "imds:Credentials", "container:Credentials".
/// </summary>
internal static class MetadataEndpoints
{
    private const string Token = "emulator-imds-token";

    public static bool Handles(PathString path) =>
        path.StartsWithSegments("/latest", StringComparison.Ordinal) || path.StartsWithSegments("/container-credentials", StringComparison.Ordinal);

    public static async Task HandleAsync(HttpContext context, World world, CallCounter calls, FaultInjector faults, System.Threading.CancellationToken stopping)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var key = path.StartsWith("/container-credentials", StringComparison.Ordinal) ? "container:Credentials"
            : path == "/latest/api/token" ? "imds:Token"
            : path.EndsWith("/placement/region", StringComparison.Ordinal) ? "imds:Region"
            : path.TrimEnd('/').EndsWith("/security-credentials", StringComparison.Ordinal) ? "imds:Roles"
            : path.Contains("/security-credentials/", StringComparison.Ordinal) ? "imds:Credentials"
            : "imds:Other";
        calls.Increment(key);
        var (fault, latency) = faults.Decide(key);
        if (latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (fault == FaultAction.Drop)
        {
            context.Abort();
            return;
        }

        if (fault == FaultAction.Silent)
        {
            await AwsEmulator.HoldAsync(context, stopping).ConfigureAwait(false);
            return;
        }

        if (fault == FaultAction.Html)
        {
            await AwsEmulator.WriteAsync(context, AwsEmulator.HtmlPage(faults.Get(key)?.HtmlStatus ?? 503), null, 0, stopping).ConfigureAwait(false);
            return;
        }

        if (fault != FaultAction.None)
        {
            await Answer(context, fault == FaultAction.Throttle ? 429 : 500, string.Empty).ConfigureAwait(false);
            return;
        }

        InstanceMetadata? imds;
        TemporaryCredentials? container;
        lock (world.Sync)
        {
            imds = world.InstanceMetadata;
            container = world.ContainerCredentials;
        }

        if (key == "container:Credentials")
        {
            if (container is null)
            {
                await Answer(context, 404, string.Empty).ConfigureAwait(false);
            }
            else if (container.AuthorizationToken is not null && context.Request.Headers.Authorization.ToString() != container.AuthorizationToken)
            {
                await Answer(context, 401, string.Empty).ConfigureAwait(false);
            }
            else
            {
                await Answer(context, 200, CredentialsJson(container)).ConfigureAwait(false);
            }

            return;
        }

        if (imds is null)
        {
            await Answer(context, 404, string.Empty).ConfigureAwait(false);
            return;
        }

        if (key == "imds:Token")
        {
            await Answer(context, HttpMethods.IsPut(context.Request.Method) ? 200 : 405, Token).ConfigureAwait(false);
            return;
        }

        // IMDSv2 only, like an instance with HttpTokens=required.
        if (context.Request.Headers["X-aws-ec2-metadata-token"].ToString() != Token)
        {
            await Answer(context, 401, string.Empty).ConfigureAwait(false);
            return;
        }

        switch (key)
        {
            case "imds:Region":
                await Answer(context, 200, imds.Region).ConfigureAwait(false);
                break;
            case "imds:Roles" when imds.RoleName is not null:
                await Answer(context, 200, imds.RoleName).ConfigureAwait(false);
                break;
            case "imds:Credentials" when imds.RoleName is not null && imds.Credentials is not null && path.EndsWith("/" + imds.RoleName, StringComparison.Ordinal):
                await Answer(context, 200, CredentialsJson(imds.Credentials)).ConfigureAwait(false);
                break;
            default:
                await Answer(context, 404, string.Empty).ConfigureAwait(false);
                break;
        }
    }

    private static string CredentialsJson(TemporaryCredentials credentials) => new JsonObject
    {
        ["Code"] = "Success",
        ["Type"] = "AWS-HMAC",
        ["AccessKeyId"] = credentials.AccessKeyId,
        ["SecretAccessKey"] = credentials.SecretAccessKey,
        ["Token"] = credentials.Token,
        ["Expiration"] = credentials.Expiration.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    }.ToJsonString();

    private static async Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
