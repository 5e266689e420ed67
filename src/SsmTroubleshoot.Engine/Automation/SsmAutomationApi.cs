using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace SsmTroubleshoot.Automation;

/// <summary>One row of ListDocuments for Find-SawRunbook.</summary>
public sealed class RunbookSummary
{
    public RunbookSummary(string name, string? owner, string? documentVersion, string? displayName, IReadOnlyList<string> platformTypes)
    {
        Name = name;
        Owner = owner;
        DocumentVersion = documentVersion;
        DisplayName = displayName;
        PlatformTypes = platformTypes;
    }

    public string Name { get; }

    public string? Owner { get; }

    public string? DocumentVersion { get; }

    public string? DisplayName { get; }

    public IReadOnlyList<string> PlatformTypes { get; }

    public bool IsPremiumSupport => RunbookCatalog.IsPremiumSupportRunbook(Name);

    public CatalogRunbook? Catalog => RunbookCatalog.Find(Name);

    /// <summary>What the runbook is for (built-in catalog); null outside the catalog.</summary>
    public string? Purpose => Catalog?.Purpose;

    /// <summary>
    /// What it can do to the instance, in a few words from the catalog: "No", "Yes: StopsInstance, ..." or
    /// "If Action=FixAll or AllowOffline=True ..." when only some parameter values disrupt.
    /// </summary>
    public string Disruption
    {
        get
        {
            if (Catalog is not { } catalog)
            {
                return "Unknown (not in the built-in catalog)";
            }

            var affecting = catalog.Disruptions.Where(d => d.AffectsInstance).ToList();
            var always = affecting.Where(d => !d.IsConditional).Select(d => d.Kind.ToString()).Distinct().ToList();
            if (always.Count > 0)
            {
                return "Yes: " + string.Join(", ", always);
            }

            var conditions = affecting.Select(d => d.WhenParameter + (d.UnlessValue ? "!=" : "=") + d.WhenValue).Distinct().ToList();
            if (conditions.Count > 0)
            {
                return "If " + string.Join(" or ", conditions.Take(3)) + (conditions.Count > 3 ? $" (+{conditions.Count - 3} more)" : string.Empty);
            }

            return catalog.Disruptions.Count > 0 ? "No (creates resources)" : "No";
        }
    }

    /// <summary>-Keyword: the name, the display name or the catalog's purpose contains the word (case-insensitive).</summary>
    public bool Matches(string? keyword)
    {
        if (string.IsNullOrWhiteSpace(keyword))
        {
            return true;
        }

        var word = keyword!.Trim();
        return new[] { Name, DisplayName, Catalog?.Purpose }
            .Any(text => text is not null && text.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0);
    }
}

/// <summary>The document and start calls Find-/Get-SawRunbook and Invoke-SawRunbook need.</summary>
public interface IRunbookApi
{
    /// <summary>Amazon-owned Automation documents whose name starts with AWSSupport- or AWSPremiumSupport- (all pages).</summary>
    Task<IReadOnlyList<RunbookSummary>> ListSupportRunbooksAsync(CancellationToken cancellationToken);

    /// <summary>DescribeDocument + GetDocument (JSON) parsed into a <see cref="RunbookDocument"/>.</summary>
    Task<RunbookDocument> GetRunbookAsync(string name, string? documentVersion, CancellationToken cancellationToken);

    /// <summary>StartAutomationExecution; returns the AutomationExecutionId.</summary>
    Task<string> StartAsync(StartAutomationExecutionRequest request, CancellationToken cancellationToken);
}

/// <summary><see cref="IAutomationApi"/> and <see cref="IRunbookApi"/> over the AWS SDK client (errors pass through for FailureClassifier).</summary>
public sealed class SsmAutomationApi : IAutomationApi, IRunbookApi
{
    private readonly IAmazonSimpleSystemsManagement _ssm;

    public SsmAutomationApi(IAmazonSimpleSystemsManagement ssm)
    {
        _ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));
    }

    public async Task<IReadOnlyList<AutomationExecutionSummary>> DescribeExecutionsAsync(IReadOnlyList<string> automationExecutionIds, CancellationToken cancellationToken)
    {
        if (automationExecutionIds is null || automationExecutionIds.Count is 0 or > ExecutionWaiter.BatchSize)
        {
            throw new ArgumentException($"Between 1 and {ExecutionWaiter.BatchSize} execution ids per call.", nameof(automationExecutionIds));
        }

        return await DescribeAsync(new AutomationExecutionFilter { Key = AutomationExecutionFilterKey.ExecutionId, Values = automationExecutionIds.ToList() }, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<AutomationExecutionDetail> GetExecutionAsync(string automationExecutionId, CancellationToken cancellationToken)
    {
        var response = await _ssm.GetAutomationExecutionAsync(
            new GetAutomationExecutionRequest { AutomationExecutionId = automationExecutionId }, cancellationToken).ConfigureAwait(false);
        var e = response.AutomationExecution;
        return new AutomationExecutionDetail
        {
            AutomationExecutionId = e.AutomationExecutionId ?? automationExecutionId,
            DocumentName = e.DocumentName,
            DocumentVersion = e.DocumentVersion,
            Status = e.AutomationExecutionStatus?.Value,
            CurrentStepName = e.CurrentStepName,
            ExecutionStartTime = e.ExecutionStartTime,
            ExecutionEndTime = e.ExecutionEndTime,
            FailureMessage = e.FailureMessage,
            Mode = e.Mode?.Value,
            ExecutedBy = e.ExecutedBy,
            ParentAutomationExecutionId = e.ParentAutomationExecutionId,
            TargetParameterName = e.TargetParameterName,
            Parameters = Map(e.Parameters),
            Outputs = Map(e.Outputs),
            StepExecutions = (e.StepExecutions ?? new List<StepExecution>()).Select(Step).ToList(),
            StepExecutionsTruncated = e.StepExecutionsTruncated ?? false,
        };
    }

    public async Task<AutomationStepPage> DescribeStepExecutionsAsync(string automationExecutionId, string? nextToken, CancellationToken cancellationToken)
    {
        var response = await _ssm.DescribeAutomationStepExecutionsAsync(
            new DescribeAutomationStepExecutionsRequest { AutomationExecutionId = automationExecutionId, NextToken = nextToken, MaxResults = 50 },
            cancellationToken).ConfigureAwait(false);
        return new AutomationStepPage
        {
            Steps = (response.StepExecutions ?? new List<StepExecution>()).Select(Step).ToList(),
            NextToken = response.NextToken,
        };
    }

    public async Task<IReadOnlyList<RunbookSummary>> ListSupportRunbooksAsync(CancellationToken cancellationToken)
    {
        var result = new List<RunbookSummary>();
        foreach (var prefix in new[] { RunbookCatalog.SupportPrefix, RunbookCatalog.PremiumSupportPrefix })
        {
            string? token = null;
            do
            {
                var response = await _ssm.ListDocumentsAsync(
                    new ListDocumentsRequest
                    {
                        Filters = new List<DocumentKeyValuesFilter>
                        {
                            new() { Key = "Owner", Values = new List<string> { "Amazon" } },
                            new() { Key = "DocumentType", Values = new List<string> { "Automation" } },
                            new() { Key = "Name", Values = new List<string> { prefix } },
                        },
                        MaxResults = 50,
                        NextToken = token,
                    },
                    cancellationToken).ConfigureAwait(false);

                // The Name filter is a prefix match on the service side; filter again so a looser match cannot leak in.
                result.AddRange((response.DocumentIdentifiers ?? new List<DocumentIdentifier>())
                    .Where(d => d.Name?.StartsWith(prefix, StringComparison.Ordinal) == true)
                    .Select(d => new RunbookSummary(d.Name, d.Owner, d.DocumentVersion, d.DisplayName, d.PlatformTypes?.ToList() ?? new List<string>())));
                token = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken;
            }
            while (token is not null);
        }

        return result.GroupBy(r => r.Name, StringComparer.Ordinal).Select(g => g.First()).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<RunbookDocument> GetRunbookAsync(string name, string? documentVersion, CancellationToken cancellationToken)
    {
        var described = await _ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = name, DocumentVersion = documentVersion }, cancellationToken).ConfigureAwait(false);
        var content = await _ssm.GetDocumentAsync(
            new GetDocumentRequest { Name = name, DocumentVersion = documentVersion, DocumentFormat = DocumentFormat.JSON }, cancellationToken).ConfigureAwait(false);
        var d = described.Document;
        return RunbookDocument.Parse(name, content.Content ?? string.Empty, new RunbookDocumentMetadata
        {
            Name = d?.Name ?? name,
            DocumentVersion = content.DocumentVersion ?? d?.DocumentVersion,
            DefaultVersion = d?.DefaultVersion,
            LatestVersion = d?.LatestVersion,
            Owner = d?.Owner,
            Description = d?.Description,
            Status = d?.Status?.Value,
            PlatformTypes = d?.PlatformTypes?.ToList() ?? new List<string>(),
        });
    }

    public async Task<string> StartAsync(StartAutomationExecutionRequest request, CancellationToken cancellationToken)
    {
        var response = await _ssm.StartAutomationExecutionAsync(request, cancellationToken).ConfigureAwait(false);
        return response.AutomationExecutionId;
    }

    private static AutomationStepDetail Step(StepExecution s) => new()
    {
        StepName = s.StepName ?? string.Empty,
        Action = s.Action,
        StepExecutionId = s.StepExecutionId,
        StepStatus = s.StepStatus?.Value,
        ExecutionStartTime = s.ExecutionStartTime,
        ExecutionEndTime = s.ExecutionEndTime,
        FailureMessage = s.FailureMessage,
        FailureType = s.FailureDetails?.FailureType,
        IsCritical = s.IsCritical,
        Outputs = Map(s.Outputs),
        TargetLocation = s.TargetLocation is { } l
            ? new AutomationTargetLocation
            {
                Accounts = l.Accounts ?? new List<string>(),
                Regions = l.Regions ?? new List<string>(),
                ExecutionRoleName = l.ExecutionRoleName,
            }
            : null,
    };

    public Task<IReadOnlyList<AutomationExecutionSummary>> DescribeChildExecutionsAsync(string parentAutomationExecutionId, CancellationToken cancellationToken) =>
        DescribeAsync(new AutomationExecutionFilter { Key = AutomationExecutionFilterKey.ParentExecutionId, Values = new List<string> { parentAutomationExecutionId } }, cancellationToken);

    /// <summary>Every page of DescribeAutomationExecutions for one filter.</summary>
    private async Task<IReadOnlyList<AutomationExecutionSummary>> DescribeAsync(AutomationExecutionFilter filter, CancellationToken cancellationToken)
    {
        var result = new List<AutomationExecutionSummary>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = await _ssm.DescribeAutomationExecutionsAsync(
                new DescribeAutomationExecutionsRequest { Filters = new List<AutomationExecutionFilter> { filter }, MaxResults = 50, NextToken = token },
                cancellationToken).ConfigureAwait(false);
            foreach (var m in response.AutomationExecutionMetadataList ?? new List<AutomationExecutionMetadata>())
            {
                result.Add(new AutomationExecutionSummary
                {
                    AutomationExecutionId = m.AutomationExecutionId,
                    DocumentName = m.DocumentName,
                    DocumentVersion = m.DocumentVersion,
                    Status = m.AutomationExecutionStatus?.Value,
                    CurrentStepName = m.CurrentStepName,
                    CurrentAction = m.CurrentAction,
                    ExecutionStartTime = m.ExecutionStartTime,
                    ExecutionEndTime = m.ExecutionEndTime,
                    FailureMessage = m.FailureMessage,
                    ParentAutomationExecutionId = m.ParentAutomationExecutionId,
                    Target = m.Target,
                    Outputs = Map(m.Outputs),
                });
            }

            token = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken;
        }
        while (token is not null && ++pages < 1000); // a service repeating tokens must not loop forever

        return result;
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Map(Dictionary<string, List<string>>? map) =>
        map is null
            ? new Dictionary<string, IReadOnlyList<string>>()
            : map.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)(p.Value ?? new List<string>()), StringComparer.Ordinal);
}
