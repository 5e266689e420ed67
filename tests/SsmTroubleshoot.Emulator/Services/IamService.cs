using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>IAM Query API (2010-05-08): member lists, Marker/IsTruncated paging, URL-encoded policy documents.</summary>
internal sealed class IamService : IAwsService
{
    internal const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    private static readonly QueryXml X = new(Namespace);
    private static readonly DateTime Created = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public string Name => "iam";

    public AwsServiceError Throttling() => new("Throttling", "Rate exceeded", 400);

    public AwsServiceError ServerError() => new("ServiceUnavailable", "Service is unable to handle request.", 503);

    public AwsServiceError AccessDenied(AwsRequest request, World world) => new(
        "AccessDenied",
        $"User: {world.CallerFor(request.AccessKeyId).Arn} is not authorized to perform: {request.Key} on resource: {Resource(request, world)} because no identity-based policy allows the {request.Key} action",
        403);

    public AwsResponse RenderError(AwsServiceError error, string requestId) => QueryErrors.Render(Namespace, error, requestId);

    public AwsResponse Handle(AwsRequest request, World world)
    {
        object?[] result = request.Operation switch
        {
            "GetInstanceProfile" => GetInstanceProfile(request, world),
            "ListAttachedRolePolicies" => ListAttachedRolePolicies(request, world),
            "ListRolePolicies" => ListRolePolicies(request, world),
            "GetRolePolicy" => GetRolePolicy(request, world),
            "GetPolicy" => GetPolicy(request, world),
            "GetPolicyVersion" => GetPolicyVersion(request, world),
            "GetRole" => [RoleXml("Role", RoleNamed(Required(request, "RoleName"), world), world)],
            "SimulatePrincipalPolicy" => SimulatePrincipalPolicy(request, world),
            _ => throw new AwsServiceError("InvalidAction", $"Could not find operation {request.Operation} for version 2010-05-08"),
        };

        return QueryErrors.Success(X, request, result);
    }

    internal static string Required(AwsRequest request, string name) =>
        request.Get(name) is { Length: > 0 } value
            ? value
            : throw new AwsServiceError("ValidationError", $"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0]) + name.Substring(1)}' failed to satisfy constraint: Member must not be null");

    internal static string RoleArn(Role role, World world) => role.Arn ?? $"arn:aws:iam::{world.AccountId}:role{role.Path}{role.RoleName}";

    private static string ProfileArn(InstanceProfile profile, World world) =>
        profile.Arn ?? $"arn:aws:iam::{world.AccountId}:instance-profile{profile.Path}{profile.InstanceProfileName}";

    private static string Resource(AwsRequest request, World world) =>
        request.Get("RoleName") is { } role ? $"arn:aws:iam::{world.AccountId}:role/{role}"
        : request.Get("InstanceProfileName") is { } profile ? $"arn:aws:iam::{world.AccountId}:instance-profile/{profile}"
        : request.Get("PolicyArn") ?? request.Get("PolicySourceArn") ?? "*";

    private static Role RoleNamed(string name, World world) =>
        world.Roles.FirstOrDefault(r => string.Equals(r.RoleName, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AwsServiceError("NoSuchEntity", $"The role with name {name} cannot be found.", 404);

    private static ManagedPolicy PolicyWithArn(string arn, World world)
    {
        if (!arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new AwsServiceError("InvalidInput", $"ARN {arn} is not valid.");
        }

        return world.ManagedPolicies.FirstOrDefault(p => p.Arn == arn)
               ?? throw new AwsServiceError("NoSuchEntity", $"Policy {arn} does not exist or is not attachable.", 404);
    }

    private static XElement RoleXml(string name, Role role, World world) => X.E(name,
        X.E("Path", role.Path),
        X.E("RoleName", role.RoleName),
        X.E("RoleId", role.RoleId),
        X.E("Arn", RoleArn(role, world)),
        X.E("CreateDate", Created),
        role.AssumeRolePolicyDocument is null ? null : X.E("AssumeRolePolicyDocument", Uri.EscapeDataString(PolicyText(role.AssumeRolePolicyDocument))));

    private static object?[] GetInstanceProfile(AwsRequest request, World world)
    {
        var name = Required(request, "InstanceProfileName");
        var profile = world.InstanceProfiles.FirstOrDefault(p => string.Equals(p.InstanceProfileName, name, StringComparison.OrdinalIgnoreCase))
                      ?? throw new AwsServiceError("NoSuchEntity", $"Instance Profile {name} cannot be found.", 404);
        var roles = profile.RoleNames.Select(r => world.Roles.FirstOrDefault(x => x.RoleName == r)).Where(r => r is not null).Select(r => r!);
        return
        [
            X.E("InstanceProfile",
                X.E("Path", profile.Path),
                X.E("InstanceProfileName", profile.InstanceProfileName),
                X.E("InstanceProfileId", profile.InstanceProfileId),
                X.E("Arn", ProfileArn(profile, world)),
                X.E("CreateDate", Created),
                X.E("Roles", roles.Select(r => (object?)RoleXml("member", r, world)).ToArray())),
        ];
    }

    private static object?[] ListAttachedRolePolicies(AwsRequest request, World world)
    {
        var role = RoleNamed(Required(request, "RoleName"), world);
        var page = Page(request, role.AttachedPolicyArns, out var marker);
        return
        [
            X.Members("AttachedPolicies", page, arn => [
                X.E("PolicyName", world.ManagedPolicies.FirstOrDefault(p => p.Arn == arn)?.Name ?? arn.Substring(arn.LastIndexOf('/') + 1)),
                X.E("PolicyArn", arn),
            ]),
            X.E("IsTruncated", marker is not null),
            X.Opt("Marker", marker),
        ];
    }

    private static object?[] ListRolePolicies(AwsRequest request, World world)
    {
        var role = RoleNamed(Required(request, "RoleName"), world);
        var page = Page(request, role.InlinePolicies.Keys.ToList(), out var marker);
        return
        [
            X.E("PolicyNames", page.Select(n => (object?)X.E("member", n)).ToArray()),
            X.E("IsTruncated", marker is not null),
            X.Opt("Marker", marker),
        ];
    }

    private static object?[] GetRolePolicy(AwsRequest request, World world)
    {
        var role = RoleNamed(Required(request, "RoleName"), world);
        var policyName = Required(request, "PolicyName");
        var document = role.InlinePolicies.FirstOrDefault(p => string.Equals(p.Key, policyName, StringComparison.OrdinalIgnoreCase));
        if (document.Value is null)
        {
            throw new AwsServiceError("NoSuchEntity", $"The role policy with name {policyName} cannot be found.", 404);
        }

        return
        [
            X.E("RoleName", role.RoleName),
            X.E("PolicyName", document.Key),
            X.E("PolicyDocument", Uri.EscapeDataString(PolicyText(document.Value))),
        ];
    }

    private static object?[] GetPolicy(AwsRequest request, World world)
    {
        var policy = PolicyWithArn(Required(request, "PolicyArn"), world);
        return
        [
            X.E("Policy",
                X.E("PolicyName", policy.Name),
                X.E("PolicyId", policy.PolicyId),
                X.E("Arn", policy.Arn),
                X.E("Path", policy.Path),
                X.E("DefaultVersionId", policy.DefaultVersionId),
                X.E("AttachmentCount", world.Roles.Count(r => r.AttachedPolicyArns.Contains(policy.Arn))),
                X.E("PermissionsBoundaryUsageCount", 0),
                X.E("IsAttachable", true),
                X.E("CreateDate", Created),
                X.E("UpdateDate", Created)),
        ];
    }

    private static object?[] GetPolicyVersion(AwsRequest request, World world)
    {
        var policy = PolicyWithArn(Required(request, "PolicyArn"), world);
        var versionId = Required(request, "VersionId");
        var version = policy.Versions.FirstOrDefault(v => v.VersionId == versionId)
                      ?? throw new AwsServiceError("NoSuchEntity", $"Policy {policy.Arn} version {versionId} does not exist or is not attachable.", 404);
        return
        [
            X.E("PolicyVersion",
                X.E("Document", Uri.EscapeDataString(PolicyText(version.Document))),
                X.E("VersionId", version.VersionId),
                X.E("IsDefaultVersion", version.VersionId == policy.DefaultVersionId),
                X.E("CreateDate", Created)),
        ];
    }

    private static object?[] SimulatePrincipalPolicy(AwsRequest request, World world)
    {
        var source = Required(request, "PolicySourceArn");
        var role = world.Roles.FirstOrDefault(r => RoleArn(r, world) == source)
                   ?? throw new AwsServiceError("NoSuchEntity", $"The role with name {source.Substring(source.LastIndexOf('/') + 1)} cannot be found.", 404);
        var actions = request.GetMembers("ActionNames");
        if (actions.Count == 0)
        {
            throw new AwsServiceError("ValidationError", "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
        }

        var resources = request.GetMembers("ResourceArns");
        if (resources.Count == 0)
        {
            resources.Add("*");
        }

        var policies = new List<(string Id, string Type, JsonNode? Document)>();
        foreach (var arn in role.AttachedPolicyArns)
        {
            var managed = world.ManagedPolicies.FirstOrDefault(p => p.Arn == arn);
            var version = managed?.Versions.FirstOrDefault(v => v.VersionId == managed.DefaultVersionId);
            if (managed is not null && version is not null)
            {
                policies.Add((managed.Name, arn.StartsWith("arn:aws:iam::aws:", StringComparison.Ordinal) ? "aws-managed" : "user-managed", version.Document));
            }
        }

        foreach (var inline in role.InlinePolicies)
        {
            policies.Add((inline.Key, "role", inline.Value));
        }

        var results = actions.SelectMany(a => resources.Select(r => PolicyEvaluator.Evaluate(a, r, policies))).ToList();
        var page = Page(request, results, out var marker);
        return
        [
            X.Members("EvaluationResults", page, e => [
                X.E("EvalActionName", e.Action),
                X.E("EvalResourceName", e.Resource),
                X.E("EvalDecision", e.Decision),
                X.Members("MatchedStatements", e.Matched, m => [X.E("SourcePolicyId", m.PolicyId), X.E("SourcePolicyType", m.PolicyType)]),
                X.E("MissingContextValues", e.MissingContextKeys.Select(k => (object?)X.E("member", k)).ToArray()),
            ]),
            X.E("IsTruncated", marker is not null),
            X.Opt("Marker", marker),
        ];
    }

    private static List<T> Page<T>(AwsRequest request, IReadOnlyList<T> items, out string? marker)
    {
        var max = request.GetInt("MaxItems");
        if (max is not null && (max < 1 || max > 1000))
        {
            throw new AwsServiceError("ValidationError", $"1 validation error detected: Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000");
        }

        return Paging.Page(items, request.Operation + (request.Get("RoleName") ?? request.Get("PolicySourceArn")), max ?? 100, request.Get("Marker"),
            t => new AwsServiceError("InvalidInput", "Invalid Marker."), out marker);
    }

    /// <summary>Documents may be written in scenarios as JSON objects or as JSON text.</summary>
    internal static string PolicyText(JsonNode? document) => document switch
    {
        null => "{}",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => document.ToJsonString(),
    };
}

/// <summary>The Query error and success envelopes IAM and STS share.</summary>
internal static class QueryErrors
{
    public static AwsResponse Render(string ns, AwsServiceError error, string requestId)
    {
        XNamespace x = ns;
        var type = error.Status >= 500 ? "Receiver" : "Sender";
        var root = new XElement(x + "ErrorResponse",
            new XElement(x + "Error", new XElement(x + "Type", type), new XElement(x + "Code", error.Code), new XElement(x + "Message", error.Message)),
            new XElement(x + "RequestId", requestId));
        return new AwsResponse(error.Status, "text/xml", QueryXml.Document(root));
    }

    public static AwsResponse Success(QueryXml x, AwsRequest request, object?[] result)
    {
        var root = x.E(request.Operation + "Response",
            x.E(request.Operation + "Result", result),
            x.E("ResponseMetadata", x.E("RequestId", request.RequestId)));
        return new AwsResponse(200, "text/xml", QueryXml.Document(root));
    }
}
