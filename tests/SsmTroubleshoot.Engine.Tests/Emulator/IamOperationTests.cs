using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using Xunit;
using SsmTroubleshoot.Iam;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>The IAM operations through our SigV4-signed IamQueryClient.</summary>
public sealed class IamOperationTests : IAsyncLifetime
{
    private const string CoreArn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
    private const string RoleArn = "arn:aws:iam::123456789012:role/DemoSsmRole";
    private AwsEmulator _emu = null!;
    private IamQueryClient _iam = null!;

    public async Task InitializeAsync()
    {
        _emu = await TestAws.StartDemoAsync();
        _iam = TestAws.Factory(_emu).CreateIam();
    }

    public async Task DisposeAsync()
    {
        _iam.Dispose();
        await _emu.DisposeAsync();
    }

    [Fact]
    public async Task GetInstanceProfile_returns_roles_with_decoded_trust_policy()
    {
        var profile = await _iam.GetInstanceProfileAsync("DemoSsmProfile", CancellationToken.None);
        Assert.Equal("arn:aws:iam::123456789012:instance-profile/DemoSsmProfile", profile.Arn);
        Assert.Equal("AIPADEMOSSMPROFILE001", profile.InstanceProfileId);
        var role = Assert.Single(profile.Roles);
        Assert.Equal(RoleArn, role.Arn);
        Assert.Contains("\"Service\":\"ec2.amazonaws.com\"", role.AssumeRolePolicyDocument);
        Assert.Equal(1, _emu.Calls["iam:GetInstanceProfile"]);
    }

    [Fact]
    public async Task Missing_profile_is_NoSuchEntity_classified_not_found()
    {
        var error = await Assert.ThrowsAsync<IamServiceException>(() => _iam.GetInstanceProfileAsync("Nope", CancellationToken.None));
        Assert.Equal("NoSuchEntity", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("Instance Profile Nope cannot be found.", error.Message);
        Assert.Equal(Amazon.Runtime.ErrorType.Sender, error.ErrorType);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Equal(FailureKind.NotFound, FailureClassifier.Classify(error));
    }

    [Fact]
    public async Task Attached_and_inline_policies_with_documents()
    {
        var attached = Assert.Single(await _iam.ListAttachedRolePoliciesAsync("DemoSsmRole", CancellationToken.None));
        Assert.Equal("AmazonSSMManagedInstanceCore", attached.PolicyName);
        Assert.Equal(CoreArn, attached.PolicyArn);

        var policy = await _iam.GetPolicyAsync(CoreArn, CancellationToken.None);
        Assert.Equal("v2", policy.DefaultVersionId);
        Assert.Equal(1, policy.AttachmentCount);
        var version = await _iam.GetPolicyVersionAsync(CoreArn, policy.DefaultVersionId, CancellationToken.None);
        Assert.True(version.IsDefaultVersion);
        Assert.Contains("ssmmessages:CreateControlChannel", version.Document);
        Assert.StartsWith("{", version.Document);
        var old = await _iam.GetPolicyVersionAsync(CoreArn, "v1", CancellationToken.None);
        Assert.False(old.IsDefaultVersion);

        var inline = Assert.Single(await _iam.ListRolePoliciesAsync("DemoSsmRole", CancellationToken.None));
        Assert.Equal("DenyParameterWrites", inline);
        var document = await _iam.GetRolePolicyAsync("DemoSsmRole", inline, CancellationToken.None);
        Assert.Contains("\"Effect\":\"Deny\"", document.Document);
    }

    [Fact]
    public async Task Errors_for_missing_role_policy_and_version()
    {
        Assert.Equal("NoSuchEntity", (await Assert.ThrowsAsync<IamServiceException>(() => _iam.ListAttachedRolePoliciesAsync("Nope", CancellationToken.None))).ErrorCode);
        Assert.Equal("NoSuchEntity", (await Assert.ThrowsAsync<IamServiceException>(() => _iam.GetRolePolicyAsync("DemoSsmRole", "Nope", CancellationToken.None))).ErrorCode);
        Assert.Equal("NoSuchEntity", (await Assert.ThrowsAsync<IamServiceException>(() => _iam.GetPolicyAsync("arn:aws:iam::aws:policy/Nope", CancellationToken.None))).ErrorCode);
        Assert.Equal("NoSuchEntity", (await Assert.ThrowsAsync<IamServiceException>(() => _iam.GetPolicyVersionAsync(CoreArn, "v9", CancellationToken.None))).ErrorCode);
        Assert.Equal("InvalidInput", (await Assert.ThrowsAsync<IamServiceException>(() => _iam.GetPolicyAsync("not-an-arn", CancellationToken.None))).ErrorCode);
    }

    [Fact]
    public async Task Lists_follow_Marker_paging_to_the_end()
    {
        _emu.World.Mutate(w =>
        {
            var role = w.Roles[0];
            for (var i = 0; i < 250; i++)
            {
                role.InlinePolicies["Inline" + i.ToString("D3")] = System.Text.Json.Nodes.JsonNode.Parse("{\"Statement\":[]}")!;
                role.AttachedPolicyArns.Add("arn:aws:iam::123456789012:policy/Extra" + i.ToString("D3"));
            }
        });
        var names = await _iam.ListRolePoliciesAsync("DemoSsmRole", CancellationToken.None);
        Assert.Equal(251, names.Count);
        Assert.Equal(251, names.Distinct().Count());
        Assert.Equal(3, _emu.Calls["iam:ListRolePolicies"]);
        var attached = await _iam.ListAttachedRolePoliciesAsync("DemoSsmRole", CancellationToken.None);
        Assert.Equal(251, attached.Count);
        Assert.Equal(3, _emu.Calls["iam:ListAttachedRolePolicies"]);
    }

    [Fact]
    public async Task SimulatePrincipalPolicy_evaluates_allow_explicit_and_implicit_deny()
    {
        var results = await _iam.SimulatePrincipalPolicyAsync(RoleArn, ["ssm:UpdateInstanceInformation", "ssm:PutParameter", "s3:GetObject", "SSMMESSAGES:OpenDataChannel"], null, CancellationToken.None);
        Assert.Equal(4, results.Count);
        Assert.Equal("allowed", results[0].Decision);
        Assert.Equal("AmazonSSMManagedInstanceCore", Assert.Single(results[0].MatchedPolicyIds));
        Assert.Equal("explicitDeny", results[1].Decision);
        Assert.Equal("DenyParameterWrites", Assert.Single(results[1].MatchedPolicyIds));
        Assert.Equal("implicitDeny", results[2].Decision);
        Assert.Equal("allowed", results[3].Decision);
        Assert.Equal("*", results[0].ResourceName);

        var unknown = await Assert.ThrowsAsync<IamServiceException>(() => _iam.SimulatePrincipalPolicyAsync("arn:aws:iam::123456789012:role/Nope", ["ssm:GetDocument"], null, CancellationToken.None));
        Assert.Equal("NoSuchEntity", unknown.ErrorCode);
    }

    [Fact]
    public async Task Denied_iam_call_is_AccessDenied_permission_denied()
    {
        _emu.World.Mutate(w => w.Denies.Add(new Deny { Principal = "*", Action = "iam:GetRolePolicy" }));
        var error = await Assert.ThrowsAsync<IamServiceException>(() => _iam.GetRolePolicyAsync("DemoSsmRole", "DenyParameterWrites", CancellationToken.None));
        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("is not authorized to perform: iam:GetRolePolicy", error.Message);
        Assert.Equal(FailureKind.PermissionDenied, FailureClassifier.Classify(error));
    }

    [Fact]
    public async Task Requests_are_signed_with_a_valid_SigV4_signature()
    {
        _emu.World.Mutate(w => w.Callers.Insert(0, new Caller { AccessKeyId = TestAws.AccessKey, SecretAccessKey = TestAws.SecretKey, Arn = "arn:aws:iam::123456789012:user/signer", UserId = "AIDASIGNER" }));
        var profile = await _iam.GetInstanceProfileAsync("DemoSsmProfile", CancellationToken.None);
        Assert.Equal("DemoSsmProfile", profile.InstanceProfileName);

        // The same key with the wrong secret is rejected as AWS would.
        using var wrong = new IamQueryClient(new Amazon.Runtime.BasicAWSCredentials(TestAws.AccessKey, "wrong-secret"), _emu.Endpoint, maxErrorRetry: 0);
        var error = await Assert.ThrowsAsync<IamServiceException>(() => wrong.GetInstanceProfileAsync("DemoSsmProfile", CancellationToken.None));
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
    }
}
