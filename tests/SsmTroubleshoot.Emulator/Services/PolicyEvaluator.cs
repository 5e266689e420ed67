using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>One SimulatePrincipalPolicy result.</summary>
internal sealed record Evaluation(string Action, string Resource, string Decision, List<(string PolicyId, string PolicyType)> Matched, List<string> MissingContextKeys);

/// <summary>
/// IAM identity-policy evaluation as the simulator does it without context: an explicit Deny wins, then any Allow,
/// else implicit deny. Statements with a Condition cannot match without context values; their keys are reported missing.
/// </summary>
internal static class PolicyEvaluator
{
    public static Evaluation Evaluate(string action, string resource, IEnumerable<(string Id, string Type, JsonNode? Document)> policies)
    {
        var allows = new List<(string, string)>();
        var denies = new List<(string, string)>();
        var missing = new List<string>();
        foreach (var (id, type, document) in policies)
        {
            foreach (var statement in Statements(document))
            {
                if (!Matches(statement, "Action", "NotAction", action, ignoreCase: true) || !Matches(statement, "Resource", "NotResource", resource, ignoreCase: false))
                {
                    continue;
                }

                if (statement["Condition"] is JsonObject condition)
                {
                    missing.AddRange(condition.SelectMany(op => op.Value is JsonObject keys ? keys.Select(k => k.Key) : []).Where(k => !missing.Contains(k)));
                    continue;
                }

                var effect = statement["Effect"]?.GetValue<string>();
                (string.Equals(effect, "Deny", StringComparison.Ordinal) ? denies : allows).Add((id, type));
            }
        }

        return denies.Count > 0 ? new Evaluation(action, resource, "explicitDeny", denies, missing)
            : allows.Count > 0 ? new Evaluation(action, resource, "allowed", allows, missing)
            : new Evaluation(action, resource, "implicitDeny", new(), missing);
    }

    private static IEnumerable<JsonObject> Statements(JsonNode? document)
    {
        if (document is JsonValue text && text.TryGetValue<string>(out var json))
        {
            document = JsonNode.Parse(json);
        }

        return document?["Statement"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject single => [single],
            _ => [],
        };
    }

    private static bool Matches(JsonObject statement, string positive, string negative, string value, bool ignoreCase)
    {
        if (statement[positive] is { } list)
        {
            return Values(list).Any(p => Wildcard.IsMatch(p, value, ignoreCase));
        }

        return statement[negative] is { } notList && !Values(notList).Any(p => Wildcard.IsMatch(p, value, ignoreCase));
    }

    private static IEnumerable<string> Values(JsonNode node) => node switch
    {
        JsonArray array => array.Select(v => v?.GetValue<string>() ?? string.Empty),
        _ => [node.GetValue<string>()],
    };
}
