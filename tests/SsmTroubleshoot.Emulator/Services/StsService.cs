using System.Linq;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>STS Query API (2011-06-15).</summary>
internal sealed class StsService : IAwsService
{
    private const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static readonly QueryXml X = new(Namespace);

    public string Name => "sts";

    public AwsServiceError Throttling() => new("Throttling", "Rate exceeded", 400);

    public AwsServiceError ServerError() => new("ServiceUnavailable", "Service is unable to handle request.", 503);

    public AwsServiceError AccessDenied(AwsRequest request, World world) => new(
        "AccessDenied", $"User: {world.CallerFor(request.AccessKeyId).Arn} is not authorized to perform: {request.Key}", 403);

    public AwsResponse RenderError(AwsServiceError error, string requestId) => QueryErrors.Render(Namespace, error, requestId);

    public AwsResponse Handle(AwsRequest request, World world)
    {
        if (request.Operation == "AssumeRole")
        {
            return AssumeRole(request, world);
        }

        if (request.Operation != "GetCallerIdentity")
        {
            throw new AwsServiceError("InvalidAction", $"Could not find operation {request.Operation} for version 2011-06-15");
        }

        if (request.AccessKeyId is not null && world.Sessions.TryGetValue(request.AccessKeyId, out var session))
        {
            return QueryErrors.Success(X, request,
            [
                X.E("Arn", $"arn:{session.Partition}:sts::{session.Account}:assumed-role/{session.RoleName}/{session.SessionName}"),
                X.E("UserId", "AROA" + session.RoleName.ToUpperInvariant().PadRight(17, 'X').Substring(0, 17) + ":" + session.SessionName),
                X.E("Account", session.Account),
            ]);
        }

        var caller = world.CallerFor(request.AccessKeyId);
        return QueryErrors.Success(X, request,
        [
            X.E("Arn", caller.Arn),
            X.E("UserId", caller.UserId),
            X.E("Account", caller.Account ?? world.AccountId),
        ]);
    }

    /// <summary>
    /// AssumeRole: the role must exist in a world of the account, the account must not be in AssumeRoleDenied, and its
    /// external id must match. The keys encode the account (ASIA + account + 4 digits) so later calls find their world.
    /// </summary>
    private static AwsResponse AssumeRole(AwsRequest request, World world)
    {
        var roleArn = request.Get("RoleArn") ?? throw new AwsServiceError("MissingParameter", "The request must contain the parameter RoleArn.");
        var sessionName = request.Get("RoleSessionName") ?? throw new AwsServiceError("MissingParameter", "The request must contain the parameter RoleSessionName.");
        var match = System.Text.RegularExpressions.Regex.Match(roleArn, @"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]{1,64})$");
        if (!match.Success)
        {
            throw new AwsServiceError("ValidationError", $"{roleArn} is invalid");
        }

        var (partition, account, roleName) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
        var caller = world.CallerFor(request.AccessKeyId).Arn;
        var denied = new AwsServiceError("AccessDenied", $"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", 403);
        var worlds = new[] { world }.Concat(world.Partitions?.Values ?? Enumerable.Empty<World>()).Where(w => w.AccountId == account).ToList();
        if (world.AssumeRoleDenied.Contains(account) || !worlds.Any(w => w.Roles.Any(r => r.RoleName == roleName)))
        {
            throw denied;
        }

        if (world.ExternalIds.TryGetValue(account, out var externalId) && request.Get("ExternalId") != externalId)
        {
            throw denied;
        }

        var duration = request.GetInt("DurationSeconds") ?? 3600;
        var suffix = (world.Sessions.Count % 10000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        var accessKeyId = "ASIA" + account + suffix;
        world.Sessions[accessKeyId] = new AssumedSession(account, roleName, sessionName, partition);
        var roleId = "AROA" + roleName.ToUpperInvariant().PadRight(17, 'X').Substring(0, 17);
        return QueryErrors.Success(X, request,
        [
            X.E("Credentials",
                X.E("AccessKeyId", accessKeyId),
                X.E("SecretAccessKey", "emulator-assumed-" + suffix),
                X.E("SessionToken", "FwoGZXIvYXdzEmulatorSession" + suffix),
                X.E("Expiration", world.Clock().AddSeconds(duration).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))),
            X.E("AssumedRoleUser",
                X.E("AssumedRoleId", roleId + ":" + sessionName),
                X.E("Arn", $"arn:{partition}:sts::{account}:assumed-role/{roleName}/{sessionName}")),
        ]);
    }
}
