using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SsmTroubleshoot.Automation;

/// <summary>One input parameter of an Automation document.</summary>
public sealed class RunbookParameter
{
    internal RunbookParameter(
        string name,
        string type,
        string? description,
        bool hasDefault,
        object? defaultValue,
        IReadOnlyList<string> allowedValues,
        string? allowedPattern,
        int? minItems,
        int? maxItems,
        int? minChars,
        int? maxChars)
    {
        Name = name;
        Type = type;
        Description = description;
        HasDefault = hasDefault;
        Default = defaultValue;
        AllowedValues = allowedValues;
        AllowedPattern = allowedPattern;
        MinItems = minItems;
        MaxItems = maxItems;
        MinChars = minChars;
        MaxChars = maxChars;
    }

    public string Name { get; }

    /// <summary>As written in the document: String, StringList, Integer, Boolean, MapList, StringMap, AWS::...</summary>
    public string Type { get; }

    public string? Description { get; }

    /// <summary>SSM rule: a parameter without a default is required.</summary>
    public bool Required => !HasDefault;

    public bool HasDefault { get; }

    /// <summary>string, long, bool, IReadOnlyList of those, or a map (as parsed from the document).</summary>
    public object? Default { get; }

    public IReadOnlyList<string> AllowedValues { get; }

    public string? AllowedPattern { get; }

    public int? MinItems { get; }

    public int? MaxItems { get; }

    public int? MinChars { get; }

    public int? MaxChars { get; }

    public override string ToString() => $"{Name} ({Type}{(Required ? ", required" : string.Empty)})";
}

/// <summary>One step of mainSteps (name, action and flow fields).</summary>
public sealed class RunbookStep
{
    internal RunbookStep(string name, string action, bool isEnd, string? onFailure, string? nextStep, bool? isCritical, int? timeoutSeconds)
    {
        Name = name;
        Action = action;
        IsEnd = isEnd;
        OnFailure = onFailure;
        NextStep = nextStep;
        IsCritical = isCritical;
        TimeoutSeconds = timeoutSeconds;
    }

    public string Name { get; }

    public string Action { get; }

    public bool IsEnd { get; }

    public string? OnFailure { get; }

    public string? NextStep { get; }

    public bool? IsCritical { get; }

    public int? TimeoutSeconds { get; }

    public override string ToString() => $"{Name} ({Action})";
}

/// <summary>What DescribeDocument adds to the content (versions, owner, status); all optional.</summary>
public sealed class RunbookDocumentMetadata
{
    public string? Name { get; init; }

    public string? DocumentVersion { get; init; }

    public string? DefaultVersion { get; init; }

    public string? LatestVersion { get; init; }

    public string? Owner { get; init; }

    public string? Description { get; init; }

    public string? Status { get; init; }

    public IReadOnlyList<string> PlatformTypes { get; init; } = Array.Empty<string>();
}

/// <summary>An SSM Automation document (schemaVersion 0.3) parsed from GetDocument's JSON content.</summary>
public sealed class RunbookDocument
{
    private RunbookDocument(
        string name,
        RunbookDocumentMetadata? metadata,
        string? description,
        string? schemaVersion,
        string? assumeRoleParameter,
        IReadOnlyList<RunbookParameter> parameters,
        IReadOnlyList<RunbookStep> steps,
        IReadOnlyList<string> outputs)
    {
        Name = name;
        DocumentVersion = metadata?.DocumentVersion;
        DefaultVersion = metadata?.DefaultVersion;
        LatestVersion = metadata?.LatestVersion;
        Owner = metadata?.Owner;
        Status = metadata?.Status;
        PlatformTypes = metadata?.PlatformTypes ?? Array.Empty<string>();
        Description = description ?? metadata?.Description;
        SchemaVersion = schemaVersion;
        AssumeRoleParameter = assumeRoleParameter;
        Parameters = parameters;
        Steps = steps;
        Outputs = outputs;
    }

    public string Name { get; }

    public string? DocumentVersion { get; }

    public string? DefaultVersion { get; }

    public string? LatestVersion { get; }

    public string? Owner { get; }

    public string? Status { get; }

    public IReadOnlyList<string> PlatformTypes { get; }

    public string? Description { get; }

    public string? SchemaVersion { get; }

    /// <summary>The parameter named by the document's assumeRole ("{{ AutomationAssumeRole }}"), if any.</summary>
    public string? AssumeRoleParameter { get; }

    public IReadOnlyList<RunbookParameter> Parameters { get; }

    public IReadOnlyList<RunbookStep> Steps { get; }

    public IReadOnlyList<string> Outputs { get; }

    public CatalogRunbook? Catalog => RunbookCatalog.Find(Name);

    public RunbookParameter? FindParameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The parameter -InstanceId maps to: the catalog's choice, else InstanceId / UnreachableInstanceId, else the
    /// first parameter typed as an EC2 instance id.
    /// </summary>
    public string? InstanceParameterName
    {
        get
        {
            var catalog = Catalog?.InstanceParameterName;
            if (catalog is not null && FindParameter(catalog) is not null)
            {
                return catalog;
            }

            foreach (var candidate in new[] { "InstanceId", "UnreachableInstanceId" })
            {
                if (FindParameter(candidate) is not null)
                {
                    return candidate;
                }
            }

            return Parameters.FirstOrDefault(p => p.Type.IndexOf("AWS::EC2::Instance::Id", StringComparison.Ordinal) >= 0)?.Name;
        }
    }

    /// <summary>Parses GetDocument content (JSON). Throws InvalidDataException naming the document when it is not a runbook.</summary>
    public static RunbookDocument Parse(string name, string content, RunbookDocumentMetadata? metadata = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A document name is required.", nameof(name));
        }

        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Document '{name}' is not JSON (ask GetDocument for DocumentFormat JSON): {ex.Message}", ex);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"Document '{name}' content is not a JSON object.");
            }

            var parameters = new List<RunbookParameter>();
            if (root.TryGetProperty("parameters", out var parametersElement) && parametersElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in parametersElement.EnumerateObject())
                {
                    parameters.Add(ParseParameter(name, property));
                }
            }

            var steps = new List<RunbookStep>();
            if (root.TryGetProperty("mainSteps", out var stepsElement) && stepsElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var step in stepsElement.EnumerateArray())
                {
                    if (step.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    steps.Add(new RunbookStep(
                        GetString(step, "name") ?? string.Empty,
                        GetString(step, "action") ?? string.Empty,
                        GetBool(step, "isEnd") ?? false,
                        GetString(step, "onFailure"),
                        GetString(step, "nextStep"),
                        GetBool(step, "isCritical"),
                        GetInt(step, "timeoutSeconds")));
                }
            }

            var outputs = new List<string>();
            if (root.TryGetProperty("outputs", out var outputsElement) && outputsElement.ValueKind == JsonValueKind.Array)
            {
                outputs.AddRange(outputsElement.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!));
            }

            return new RunbookDocument(
                metadata?.Name ?? name,
                metadata,
                GetString(root, "description"),
                GetString(root, "schemaVersion"),
                ParameterReference(GetString(root, "assumeRole")),
                parameters,
                steps,
                outputs);
        }
    }

    private static RunbookParameter ParseParameter(string documentName, JsonProperty property)
    {
        var p = property.Value;
        if (p.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Document '{documentName}': parameter '{property.Name}' is not an object.");
        }

        var type = GetString(p, "type");
        if (string.IsNullOrEmpty(type))
        {
            throw new InvalidDataException($"Document '{documentName}': parameter '{property.Name}' has no type.");
        }

        var hasDefault = p.TryGetProperty("default", out var defaultElement);
        var allowed = p.TryGetProperty("allowedValues", out var allowedElement) && allowedElement.ValueKind == JsonValueKind.Array
            ? allowedElement.EnumerateArray().Select(ScalarText).Where(v => v is not null).Select(v => v!).ToList()
            : new List<string>();

        return new RunbookParameter(
            property.Name,
            type!,
            GetString(p, "description"),
            hasDefault,
            hasDefault ? ToValue(defaultElement) : null,
            allowed,
            GetString(p, "allowedPattern"),
            GetInt(p, "minItems"),
            GetInt(p, "maxItems"),
            GetInt(p, "minChars"),
            GetInt(p, "maxChars"));
    }

    /// <summary>"{{ AutomationAssumeRole }}" -> "AutomationAssumeRole"; anything else (a literal ARN) -> null.</summary>
    private static string? ParameterReference(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var t = text.Trim();
        if (t.StartsWith("{{", StringComparison.Ordinal) && t.EndsWith("}}", StringComparison.Ordinal))
        {
            var inner = t.Substring(2, t.Length - 4).Trim();
            return inner.Length == 0 || inner.IndexOf('.') >= 0 ? null : inner;
        }

        return null;
    }

    internal static object? ToValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var l) ? l : (object)element.GetDouble(); // keep integers as long
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(ToValue).ToList();
            case JsonValueKind.Object:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = ToValue(property.Value);
                }

                return map;
            default:
                return null;
        }
    }

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? GetBool(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
            _ => null,
        };
    }

    private static int? GetInt(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i))
        {
            return i;
        }

        return value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }
}
