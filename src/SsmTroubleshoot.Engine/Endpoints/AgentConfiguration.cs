using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace SsmTroubleshoot.Endpoints;

/// <summary>The parts of amazon-ssm-agent.json that decide where the agent connects.</summary>
public sealed class AgentConfiguration
{
    private static readonly Dictionary<string, string> OverrideKeys = new(StringComparer.Ordinal)
    {
        ["ssm"] = "Ssm.Endpoint",
        ["ec2messages"] = "Mds.Endpoint",
        ["ssmmessages"] = "Mgs.Endpoint",
        ["s3"] = "S3.Endpoint",
        ["kms"] = "Kms.Endpoint",
    };

    internal AgentConfiguration(string? path) => Path = path;

    /// <summary>The file read, or null when none exists (the agent then uses its defaults).</summary>
    public string? Path { get; }

    public string? Region { get; private set; }

    public string? ServiceDomain { get; private set; }

    /// <summary>Service name -> configured endpoint (host, host:port or URL).</summary>
    public IReadOnlyDictionary<string, string> EndpointOverrides => _overrides;

    private readonly Dictionary<string, string> _overrides = new(StringComparer.Ordinal);

    internal string OverrideKeyFor(string service) => OverrideKeys.TryGetValue(service, out var key) ? key : service;

    /// <summary>The agent's default config location on the inspected machine.</summary>
    public static string DefaultPath(bool windows) =>
        windows ? @"C:\Program Files\Amazon\SSM\amazon-ssm-agent.json" : "/etc/amazon/ssm/amazon-ssm-agent.json";

    /// <summary>Parses the agent's JSON config. Throws InvalidDataException when it is not valid JSON.</summary>
    public static AgentConfiguration Parse(string json, string? path)
    {
        var config = new AgentConfiguration(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The agent configuration '" + path + "' is not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The agent configuration '" + path + "' is not a JSON object.");
            }

            config.Region = Read(document.RootElement, "Agent", "Region");
            config.ServiceDomain = Read(document.RootElement, "Agent", "ServiceDomain");
            foreach (var pair in OverrideKeys)
            {
                var dot = pair.Value.IndexOf('.');
                var value = Read(document.RootElement, pair.Value.Substring(0, dot), pair.Value.Substring(dot + 1));
                if (value is not null)
                {
                    config._overrides[pair.Key] = value;
                }
            }
        }

        return config;
    }

    /// <summary>Reads an explicit path (must exist) or the default location under the file-system root (may be absent).</summary>
    public static AgentConfiguration Load(string? explicitPath, HostFileSystem fileSystem, bool windows)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (!File.Exists(explicitPath))
            {
                throw new FileNotFoundException("The agent configuration file '" + explicitPath + "' does not exist.", explicitPath);
            }

            return Parse(File.ReadAllText(explicitPath), explicitPath);
        }

        var machinePath = DefaultPath(windows);
        var text = fileSystem.TryReadText(machinePath);
        return text is null ? new AgentConfiguration(null) : Parse(text, machinePath);
    }

    private static string? Read(JsonElement root, string section, string key)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!string.Equals(property.Name, section, StringComparison.OrdinalIgnoreCase) || property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var inner in property.Value.EnumerateObject())
            {
                if (string.Equals(inner.Name, key, StringComparison.OrdinalIgnoreCase) && inner.Value.ValueKind == JsonValueKind.String)
                {
                    var value = inner.Value.GetString();
                    return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
                }
            }
        }

        return null;
    }
}
