using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SsmTroubleshoot.Iam;

/// <summary>A role's trust policy, read for one question: may this service principal assume the role?</summary>
public static class TrustPolicy
{
    /// <summary>
    /// True when an Allow statement names the service (Principal.Service, string or list, or Principal "*") for
    /// sts:AssumeRole (or sts:*, *) and no Deny statement names it. Conditions are not evaluated (allowed as written).
    /// </summary>
    public static bool AllowsService(string document, string servicePrincipal, out IReadOnlyList<string> trusted)
    {
        var json = document.TrimStart();
        if (json.Length > 0 && json[0] != '{' && json.IndexOf('%') >= 0)
        {
            json = Uri.UnescapeDataString(json);
        }

        var services = new List<string>();
        trusted = services;
        bool allowed = false, denied = false;
        try
        {
            using var parsed = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
            if (!parsed.RootElement.TryGetProperty("Statement", out var statements))
            {
                return false;
            }

            foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToArray() : new[] { statements })
            {
                var actions = Values(statement, "Action");
                if (!actions.Any(a => a == "*" || string.Equals(a, "sts:*", StringComparison.OrdinalIgnoreCase) || string.Equals(a, "sts:AssumeRole", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                var names = statement.TryGetProperty("Principal", out var principal)
                    ? principal.ValueKind == JsonValueKind.String ? new List<string> { principal.GetString() ?? string.Empty } : Values(principal, "Service")
                    : new List<string>();
                var matches = names.Any(n => n == "*" || string.Equals(n, servicePrincipal, StringComparison.OrdinalIgnoreCase));
                var effect = statement.TryGetProperty("Effect", out var e) ? e.GetString() : null;
                if (effect == "Allow")
                {
                    services.AddRange(names.Where(n => !services.Contains(n)));
                    allowed |= matches;
                }
                else if (effect == "Deny")
                {
                    denied |= matches;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The trust policy is not valid JSON: " + ex.Message, ex);
        }

        return allowed && !denied;
    }

    private static List<string> Values(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return new List<string>();
        }

        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString() ?? string.Empty).ToList()
            : value.ValueKind == JsonValueKind.String ? new List<string> { value.GetString() ?? string.Empty } : new List<string>();
    }
}
