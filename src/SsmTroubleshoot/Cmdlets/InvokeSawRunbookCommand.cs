using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Starts an AWS Support runbook after validating the parameters against its document, with a confirmation that
/// says what will happen to the instance; -Wait follows it to the end.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SawRunbook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InstanceSet)]
[OutputType(typeof(SawExecution), typeof(AutomationExecutionResult))]
public sealed class InvokeSawRunbookCommand : AutomationCmdlet
{
    private const string InstanceSet = "Instance";
    private const string TargetSet = "Target";

    private readonly Dictionary<string, RunbookDocument> _documents = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(RunbookClient Client, string Id)> _started = new();
    private readonly HashSet<string> _failedDocuments = new(StringComparer.OrdinalIgnoreCase);
    private bool _yesToAll;
    private bool _noToAll;
    private int _starts;

    /// <summary>The runbook (AWSSupport-TroubleshootManagedInstance, ...); completed from the built-in catalog. Binds Name of Get-SsmNodeDiagnosis's NextStep.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("DocumentName")]
    [ArgumentCompleter(typeof(RunbookNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Runbook parameters: names as in the document, values string, number, bool, array or hashtable. Binds Parameter of a NextStep.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Parameters")]
    public Hashtable? Parameter { get; set; }

    /// <summary>Instances to run against (one execution each), mapped to the runbook's instance parameter.</summary>
    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^(i|mi)-[0-9a-f]{8,17}$")]
    public string[] InstanceId { get; set; } = Array.Empty<string>();

    /// <summary>The IAM role Automation assumes (the document's assumeRole parameter).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AutomationAssumeRole { get; set; }

    /// <summary>A document version (number, $LATEST or $DEFAULT).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DocumentVersion { get; set; }

    /// <summary>Rate control: the parameter SSM fills from each target.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TargetSet)]
    [ValidateNotNullOrEmpty]
    public string? TargetParameterName { get; set; }

    /// <summary>Rate control targets as Key=Value[,Value]: tag:Env=Prod, ResourceGroup=MyGroup, ParameterValues=i-1,i-2.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TargetSet)]
    [ValidateNotNullOrEmpty]
    public string[] Target { get; set; } = Array.Empty<string>();

    /// <summary>Rate control: how many targets run at once (number or percentage).</summary>
    [Parameter(ParameterSetName = TargetSet)]
    [ValidateNotNullOrEmpty]
    public string? MaxConcurrency { get; set; }

    /// <summary>Rate control: errors tolerated before the rest is cancelled (number or percentage).</summary>
    [Parameter(ParameterSetName = TargetSet)]
    [Alias("MaxError")]
    [ValidateNotNullOrEmpty]
    public string? MaxErrors { get; set; }

    /// <summary>
    /// Multi-account / multi-region: hashtables, objects or AWS.Tools TargetLocation objects with Accounts, Regions,
    /// ExcludeAccounts, ExecutionRoleName, TargetLocationMaxConcurrency, TargetLocationMaxErrors (read by property name).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[] TargetLocation { get; set; } = Array.Empty<object>();

    /// <summary>Tags for the execution (at most 5).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>Auto (default) or Interactive.</summary>
    [Parameter]
    [ValidateSet("Auto", "Interactive")]
    public string? Mode { get; set; }

    /// <summary>Idempotency token (a UUID): a retried start with the same token does not start a second execution.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClientToken { get; set; }

    /// <summary>Skips the confirmation of disruptive runbooks (-WhatIf still wins).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits for the executions and outputs their results instead of the started executions.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: the longest time to wait, in seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    /// <summary>With -Wait: the first polling interval in seconds (default 2; it grows to 30).</summary>
    [Parameter]
    [ValidateRange(0.05, 60.0)]
    public double? PollIntervalSeconds { get; set; }

    protected override void BeginProcessing()
    {
        if (!Wait && (TimeoutSeconds is not null || PollIntervalSeconds is not null))
        {
            WriteWarning("-TimeoutSeconds and -PollIntervalSeconds apply only with -Wait; the executions are started without waiting.");
        }
    }

    protected override void ProcessRecord()
    {
        var client = Client();
        var document = Document(client);
        if (document is null)
        {
            return;
        }

        IReadOnlyList<AutomationTarget> targets;
        IReadOnlyList<AutomationTargetLocation> locations;
        IReadOnlyDictionary<string, string> tags;
        try
        {
            targets = Target.Select(AutomationTarget.Parse).ToList();
            tags = PSValues.Entries(Tag ?? new Hashtable()).ToDictionary(e => e.Key, e => string.Join(",", e.Values), StringComparer.Ordinal);
        }
        catch (FormatException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ex.Message, Target.Length > 0 ? ErrorIds.RunbookRateControlInvalid : ErrorIds.RunbookParameterInvalid, ErrorCategory.InvalidArgument, Name));
            return;
        }

        try
        {
            locations = TargetLocation.Select((l, i) => ParseLocation(l, i)).ToList();
        }
        catch (FormatException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ex.Message, ErrorIds.RunbookTargetLocationInvalid, ErrorCategory.InvalidArgument, TargetLocation,
                "Give each -TargetLocation as @{ Accounts = '111122223333'; Regions = 'us-east-1'; ExecutionRoleName = 'AWS-SystemsManager-AutomationExecutionRole' }."));
            return;
        }

        var instances = InstanceId.Length > 0 ? InstanceId.Cast<string?>() : new string?[] { null };
        foreach (var instance in instances)
        {
            ThrowIfStopping();
            var plan = RunbookStarter.Plan(document, Unwrap(Parameter), new RunbookStartOptions
            {
                InstanceId = instance,
                AutomationAssumeRole = AutomationAssumeRole,
                DocumentVersion = DocumentVersion,
                Mode = Mode,
                ClientToken = ClientToken,
                Targets = targets,
                TargetParameterName = TargetParameterName,
                MaxConcurrency = MaxConcurrency,
                MaxErrors = MaxErrors,
                TargetLocations = locations,
                Tags = tags,
            });
            Start(client, plan);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var group in _started.GroupBy(s => s.Client))
        {
            WaitAndWrite(group.Key, group.Select(s => s.Id).ToList(), TimeoutSeconds, stopOnWaiting: false, PollIntervalSeconds);
        }
    }

    private void Start(RunbookClient client, RunbookStartPlan plan)
    {
        foreach (var warning in plan.Validation.Warnings)
        {
            WriteWarning(warning);
        }

        if (!plan.IsValid)
        {
            // One error per problem, and nothing is started.
            foreach (var problem in plan.Problems)
            {
                // The message already names the closest parameter ("Did you mean ..."); the recommendation does not repeat it.
                WriteError(problem.Kind switch
                {
                    ParameterProblemKind.InvalidTargetLocation => ErrorRecords.Create(problem.Message, ErrorIds.RunbookTargetLocationInvalid, ErrorCategory.InvalidArgument, plan.Target,
                        "Accounts are 12-digit account ids or OU ids (ou-xxxx-xxxxxxxx), Regions known Region codes, ExecutionRoleName an IAM role name, and the rates a number or a percentage (10 or 10%)."),
                    ParameterProblemKind.InvalidRateControl => ErrorRecords.Create(problem.Message, ErrorIds.RunbookRateControlInvalid, ErrorCategory.InvalidArgument, plan.Target,
                        $"-Target tag:Key=Value (or ResourceGroup=Name, ParameterValues=i-...), -TargetParameterName a String/StringList parameter of {plan.Document.Name} (Get-SawRunbook {plan.Document.Name}), -MaxConcurrency / -MaxErrors a number or a percentage (10 or 10%)."),
                    _ => ErrorRecords.Create(problem.Message, ErrorIds.RunbookParameterInvalid, ErrorCategory.InvalidArgument, plan.Target,
                        problem.Suggestion is null
                            ? $"Get-SawRunbook {plan.Document.Name} lists the parameters with their types, allowed values and patterns."
                            : $"Correct the parameter name; Get-SawRunbook {plan.Document.Name} lists the parameters."),
                });
            }

            return;
        }

        // The runbook's pre-checks (ExecuteEC2Rescue's Availability Zone, encryption, platform), before anything starts.
        RunbookPreCheckResult preCheck;
        try
        {
            preCheck = Await(ct => client.PreCheckAsync(plan, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteWarning($"The pre-checks of {plan.Document.Name} could not run: {Failures.AwsErrorText.Describe(ex)}");
            preCheck = RunbookPreCheckResult.None;
        }

        foreach (var warning in preCheck.Warnings)
        {
            WriteWarning(warning);
        }

        if (preCheck.Problems.Count > 0)
        {
            foreach (var problem in preCheck.Problems)
            {
                WriteError(ErrorRecords.Create(problem, ErrorIds.RunbookPreCheckFailed, ErrorCategory.InvalidArgument, plan.Target,
                    "Leave SubnetId out (SelectedInstanceSubnet) or give a subnet in the instance's Availability Zone."));
            }

            return;
        }

        if (ClientToken is not null && ++_starts > 1)
        {
            WriteError(ErrorRecords.Create($"-ClientToken {ClientToken} was already used for an execution of this command; {plan.Target} was not started.", ErrorIds.ClientTokenReused, ErrorCategory.InvalidArgument, plan.Target,
                "Give one instance per -ClientToken, or leave -ClientToken out (a new token is made per execution)."));
            return;
        }

        if (!Confirmed(plan))
        {
            return;
        }

        SawExecution execution;
        try
        {
            execution = Await(ct => client.StartAsync(plan, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(RunbookError(ex, plan.Document.Name, plan.Target, ErrorIds.RunbookStartFailed));
            return;
        }

        WriteVerbose($"Started {execution.DocumentName} on {plan.Target}: {execution.AutomationExecutionId} ({execution.ConsoleUrl}).");
        if (Wait)
        {
            _started.Add((client, execution.AutomationExecutionId));
        }
        else
        {
            WriteObject(execution);
        }
    }

    /// <summary>
    /// ShouldProcess at Medium for every start (-WhatIf prints the request); disruptive runbooks also ask, like
    /// AWS.Tools' -Force pattern, unless -Force or an explicit -Confirm / -Confirm:$false decided already.
    /// </summary>
    private bool Confirmed(RunbookStartPlan plan)
    {
        var effects = plan.DescribeEffects();
        var caption = $"Invoke-SawRunbook {plan.Document.Name}";
        if (!ShouldProcess(plan.DescribeRequest() + Environment.NewLine + "  Effects: " + effects, $"Start {plan.Document.Name} on {plan.Target}? {effects}", caption))
        {
            return false;
        }

        if (plan.Impact != RunbookImpact.High || Force || MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            return true;
        }

        return ShouldContinue($"{effects}{Environment.NewLine}Start {plan.Document.Name} on {plan.Target}?", caption, ref _yesToAll, ref _noToAll);
    }

    private RunbookDocument? Document(RunbookClient client)
    {
        var key = client.Region + "/" + Name + "/" + DocumentVersion;
        if (_documents.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (_failedDocuments.Contains(key))
        {
            return null; // said once already for this invocation
        }

        try
        {
            var document = Await(ct => client.GetRunbookAsync(Name, DocumentVersion, ct));
            _documents[key] = document;
            return document;
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            _failedDocuments.Add(key);
            WriteError(RunbookError(ex, Name, Name, ErrorIds.RunbookLookupFailed));
            return null;
        }
    }

    /// <summary>A hashtable's entries, or any object's properties (PSCustomObject, AWS.Tools' TargetLocation), by name.</summary>
    private static AutomationTargetLocation ParseLocation(object? item, int index)
    {
        var value = Unwrap(item);
        var source = $"-TargetLocation[{index}]";
        IEnumerable<KeyValuePair<string, object?>> pairs = value switch
        {
            null => throw new FormatException($"{source} is empty."),
            string text => throw new FormatException($"{source} '{text}' is text; give a hashtable such as @{{ Accounts = '111122223333'; Regions = 'us-east-1' }}."),
            IDictionary table => table.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(Unwrap(e.Key)?.ToString() ?? string.Empty, e.Value)).ToList(),
            _ => PSObject.AsPSObject(item!).Properties.Where(p => p.IsGettable).Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).ToList(),
        };
        return AutomationTargetLocation.FromProperties(pairs, source);
    }
}
