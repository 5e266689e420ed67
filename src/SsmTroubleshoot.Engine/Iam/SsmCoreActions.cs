using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Iam;

/// <summary>The actions SSM Agent calls with the instance's credentials to register and take commands/sessions.</summary>
public static class SsmCoreActions
{
    public const string UpdateInstanceInformation = "ssm:UpdateInstanceInformation";

    public static IReadOnlyList<string> All { get; } = new[]
    {
        UpdateInstanceInformation,
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
    };

    /// <summary>The managed policies AWSSupport-TroubleshootManagedInstance accepts by name.</summary>
    public static IReadOnlyCollection<string> RunbookAcceptedPolicyNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "AmazonSSMManagedInstanceCore",
        "AmazonSSMFullAccess",
        "AdministratorAccess",
        "AmazonEC2RoleforSSM",
        "AmazonSSMManagedEC2InstanceDefaultPolicy",
    };

    public static bool IsRunbookAccepted(string policyName) =>
        ((HashSet<string>)RunbookAcceptedPolicyNames).Contains(policyName);
}
