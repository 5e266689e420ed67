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
        if (request.Operation != "GetCallerIdentity")
        {
            throw new AwsServiceError("InvalidAction", $"Could not find operation {request.Operation} for version 2011-06-15");
        }

        var caller = world.CallerFor(request.AccessKeyId);
        return QueryErrors.Success(X, request,
        [
            X.E("Arn", caller.Arn),
            X.E("UserId", caller.UserId),
            X.E("Account", caller.Account ?? world.AccountId),
        ]);
    }
}
