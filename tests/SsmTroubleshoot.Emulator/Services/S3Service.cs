using System;
using System.Linq;
using System.Security;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>
/// S3 REST (path-style), GetObject only: World.S3Objects, and the output of every finished Run Command invocation
/// whose SendCommand named an OutputS3BucketName, at the key the agent writes it to.
/// </summary>
internal sealed class S3Service : IAwsService
{
    public string Name => "s3";

    public AwsServiceError Throttling() => new("SlowDown", "Please reduce your request rate.", 503);

    public AwsServiceError ServerError() => new("InternalError", "We encountered an internal error. Please try again.", 500);

    public AwsServiceError AccessDenied(AwsRequest request, World world) => new("AccessDenied", "Access Denied", 403) { Resource = request.ObjectKey };

    public AwsResponse RenderError(AwsServiceError error, string requestId) => new(
        error.Status,
        "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + SecurityElement.Escape(error.Code) + "</Code><Message>" + SecurityElement.Escape(error.Message)
        + "</Message>" + (error.Resource is null ? string.Empty : "<Key>" + SecurityElement.Escape(error.Resource) + "</Key>")
        + "<RequestId>" + requestId + "</RequestId><HostId>emulator</HostId></Error>");

    public AwsResponse Handle(AwsRequest request, World world)
    {
        if (request.Operation != "GetObject")
        {
            throw new AwsServiceError("NotImplemented", "The emulator's S3 serves GetObject (GET /bucket/key) only.", 501);
        }

        var bucket = request.Bucket ?? string.Empty;
        var key = request.ObjectKey ?? string.Empty;
        if (world.S3Objects.TryGetValue(bucket + "/" + key, out var text))
        {
            return new AwsResponse(200, "binary/octet-stream", text);
        }

        foreach (var command in world.Commands.Where(c => string.Equals(c.OutputS3BucketName, bucket, StringComparison.Ordinal)))
        {
            foreach (var invocation in command.Invocations.Where(i => i.Finished && i.UploadsToS3))
            {
                if (SsmService.S3Key(command, invocation.InstanceId, "stdout") == key)
                {
                    return new AwsResponse(200, "binary/octet-stream", invocation.StandardOutput);
                }

                if (SsmService.S3Key(command, invocation.InstanceId, "stderr") == key)
                {
                    return new AwsResponse(200, "binary/octet-stream", invocation.StandardError);
                }
            }
        }

        throw new AwsServiceError("NoSuchKey", "The specified key does not exist.", 404) { Resource = key };
    }
}
