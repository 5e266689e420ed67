using SsmTroubleshoot.Common;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests;

public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData("ThrottlingException", 400, FailureKind.Throttled)]
    [InlineData("RequestLimitExceeded", 503, FailureKind.Throttled)]
    [InlineData("Throttling", 400, FailureKind.Throttled)]
    [InlineData("AccessDeniedException", 400, FailureKind.PermissionDenied)]
    [InlineData("UnauthorizedOperation", 403, FailureKind.PermissionDenied)]
    [InlineData("InvalidInstanceID.NotFound", 400, FailureKind.NotFound)]
    [InlineData("NoSuchEntity", 404, FailureKind.NotFound)]
    [InlineData("AutomationExecutionNotFoundException", 400, FailureKind.NotFound)]
    [InlineData("InvalidInstanceID.Malformed", 400, FailureKind.InvalidArgument)]
    [InlineData("InternalError", 500, FailureKind.ServiceError)]
    [InlineData("AuthFailure", 401, FailureKind.AuthenticationFailed)]
    [InlineData("SignatureDoesNotMatch", 403, FailureKind.AuthenticationFailed)]
    [InlineData("InvalidSignatureException", 400, FailureKind.AuthenticationFailed)]
    [InlineData("ExpiredToken", 400, FailureKind.AuthenticationFailed)]
    [InlineData(null, 403, FailureKind.PermissionDenied)]
    public void Service_error_codes_map_to_failure_kinds(string? code, int status, FailureKind expected)
    {
        Assert.Equal(expected, FailureClassifier.ClassifyServiceError(code, status));
    }
}
