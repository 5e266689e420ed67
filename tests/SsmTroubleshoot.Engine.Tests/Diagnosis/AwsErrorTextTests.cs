using System;
using System.Net;
using Amazon.Runtime;
using SsmTroubleshoot.Common;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Diagnosis;

public sealed class AwsErrorTextTests
{
    [Fact]
    public void A_service_error_keeps_its_code_and_message()
    {
        var ex = new AmazonServiceException("User is not authorized to perform: ssm:GetServiceSetting", null, ErrorType.Sender, "AccessDeniedException", "req-1", HttpStatusCode.BadRequest);
        Assert.Equal("AccessDeniedException: User is not authorized to perform: ssm:GetServiceSetting", AwsErrorText.Describe(ex));
    }

    [Fact]
    public void An_unreadable_error_answer_says_the_HTTP_status_and_the_inner_message_not_see_inner_exception()
    {
        var inner = new InvalidOperationException("501 Not Implemented: GetServiceSetting is not supported by this endpoint");
        var ex = new AmazonServiceException("The service returned an error. See inner exception for details.", inner, ErrorType.Unknown, null, null, HttpStatusCode.NotImplemented);
        var text = AwsErrorText.Describe(ex);
        Assert.Equal("HTTP 501 NotImplemented: 501 Not Implemented: GetServiceSetting is not supported by this endpoint", text);
        Assert.DoesNotContain("See inner exception", text);
    }
}
