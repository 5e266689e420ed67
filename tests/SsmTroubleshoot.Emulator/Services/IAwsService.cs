using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>One AWS service: its operations over the world, and its own spellings of common errors.</summary>
internal interface IAwsService
{
    string Name { get; }

    /// <summary>Answers one call; the caller holds the world lock. Throws <see cref="AwsServiceError"/> for service errors.</summary>
    AwsResponse Handle(AwsRequest request, World world);

    AwsServiceError Throttling();

    AwsServiceError ServerError();

    AwsServiceError AccessDenied(AwsRequest request, World world);

    AwsResponse RenderError(AwsServiceError error, string requestId);
}
