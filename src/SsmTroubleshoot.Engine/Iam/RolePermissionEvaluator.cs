using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Iam;

public enum PermissionSource
{
    PolicyDocuments = 0,
    SimulatePrincipalPolicy,
}

/// <summary>Whether a role grants the SSM core actions, action by action, and why.</summary>
public sealed class RolePermissionResult
{
    internal RolePermissionResult(string roleName, PermissionSource source, IReadOnlyList<ActionEvaluation> actions,
        IReadOnlyList<string> unreadablePolicies, IReadOnlyList<string> acceptedByName)
    {
        RoleName = roleName;
        Source = source;
        Actions = actions;
        UnreadablePolicies = unreadablePolicies;
        AcceptedByName = acceptedByName;
        Outcome = actions.Any(a => a.Decision == PermissionDecision.ExplicitDeny) ? PermissionDecision.ExplicitDeny
            : actions.Any(a => a.Decision == PermissionDecision.ImplicitDeny) ? PermissionDecision.ImplicitDeny
            : actions.Any(a => a.Decision == PermissionDecision.Uncertain) ? PermissionDecision.Uncertain
            : PermissionDecision.Allowed;
    }

    public string RoleName { get; }

    public PermissionSource Source { get; }

    /// <summary>The worst decision over all actions: ExplicitDeny, ImplicitDeny, Uncertain, else Allowed.</summary>
    public PermissionDecision Outcome { get; }

    public IReadOnlyList<ActionEvaluation> Actions { get; }

    /// <summary>Policies whose document was missing or unparsable (and not accepted by name).</summary>
    public IReadOnlyList<string> UnreadablePolicies { get; }

    /// <summary>Managed policies without a document that were trusted by name, as the runbook does.</summary>
    public IReadOnlyList<string> AcceptedByName { get; }

    public IEnumerable<ActionEvaluation> WithDecision(PermissionDecision decision) => Actions.Where(a => a.Decision == decision);
}

/// <summary>Evaluates roles against the SSM core actions; parsed documents are cached per role (thread-safe).</summary>
public sealed class RolePermissionEvaluator
{
    private readonly ConcurrentDictionary<string, ParsedRole> parsed = new(StringComparer.Ordinal);

    /// <param name="role">The role with its attached and inline policies.</param>
    /// <param name="instanceArn">The resource of ssm:UpdateInstanceInformation (the instance ARN); the other actions use "*".</param>
    public RolePermissionResult Evaluate(IamRole role, string instanceArn)
    {
        if (role is null)
        {
            throw new ArgumentNullException(nameof(role));
        }

        var simulated = role.SimulatedDecisions;
        if (simulated is not null && SsmCoreActions.All.All(simulated.ContainsKey))
        {
            var fromSimulation = SsmCoreActions.All.Select(action => new ActionEvaluation(action, "*", simulated[action] switch
            {
                SimulatedDecision.Allowed => PermissionDecision.Allowed,
                SimulatedDecision.ExplicitDeny => PermissionDecision.ExplicitDeny,
                _ => PermissionDecision.ImplicitDeny,
            }, null, null, "SimulatePrincipalPolicy: " + simulated[action])).ToList();
            return new RolePermissionResult(role.RoleName, PermissionSource.SimulatePrincipalPolicy, fromSimulation, Array.Empty<string>(), Array.Empty<string>());
        }

        var set = parsed.GetOrAdd(role.RoleName + "\n" + role.Arn, _ => ParsedRole.Create(role));
        if (!set.ResourceSensitive && set.CachedResult is { } cached)
        {
            return cached; // no statement names a resource: the answer is the same for every instance
        }

        var results = new List<ActionEvaluation>(SsmCoreActions.All.Count);
        foreach (var action in SsmCoreActions.All)
        {
            var resource = action == SsmCoreActions.UpdateInstanceInformation ? instanceArn : "*";
            var evaluation = IamPolicyEvaluator.Evaluate(set.Policies, action, resource);
            if (set.Unreadable.Count > 0 && evaluation.Decision is PermissionDecision.ImplicitDeny)
            {
                evaluation = new ActionEvaluation(action, resource, PermissionDecision.Uncertain, set.Unreadable[0], null,
                    "not allowed by the readable policies; " + string.Join(", ", set.Unreadable) + " could not be read");
            }

            results.Add(evaluation);
        }

        var result = new RolePermissionResult(role.RoleName, PermissionSource.PolicyDocuments, results, set.Unreadable, set.AcceptedByName);
        if (!set.ResourceSensitive)
        {
            set.CachedResult = result;
        }

        return result;
    }

    private sealed class ParsedRole
    {
        private static readonly PolicyDocument CoreAllow = PolicyDocument.Parse(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"" + string.Join("\",\"", SsmCoreActions.All) + "\"],\"Resource\":\"*\"}}");

        private ParsedRole(List<NamedPolicy> policies, List<string> unreadable, List<string> acceptedByName)
        {
            Policies = policies;
            Unreadable = unreadable;
            AcceptedByName = acceptedByName;
            ResourceSensitive = policies.Any(p => p.Document.Statements.Any(s => s.NotResources.Count > 0 || s.Resources.Any(r => r != "*")));
        }

        public bool ResourceSensitive { get; }

        // Benign race: two threads may compute the same immutable result.
        public RolePermissionResult? CachedResult { get; set; }

        public List<NamedPolicy> Policies { get; }

        public List<string> Unreadable { get; }

        public List<string> AcceptedByName { get; }

        public static ParsedRole Create(IamRole role)
        {
            var policies = new List<NamedPolicy>();
            var unreadable = new List<string>();
            var acceptedByName = new List<string>();
            foreach (var policy in role.Policies)
            {
                var label = (policy.IsInline ? "inline policy " : "managed policy ") + policy.PolicyName;
                PolicyDocument? document = null;
                if (policy.Document is not null)
                {
                    try
                    {
                        document = PolicyDocument.Parse(policy.Document);
                    }
                    catch (InvalidDataException)
                    {
                        document = null;
                    }
                }

                if (document is not null)
                {
                    policies.Add(new NamedPolicy(label, document));
                }
                else if (!policy.IsInline && SsmCoreActions.IsRunbookAccepted(policy.PolicyName))
                {
                    // The runbook's shortcut, only when the document itself is not available.
                    policies.Add(new NamedPolicy(label + " (accepted by name)", CoreAllow));
                    acceptedByName.Add(policy.PolicyName);
                }
                else
                {
                    unreadable.Add(label);
                }
            }

            return new ParsedRole(policies, unreadable, acceptedByName);
        }
    }
}
