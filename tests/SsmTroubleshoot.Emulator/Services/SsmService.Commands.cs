using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>
/// Run Command: SendCommand records the request in World.Commands and creates one invocation per node from
/// World.CommandOutputs and the node's ping status; invocations stay InProgress for their scripted number of polls.
/// </summary>
internal sealed partial class SsmService
{
    // Real limits: GetCommandInvocation returns the first 24,000 characters of output and 8,000 of error.
    private const int MaxOutputChars = 24_000;
    private const int MaxErrorChars = 8_000;
    private const int MaxInstanceIds = 50;

    private static readonly Dictionary<string, string> CommandDocuments = new(StringComparer.Ordinal)
    {
        ["AWS-RunShellScript"] = "aws:runShellScript",
        ["AWS-RunPowerShellScript"] = "aws:runPowerShellScript",
    };

    static partial void RegisterCommandOperations(Dictionary<string, Func<JsonElement, World, JsonObject>> operations)
    {
        operations["SendCommand"] = SendCommand;
        operations["ListCommandInvocations"] = ListCommandInvocations;
        operations["GetCommandInvocation"] = GetCommandInvocation;
    }

    private static JsonObject SendCommand(JsonElement input, World world)
    {
        var document = OptionalString(input, "DocumentName") ?? throw Validation("Value null at 'documentName' failed to satisfy constraint: Member must not be null");
        if (!CommandDocuments.ContainsKey(document))
        {
            throw new AwsServiceError("InvalidDocument", $"Document {document} does not exist in your account (the emulator knows AWS-RunShellScript and AWS-RunPowerShellScript).");
        }

        var ids = Strings(input, "InstanceIds");
        var targets = TargetsOf(input);
        if (ids.Count > 0 && targets.Count > 0)
        {
            throw new AwsServiceError("InvalidParameters", "Specify either InstanceIds or Targets, not both.");
        }

        if (ids.Count == 0 && targets.Count == 0)
        {
            throw new AwsServiceError("InvalidParameters", "Specify InstanceIds or Targets.");
        }

        if (ids.Count > MaxInstanceIds)
        {
            throw Validation($"Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to {MaxInstanceIds}");
        }

        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (input.TryGetProperty("Parameters", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in p.EnumerateObject())
            {
                parameters[property.Name] = property.Value.EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToList();
            }
        }

        if (!parameters.TryGetValue("commands", out var commands) || commands.Count == 0)
        {
            throw new AwsServiceError("InvalidParameters", "Parameter \"commands\" is required.");
        }

        var unknown = parameters.Keys.FirstOrDefault(k => k is not ("commands" or "workingDirectory" or "executionTimeout"));
        if (unknown is not null)
        {
            throw new AwsServiceError("InvalidParameters", $"Parameter \"{unknown}\" is not defined in the document.");
        }

        var maxConcurrency = OptionalString(input, "MaxConcurrency") ?? "50";
        var maxErrors = OptionalString(input, "MaxErrors") ?? "0";
        if (!ConcurrencyPattern().IsMatch(maxConcurrency))
        {
            throw Validation($"Value '{maxConcurrency}' at 'maxConcurrency' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$");
        }

        if (!ErrorsPattern().IsMatch(maxErrors))
        {
            throw Validation($"Value '{maxErrors}' at 'maxErrors' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$");
        }

        if (targets.Count > 0)
        {
            return SendToTargets(input, world, document, targets, parameters, maxConcurrency, maxErrors);
        }

        // Like SSM: malformed ids, and nodes that are not registered or Inactive, fail the whole call.
        var bad = ids.Where(id => !NodeIdPattern().IsMatch(id)
            || world.InstanceInformation.FirstOrDefault(i => i.InstanceId == id) is not { PingStatus: not "Inactive" }).ToList();
        if (bad.Count > 0)
        {
            throw new AwsServiceError("InvalidInstanceId", $"Instances [[{string.Join(", ", bad)}]] not in a valid state for account {world.AccountId}");
        }

        var command = NewCommand(input, world, document, parameters, maxConcurrency, maxErrors);
        command.InstanceIds = ids;
        command.Invocations.AddRange(ids.Select(id => Invoke(world, document, id)));
        world.Commands.Add(command);
        return new JsonObject { ["Command"] = CommandJson(command) };
    }

    /// <summary>
    /// Targets (tag:Name, tag-key, InstanceIds; at most 5, all must match): SSM resolves the managed nodes itself. An
    /// Online node runs the command as with ids; a node not Online stays Pending until the command's delivery timeout
    /// (TimeoutSeconds, default 3600) and then ends Delivery Timed Out. Nodes are resolved at send time.
    /// </summary>
    private static JsonObject SendToTargets(JsonElement input, World world, string document, List<(string Key, List<string> Values)> targets,
        Dictionary<string, List<string>> parameters, string maxConcurrency, string maxErrors)
    {
        if (targets.Count > 5)
        {
            throw Validation("Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5");
        }

        IEnumerable<InstanceInformation> nodes = world.InstanceInformation.Where(i => i.PingStatus != "Inactive");
        foreach (var (key, values) in targets)
        {
            nodes = key switch
            {
                "InstanceIds" => nodes.Where(i => values.Contains(i.InstanceId)),
                "tag-key" => nodes.Where(i => TagsOf(world, i.InstanceId).Keys.Any(values.Contains)),
                _ when key.StartsWith("tag:", StringComparison.Ordinal) && key.Length > 4 =>
                    nodes.Where(i => TagsOf(world, i.InstanceId).TryGetValue(key.Substring(4), out var tag) && values.Contains(tag)),
                _ => throw new AwsServiceError("InvalidParameters", $"Target key {key} is not supported (the emulator knows tag:<Name>, tag-key and InstanceIds)."),
            };
        }

        var selected = nodes.Select(i => i.InstanceId).ToList();
        var command = NewCommand(input, world, document, parameters, maxConcurrency, maxErrors);
        command.Targets = targets.Select(t => new KeyValuePair<string, List<string>>(t.Key, t.Values)).ToList();
        foreach (var id in selected)
        {
            var node = world.InstanceInformation.First(i => i.InstanceId == id);
            command.Invocations.Add(node.PingStatus == "Online"
                ? Invoke(world, document, id)
                : new CommandInvocationState { InstanceId = id, AwaitsDelivery = true, ResponseCode = -1 });
        }

        world.Commands.Add(command);
        return new JsonObject { ["Command"] = CommandJson(command) };
    }

    /// <summary>The command as SendCommand records it, before its nodes (ids or targets) and invocations.</summary>
    private static SentCommand NewCommand(JsonElement input, World world, string document, Dictionary<string, List<string>> parameters, string maxConcurrency, string maxErrors) => new()
    {
        CommandId = world.NewId(),
        DocumentName = document,
        Parameters = parameters,
        Comment = OptionalString(input, "Comment"),
        MaxConcurrency = maxConcurrency,
        MaxErrors = maxErrors,
        TimeoutSeconds = input.TryGetProperty("TimeoutSeconds", out var timeout) ? timeout.GetInt32() : null,
        OutputS3BucketName = OptionalString(input, "OutputS3BucketName"),
        OutputS3KeyPrefix = OptionalString(input, "OutputS3KeyPrefix"),
        RequestedDateTime = DateTime.UtcNow,
    };

    private static List<(string Key, List<string> Values)> TargetsOf(JsonElement input)
    {
        var list = new List<(string, List<string>)>();
        if (input.TryGetProperty("Targets", out var targets) && targets.ValueKind == JsonValueKind.Array)
        {
            foreach (var target in targets.EnumerateArray())
            {
                var key = OptionalString(target, "Key") ?? throw Validation("Value null at 'targets.member.key' failed to satisfy constraint: Member must not be null");
                var values = Strings(target, "Values");
                if (values.Count == 0)
                {
                    throw Validation("Value at 'targets.member.values' failed to satisfy constraint: Member must have length greater than or equal to 1");
                }

                list.Add((key, values));
            }
        }

        return list;
    }

    private static CommandInvocationState Invoke(World world, string document, string instanceId)
    {
        var node = world.InstanceInformation.First(i => i.InstanceId == instanceId);
        var script = world.CommandOutputs.FirstOrDefault(o => o.InstanceId == instanceId) ?? new CommandOutput { InstanceId = instanceId };
        var state = new CommandInvocationState { InstanceId = instanceId, PollsInProgress = script.PollsInProgress, UploadsToS3 = script.UploadsToS3 };
        var wantsWindows = document == "AWS-RunPowerShellScript";
        if (node.PingStatus != "Online")
        {
            (state.FinalStatus, state.FinalStatusDetails, state.ResponseCode) = ("Failed", "Undeliverable", -1);
        }
        else if (wantsWindows != string.Equals(node.PlatformType, "Windows", StringComparison.OrdinalIgnoreCase))
        {
            // What the agent answers when the document's plugin does not run on its platform.
            (state.FinalStatus, state.FinalStatusDetails, state.ResponseCode) = ("Failed", "Failed", 1);
            state.StandardError = $"{CommandDocuments[document]} is not supported on platform {node.PlatformType}.";
        }
        else
        {
            (state.FinalStatus, state.FinalStatusDetails) = script.Status switch
            {
                "Success" => ("Success", "Success"),
                "Failed" => ("Failed", "Failed"),
                "TimedOut" => ("TimedOut", "ExecutionTimedOut"),
                "Undeliverable" => ("Failed", "Undeliverable"),
                "Cancelled" => ("Cancelled", "Cancelled"),
                _ => throw new AwsServiceError("InternalServerError", $"World.CommandOutputs: unknown status {script.Status} for {instanceId}.", 500),
            };
            state.ResponseCode = script.ResponseCode ?? script.Status switch { "Success" => 0, "Failed" => 1, _ => -1 };
            state.StandardOutput = script.StandardOutput;
            state.StandardError = script.StandardError;
        }

        return state;
    }

    private static JsonObject ListCommandInvocations(JsonElement input, World world)
    {
        var commandId = OptionalString(input, "CommandId");
        var instanceId = OptionalString(input, "InstanceId");
        var max = input.TryGetProperty("MaxResults", out var m) ? m.GetInt32() : 50;
        if (max is < 1 or > 50)
        {
            throw Validation($"Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50 and greater than or equal to 1");
        }

        var details = input.TryGetProperty("Details", out var d) && d.GetBoolean();
        var commands = commandId is null ? world.Commands : world.Commands.Where(c => c.CommandId == commandId).ToList();
        if (commandId is not null && commands.Count == 0)
        {
            throw new AwsServiceError("InvalidCommandId", $"Command {commandId} does not exist.");
        }

        var rows = commands.SelectMany(c => c.Invocations.Where(i => instanceId is null || i.InstanceId == instanceId).Select(i => (Command: c, Invocation: i))).ToList();
        var page = Paging.Page(rows, "ListCommandInvocations" + commandId, max, OptionalString(input, "NextToken"),
            _ => new AwsServiceError("InvalidNextToken", "The specified token is not valid."), out var nextToken);
        var list = new JsonArray();
        foreach (var (command, invocation) in page)
        {
            invocation.Observed++;
            var (status, statusDetails) = StatusOf(command, invocation);
            var row = new JsonObject
            {
                ["CommandId"] = command.CommandId,
                ["InstanceId"] = invocation.InstanceId,
                ["DocumentName"] = command.DocumentName,
                ["DocumentVersion"] = "$DEFAULT",
                ["Comment"] = command.Comment ?? string.Empty,
                ["RequestedDateTime"] = Epoch(command.RequestedDateTime),
                ["Status"] = status,
                ["StatusDetails"] = statusDetails,
            };
            if (details)
            {
                // ListCommandInvocations shows at most 2,500 characters of a plugin's output.
                var output = invocation.Finished ? invocation.StandardOutput : string.Empty;
                row["CommandPlugins"] = new JsonArray(new JsonObject
                {
                    ["Name"] = CommandDocuments[command.DocumentName],
                    ["Status"] = status,
                    ["StatusDetails"] = statusDetails,
                    ["ResponseCode"] = invocation.Finished ? invocation.ResponseCode : -1,
                    ["Output"] = output.Length > 2_500 ? output.Substring(0, 2_500) : output,
                });
            }

            list.Add(row);
        }

        var result = new JsonObject { ["CommandInvocations"] = list };
        if (nextToken is not null)
        {
            result["NextToken"] = nextToken;
        }

        return result;
    }

    private static JsonObject GetCommandInvocation(JsonElement input, World world)
    {
        var commandId = OptionalString(input, "CommandId") ?? throw Validation("Value null at 'commandId' failed to satisfy constraint: Member must not be null");
        var instanceId = OptionalString(input, "InstanceId") ?? throw Validation("Value null at 'instanceId' failed to satisfy constraint: Member must not be null");
        var command = world.Commands.FirstOrDefault(c => c.CommandId == commandId);
        var invocation = command?.Invocations.FirstOrDefault(i => i.InstanceId == instanceId);
        if (command is null || invocation is null)
        {
            throw new AwsServiceError("InvocationDoesNotExist", "An error occurred (InvocationDoesNotExist) when calling the GetCommandInvocation operation");
        }

        var plugin = OptionalString(input, "PluginName");
        if (plugin is not null && plugin != CommandDocuments[command.DocumentName])
        {
            throw new AwsServiceError("InvalidPluginName", $"The plugin name {plugin} is not valid.");
        }

        invocation.Observed++;
        var (status, statusDetails) = StatusOf(command, invocation);
        var finished = invocation.Finished;
        var output = finished ? invocation.StandardOutput : string.Empty;
        var error = finished ? invocation.StandardError : string.Empty;
        var result = new JsonObject
        {
            ["CommandId"] = command.CommandId,
            ["InstanceId"] = instanceId,
            ["Comment"] = command.Comment ?? string.Empty,
            ["DocumentName"] = command.DocumentName,
            ["DocumentVersion"] = "$DEFAULT",
            ["PluginName"] = CommandDocuments[command.DocumentName],
            ["ResponseCode"] = finished ? invocation.ResponseCode : -1,
            ["Status"] = status,
            ["StatusDetails"] = statusDetails,
            ["StandardOutputContent"] = output.Length > MaxOutputChars ? output.Substring(0, MaxOutputChars) : output,
            ["StandardErrorContent"] = error.Length > MaxErrorChars ? error.Substring(0, MaxErrorChars) : error,
            ["StandardOutputUrl"] = S3Url(world, command, instanceId, "stdout"),
            ["StandardErrorUrl"] = S3Url(world, command, instanceId, "stderr"),
        };
        return result;
    }

    private static (string Status, string Details) StatusOf(SentCommand command, CommandInvocationState invocation) =>
        invocation.AwaitsDelivery
            ? DateTime.UtcNow >= command.RequestedDateTime.AddSeconds(command.TimeoutSeconds ?? 3600) ? ("TimedOut", "DeliveryTimedOut") : ("Pending", "Pending")
            : invocation.Finished ? (invocation.FinalStatus, invocation.FinalStatusDetails) : ("InProgress", "InProgress");

    /// <summary>The S3 key Run Command writes a stream to: prefix/CommandId/InstanceId/awsrunShellScript/0.awsrunShellScript/stdout.</summary>
    internal static string S3Key(SentCommand command, string instanceId, string stream)
    {
        var plugin = CommandDocuments[command.DocumentName].Replace(":", string.Empty, StringComparison.Ordinal);
        var prefix = string.IsNullOrEmpty(command.OutputS3KeyPrefix) ? string.Empty : command.OutputS3KeyPrefix.TrimEnd('/') + "/";
        return $"{prefix}{command.CommandId}/{instanceId}/{plugin}/0.{plugin}/{stream}";
    }

    private static string S3Url(World world, SentCommand command, string instanceId, string stream)
    {
        if (command.OutputS3BucketName is null)
        {
            return string.Empty;
        }

        var plugin = CommandDocuments[command.DocumentName].Replace(":", string.Empty, StringComparison.Ordinal);
        var prefix = string.IsNullOrEmpty(command.OutputS3KeyPrefix) ? string.Empty : command.OutputS3KeyPrefix.TrimEnd('/') + "/";
        return $"https://s3.{world.Region}.amazonaws.com/{command.OutputS3BucketName}/{prefix}{command.CommandId}/{instanceId}/{plugin}/0.{plugin}/{stream}";
    }

    private static JsonObject CommandJson(SentCommand command)
    {
        var parameters = new JsonObject();
        foreach (var (name, values) in command.Parameters)
        {
            parameters[name] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        }

        var o = new JsonObject
        {
            ["CommandId"] = command.CommandId,
            ["DocumentName"] = command.DocumentName,
            ["DocumentVersion"] = "$DEFAULT",
            ["Comment"] = command.Comment ?? string.Empty,
            ["InstanceIds"] = new JsonArray(command.InstanceIds.Select(id => (JsonNode)JsonValue.Create(id)!).ToArray()),
            ["Targets"] = new JsonArray(command.Targets.Select(t => (JsonNode)new JsonObject
            {
                ["Key"] = t.Key,
                ["Values"] = new JsonArray(t.Value.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            }).ToArray()),
            ["Parameters"] = parameters,
            ["RequestedDateTime"] = Epoch(command.RequestedDateTime),
            ["Status"] = "Pending",
            ["StatusDetails"] = "Pending",
            ["MaxConcurrency"] = command.MaxConcurrency,
            ["MaxErrors"] = command.MaxErrors,
            ["TargetCount"] = command.Invocations.Count,
            ["CompletedCount"] = 0,
            ["ErrorCount"] = 0,
            ["DeliveryTimedOutCount"] = 0,
        };
        if (command.OutputS3BucketName is not null)
        {
            o["OutputS3BucketName"] = command.OutputS3BucketName;
            o["OutputS3KeyPrefix"] = command.OutputS3KeyPrefix ?? string.Empty;
        }

        return o;
    }

    private static string? OptionalString(JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;


    [GeneratedRegex("^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$")]
    private static partial Regex ConcurrencyPattern();

    [GeneratedRegex("^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$")]
    private static partial Regex ErrorsPattern();
}
