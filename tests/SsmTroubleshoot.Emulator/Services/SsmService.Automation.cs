using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>
/// SSM documents and Automation: ListDocuments, DescribeDocument, GetDocument, StartAutomationExecution,
/// GetAutomationExecution, DescribeAutomationExecutions, DescribeAutomationStepExecutions, StopAutomationExecution.
/// Executions are computed from their script against <see cref="World.Clock"/> on every read (nothing runs in the background).
/// </summary>
internal sealed partial class SsmService
{
    /// <summary>GetAutomationExecution embeds at most this many steps, then sets StepExecutionsTruncated.</summary>
    internal const int EmbeddedStepLimit = 100;

    private static readonly string[] TerminalStatuses = ["Success", "Failed", "TimedOut", "Cancelled"];

    static partial void RegisterAutomationOperations(Dictionary<string, Func<JsonElement, World, JsonObject>> operations)
    {
        operations["ListDocuments"] = ListDocuments;
        operations["DescribeDocument"] = DescribeDocument;
        operations["GetDocument"] = GetDocument;
        operations["StartAutomationExecution"] = StartAutomationExecution;
        operations["GetAutomationExecution"] = GetAutomationExecution;
        operations["DescribeAutomationExecutions"] = DescribeAutomationExecutions;
        operations["DescribeAutomationStepExecutions"] = DescribeAutomationStepExecutions;
        operations["StopAutomationExecution"] = StopAutomationExecution;
    }

    // ---- documents ----

    private static JsonObject ListDocuments(JsonElement input, World world)
    {
        IEnumerable<SsmDocument> items = world.Documents.Where(d => d.Listed);
        var filters = new List<(string Key, List<string> Values)>();
        if (input.TryGetProperty("Filters", out var modern))
        {
            filters.AddRange(modern.EnumerateArray().Select(f => (f.GetProperty("Key").GetString() ?? string.Empty, Strings(f, "Values"))));
        }

        if (input.TryGetProperty("DocumentFilterList", out var legacy))
        {
            filters.AddRange(legacy.EnumerateArray().Select(f => (f.GetProperty("key").GetString() ?? string.Empty, new List<string> { f.GetProperty("value").GetString() ?? string.Empty })));
        }

        foreach (var (key, values) in filters)
        {
            items = key switch
            {
                // Owner Amazon/Self/Private/Public/ThirdParty/All: the emulator knows Amazon and everything else is Self.
                "Owner" => values.Contains("All") || values.Contains("Public") ? items : items.Where(d => values.Any(v => string.Equals(v, d.Owner, StringComparison.OrdinalIgnoreCase) || (v is "Self" or "Private" && d.Owner != "Amazon"))),
                "DocumentType" => items.Where(d => values.Contains(d.DocumentType, StringComparer.Ordinal)),
                "Name" => items.Where(d => values.Any(v => d.Name.StartsWith(v, StringComparison.Ordinal))),
                "PlatformTypes" => items.Where(d => d.PlatformTypes.Any(p => values.Contains(p, StringComparer.OrdinalIgnoreCase))),
                "SearchKeyword" => items.Where(d => values.Any(v => d.Name.Contains(v, StringComparison.OrdinalIgnoreCase) || (d.Description ?? string.Empty).Contains(v, StringComparison.OrdinalIgnoreCase))),
                _ when key.StartsWith("tag:", StringComparison.Ordinal) => Enumerable.Empty<SsmDocument>(),
                _ => throw new AwsServiceError("InvalidFilterKey", $"The filter key {key} is not valid."),
            };
        }

        var max = MaxResults(input, 1, 50, 50);
        var page = Paging.Page(items.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(), "ListDocuments", max, NextToken(input), InvalidToken, out var next);
        var result = new JsonObject
        {
            ["DocumentIdentifiers"] = new JsonArray(page.Select(d => (JsonNode)new JsonObject
            {
                ["Name"] = d.Name,
                ["Owner"] = d.Owner,
                ["DocumentVersion"] = d.DocumentVersion,
                ["DocumentType"] = d.DocumentType,
                ["DocumentFormat"] = "JSON",
                ["SchemaVersion"] = d.LoadContent()["schemaVersion"]?.GetValue<string>() ?? "0.3",
                ["PlatformTypes"] = new JsonArray(d.PlatformTypes.Select(p => (JsonNode)p).ToArray()),
                ["DisplayName"] = d.DisplayName,
                ["CreatedDate"] = Epoch(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            }).ToArray()),
        };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return result;
    }

    private static JsonObject DescribeDocument(JsonElement input, World world)
    {
        var document = FindDocument(input, world);
        var parameters = new JsonArray();
        foreach (var (name, definition) in document.Parameters)
        {
            var p = new JsonObject { ["Name"] = name, ["Type"] = TypeOf(definition), ["Description"] = definition?["description"]?.GetValue<string>() };
            if (definition?["default"] is { } value)
            {
                p["DefaultValue"] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value.ToJsonString();
            }

            parameters.Add(p);
        }

        return new JsonObject
        {
            ["Document"] = new JsonObject
            {
                ["Name"] = document.Name,
                ["DisplayName"] = document.DisplayName,
                ["Owner"] = document.Owner,
                ["DocumentType"] = document.DocumentType,
                ["DocumentFormat"] = "JSON",
                ["DocumentVersion"] = document.DocumentVersion,
                ["DefaultVersion"] = document.DocumentVersion,
                ["LatestVersion"] = document.DocumentVersion,
                ["Status"] = document.Status,
                ["SchemaVersion"] = document.LoadContent()["schemaVersion"]?.GetValue<string>() ?? "0.3",
                ["Description"] = document.Description,
                ["PlatformTypes"] = new JsonArray(document.PlatformTypes.Select(t => (JsonNode)t).ToArray()),
                ["Parameters"] = parameters,
                ["HashType"] = "Sha256",
                ["CreatedDate"] = Epoch(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            },
        };
    }

    private static JsonObject GetDocument(JsonElement input, World world)
    {
        var document = FindDocument(input, world);
        return new JsonObject
        {
            ["Name"] = document.Name,
            ["DisplayName"] = document.DisplayName,
            ["DocumentVersion"] = document.DocumentVersion,
            ["Status"] = document.Status,
            ["DocumentType"] = document.DocumentType,
            ["DocumentFormat"] = "JSON", // YAML requests get JSON too: the tools only ask for JSON
            ["Content"] = document.LoadContent().ToJsonString(),
        };
    }

    private static SsmDocument FindDocument(JsonElement input, World world)
    {
        var name = DocumentName(Text(input, "Name"));
        var document = world.Documents.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal))
            ?? throw new AwsServiceError("InvalidDocument", $"Document with name {name} does not exist.");
        if (document.AccessDenied)
        {
            throw new AwsServiceError("AccessDeniedException", $"User is not authorized to access document {name}.");
        }

        var version = Text(input, "DocumentVersion");
        if (version is not null && version is not "$LATEST" and not "$DEFAULT" && version != document.DocumentVersion)
        {
            throw new AwsServiceError("InvalidDocumentVersion", $"Document {name} does not have version {version}.");
        }

        return document;
    }

    // ---- executions ----

    private static JsonObject StartAutomationExecution(JsonElement input, World world)
    {
        var name = DocumentName(Text(input, "DocumentName"));
        if (name.Length is < 3 or > 128 && !name.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw Validation($"Value '{name}' at 'documentName' failed to satisfy constraint: Member must have length between 3 and 128");
        }

        var document = world.Documents.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal) && d.DocumentType == "Automation")
            ?? throw new AwsServiceError("AutomationDefinitionNotFoundException", $"Automation definition {name} is not found.");
        if (document.AccessDenied)
        {
            throw new AwsServiceError("AccessDeniedException", $"User is not authorized to perform: ssm:StartAutomationExecution on resource: arn:aws:ssm:{world.Region}::automation-definition/{name}:$DEFAULT");
        }

        var version = Text(input, "DocumentVersion");
        if (version is not null && version is not "$LATEST" and not "$DEFAULT" && version != document.DocumentVersion)
        {
            throw new AwsServiceError("AutomationDefinitionVersionNotFoundException", $"Automation definition {name}:{version} is not found.");
        }

        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (input.TryGetProperty("Parameters", out var p))
        {
            foreach (var property in p.EnumerateObject())
            {
                parameters[property.Name] = property.Value.EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToList();
            }
        }

        var targets = input.TryGetProperty("Targets", out var t)
            ? t.EnumerateArray().Select(x => new ExecutionTarget { Key = x.GetProperty("Key").GetString() ?? string.Empty, Values = Strings(x, "Values") }).ToList()
            : new List<ExecutionTarget>();
        var targetParameterName = Text(input, "TargetParameterName");
        var maxConcurrency = Text(input, "MaxConcurrency");
        var maxErrors = Text(input, "MaxErrors");
        if (targets.Count > 5)
        {
            throw Validation("Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5");
        }

        if (targets.Count > 0 && string.IsNullOrEmpty(targetParameterName))
        {
            throw Validation("TargetParameterName must be specified when Targets are provided.");
        }

        if (maxConcurrency is not null && !Regex.IsMatch(maxConcurrency, "^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$"))
        {
            throw Validation($"Value '{maxConcurrency}' at 'maxConcurrency' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$");
        }

        if (maxErrors is not null && !Regex.IsMatch(maxErrors, "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$"))
        {
            throw Validation($"Value '{maxErrors}' at 'maxErrors' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$");
        }

        ValidateParameters(document, parameters, targets.Count > 0 ? targetParameterName : null);

        var tags = input.TryGetProperty("Tags", out var tagList)
            ? tagList.EnumerateArray().ToDictionary(x => x.GetProperty("Key").GetString() ?? string.Empty, x => x.GetProperty("Value").GetString() ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        if (tags.Count > 5)
        {
            throw Validation("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 5");
        }

        var clientToken = Text(input, "ClientToken");
        if (clientToken is not null)
        {
            var existing = world.AutomationExecutions.FirstOrDefault(e => e.ClientToken == clientToken);
            if (existing is not null)
            {
                // Same token, same document: the retry of a start that already happened.
                return existing.DocumentName == name
                    ? new JsonObject { ["AutomationExecutionId"] = existing.AutomationExecutionId }
                    : throw new AwsServiceError("IdempotentParameterMismatch", "Error while processing request, the ClientToken has already been used with different parameters.");
            }
        }

        var mode = Text(input, "Mode") ?? "Auto";
        if (mode is not "Auto" and not "Interactive")
        {
            throw Validation($"Value '{mode}' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [Auto, Interactive]");
        }

        var locations = input.TryGetProperty("TargetLocations", out var l)
            ? l.EnumerateArray().Select(x => new ExecutionTargetLocation
            {
                Accounts = Strings(x, "Accounts"),
                Regions = Strings(x, "Regions"),
                ExcludeAccounts = Strings(x, "ExcludeAccounts"),
                ExecutionRoleName = Text(x, "ExecutionRoleName"),
                TargetLocationMaxConcurrency = Text(x, "TargetLocationMaxConcurrency"),
                TargetLocationMaxErrors = Text(x, "TargetLocationMaxErrors"),
            }).ToList()
            : new List<ExecutionTargetLocation>();

        var script = world.AutomationScripts.FirstOrDefault(s => s.Matches(name, parameters))?.Copy() ?? new AutomationScript();
        var execution = new AutomationExecution
        {
            AutomationExecutionId = world.NewId(),
            DocumentName = name,
            DocumentVersion = document.DocumentVersion,
            Parameters = parameters,
            Mode = mode,
            ClientToken = clientToken,
            Targets = targets,
            TargetParameterName = targetParameterName,
            MaxConcurrency = maxConcurrency,
            MaxErrors = maxErrors,
            TargetLocations = locations,
            Tags = tags,
            ExecutedBy = $"arn:aws:iam::{world.AccountId}:user/emulator",
            StartTime = world.Clock(),
            Script = script,
            Request = JsonNode.Parse(input.GetRawText())?.AsObject(),
        };
        AddChildren(execution, world);
        world.AutomationExecutions.Add(execution);
        return new JsonObject { ["AutomationExecutionId"] = execution.AutomationExecutionId };
    }

    /// <summary>
    /// Multi-account/multi-Region: one child per account x Region of every TargetLocation (ExcludeAccounts left out),
    /// each following the script that matches its account and Region. Rate control without locations: one child per
    /// target value (ParameterValues, or instances whose tag matches), the value in TargetParameterName.
    /// </summary>
    private static void AddChildren(AutomationExecution parent, World world)
    {
        AutomationExecution Child(string? account, string? region, string? target, Dictionary<string, List<string>> parameters) => new()
        {
            AutomationExecutionId = world.NewId(),
            DocumentName = parent.DocumentName,
            DocumentVersion = parent.DocumentVersion,
            Parameters = parameters,
            Mode = parent.Mode,
            ExecutedBy = parent.ExecutedBy,
            StartTime = parent.StartTime,
            ParentAutomationExecutionId = parent.AutomationExecutionId,
            ChildAccountId = account,
            ChildRegion = region,
            ChildTarget = target,
            Script = world.AutomationScripts.FirstOrDefault(s => (s.AccountId is not null || s.Region is not null || account is null) && s.Matches(parent.DocumentName, parameters, account, region))?.Copy()
                ?? world.AutomationScripts.FirstOrDefault(s => s.AccountId is null && s.Region is null && s.Matches(parent.DocumentName, parameters))?.Copy()
                ?? new AutomationScript(),
        };

        foreach (var location in parent.TargetLocations)
        {
            foreach (var account in location.Accounts.Where(a => !location.ExcludeAccounts.Contains(a, StringComparer.Ordinal)))
            {
                foreach (var region in location.Regions)
                {
                    parent.Children.Add(Child(account, region, null, parent.Parameters));
                }
            }
        }

        if (parent.TargetLocations.Count > 0 || parent.Targets.Count == 0 || parent.TargetParameterName is null)
        {
            return;
        }

        var values = new List<string>();
        foreach (var target in parent.Targets)
        {
            if (target.Key == "ParameterValues")
            {
                values.AddRange(target.Values);
            }
            else if (target.Key.StartsWith("tag:", StringComparison.Ordinal))
            {
                var key = target.Key.Substring(4);
                values.AddRange(world.Instances.Where(i => i.Tags.TryGetValue(key, out var v) && target.Values.Contains(v, StringComparer.Ordinal)).Select(i => i.InstanceId));
            }
        }

        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            var parameters = new Dictionary<string, List<string>>(parent.Parameters, StringComparer.Ordinal) { [parent.TargetParameterName] = new List<string> { value } };
            parent.Children.Add(Child(null, null, value, parameters));
        }
    }

    /// <summary>What SSM checks at start: unknown names, missing required values, allowedValues, allowedPattern.</summary>
    private static void ValidateParameters(SsmDocument document, Dictionary<string, List<string>> parameters, string? targetParameterName)
    {
        var defined = document.Parameters;
        var unknown = parameters.Keys.Where(k => !defined.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new AwsServiceError("InvalidAutomationExecutionParametersException", $"Parameters [{string.Join(", ", unknown)}] are not defined in the automation definition {document.Name}.");
        }

        if (targetParameterName is not null && !defined.ContainsKey(targetParameterName))
        {
            throw new AwsServiceError("InvalidAutomationExecutionParametersException", $"TargetParameterName {targetParameterName} is not defined in the automation definition {document.Name}.");
        }

        var missing = defined.Where(d => d.Value?["default"] is null && !parameters.ContainsKey(d.Key) && d.Key != targetParameterName).Select(d => d.Key).ToList();
        if (missing.Count > 0)
        {
            throw new AwsServiceError("InvalidAutomationExecutionParametersException", $"The following parameters are required but not provided: [{string.Join(", ", missing)}].");
        }

        foreach (var (name, values) in parameters)
        {
            var definition = defined[name];
            var allowed = definition?["allowedValues"]?.AsArray().Select(v => v!.ToString()).ToList();
            var pattern = definition?["allowedPattern"]?.GetValue<string>();
            foreach (var value in values)
            {
                if (allowed is { Count: > 0 } && !allowed.Contains(value, StringComparer.Ordinal))
                {
                    throw new AwsServiceError("InvalidAutomationExecutionParametersException", $"Parameter \"{name}\" has value \"{value}\" not in {{{string.Join(", ", allowed)}}}.");
                }

                if (pattern is not null && !Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    throw new AwsServiceError("InvalidAutomationExecutionParametersException", $"Parameter \"{name}\" \"{value}\" failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}.");
                }
            }
        }
    }

    private static JsonObject GetAutomationExecution(JsonElement input, World world)
    {
        var execution = FindExecution(Text(input, "AutomationExecutionId"), world);
        var state = Evaluate(execution, world);
        var o = Metadata(execution, state);
        var steps = state.Steps.Take(EmbeddedStepLimit).Select(Step).ToArray();
        o["StepExecutions"] = new JsonArray(steps);
        o["StepExecutionsTruncated"] = state.Steps.Count > EmbeddedStepLimit;
        o["Parameters"] = Map(execution.Parameters);
        o["Outputs"] = Map(state.Outputs);
        o["ProgressCounters"] = new JsonObject
        {
            ["TotalSteps"] = state.TotalSteps,
            ["SuccessSteps"] = state.Steps.Count(s => s.Status == "Success"),
            ["FailedSteps"] = state.Steps.Count(s => s.Status == "Failed"),
            ["CancelledSteps"] = state.Steps.Count(s => s.Status == "Cancelled"),
            ["TimedOutSteps"] = state.Steps.Count(s => s.Status == "TimedOut"),
        };
        return new JsonObject { ["AutomationExecution"] = o };
    }

    private static JsonObject DescribeAutomationExecutions(JsonElement input, World world)
    {
        IEnumerable<AutomationExecution> items = world.AutomationExecutions;
        var states = new Dictionary<AutomationExecution, ExecutionState>();
        ExecutionState StateOf(AutomationExecution e) => states.TryGetValue(e, out var s) ? s : states[e] = Evaluate(e, world);

        if (input.TryGetProperty("Filters", out var filters))
        {
            var list = filters.EnumerateArray().ToList();
            if (list.Count is 0 or > 10)
            {
                throw Validation("Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
            }

            for (var i = 0; i < list.Count; i++)
            {
                var key = Text(list[i], "Key") ?? string.Empty;
                var values = Strings(list[i], "Values");
                if (values.Count is 0 or > 10)
                {
                    throw Validation($"Value at 'filters.{i + 1}.member.values' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
                }

                items = key switch
                {
                    "ExecutionId" => items.Where(e => values.Contains(e.AutomationExecutionId, StringComparer.Ordinal)),
                    "DocumentNamePrefix" => items.Where(e => values.Any(v => e.DocumentName.StartsWith(v, StringComparison.Ordinal))),
                    "ExecutionStatus" => items.Where(e => values.Contains(StateOf(e).Status, StringComparer.Ordinal)),
                    "ParentExecutionId" => items.Where(e => values.Contains(e.AutomationExecutionId, StringComparer.Ordinal)).SelectMany(e => e.Children).ToList(),
                    "TagKey" => items.Where(e => values.Any(v => e.Tags.ContainsKey(v))),
                    "StartTimeBefore" => items.Where(e => values.Any(v => e.StartTime < ParseTime(v))),
                    "StartTimeAfter" => items.Where(e => values.Any(v => e.StartTime > ParseTime(v))),
                    "CurrentAction" => items.Where(e => values.Contains(StateOf(e).CurrentAction ?? string.Empty, StringComparer.Ordinal)),
                    "AutomationType" => values.Contains("Local") ? items.Where(e => e.TargetLocations.Count == 0) : items.Where(e => e.TargetLocations.Count > 0),
                    _ => throw Validation($"Value '{key}' at 'filters.{i + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set"),
                };
            }
        }

        var max = MaxResults(input, 1, 50, 50);
        var ordered = items.OrderByDescending(e => e.StartTime).ThenBy(e => e.AutomationExecutionId, StringComparer.Ordinal).ToList();
        var page = Paging.Page(ordered, "DescribeAutomationExecutions", max, NextToken(input), InvalidToken, out var next);
        var result = new JsonObject { ["AutomationExecutionMetadataList"] = new JsonArray(page.Select(e => (JsonNode)Metadata(e, StateOf(e))).ToArray()) };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return result;
    }

    private static JsonObject DescribeAutomationStepExecutions(JsonElement input, World world)
    {
        var execution = FindExecution(Text(input, "AutomationExecutionId"), world);
        IEnumerable<StepState> steps = Evaluate(execution, world).Steps;
        if (input.TryGetProperty("Filters", out var filters))
        {
            foreach (var filter in filters.EnumerateArray())
            {
                var key = Text(filter, "Key");
                var values = Strings(filter, "Values");
                steps = key switch
                {
                    "StepName" => steps.Where(s => values.Contains(s.Name, StringComparer.Ordinal)),
                    "StepExecutionStatus" => steps.Where(s => values.Contains(s.Status, StringComparer.Ordinal)),
                    "Action" => steps.Where(s => values.Contains(s.Action, StringComparer.Ordinal)),
                    "StepExecutionId" => steps.Where(s => values.Contains(s.Id, StringComparer.Ordinal)),
                    _ => throw Validation($"Value '{key}' at 'filters.member.key' failed to satisfy constraint: Member must satisfy enum value set"),
                };
            }
        }

        var list = steps.ToList();
        if (input.TryGetProperty("ReverseOrder", out var reverse) && reverse.ValueKind == JsonValueKind.True)
        {
            list.Reverse();
        }

        var max = MaxResults(input, 1, 50, 50);
        var page = Paging.Page(list, "DescribeAutomationStepExecutions:" + execution.AutomationExecutionId, max, NextToken(input), InvalidToken, out var next);
        var result = new JsonObject { ["StepExecutions"] = new JsonArray(page.Select(Step).ToArray()) };
        if (next is not null)
        {
            result["NextToken"] = next;
        }

        return result;
    }

    private static JsonObject StopAutomationExecution(JsonElement input, World world)
    {
        var execution = FindExecution(Text(input, "AutomationExecutionId"), world);
        var type = Text(input, "Type") ?? "Cancel";
        if (type is not "Cancel" and not "Complete")
        {
            throw Validation($"Value '{type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [Complete, Cancel]");
        }

        if (TerminalStatuses.Contains(Evaluate(execution, world).Status))
        {
            throw new AwsServiceError("InvalidAutomationStatusUpdateException", $"Automation execution {execution.AutomationExecutionId} is already in a terminal state.");
        }

        execution.StoppedAt = world.Clock();
        foreach (var child in execution.Children)
        {
            child.StoppedAt ??= execution.StoppedAt;
        }

        return new JsonObject();
    }

    private static AutomationExecution FindExecution(string? id, World world)
    {
        if (id is null || id.Length != 36)
        {
            throw Validation($"Value '{id}' at 'automationExecutionId' failed to satisfy constraint: Member must have length less than or equal to 36 and greater than or equal to 36");
        }

        return world.AutomationExecutions.FirstOrDefault(e => e.AutomationExecutionId == id)
            ?? throw new AwsServiceError("AutomationExecutionNotFoundException", $"Automation Execution {id} is not found.");
    }

    // ---- the execution clock ----

    private sealed record StepState(string Name, string Action, string Id, string Status, DateTime Start, DateTime? End, string? FailureMessage, string? FailureType, Dictionary<string, List<string>> Outputs)
    {
        /// <summary>The child execution a parent's step stands for.</summary>
        public AutomationExecution? Child { get; init; }
    }

    private sealed record ExecutionState(string Status, DateTime? End, string? CurrentStepName, string? CurrentAction, string? FailureMessage, List<StepState> Steps, int TotalSteps, Dictionary<string, List<string>> Outputs);

    /// <summary>Where the execution is at the clock's now: finished steps, the current one, the status, the outputs.</summary>
    private static ExecutionState Evaluate(AutomationExecution e, World world)
    {
        if (e.Children.Count > 0)
        {
            return EvaluateParent(e, world);
        }

        var document = world.Documents.FirstOrDefault(d => d.Name == e.DocumentName);
        var plan = (document?.Steps ?? Array.Empty<(string, string)>()).ToList();
        var script = e.Script;
        if (script.StepCount is int count)
        {
            plan = plan.Take(count).ToList();
            for (var i = plan.Count; i < count; i++)
            {
                plan.Add(($"step{i + 1}", "aws:sleep"));
            }
        }

        if (plan.Count == 0)
        {
            plan.Add(("run", "aws:executeScript"));
        }

        var n = plan.Count;
        var d = TimeSpan.FromMilliseconds(Math.Max(1, script.StepMilliseconds));
        var now = world.Clock();
        var stopped = e.StoppedAt is { } stop && stop <= now;
        var at = stopped ? e.StoppedAt!.Value : now;
        var completed = (int)Math.Min(int.MaxValue, Math.Max(0, (at - e.StartTime).Ticks / d.Ticks));
        var outcome = script.Outcome;
        var endStep = Math.Clamp(script.AtStep ?? n, 1, n);

        DateTime StartOf(int i) => e.StartTime + TimeSpan.FromTicks(d.Ticks * i);
        StepState Done(int i, string status, string? message = null, string? type = null) =>
            new(plan[i].Item1, plan[i].Item2, StepId(e, i), status, StartOf(i), StartOf(i + 1), message, type, new Dictionary<string, List<string>>());
        StepState Current(int i, string status) =>
            new(plan[i].Item1, plan[i].Item2, StepId(e, i), status, StartOf(i), null, null, null, new Dictionary<string, List<string>>());

        var steps = new List<StepState>();
        string status;
        DateTime? end = null;
        string? failure = null;

        var terminalAt = outcome switch
        {
            "Success" => n,
            "Failed" or "TimedOut" or "Cancelled" => endStep,
            _ => int.MaxValue,
        };

        if (completed >= terminalAt)
        {
            for (var i = 0; i < terminalAt - 1; i++)
            {
                steps.Add(Done(i, "Success"));
            }

            var last = terminalAt - 1;
            switch (outcome)
            {
                case "Success":
                    steps.Add(Done(last, "Success"));
                    status = "Success";
                    break;
                case "Failed":
                    var message = script.FailureMessage ?? $"Step {plan[last].Item1} failed.";
                    steps.Add(Done(last, "Failed", message, "Verification"));
                    failure = $"Step fails when it is Execute/Resuming. {message} Please refer to Automation Service Troubleshooting Guide for more diagnosis details.";
                    status = "Failed";
                    break;
                case "TimedOut":
                    steps.Add(Done(last, "TimedOut", script.FailureMessage ?? $"Step timed out while step is verifying the {plan[last].Item2} action.", "Verification"));
                    failure = $"Step timed out while step is verifying the {plan[last].Item2} action.";
                    status = "TimedOut";
                    break;
                default:
                    steps.Add(Done(last, "Cancelled", script.FailureMessage));
                    status = "Cancelled";
                    break;
            }

            end = StartOf(terminalAt);
        }
        else
        {
            var current = outcome switch
            {
                "Waiting" => Math.Min(completed, endStep - 1),
                _ => Math.Min(completed, n - 1),
            };
            for (var i = 0; i < current; i++)
            {
                steps.Add(Done(i, "Success"));
            }

            var waiting = outcome == "Waiting" && completed >= endStep - 1;
            if (stopped)
            {
                steps.Add(Done(current, "Cancelled") with { End = e.StoppedAt });
                status = "Cancelled";
                end = e.StoppedAt;
            }
            else
            {
                steps.Add(Current(current, waiting ? "Waiting" : "InProgress"));
                status = waiting ? "Waiting" : "InProgress";
            }
        }

        var outputs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (status == "Success" || (script.Outputs is not null && TerminalStatuses.Contains(status)))
        {
            foreach (var name in document?.Outputs ?? Array.Empty<string>())
            {
                var value = script.Outputs is not null && script.Outputs.TryGetValue(name, out var given) ? given
                    : script.ReportFiles is not null && script.ReportFiles.TryGetValue(name, out var file) ? ReportFile(file)
                    : CannedOutput(name);
                if (value is not null)
                {
                    outputs[name] = value;
                }
            }

            foreach (var (name, value) in script.Outputs ?? new Dictionary<string, List<string>>())
            {
                outputs[name] = value;
            }

            // Step outputs: "FinalOutput.Message" belongs to step FinalOutput.
            foreach (var (name, value) in outputs)
            {
                var dot = name.IndexOf('.', StringComparison.Ordinal);
                var step = dot > 0 ? steps.FirstOrDefault(s => s.Name == name.Substring(0, dot)) : null;
                step?.Outputs.Add(name.Substring(dot + 1), value);
            }
        }

        var now0 = steps.Count > 0 && !TerminalStatuses.Contains(status) ? steps[^1] : null;
        return new ExecutionState(status, end, now0?.Name, now0?.Action, failure, steps, n, outputs);
    }

    /// <summary>
    /// A parent runs no steps of its own: one aws:executeAutomation step per child (with its TargetLocation for
    /// multi-account runs), InProgress until every child ended, then Success or Failed if any child did not succeed.
    /// </summary>
    private static ExecutionState EvaluateParent(AutomationExecution e, World world)
    {
        var steps = new List<StepState>();
        for (var i = 0; i < e.Children.Count; i++)
        {
            var child = e.Children[i];
            var state = Evaluate(child, world);
            var outputs = new Dictionary<string, List<string>>(state.Outputs, StringComparer.Ordinal) { ["ExecutionId"] = new List<string> { child.AutomationExecutionId } };
            var name = child.ChildAccountId is not null ? $"{child.ChildAccountId}-{child.ChildRegion}" : child.ChildTarget ?? $"child{i + 1}";
            steps.Add(new StepState(name, "aws:executeAutomation", StepId(e, i), state.Status, child.StartTime, state.End, state.FailureMessage,
                state.Status == "Failed" ? "Verification" : null, outputs) { Child = child });
        }

        var done = steps.All(s => TerminalStatuses.Contains(s.Status));
        var failed = steps.Where(s => s.Status != "Success").ToList();
        var status = !done ? (e.StoppedAt is not null ? "Cancelling" : "InProgress") : failed.Count == 0 ? "Success" : failed.All(s => s.Status == "Cancelled") ? "Cancelled" : "Failed";
        var end = done ? steps.Max(s => s.End) : null;
        var failure = done && failed.Count > 0
            ? $"{failed.Count} of {steps.Count} child executions did not succeed: {string.Join("; ", failed.Select(s => $"{s.Name} {s.Status}"))}."
            : null;
        var current = done ? null : steps.FirstOrDefault(s => !TerminalStatuses.Contains(s.Status));
        return new ExecutionState(status, end, current?.Name, current?.Action, failure, steps, steps.Count, new Dictionary<string, List<string>>(StringComparer.Ordinal));
    }

    private static List<string>? CannedOutput(string outputName)
    {
        var path = Path.Combine(SsmDocument.DocumentsDirectory, "reports", outputName + ".txt");
        return File.Exists(path) ? new List<string> { File.ReadAllText(path) } : null;
    }

    /// <summary>A report file a script names; a captured file's first line ("# source: ...") is not part of the output.</summary>
    private static List<string> ReportFile(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(SsmDocument.DocumentsDirectory, "reports", relativePath));
        if (text.StartsWith("# source: ", StringComparison.Ordinal))
        {
            var end = text.IndexOf('\n', StringComparison.Ordinal);
            text = end < 0 ? string.Empty : text.Substring(end + 1);
        }

        return new List<string> { text };
    }

    private static string StepId(AutomationExecution e, int index) =>
        $"{e.AutomationExecutionId.Substring(0, 8)}-{index + 1:D4}-4000-8000-{e.AutomationExecutionId.Substring(24)}";

    private static JsonObject Metadata(AutomationExecution e, ExecutionState s)
    {
        var o = new JsonObject
        {
            ["AutomationExecutionId"] = e.AutomationExecutionId,
            ["DocumentName"] = e.DocumentName,
            ["DocumentVersion"] = e.DocumentVersion,
            ["AutomationExecutionStatus"] = s.Status,
            ["ExecutionStartTime"] = Epoch(e.StartTime),
            ["ExecutedBy"] = e.ExecutedBy,
            ["Mode"] = e.Mode,
            ["AutomationType"] = e.TargetLocations.Count > 0 ? "CrossAccount" : "Local",
        };
        if (s.End is { } end)
        {
            o["ExecutionEndTime"] = Epoch(end);
        }

        Add(o, "CurrentStepName", s.CurrentStepName);
        Add(o, "CurrentAction", s.CurrentAction);
        Add(o, "FailureMessage", s.FailureMessage);
        Add(o, "TargetParameterName", e.TargetParameterName);
        Add(o, "ParentAutomationExecutionId", e.ParentAutomationExecutionId);
        Add(o, "Target", e.ChildTarget);
        if (e.ParentAutomationExecutionId is not null && s.Outputs.Count > 0)
        {
            o["Outputs"] = Map(s.Outputs);
        }
        Add(o, "MaxConcurrency", e.MaxConcurrency);
        Add(o, "MaxErrors", e.MaxErrors);
        if (e.Targets.Count > 0)
        {
            o["Targets"] = new JsonArray(e.Targets.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Values"] = new JsonArray(t.Values.Select(v => (JsonNode)v).ToArray()) }).ToArray());
        }

        return o;
    }

    private static JsonNode Step(StepState s)
    {
        var o = new JsonObject
        {
            ["StepName"] = s.Name,
            ["Action"] = s.Action,
            ["StepExecutionId"] = s.Id,
            ["StepStatus"] = s.Status,
            ["ExecutionStartTime"] = Epoch(s.Start),
            ["OnFailure"] = "Abort",
            ["IsCritical"] = true,
        };
        if (s.End is { } end)
        {
            o["ExecutionEndTime"] = Epoch(end);
        }

        Add(o, "FailureMessage", s.FailureMessage);
        if (s.FailureType is not null)
        {
            o["FailureDetails"] = new JsonObject { ["FailureStage"] = "Verification", ["FailureType"] = s.FailureType };
        }

        if (s.Outputs.Count > 0)
        {
            o["Outputs"] = Map(s.Outputs);
        }

        if (s.Child is { ChildAccountId: { } account, ChildRegion: { } region })
        {
            o["TargetLocation"] = new JsonObject { ["Accounts"] = new JsonArray(account), ["Regions"] = new JsonArray(region) };
        }

        return o;
    }

    // ---- helpers ----

    private static JsonObject Map(Dictionary<string, List<string>> map)
    {
        var o = new JsonObject();
        foreach (var (key, values) in map)
        {
            o[key] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        }

        return o;
    }

    private static string TypeOf(JsonNode? definition) => definition?["type"]?.GetValue<string>() ?? "String";

    private static string DocumentName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw Validation("Value null at 'name' failed to satisfy constraint: Member must not be null");
        }

        var slash = name.LastIndexOf('/');
        return name.StartsWith("arn:", StringComparison.Ordinal) && slash >= 0 ? name.Substring(slash + 1) : name;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NextToken(JsonElement input) => Text(input, "NextToken");

    private static int MaxResults(JsonElement input, int min, int max, int fallback)
    {
        if (!input.TryGetProperty("MaxResults", out var m))
        {
            return fallback;
        }

        var value = m.GetInt32();
        return value < min || value > max
            ? throw Validation($"Value '{value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {max} and greater than or equal to {min}")
            : value;
    }

    private static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);


    private static Exception InvalidToken(string token) => new AwsServiceError("InvalidNextToken", "The nextToken is not valid.");
}
