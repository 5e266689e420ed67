using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Automation;

/// <summary>What Invoke-SawRunbook was asked to do, beyond the parameter hashtable.</summary>
public sealed class RunbookStartOptions
{
    public string? InstanceId { get; init; }

    public string? AutomationAssumeRole { get; init; }

    public string? DocumentVersion { get; init; }

    /// <summary>Auto (default) or Interactive.</summary>
    public string? Mode { get; init; }

    /// <summary>Idempotency token; a new UUID when null.</summary>
    public string? ClientToken { get; init; }

    public IReadOnlyList<AutomationTarget> Targets { get; init; } = Array.Empty<AutomationTarget>();

    public string? TargetParameterName { get; init; }

    public string? MaxConcurrency { get; init; }

    public string? MaxErrors { get; init; }

    public IReadOnlyList<AutomationTargetLocation> TargetLocations { get; init; } = Array.Empty<AutomationTargetLocation>();

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>A validated start: the request, what it will do to the instance, and every problem found.</summary>
public sealed class RunbookStartPlan
{
    internal RunbookStartPlan(RunbookDocument document, ParameterValidationResult validation, AutomationStartRequest request, IReadOnlyList<ParameterProblem> problems)
    {
        Document = document;
        Validation = validation;
        Request = request;
        Problems = problems;
    }

    public RunbookDocument Document { get; }

    public ParameterValidationResult Validation { get; }

    public AutomationStartRequest Request { get; }

    /// <summary>Parameter problems followed by request-limit problems.</summary>
    public IReadOnlyList<ParameterProblem> Problems { get; }

    public bool IsValid => Problems.Count == 0;

    public CatalogRunbook? Catalog => Document.Catalog;

    public int StepCount => Document.Steps.Count;

    /// <summary>ConfirmImpact for ShouldProcess: High when the catalog says these parameters disrupt the instance.</summary>
    public RunbookImpact Impact => Catalog?.ImpactFor(Request.Parameters) ?? RunbookImpact.Medium;

    public IReadOnlyList<RunbookDisruption> Disruptions => Catalog?.ActiveDisruptions(Request.Parameters) ?? Array.Empty<RunbookDisruption>();

    /// <summary>The target ShouldProcess names: the instance, the targets, or the runbook.</summary>
    public string Target
    {
        get
        {
            var instanceParameter = Document.InstanceParameterName;
            if (instanceParameter is not null && Request.Parameters.TryGetValue(instanceParameter, out var ids) && ids.Count > 0)
            {
                return string.Join(", ", ids);
            }

            return Request.Targets.Count > 0 ? string.Join("; ", Request.Targets.Select(t => t.ToString())) : Document.Name;
        }
    }

    /// <summary>The confirmation text: what will happen to the instance.</summary>
    public string DescribeEffects() =>
        Catalog?.DescribeEffects(Target, Request.Parameters)
        ?? $"{Document.Name} on {Target}: a runbook outside the built-in catalog; read its description before running it.";

    /// <summary>The -WhatIf text: the validated request and the step count.</summary>
    public string DescribeRequest()
    {
        var lines = new List<string>
        {
            $"StartAutomationExecution {Request.DocumentName}{(Request.DocumentVersion is null ? string.Empty : " version " + Request.DocumentVersion)} ({StepCount} steps)",
        };
        lines.AddRange(Request.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"  {p.Key} = {string.Join(", ", p.Value)}"));
        if (Request.Targets.Count > 0)
        {
            lines.Add($"  Targets: {string.Join("; ", Request.Targets)} -> {Request.TargetParameterName}");
            lines.Add($"  MaxConcurrency: {Request.MaxConcurrency ?? "10 (default)"}, MaxErrors: {Request.MaxErrors ?? "none (SSM default)"}");
        }

        for (var i = 0; i < Request.TargetLocations.Count; i++)
        {
            // Every field SSM receives, so -WhatIf shows where children will run and as whom.
            var location = Request.TargetLocations[i];
            lines.Add($"  TargetLocations[{i}]: Accounts {string.Join(",", location.Accounts)}; Regions {string.Join(",", location.Regions)}" +
                (location.ExcludeAccounts.Count > 0 ? $"; ExcludeAccounts {string.Join(",", location.ExcludeAccounts)}" : string.Empty) +
                $"; ExecutionRoleName {location.ExecutionRoleName ?? "AWS-SystemsManager-AutomationExecutionRole (default)"}" +
                $"; TargetLocationMaxConcurrency {location.TargetLocationMaxConcurrency ?? "(SSM default)"}" +
                $"; TargetLocationMaxErrors {location.TargetLocationMaxErrors ?? "(SSM default)"}");
        }

        if (Request.TargetLocations.Count > 0)
        {
            var children = Request.TargetLocations.Sum(l => l.Accounts.Count * l.Regions.Count);
            lines.Add($"  Child executions: {children} (account or OU x Region; an OU expands to its accounts)");
        }

        if (Request.Tags.Count > 0)
        {
            lines.Add($"  Tags: {string.Join(", ", Request.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value))}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    public StartAutomationExecutionRequest ToSdkRequest() => RunbookStarter.BuildRequest(Request);
}

/// <summary>Validates and builds StartAutomationExecution requests for Invoke-SawRunbook.</summary>
public static class RunbookStarter
{
    public static RunbookStartPlan Plan(RunbookDocument document, IDictionary? parameters, RunbookStartOptions? options = null)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        options ??= new RunbookStartOptions();
        var validation = ParameterValidator.Validate(document, parameters, new ParameterValidationOptions
        {
            InstanceId = options.InstanceId,
            AutomationAssumeRole = options.AutomationAssumeRole,
            TargetParameterName = options.Targets.Count > 0 ? options.TargetParameterName : null,
        });

        var request = new AutomationStartRequest
        {
            DocumentName = document.Name,
            DocumentVersion = options.DocumentVersion,
            Parameters = validation.Parameters,
            ClientToken = options.ClientToken ?? Guid.NewGuid().ToString(),
            Mode = options.Mode,
            Targets = options.Targets,
            TargetParameterName = options.TargetParameterName,
            MaxConcurrency = options.MaxConcurrency,
            MaxErrors = options.MaxErrors,
            TargetLocations = options.TargetLocations,
            Tags = options.Tags,
        };

        var problems = validation.Problems.Concat(StartRequestValidator.Validate(request)).ToList();
        return new RunbookStartPlan(document, validation, request, problems);
    }

    /// <summary>Maps the engine request onto the SDK request (collections only when non-empty: v4 leaves them null).</summary>
    public static StartAutomationExecutionRequest BuildRequest(AutomationStartRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var sdk = new StartAutomationExecutionRequest
        {
            DocumentName = request.DocumentName,
            DocumentVersion = request.DocumentVersion,
            ClientToken = request.ClientToken,
            TargetParameterName = string.IsNullOrEmpty(request.TargetParameterName) ? null : request.TargetParameterName,
            MaxConcurrency = request.MaxConcurrency,
            MaxErrors = request.MaxErrors,
        };

        if (request.Mode is not null)
        {
            sdk.Mode = new ExecutionMode(request.Mode);
        }

        if (request.Parameters.Count > 0)
        {
            sdk.Parameters = request.Parameters.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal);
        }

        if (request.Targets.Count > 0)
        {
            sdk.Targets = request.Targets.Select(t => new Target { Key = t.Key, Values = t.Values.ToList() }).ToList();
        }

        if (request.TargetMaps.Count > 0)
        {
            sdk.TargetMaps = request.TargetMaps.Select(m => m.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal)).ToList();
        }

        if (request.TargetLocations.Count > 0)
        {
            sdk.TargetLocations = request.TargetLocations.Select(l => new TargetLocation
            {
                Accounts = l.Accounts.ToList(),
                Regions = l.Regions.ToList(),
                ExcludeAccounts = l.ExcludeAccounts.Count > 0 ? l.ExcludeAccounts.ToList() : null,
                ExecutionRoleName = l.ExecutionRoleName,
                TargetLocationMaxConcurrency = l.TargetLocationMaxConcurrency,
                TargetLocationMaxErrors = l.TargetLocationMaxErrors,
            }).ToList();
        }

        if (request.Tags.Count > 0)
        {
            sdk.Tags = request.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();
        }

        return sdk;
    }

    /// <summary>
    /// The RecommendedAction for a failed start or document lookup: AWSPremiumSupport-* runbooks are refused or
    /// invisible without a Business, Enterprise On-Ramp or Enterprise Support plan.
    /// </summary>
    public static string? Advice(string? documentName, FailureKind kind)
    {
        if (RunbookCatalog.IsPremiumSupportRunbook(documentName) && kind is FailureKind.PermissionDenied or FailureKind.NotFound)
        {
            return $"{RunbookCatalog.NameOf(documentName)} is an AWS Premium Support runbook: it runs only in accounts with a Business, " +
                "Enterprise On-Ramp or Enterprise Support plan. Check the account's support plan, or use the AWSSupport-* runbooks, which every account can run.";
        }

        return kind switch
        {
            FailureKind.PermissionDenied => "Allow ssm:StartAutomationExecution, ssm:GetAutomationExecution and the runbook's own permissions (or pass -AutomationAssumeRole).",
            FailureKind.NotFound => $"Check the runbook name and Region: Find-SawRunbook lists the AWSSupport-* runbooks available here.",
            _ => null,
        };
    }

    /// <summary>The console page of an execution.</summary>
    public static string ConsoleUrl(string region, string automationExecutionId) =>
        $"https://{region}.console.aws.amazon.com/systems-manager/automation/execution/{automationExecutionId}?region={region}";
}

/// <summary>What Invoke-SawRunbook returns without -Wait.</summary>
public sealed class SawExecution
{
    public SawExecution(string automationExecutionId, string documentName, string region, string status, DateTime startTime, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        AutomationExecutionId = automationExecutionId;
        DocumentName = documentName;
        Region = region;
        Status = status;
        StartTime = startTime;
        Parameters = parameters;
    }

    public string AutomationExecutionId { get; }

    public string DocumentName { get; }

    public string Region { get; }

    public string Status { get; }

    public DateTime StartTime { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; }

    public string ConsoleUrl => RunbookStarter.ConsoleUrl(Region, AutomationExecutionId);
}
