using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator;

/// <summary>
/// The IAM Identity Center portal's GetRoleCredentials (REST JSON, unsigned): GET /federation/credentials?role_name=&amp;account_id=
/// with header x-amz-sso_bearer_token. Unknown token: 401 UnauthorizedException; no such assignment: 403
/// ForbiddenException "No access". Issues fresh keys valid for the assignment's lifetime (registered as callers
/// whose signatures are verified and which expire). Counted as "sso:GetRoleCredentials".
/// </summary>
internal static class SsoPortal
{
    public static bool Handles(PathString path) => path.StartsWithSegments("/federation/credentials", StringComparison.Ordinal);

    public static async Task HandleAsync(HttpContext context, World world, CallCounter calls, System.Threading.CancellationToken stopping)
    {
        calls.Increment("sso:GetRoleCredentials");
        var token = context.Request.Headers["x-amz-sso_bearer_token"].ToString();
        var role = context.Request.Query["role_name"].ToString();
        var account = context.Request.Query["account_id"].ToString();
        AwsResponse response;
        string? errorType = null;
        lock (world.Sync)
        {
            var tokenKnown = world.SsoAssignments.Any(a => a.AccessToken == token);
            var assignment = world.SsoAssignments.FirstOrDefault(a => a.AccessToken == token && a.AccountId == account && a.RoleName == role);
            if (string.IsNullOrEmpty(token) || !tokenKnown)
            {
                errorType = "UnauthorizedException";
                response = Error(401, "Session token not found or invalid");
            }
            else if (assignment is null)
            {
                errorType = "ForbiddenException";
                response = Error(403, "No access");
            }
            else
            {
                var accessKey = "ASIASSO" + RandomNumberGenerator.GetHexString(13);
                var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
                var expires = DateTime.UtcNow.AddSeconds(assignment.CredentialLifetimeSeconds);
                world.Callers.Add(new Caller
                {
                    AccessKeyId = accessKey,
                    SecretAccessKey = secret,
                    Arn = $"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_0123456789abcdef/{assignment.UserName}",
                    UserId = "AROASSOEMULATOR0000001:" + assignment.UserName,
                    Account = account,
                    Expires = expires,
                });
                var body = new JsonObject
                {
                    ["roleCredentials"] = new JsonObject
                    {
                        ["accessKeyId"] = accessKey,
                        ["secretAccessKey"] = secret,
                        ["sessionToken"] = "sso-session-" + RandomNumberGenerator.GetHexString(24),
                        ["expiration"] = new DateTimeOffset(expires).ToUnixTimeMilliseconds(),
                    },
                };
                response = new AwsResponse(200, "application/json", body.ToJsonString());
            }
        }

        if (errorType is not null)
        {
            context.Response.Headers["x-amzn-ErrorType"] = errorType;
        }

        await AwsEmulator.WriteAsync(context, response, Guid.NewGuid().ToString(), 0, stopping).ConfigureAwait(false);
    }

    private static AwsResponse Error(int status, string message) =>
        new(status, "application/json", new JsonObject { ["message"] = message }.ToJsonString());
}
