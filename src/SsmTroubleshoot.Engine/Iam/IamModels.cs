using System.Collections.Generic;

namespace SsmTroubleshoot.Iam;

/// <summary>An IAM role as GetInstanceProfile/GetRole return it.</summary>
public sealed class IamRoleDetails
{
    internal IamRoleDetails(string roleName, string arn, string roleId, string path, string? assumeRolePolicyDocument)
    {
        RoleName = roleName;
        Arn = arn;
        RoleId = roleId;
        Path = path;
        AssumeRolePolicyDocument = assumeRolePolicyDocument;
    }

    public string RoleName { get; }
    public string Arn { get; }
    public string RoleId { get; }
    public string Path { get; }

    /// <summary>The trust policy, URL-decoded JSON.</summary>
    public string? AssumeRolePolicyDocument { get; }
}

public sealed class IamInstanceProfile
{
    internal IamInstanceProfile(string name, string arn, string id, IReadOnlyList<IamRoleDetails> roles)
    {
        InstanceProfileName = name;
        Arn = arn;
        InstanceProfileId = id;
        Roles = roles;
    }

    public string InstanceProfileName { get; }
    public string Arn { get; }
    public string InstanceProfileId { get; }
    public IReadOnlyList<IamRoleDetails> Roles { get; }
}

public sealed class IamAttachedPolicy
{
    internal IamAttachedPolicy(string policyName, string policyArn)
    {
        PolicyName = policyName;
        PolicyArn = policyArn;
    }

    public string PolicyName { get; }
    public string PolicyArn { get; }
}

public sealed class IamManagedPolicy
{
    internal IamManagedPolicy(string policyName, string arn, string defaultVersionId, int attachmentCount)
    {
        PolicyName = policyName;
        Arn = arn;
        DefaultVersionId = defaultVersionId;
        AttachmentCount = attachmentCount;
    }

    public string PolicyName { get; }
    public string Arn { get; }
    public string DefaultVersionId { get; }
    public int AttachmentCount { get; }
}

/// <summary>A policy document (URL-decoded JSON) with where it came from.</summary>
public sealed class IamPolicyDocument
{
    internal IamPolicyDocument(string name, string? versionId, bool isDefaultVersion, string document)
    {
        Name = name;
        VersionId = versionId;
        IsDefaultVersion = isDefaultVersion;
        Document = document;
    }

    /// <summary>Inline policy name, or the managed policy ARN.</summary>
    public string Name { get; }
    public string? VersionId { get; }
    public bool IsDefaultVersion { get; }
    public string Document { get; }
}

/// <summary>One SimulatePrincipalPolicy result.</summary>
public sealed class IamEvaluation
{
    internal IamEvaluation(string actionName, string resourceName, string decision, IReadOnlyList<string> matchedPolicyIds, IReadOnlyList<string> missingContextValues)
    {
        ActionName = actionName;
        ResourceName = resourceName;
        Decision = decision;
        MatchedPolicyIds = matchedPolicyIds;
        MissingContextValues = missingContextValues;
    }

    public string ActionName { get; }
    public string ResourceName { get; }

    /// <summary>allowed, explicitDeny or implicitDeny.</summary>
    public string Decision { get; }
    public IReadOnlyList<string> MatchedPolicyIds { get; }
    public IReadOnlyList<string> MissingContextValues { get; }
}
