using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SsmTroubleshoot.Diagnosis;

/// <summary>Is the node a working managed node?</summary>
public enum NodeVerdict
{
    /// <summary>Online, and nothing found that stops a feature.</summary>
    Managed = 0,

    /// <summary>Online, but something found breaks part of it (sessions, an API, the agent's work).</summary>
    Degraded,

    /// <summary>Not Online with Systems Manager (stopped, never registered, ConnectionLost, Inactive, unknown id).</summary>
    Unmanaged,
}

/// <summary>How sure the root cause is.</summary>
public enum DiagnosisConfidence
{
    /// <summary>Only indirect evidence, or the reads that could tell failed.</summary>
    Low = 0,

    /// <summary>One source (a log line, a missing registration) with nothing against it, or sources that contradict each other.</summary>
    Medium,

    /// <summary>A failed check of the configuration, the EC2 state or a status check, i.e. read from AWS, not inferred.</summary>
    High,
}

/// <summary>Where a finding came from.</summary>
public static class EvidenceSource
{
    public const string Ec2State = "EC2 state";
    public const string StatusCheck = "Status check";
    public const string SsmRegistration = "SSM registration";
    public const string NetworkCheck = "Network check";
    public const string AgentLog = "Agent log";
    public const string ConsoleOutput = "Console output";
    public const string Activation = "Activation";
    public const string Lookup = "Lookup";
    public const string Contradiction = "Contradiction";
}

/// <summary>One finding and its source: a check id, a log line, a status check, a console line.</summary>
public sealed class NodeEvidence
{
    public NodeEvidence(string source, string id, string status, string detail)
    {
        Source = source;
        Id = id;
        Status = status;
        Detail = detail;
    }

    /// <summary>See <see cref="EvidenceSource"/>.</summary>
    public string Source { get; }

    /// <summary>The check id, rule id, status check name or activation id.</summary>
    public string Id { get; }

    /// <summary>Passed, Failed, Warning, Info, Error (a read that failed).</summary>
    public string Status { get; }

    public string Detail { get; }

    public override string ToString() => Source + " " + Id + " " + Status + ": " + Detail;
}

/// <summary>
/// A runbook to run next, shaped for Invoke-SawRunbook's pipeline binding (Name, InstanceId, Parameter): its parameters
/// are taken from the documents' definitions (tests validate each against the document) and validated again at start.
/// </summary>
public sealed class RunbookNextStep
{
    public RunbookNextStep(string name, string instanceId, IReadOnlyDictionary<string, string>? parameters = null)
    {
        Name = name;
        InstanceId = instanceId;
        Parameters = parameters ?? new Dictionary<string, string>();
    }

    public string Name { get; }

    public string InstanceId { get; }

    /// <summary>Parameters beyond the instance (which Invoke-SawRunbook's -InstanceId fills).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The same parameters as a hashtable: what Invoke-SawRunbook's -Parameter binds from the pipeline.</summary>
    public Hashtable Parameter
    {
        get
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in Parameters)
            {
                table[pair.Key] = pair.Value;
            }

            return table;
        }
    }

    /// <summary>The command a user would type.</summary>
    public string CommandLine =>
        "Invoke-SawRunbook " + Name + " -InstanceId " + InstanceId
        + (Parameters.Count == 0 ? string.Empty : " -Parameter @{ " + string.Join("; ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + " = '" + p.Value + "'")) + " }");

    public override string ToString() => CommandLine;
}

/// <summary>One verdict per node from every source at once.</summary>
public sealed class NodeDiagnosis
{
    internal NodeDiagnosis(string instanceId)
    {
        InstanceId = instanceId;
    }

    public string InstanceId { get; }

    /// <summary>The Name tag (EC2), the computer name (hybrid).</summary>
    public string? Name { get; internal init; }

    public string? VpcId { get; internal init; }

    /// <summary>EC2 instance state (running, stopped, ...); null for hybrid nodes and unknown ids.</summary>
    public string? State { get; internal init; }

    /// <summary>Online, ConnectionLost, Inactive; null when Systems Manager does not know the node.</summary>
    public string? PingStatus { get; internal init; }

    public DateTime? LastPingDateTime { get; internal init; }

    public string? AgentVersion { get; internal init; }

    /// <summary>Platform name as SSM reports it (or Windows/Linux from EC2 for unregistered nodes).</summary>
    public string? Platform { get; internal init; }

    public NodeVerdict Verdict { get; internal init; }

    /// <summary>One id of <see cref="NodeRootCauses.All"/>; None for a healthy managed node.</summary>
    public string RootCause { get; internal init; } = NodeRootCauses.None;

    /// <summary>The root cause in a line, with its scope (service, VPC, role).</summary>
    public string Summary { get; internal init; } = string.Empty;

    /// <summary>What the root cause applies to: a VPC for network causes, a role for IAM causes; empty otherwise.</summary>
    public string Scope { get; internal init; } = string.Empty;

    public DiagnosisConfidence Confidence { get; internal init; }

    /// <summary>Other causes found that also need fixing, most important first.</summary>
    public IReadOnlyList<string> OtherCauses { get; internal init; } = Array.Empty<string>();

    public IReadOnlyList<NodeEvidence> Evidence { get; internal init; } = Array.Empty<NodeEvidence>();

    public string Remediation { get; internal init; } = string.Empty;

    /// <summary>Pipe into Invoke-SawRunbook (add -WhatIf to see the plan); null when no runbook fits.</summary>
    public RunbookNextStep? NextStep { get; internal init; }

    /// <summary>Evidence that contradicts other evidence (logs deny what the IAM evaluation allows, ...).</summary>
    public IReadOnlyList<NodeEvidence> Contradictions => Evidence.Where(e => e.Source == EvidenceSource.Contradiction).ToArray();

    /// <summary>The region the node is in.</summary>
    public string? Region { get; internal set; }

    /// <summary>The account the node is in; null when sts:GetCallerIdentity could not tell the caller's own.</summary>
    public string? AccountId { get; internal set; }

    public override string ToString() => InstanceId + " " + Verdict + " " + RootCause;
}

/// <summary>Nodes sharing a root cause and scope: the fleet view ("31 nodes: no route to ssm in vpc-...").</summary>
public sealed class NodeDiagnosisGroup
{
    internal NodeDiagnosisGroup(string rootCause, string scope, string summary, NodeVerdict verdict, IReadOnlyList<string> instanceIds, RunbookNextStep? nextStep)
    {
        RootCause = rootCause;
        Scope = scope;
        Summary = summary;
        Verdict = verdict;
        InstanceIds = instanceIds;
        NextStep = nextStep;
    }

    public int Count => InstanceIds.Count;

    public string RootCause { get; }

    public string Scope { get; }

    public string Summary { get; }

    /// <summary>The worst verdict of the group's nodes.</summary>
    public NodeVerdict Verdict { get; }

    public IReadOnlyList<string> InstanceIds { get; }

    /// <summary>The first node's next step (the same runbook applies to each).</summary>
    public RunbookNextStep? NextStep { get; }

    /// <summary>Groups by root cause and scope, largest first, then in judging order (None last).</summary>
    public static IReadOnlyList<NodeDiagnosisGroup> Group(IEnumerable<NodeDiagnosis> diagnoses) =>
        (diagnoses ?? throw new ArgumentNullException(nameof(diagnoses)))
            .GroupBy(d => (d.RootCause, d.Scope))
            .Select(g => new NodeDiagnosisGroup(g.Key.RootCause, g.Key.Scope, NodeRootCauses.Describe(g.Key.RootCause, g.Key.Scope), g.Max(d => d.Verdict),
                g.Select(d => d.InstanceId).ToArray(), g.First().NextStep))
            .OrderBy(g => g.RootCause == NodeRootCauses.None ? 1 : 0).ThenByDescending(g => g.Count).ThenBy(g => NodeRootCauses.Rank(g.RootCause)).ThenBy(g => g.Scope, StringComparer.Ordinal)
            .ToArray();

    public override string ToString() => Count.ToString(CultureInfo.InvariantCulture) + " node" + (Count == 1 ? string.Empty : "s") + ": " + Summary;
}
