using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Automation;

/// <summary>
/// The automation calls of one cmdlet invocation over one SSM client. The cmdlet assembly cannot name AWS SDK types
/// (they live in the module's private load context), so everything it needs goes through engine types here.
/// </summary>
public sealed class RunbookClient : IDisposable
{
    private readonly IAmazonSimpleSystemsManagement _ssm;
    private readonly SsmAutomationApi _api;
    private readonly ConcurrentDictionary<string, Lazy<Task<RunbookDocument?>>> _documents = new(StringComparer.Ordinal);

    private readonly AwsConnection? _connection;

    private RunbookClient(IAmazonSimpleSystemsManagement ssm, string region, string? endpoint = null, AwsConnection? connection = null)
    {
        _connection = connection;
        _ssm = ssm;
        _api = new SsmAutomationApi(ssm);
        Region = region;
        Endpoint = endpoint;
    }

    public string Region { get; }

    /// <summary>The SSM endpoint override, when one is set (for messages).</summary>
    public string? Endpoint { get; }

    public IAutomationApi Executions => _api;

    public IRunbookApi Runbooks => _api;

    public static RunbookClient Create(AwsConnection connection)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        var factory = new AwsClientFactory(connection);
        return new RunbookClient(factory.CreateSsm(), connection.Region.SystemName, factory.Endpoint("SSM")?.ToString(), connection);
    }

    public Task<IReadOnlyList<RunbookSummary>> ListSupportRunbooksAsync(CancellationToken cancellationToken) =>
        _api.ListSupportRunbooksAsync(cancellationToken);

    /// <summary>DescribeDocument + GetDocument, once per name and version for this client.</summary>
    public async Task<RunbookDocument> GetRunbookAsync(string name, string? documentVersion, CancellationToken cancellationToken)
    {
        var document = await _api.GetRunbookAsync(name, documentVersion, cancellationToken).ConfigureAwait(false);
        _documents.TryAdd(document.Name, new Lazy<Task<RunbookDocument?>>(() => Task.FromResult<RunbookDocument?>(document)));
        return document;
    }

    /// <summary>The runbook's own pre-checks (AWSSupport-ExecuteEC2Rescue: Availability Zone, encryption, platform); none for others.</summary>
    public async Task<RunbookPreCheckResult> PreCheckAsync(RunbookStartPlan plan, CancellationToken cancellationToken)
    {
        if (plan is null || _connection is null || !Ec2RescuePreCheck.AppliesTo(plan.Document.Name))
        {
            return RunbookPreCheckResult.None;
        }

        using var ec2 = new AwsClientFactory(_connection).CreateEc2();
        return await Ec2RescuePreCheck.CheckAsync(ec2, plan.Request.Parameters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>StartAutomationExecution for a valid plan; returns what Invoke-SawRunbook outputs.</summary>
    public async Task<SawExecution> StartAsync(RunbookStartPlan plan, CancellationToken cancellationToken)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        if (!plan.IsValid)
        {
            throw new InvalidOperationException("The plan has problems: " + string.Join("; ", plan.Problems.Select(p => p.Message)));
        }

        var id = await _api.StartAsync(plan.ToSdkRequest(), cancellationToken).ConfigureAwait(false);
        return new SawExecution(id, plan.Request.DocumentName, Region, AutomationStatus.Pending, DateTime.UtcNow, plan.Request.Parameters);
    }

    /// <summary>
    /// Waits with <see cref="ExecutionWaiter"/>. Step totals for progress come from the documents, fetched once per
    /// document name in the background (progress shows counts from the poll after the document arrived).
    /// </summary>
    public Task<IReadOnlyList<ExecutionWaitOutcome>> WaitAsync(
        IEnumerable<string> automationExecutionIds, ExecutionWaitOptions options, IProgress<AutomationProgress>? progress, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var withSteps = new ExecutionWaitOptions
        {
            Timeout = options.Timeout,
            StopOnWaiting = options.StopOnWaiting,
            InitialDelay = options.InitialDelay,
            MaxDelay = options.MaxDelay,
            BackoffFactor = options.BackoffFactor,
            ThrottledMaxDelay = options.ThrottledMaxDelay,
            JitterFraction = options.JitterFraction,
            MaxConsecutiveErrors = options.MaxConsecutiveErrors,
            MissingPollsBeforeLookup = options.MissingPollsBeforeLookup,
            Region = options.Region ?? Region,
            Endpoint = options.Endpoint ?? Endpoint,
            DocumentSteps = options.DocumentSteps ?? (name => StepsOf(name, cancellationToken)),
        };
        return new ExecutionWaiter(_api).WaitAsync(automationExecutionIds, withSteps, progress, cancellationToken);
    }

    /// <summary>GetAutomationExecution (+ step pages) as a result, for Export-SawSupportCase -AutomationExecutionId.</summary>
    public async Task<AutomationExecutionResult> GetResultAsync(string automationExecutionId, CancellationToken cancellationToken)
    {
        var execution = await _api.GetExecutionAsync(automationExecutionId, cancellationToken).ConfigureAwait(false);
        var steps = execution.StepExecutions;
        if (execution.StepExecutionsTruncated)
        {
            var all = new List<AutomationStepDetail>();
            string? token = null;
            var pages = 0;
            do
            {
                var page = await _api.DescribeStepExecutionsAsync(automationExecutionId, token, cancellationToken).ConfigureAwait(false);
                all.AddRange(page.Steps);
                token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            }
            while (token is not null && ++pages < 1000);
            steps = all;
        }

        return AutomationExecutionResult.FromExecution(execution, steps, Region);
    }

    private IReadOnlyList<string>? StepsOf(string documentName, CancellationToken cancellationToken)
    {
        var lazy = _documents.GetOrAdd(documentName, name => new Lazy<Task<RunbookDocument?>>(() => FetchQuietlyAsync(name, cancellationToken)));
        var task = lazy.Value;
        return task.Status == TaskStatus.RanToCompletion ? task.GetAwaiter().GetResult()?.Steps.Select(s => s.Name).ToList() : null;
    }

    private async Task<RunbookDocument?> FetchQuietlyAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _api.GetRunbookAsync(name, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null; // progress without step totals is fine; the wait must not fail over it
        }
    }

    public void Dispose() => _ssm.Dispose();
}
