using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Iam;

public enum PermissionDecision
{
    /// <summary>An unconditional Allow matches and no Deny can apply.</summary>
    Allowed = 0,

    /// <summary>An unconditional Deny matches: explicit Deny wins over any Allow.</summary>
    ExplicitDeny,

    /// <summary>No statement allows it.</summary>
    ImplicitDeny,

    /// <summary>Only conditional statements decide, or a conditional Deny may override the Allow, or a document was unreadable.</summary>
    Uncertain,
}

/// <summary>A parsed policy with the name it is reported by.</summary>
public sealed class NamedPolicy
{
    public NamedPolicy(string name, PolicyDocument document)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Document = document ?? throw new ArgumentNullException(nameof(document));
    }

    public string Name { get; }

    public PolicyDocument Document { get; }
}

/// <summary>The decision for one action and the statement that made it.</summary>
public sealed class ActionEvaluation
{
    public ActionEvaluation(string action, string resource, PermissionDecision decision, string? decidingPolicy, string? decidingStatement, string reason)
    {
        Action = action;
        Resource = resource;
        Decision = decision;
        DecidingPolicy = decidingPolicy;
        DecidingStatement = decidingStatement;
        Reason = reason;
    }

    public string Action { get; }

    public string Resource { get; }

    public PermissionDecision Decision { get; }

    public string? DecidingPolicy { get; }

    public string? DecidingStatement { get; }

    public string Reason { get; }

    public override string ToString() => Action + ": " + Decision + " (" + Reason + ")";
}

/// <summary>Identity-policy evaluation of the IAM logic: explicit Deny, then Allow, else implicit deny.</summary>
/// <remarks>Permission boundaries, SCPs and session policies are not visible here; SimulatePrincipalPolicy covers boundaries.</remarks>
public static class IamPolicyEvaluator
{
    public static ActionEvaluation Evaluate(IEnumerable<NamedPolicy> policies, string action, string resource = "*")
    {
        if (policies is null)
        {
            throw new ArgumentNullException(nameof(policies));
        }

        if (string.IsNullOrEmpty(action))
        {
            throw new ArgumentException("An action is required.", nameof(action));
        }

        resource ??= "*";
        (NamedPolicy Policy, PolicyStatement Statement)? allow = null, conditionalAllow = null, conditionalDeny = null;
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Document.Statements)
            {
                if (!statement.MatchesAction(action) || !statement.MatchesResource(resource))
                {
                    continue;
                }

                if (statement.Effect == StatementEffect.Deny)
                {
                    if (!statement.IsConditional)
                    {
                        return new ActionEvaluation(action, resource, PermissionDecision.ExplicitDeny, policy.Name, statement.Name,
                            "explicit Deny in " + policy.Name + " " + statement.Name);
                    }

                    conditionalDeny ??= (policy, statement);
                }
                else if (statement.IsConditional)
                {
                    conditionalAllow ??= (policy, statement);
                }
                else
                {
                    allow ??= (policy, statement);
                }
            }
        }

        if (allow is { } a)
        {
            if (conditionalDeny is { } d)
            {
                return new ActionEvaluation(action, resource, PermissionDecision.Uncertain, d.Policy.Name, d.Statement.Name,
                    "allowed by " + a.Policy.Name + " " + a.Statement.Name + " but a conditional Deny in " + d.Policy.Name + " " + d.Statement.Name + " may apply");
            }

            return new ActionEvaluation(action, resource, PermissionDecision.Allowed, a.Policy.Name, a.Statement.Name,
                "allowed by " + a.Policy.Name + " " + a.Statement.Name);
        }

        if (conditionalAllow is { } c)
        {
            return new ActionEvaluation(action, resource, PermissionDecision.Uncertain, c.Policy.Name, c.Statement.Name,
                "only a conditional Allow (" + c.Policy.Name + " " + c.Statement.Name + ") matches; its " + (c.Statement.HasCondition ? "Condition" : "Principal") + " may not hold");
        }

        return new ActionEvaluation(action, resource, PermissionDecision.ImplicitDeny, null, null, "no statement allows it");
    }
}
