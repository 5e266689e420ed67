using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Engine.Tests.Automation;

/// <summary>An execution that moves one status further on every Describe poll that includes it.</summary>
internal sealed class FakeExecution
{
    public FakeExecution(string id, string documentName, params string[] statuses)
    {
        Id = id;
        DocumentName = documentName;
        Statuses = statuses;
    }

    public string Id { get; }

    public string DocumentName { get; }

    public string[] Statuses { get; }

    public int Polls { get; set; }

    /// <summary>The status the next poll sees; Get sees the status of the last poll.</summary>
    public string Status => Statuses[Math.Min(Polls, Statuses.Length - 1)];

    public string LastPolledStatus => Statuses[Math.Min(Math.Max(Polls - 1, 0), Statuses.Length - 1)];

    public List<AutomationStepDetail> Steps { get; } = new();

    public Dictionary<string, IReadOnlyList<string>> Parameters { get; } = new();

    public Dictionary<string, IReadOnlyList<string>> Outputs { get; } = new();

    /// <summary>Set for a rate-controlled parent (its children come from <see cref="FakeAutomationApi.Children"/>).</summary>
    public string? TargetParameterName { get; set; }

    /// <summary>How many steps GetAutomationExecution embeds before saying "truncated".</summary>
    public int? EmbeddedSteps { get; set; }

    public int StepPageSize { get; set; } = 100;

    public string? FailureMessage { get; set; }
}

/// <summary>In-memory IAutomationApi that counts calls and injects throttling.</summary>
internal sealed class FakeAutomationApi : IAutomationApi
{
    /// <summary>Children returned for DescribeAutomationExecutions with ParentExecutionId (by parent id).</summary>
    public Dictionary<string, List<AutomationExecutionSummary>> Children { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<AutomationExecutionSummary>> DescribeChildExecutionsAsync(string parentAutomationExecutionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AutomationExecutionSummary>>(Children.TryGetValue(parentAutomationExecutionId, out var list) ? list : new List<AutomationExecutionSummary>());

    private readonly Dictionary<string, FakeExecution> _executions = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public List<IReadOnlyList<string>> DescribeCalls { get; } = new();

    public List<string> GetCalls { get; } = new();

    public List<(string Id, string? Token)> StepCalls { get; } = new();

    /// <summary>1-based Describe call numbers that answer ThrottlingException.</summary>
    public HashSet<int> ThrottleDescribeCalls { get; } = new();

    public HashSet<int> ThrottleGetCalls { get; } = new();

    public Func<int, Exception?>? DescribeFault { get; set; }

    public int TotalCalls => DescribeCalls.Count + GetCalls.Count + StepCalls.Count;

    public FakeExecution Add(FakeExecution execution)
    {
        _executions[execution.Id] = execution;
        return execution;
    }

    public static Exception Throttling() =>
        new AmazonSimpleSystemsManagementException("Rate exceeded") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest };

    public static Exception NotFound(string id) =>
        new AmazonSimpleSystemsManagementException($"Execution {id} not found") { ErrorCode = "AutomationExecutionNotFoundException", StatusCode = HttpStatusCode.BadRequest };

    public Task<IReadOnlyList<AutomationExecutionSummary>> DescribeExecutionsAsync(IReadOnlyList<string> automationExecutionIds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            DescribeCalls.Add(automationExecutionIds.ToList());
            var call = DescribeCalls.Count;
            if (ThrottleDescribeCalls.Contains(call))
            {
                throw Throttling();
            }

            if (DescribeFault?.Invoke(call) is { } fault)
            {
                throw fault;
            }

            if (automationExecutionIds.Count > 10)
            {
                throw new AmazonSimpleSystemsManagementException("1 validation error: filter values must have length less than or equal to 10")
                { ErrorCode = "ValidationException" };
            }

            var result = new List<AutomationExecutionSummary>();
            foreach (var id in automationExecutionIds)
            {
                if (!_executions.TryGetValue(id, out var e))
                {
                    continue;
                }

                var status = e.Status;
                e.Polls++;
                result.Add(new AutomationExecutionSummary
                {
                    AutomationExecutionId = id,
                    DocumentName = e.DocumentName,
                    Status = status,
                    CurrentStepName = e.Steps.Count == 0 ? null : e.Steps[Math.Min(e.Polls, e.Steps.Count) - 1].StepName,
                    ExecutionStartTime = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
                });
            }

            return Task.FromResult<IReadOnlyList<AutomationExecutionSummary>>(result);
        }
    }

    public Task<AutomationExecutionDetail> GetExecutionAsync(string automationExecutionId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            GetCalls.Add(automationExecutionId);
            if (ThrottleGetCalls.Contains(GetCalls.Count))
            {
                throw Throttling();
            }

            if (!_executions.TryGetValue(automationExecutionId, out var e))
            {
                throw NotFound(automationExecutionId);
            }

            var embedded = e.EmbeddedSteps is int n ? e.Steps.Take(n).ToList() : e.Steps;
            return Task.FromResult(new AutomationExecutionDetail
            {
                AutomationExecutionId = e.Id,
                DocumentName = e.DocumentName,
                DocumentVersion = "1",
                Status = e.LastPolledStatus,
                ExecutionStartTime = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
                ExecutionEndTime = AutomationStatus.IsTerminal(e.LastPolledStatus) ? new DateTime(2026, 11, 23, 10, 4, 30, DateTimeKind.Utc) : null,
                FailureMessage = e.FailureMessage,
                Parameters = e.Parameters,
                Outputs = e.Outputs,
                TargetParameterName = e.TargetParameterName,
                StepExecutions = embedded,
                StepExecutionsTruncated = e.EmbeddedSteps is int m && m < e.Steps.Count,
            });
        }
    }

    public Task<AutomationStepPage> DescribeStepExecutionsAsync(string automationExecutionId, string? nextToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            StepCalls.Add((automationExecutionId, nextToken));
            var e = _executions[automationExecutionId];
            var start = nextToken is null ? 0 : int.Parse(nextToken.Substring("page-".Length));
            var page = e.Steps.Skip(start).Take(e.StepPageSize).ToList();
            var next = start + e.StepPageSize < e.Steps.Count ? "page-" + (start + e.StepPageSize) : null;
            return Task.FromResult(new AutomationStepPage { Steps = page, NextToken = next });
        }
    }
}

/// <summary>A clock that moves only when the waiter sleeps.</summary>
internal sealed class FakeTime
{
    public DateTimeOffset Now { get; private set; } = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public List<TimeSpan> Delays { get; } = new();

    public TimeSpan Elapsed => Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Delays.Add(delay);
        Now += delay;
        return Task.CompletedTask;
    }

    public ExecutionWaiter Waiter(IAutomationApi api, double random = 0) => new(api, Delay, () => Now, () => random);
}

internal static class Ids
{
    public static string Of(int n) => $"00000000-0000-4000-8000-{n:D12}";
}
