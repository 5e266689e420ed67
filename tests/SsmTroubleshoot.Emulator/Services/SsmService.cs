using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>SSM JSON 1.1 API (X-Amz-Target: AmazonSSM.Operation): {"__type","message"} errors, NextToken paging.</summary>
internal sealed partial class SsmService : IAwsService
{
    private const string ContentType = "application/x-amz-json-1.1";
    private static readonly string[] PingStatuses = ["Online", "ConnectionLost", "Inactive"];
    private static readonly string[] ResourceTypes = ["EC2Instance", "ManagedInstance"];

    public string Name => "ssm";

    public AwsServiceError Throttling() => new("ThrottlingException", "Rate exceeded", 400);

    public AwsServiceError ServerError() => new("InternalServerError", "An internal error occurred.", 500);

    public AwsServiceError AccessDenied(AwsRequest request, World world) => new(
        "AccessDeniedException",
        $"User: {world.CallerFor(request.AccessKeyId).Arn} is not authorized to perform: {request.Key} on resource: arn:aws:ssm:{world.Region}:{world.AccountId}:* because no identity-based policy allows the {request.Key} action",
        400);

    public AwsResponse RenderError(AwsServiceError error, string requestId)
    {
        var body = new JsonObject { ["__type"] = error.Code, ["message"] = error.Message };
        return new AwsResponse(error.Status, ContentType, body.ToJsonString());
    }

    public AwsResponse Handle(AwsRequest request, World world)
    {
        var input = request.Json ?? default;
        if (!Operations.TryGetValue(request.Operation, out var operation))
        {
            throw new AwsServiceError("UnknownOperationException", $"Operation {request.Operation} is not supported by the emulator.");
        }

        return new AwsResponse(200, ContentType, operation(input, world).ToJsonString());
    }

    // Operations by name; each area (automation, Run Command) registers its own in a partial file of this class.
    private static readonly Dictionary<string, Func<JsonElement, World, JsonObject>> Operations = CreateOperations();

    private static Dictionary<string, Func<JsonElement, World, JsonObject>> CreateOperations()
    {
        var operations = new Dictionary<string, Func<JsonElement, World, JsonObject>>(StringComparer.Ordinal)
        {
            ["DescribeInstanceInformation"] = DescribeInstanceInformation,
            ["GetServiceSetting"] = GetServiceSetting,
            ["DescribeActivations"] = DescribeActivations,
        };
        RegisterAutomationOperations(operations);
        RegisterCommandOperations(operations);
        return operations;
    }

    /// <summary>Documents and automation executions (Services/SsmService.Automation.cs).</summary>
    static partial void RegisterAutomationOperations(Dictionary<string, Func<JsonElement, World, JsonObject>> operations);

    /// <summary>Run Command: SendCommand, ListCommandInvocations, GetCommandInvocation (Services/SsmService.Commands.cs).</summary>
    static partial void RegisterCommandOperations(Dictionary<string, Func<JsonElement, World, JsonObject>> operations);

    /// <summary>SSM's ValidationException, shared by every area's operations.</summary>
    private static AwsServiceError Validation(string message) => new("ValidationException", "1 validation error detected: " + message);

    internal static double Epoch(DateTime time) => (time.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;

    private static JsonObject DescribeInstanceInformation(JsonElement input, World world)
    {
        var filters = new List<(string Key, List<string> Values)>();
        if (input.TryGetProperty("InstanceInformationFilterList", out var legacy))
        {
            filters.AddRange(legacy.EnumerateArray().Select(f => (f.GetProperty("key").GetString() ?? string.Empty, Strings(f, "valueSet"))));
        }

        if (input.TryGetProperty("Filters", out var modern))
        {
            if (filters.Count > 0)
            {
                throw new AwsServiceError("InvalidFilter", "InstanceInformationFilterList and Filters cannot be used together.");
            }

            filters.AddRange(modern.EnumerateArray().Select(f => (f.GetProperty("Key").GetString() ?? string.Empty, Strings(f, "Values"))));
        }

        var max = input.TryGetProperty("MaxResults", out var m) ? m.GetInt32() : (int?)null;
        if (max is not null && (max < 5 || max > 50))
        {
            throw new AwsServiceError("ValidationException", $"1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50 and greater than or equal to 5");
        }

        IEnumerable<InstanceInformation> items = world.InstanceInformation;
        foreach (var (key, values) in filters)
        {
            if (values.Count == 0)
            {
                throw new AwsServiceError("InvalidInstanceInformationFilterValue", $"The filter {key} requires at least one value.");
            }

            items = key switch
            {
                "InstanceIds" => FilterIds(items, values),
                "PingStatus" => FilterValues(items, values, PingStatuses, key, i => i.PingStatus),
                "ResourceType" => FilterValues(items, values, ResourceTypes, key, i => i.EffectiveResourceType),
                "PlatformTypes" => items.Where(i => values.Contains(i.PlatformType, StringComparer.OrdinalIgnoreCase)),
                "AgentVersion" => items.Where(i => values.Contains(i.AgentVersion)),
                "IamRole" => items.Where(i => values.Contains(i.IamRole ?? string.Empty)),
                "AssociationStatus" => items.Where(i => values.Contains(i.AssociationStatus ?? string.Empty)),
                "tag-key" => items.Where(i => TagsOf(world, i.InstanceId).Keys.Any(values.Contains)),
                _ when key.StartsWith("tag:", StringComparison.Ordinal) =>
                    items.Where(i => TagsOf(world, i.InstanceId).TryGetValue(key.Substring(4), out var tag) && values.Contains(tag)),
                _ => throw new AwsServiceError("InvalidFilterKey", $"The filter key {key} is not valid."),
            };
        }

        var token = input.TryGetProperty("NextToken", out var t) ? t.GetString() : null;
        var page = Paging.Page(items.ToList(), "DescribeInstanceInformation", max ?? 50, token,
            _ => new AwsServiceError("InvalidNextToken", "The specified token is not valid."), out var nextToken);
        var list = new JsonArray(page.Select(i => (JsonNode)Information(i)).ToArray());
        var result = new JsonObject { ["InstanceInformationList"] = list };
        if (nextToken is not null)
        {
            result["NextToken"] = nextToken;
        }

        return result;
    }

    private static IEnumerable<InstanceInformation> FilterIds(IEnumerable<InstanceInformation> items, List<string> ids)
    {
        var bad = ids.FirstOrDefault(id => !NodeIdPattern().IsMatch(id));
        if (bad is not null)
        {
            throw new AwsServiceError("InvalidInstanceId", $"Invalid instance id: {bad}");
        }

        return items.Where(i => ids.Contains(i.InstanceId));
    }

    private static IEnumerable<InstanceInformation> FilterValues(IEnumerable<InstanceInformation> items, List<string> values, string[] allowed, string key, Func<InstanceInformation, string> field)
    {
        if (key == "ResourceType" && values.Count > 1)
        {
            throw new AwsServiceError("InvalidInstanceInformationFilterValue", "ResourceType filter may contain only one value.");
        }

        if (values.Any(v => !allowed.Contains(v)))
        {
            throw new AwsServiceError("InvalidInstanceInformationFilterValue", $"{key} filter is invalid, valid values are {string.Join(", ", allowed)}");
        }

        return items.Where(i => values.Contains(field(i)));
    }

    /// <summary>DescribeActivations: ActivationIds / DefaultInstanceName / IamRole filters, MaxResults (1-50) and NextToken.</summary>
    private static JsonObject DescribeActivations(JsonElement input, World world)
    {
        IEnumerable<Activation> items = world.Activations;
        if (input.TryGetProperty("Filters", out var filters))
        {
            foreach (var f in filters.EnumerateArray())
            {
                var key = f.GetProperty("FilterKey").GetString();
                var values = Strings(f, "FilterValues");
                Func<Activation, string?> field = key switch
                {
                    "ActivationIds" => a => a.ActivationId,
                    "DefaultInstanceName" => a => a.DefaultInstanceName,
                    "IamRole" => a => a.IamRole,
                    _ => throw new AwsServiceError("InvalidFilter", $"The filter key {key} is not valid."),
                };
                items = items.Where(a => values.Contains(field(a) ?? string.Empty, StringComparer.Ordinal));
            }
        }

        var max = input.TryGetProperty("MaxResults", out var m) ? m.GetInt32() : (int?)null;
        if (max is not null && (max < 1 || max > 50))
        {
            throw Validation($"Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50 and greater than or equal to 1");
        }

        var page = Paging.Page(items.ToList(), "DescribeActivations", max, input.TryGetProperty("NextToken", out var t) ? t.GetString() : null,
            token => new AwsServiceError("InvalidNextToken", "The specified token is not valid."), out var next);
        var list = new JsonArray();
        foreach (var a in page)
        {
            var o = new JsonObject
            {
                ["ActivationId"] = a.ActivationId,
                ["IamRole"] = a.IamRole,
                ["RegistrationLimit"] = a.RegistrationLimit,
                ["RegistrationsCount"] = a.RegistrationsCount,
                ["ExpirationDate"] = Epoch(a.ExpirationDate),
                ["Expired"] = a.Expired || a.ExpirationDate <= DateTime.UtcNow,
                ["CreatedDate"] = Epoch(a.CreatedDate),
            };
            Add(o, "Description", a.Description);
            Add(o, "DefaultInstanceName", a.DefaultInstanceName);
            list.Add(o);
        }

        var result = new JsonObject { ["ActivationList"] = list };
        Add(result, "NextToken", next);
        return result;
    }

    private static JsonObject Information(InstanceInformation i)
    {
        var o = new JsonObject
        {
            ["InstanceId"] = i.InstanceId,
            ["PingStatus"] = i.PingStatus,
            ["LastPingDateTime"] = Epoch(i.LastPingDateTime),
            ["AgentVersion"] = i.AgentVersion,
            ["IsLatestVersion"] = i.IsLatestVersion,
            ["PlatformType"] = i.PlatformType,
            ["PlatformName"] = i.PlatformName,
            ["PlatformVersion"] = i.PlatformVersion,
            ["ResourceType"] = i.EffectiveResourceType,
        };
        Add(o, "IPAddress", i.IpAddress);
        Add(o, "ComputerName", i.ComputerName);
        Add(o, "IamRole", i.IamRole);
        Add(o, "AssociationStatus", i.AssociationStatus);
        Add(o, "SourceId", i.SourceId);
        Add(o, "SourceType", i.SourceType);
        Add(o, "ActivationId", i.ActivationId);
        if (i.RegistrationDate is { } registered)
        {
            o["RegistrationDate"] = Epoch(registered);
        }

        return o;
    }

    private static JsonObject GetServiceSetting(JsonElement input, World world)
    {
        var id = input.TryGetProperty("SettingId", out var s) ? s.GetString() : null;
        if (string.IsNullOrEmpty(id))
        {
            throw new AwsServiceError("ValidationException", "1 validation error detected: Value null at 'settingId' failed to satisfy constraint: Member must not be null");
        }

        // The setting id may be the path or the full ARN (arn:aws:ssm:region:account:servicesetting/path).
        var path = id.StartsWith("arn:", StringComparison.Ordinal) ? id.Substring(id.IndexOf(":servicesetting", StringComparison.Ordinal) + 15) : id;
        var setting = world.ServiceSettings.FirstOrDefault(x => x.SettingId == path);
        if (setting is null)
        {
            if (!path.StartsWith("/ssm/", StringComparison.Ordinal))
            {
                throw new AwsServiceError("ServiceSettingNotFound", $"The service setting {id} does not exist.");
            }

            // Every known setting has a default; an unset one reads as Default with an empty value.
            setting = new ServiceSetting { SettingId = path, SettingValue = path.EndsWith("default-ec2-instance-management-role", StringComparison.Ordinal) ? string.Empty : "false", Status = "Default" };
        }

        return new JsonObject
        {
            ["ServiceSetting"] = new JsonObject
            {
                ["SettingId"] = setting.SettingId,
                ["SettingValue"] = setting.SettingValue,
                ["LastModifiedDate"] = Epoch(setting.LastModifiedDate),
                ["LastModifiedUser"] = setting.LastModifiedUser,
                ["ARN"] = $"arn:aws:ssm:{world.Region}:{world.AccountId}:servicesetting{setting.SettingId}",
                ["Status"] = setting.Status,
            },
        };
    }

    // Tag filters read the EC2 instance's tags (hybrid nodes have none in the emulator).
    private static Dictionary<string, string> TagsOf(World world, string instanceId) =>
        world.Instances.FirstOrDefault(i => i.InstanceId == instanceId)?.Tags ?? new Dictionary<string, string>();

    private static void Add(JsonObject o, string name, string? value)
    {
        if (value is not null)
        {
            o[name] = value;
        }
    }

    private static List<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var values) ? values.EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToList() : new List<string>();

    [GeneratedRegex("^(i|mi)-[0-9a-f]{8,17}$")]
    private static partial Regex NodeIdPattern();
}
