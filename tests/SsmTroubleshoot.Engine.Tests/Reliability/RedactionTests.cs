using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Reliability;

/// <summary>-Redact masks every address form a report carries, and optionally instance ids, access keys and e-mail (issue #19, item 7).</summary>
public sealed class RedactionTests
{
    [Theory]
    [InlineData("Private DNS ip-10-9-8-7.ec2.internal answered", "Private DNS ip-[REDACTED-IP].ec2.internal answered")]
    [InlineData("ip-172-31-4-200.us-west-2.compute.internal", "ip-[REDACTED-IP].us-west-2.compute.internal")]
    [InlineData("public ec2-54-1-2-3.compute-1.amazonaws.com", "public ec2-[REDACTED-IP].compute-1.amazonaws.com")]
    [InlineData("IPv6 2600:1f18:4a3:6902:c2b5:1a2b:3c4d:5e6f and fe80::1ff:fe23:4567:890a", "IPv6 [REDACTED-IP] and [REDACTED-IP]")]
    [InlineData("route ::/0 and 0.0.0.0/0 stay readable", "route ::/0 and 0.0.0.0/0 stay readable")]
    [InlineData("at 2024-06-11 07:43:10 from 0a:1b:2c:3d:4e:5f", "at 2024-06-11 07:43:10 from 0a:1b:2c:3d:4e:5f")]
    [InlineData("::ffff:10.1.2.3", "::ffff:[REDACTED-IP]")]
    [InlineData("ip-300-1-2-3.ec2.internal", "ip-300-1-2-3.ec2.internal")]
    public void Ip_addresses_are_masked_in_every_form(string input, string expected) =>
        Assert.Equal(expected, SupportCaseRedactor.Redact(input));

    [Fact]
    public void Instance_ids_access_keys_and_e_mail_addresses_are_masked_on_request()
    {
        const string text = "i-0123456789abcdef0 and mi-0a1b2c3d4e5f60003 called by AKIAIOSFODNN7EXAMPLE (arn:aws:sts::123456789012:assumed-role/Admin/jane.doe@example.com)";
        Assert.Equal(
            "i-0123456789abcdef0 and mi-0a1b2c3d4e5f60003 called by AKIAIOSFODNN7EXAMPLE (arn:aws:sts::[REDACTED-ACCOUNT]:assumed-role/Admin/jane.doe@example.com)",
            SupportCaseRedactor.Redact(text));
        Assert.Equal(
            "[REDACTED-INSTANCE] and [REDACTED-INSTANCE] called by [REDACTED-ACCESS-KEY] (arn:aws:sts::[REDACTED-ACCOUNT]:assumed-role/Admin/[REDACTED-EMAIL])",
            SupportCaseRedactor.Redact(text, SupportCaseRedaction.InstanceId | SupportCaseRedaction.AccessKeyId | SupportCaseRedaction.EmailAddress));

        // The execution id (a GUID) is never mistaken for anything.
        Assert.Equal("9d4d4c41-ffeb-4b67-b0a2-c7a778f22521", SupportCaseRedactor.Redact("9d4d4c41-ffeb-4b67-b0a2-c7a778f22521", SupportCaseRedaction.InstanceId));
    }
}
