using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using System;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Network.Model;
using SsmTroubleshoot.Network;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Iam;

/// <summary>
/// <see cref="IIamPolicyReader"/> over <see cref="IamQueryClient"/>. Role ARNs seen in GetInstanceProfile answers are
/// remembered, so an instance-profile role costs no GetRole call. SimulatePrincipalPolicy answers null when the caller
/// may not run it (AccessDenied): the fetcher then evaluates the policy documents and says so.
/// </summary>
public sealed class IamQueryPolicyReader : IIamPolicyReader, IIamTrustPolicySource
{
    private readonly IamQueryClient client;
    private readonly Action<string>? log;
    private readonly ConcurrentDictionary<string, string> roleArns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> trustPolicies = new(StringComparer.Ordinal);

    public string? TrustPolicyOf(string roleName) => trustPolicies.TryGetValue(roleName, out var policy) ? policy : null;

    /// <param name="client">The IAM client (credentials, endpoint and retries set by the caller).</param>
    /// <param name="log">Receives one line per API call; may be called from any thread.</param>
    public IamQueryPolicyReader(IamQueryClient client, Action<string>? log = null)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
        this.log = log;
    }

    public async Task<InstanceProfile> GetInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken)
    {
        log?.Invoke("iam:GetInstanceProfile " + instanceProfileName);
        var profile = await client.GetInstanceProfileAsync(instanceProfileName, cancellationToken).ConfigureAwait(false);
        foreach (var role in profile.Roles)
        {
            roleArns[role.RoleName] = role.Arn;
            if (role.AssumeRolePolicyDocument is { } trust)
            {
                trustPolicies[role.RoleName] = trust;
            }
        }

        return new InstanceProfile { Arn = profile.Arn, Name = profile.InstanceProfileName, RoleNames = profile.Roles.Select(r => r.RoleName).ToArray() };
    }

    public async Task<string> GetRoleArnAsync(string roleName, CancellationToken cancellationToken)
    {
        if (roleArns.TryGetValue(roleName, out var known))
        {
            return known;
        }

        log?.Invoke("iam:GetRole " + roleName);
        var role = await client.GetRoleAsync(roleName, cancellationToken).ConfigureAwait(false);
        roleArns[roleName] = role.Arn;
        if (role.AssumeRolePolicyDocument is { } trust)
        {
            trustPolicies[roleName] = trust;
        }

        return role.Arn;
    }

    public async Task<IReadOnlyList<AttachedPolicyReference>> ListAttachedRolePoliciesAsync(string roleName, CancellationToken cancellationToken)
    {
        log?.Invoke("iam:ListAttachedRolePolicies " + roleName);
        var policies = await client.ListAttachedRolePoliciesAsync(roleName, cancellationToken).ConfigureAwait(false);
        return policies.Select(p => new AttachedPolicyReference(p.PolicyName, p.PolicyArn)).ToList();
    }

    public async Task<string> GetManagedPolicyDocumentAsync(string policyArn, CancellationToken cancellationToken)
    {
        log?.Invoke("iam:GetPolicy " + policyArn);
        var policy = await client.GetPolicyAsync(policyArn, cancellationToken).ConfigureAwait(false);
        log?.Invoke("iam:GetPolicyVersion " + policyArn + " " + policy.DefaultVersionId);
        var version = await client.GetPolicyVersionAsync(policyArn, policy.DefaultVersionId, cancellationToken).ConfigureAwait(false);
        return version.Document;
    }

    public async Task<IReadOnlyList<string>> ListRolePolicyNamesAsync(string roleName, CancellationToken cancellationToken)
    {
        log?.Invoke("iam:ListRolePolicies " + roleName);
        return await client.ListRolePoliciesAsync(roleName, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> GetRolePolicyDocumentAsync(string roleName, string policyName, CancellationToken cancellationToken)
    {
        log?.Invoke("iam:GetRolePolicy " + roleName + " " + policyName);
        var document = await client.GetRolePolicyAsync(roleName, policyName, cancellationToken).ConfigureAwait(false);
        return document.Document;
    }

    public async Task<IReadOnlyDictionary<string, SimulatedDecision>?> SimulatePrincipalPolicyAsync(string roleArn, IReadOnlyList<string> actions, CancellationToken cancellationToken)
    {
        log?.Invoke("iam:SimulatePrincipalPolicy " + roleArn + " (" + actions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " actions)");
        IReadOnlyList<IamEvaluation> results;
        try
        {
            results = await client.SimulatePrincipalPolicyAsync(roleArn, actions, null, cancellationToken).ConfigureAwait(false);
        }
        catch (IamServiceException ex) when (FailureClassifier.Classify(ex) == FailureKind.PermissionDenied)
        {
            log?.Invoke("iam:SimulatePrincipalPolicy not permitted (" + ex.ErrorCode + "): the policy documents are evaluated instead");
            return null;
        }

        var decisions = new Dictionary<string, SimulatedDecision>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var decision = result.Decision switch
            {
                "allowed" => SimulatedDecision.Allowed,
                "explicitDeny" => SimulatedDecision.ExplicitDeny,
                _ => SimulatedDecision.ImplicitDeny,
            };

            // Several resources per action: the worst answer counts.
            decisions[result.ActionName] = decisions.TryGetValue(result.ActionName, out var earlier) && Severity(earlier) > Severity(decision) ? earlier : decision;
        }

        return decisions;
    }

    private static int Severity(SimulatedDecision decision) => decision switch
    {
        SimulatedDecision.ExplicitDeny => 2,
        SimulatedDecision.ImplicitDeny => 1,
        _ => 0,
    };
}
