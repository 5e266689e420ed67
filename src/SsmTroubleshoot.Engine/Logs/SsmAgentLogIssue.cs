using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Logs;

/// <summary>One diagnosed problem: every entry of one category in one source, with what to do about it.</summary>
public sealed class SsmAgentLogIssue
{
    internal SsmAgentLogIssue(string category, SsmAgentLogSeverity severity, int count, DateTime? firstSeen, DateTime? lastSeen,
        string? instanceId, string? endpoint, string sample, string ruleId, string cause, string remediation, string? helpUri,
        string nextStep, string? path, IReadOnlyList<long> lineNumbers)
    {
        Category = category;
        Severity = severity;
        Count = count;
        FirstSeen = firstSeen;
        LastSeen = lastSeen;
        InstanceId = instanceId;
        Endpoint = endpoint;
        Sample = sample;
        RuleId = ruleId;
        Cause = cause;
        Remediation = remediation;
        HelpUri = helpUri;
        NextStep = nextStep;
        Path = path;
        LineNumbers = lineNumbers;
    }

    public string Category { get; }

    public SsmAgentLogSeverity Severity { get; }

    /// <summary>How many entries of this category the source holds (within -Since/-Until).</summary>
    public int Count { get; }

    public DateTime? FirstSeen { get; }

    public DateTime? LastSeen { get; }

    /// <summary>The instance (i-… or mi-…) named in the log, when present; chains into the other cmdlets.</summary>
    public string? InstanceId { get; }

    /// <summary>The host the failing entries talk to (e.g. ssm.us-east-1.amazonaws.com), when named.</summary>
    public string? Endpoint { get; }

    /// <summary>A representative entry, trimmed; continuation lines joined with " | ".</summary>
    public string Sample { get; }

    /// <summary>The rule that matched the sample.</summary>
    public string RuleId { get; }

    public string Cause { get; }

    public string Remediation { get; }

    public string? HelpUri { get; }

    /// <summary>What to run next: a cmdlet of this module or an AWS Support runbook.</summary>
    public string NextStep { get; }

    /// <summary>The file read; null for pipeline input.</summary>
    public string? Path { get; }

    /// <summary>Line numbers of the entries (the first 100).</summary>
    public IReadOnlyList<long> LineNumbers { get; }

    /// <summary>
    /// For a symptom (hibernation, health-ping or credential back-off): the category of the most recent specific issue
    /// before its latest entry in the same source (IMDS, DNS, TLS, IAM ...); null when the source shows none.
    /// </summary>
    public string? LikelyCause { get; internal init; }

    /// <summary>The entry <see cref="LikelyCause"/> was read from, trimmed.</summary>
    public string? LikelyCauseSample { get; internal init; }

    /// <summary>The account of a node collected through Run Command (fleet collection); null for local files and text.</summary>
    public string? AccountId { get; internal set; }

    /// <summary>The region of a node collected through Run Command (fleet collection); null for local files and text.</summary>
    public string? Region { get; internal set; }
}
