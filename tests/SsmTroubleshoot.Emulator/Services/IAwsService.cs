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

    /// <summary>The service's answer to a request whose SigV4 signature does not verify.</summary>
    AwsServiceError SignatureMismatch() => Name switch
    {
        "ec2" => new AwsServiceError("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
        "ssm" => new AwsServiceError("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.", 400),
        _ => new AwsServiceError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", 403),
    };

    AwsServiceError AccessDenied(AwsRequest request, World world);

    /// <summary>
    /// The answer of a region the account has not enabled (opt-in regions): it does not know the credentials at all.
    /// </summary>
    AwsServiceError RegionNotEnabled() => Name switch
    {
        "ec2" => new AwsServiceError("AuthFailure", "AWS was not able to validate the provided access credentials", 401),
        "ssm" => new AwsServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
        _ => new AwsServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
    };

    AwsResponse RenderError(AwsServiceError error, string requestId);
}
