using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SsmTroubleshoot.Iam;

public enum StatementEffect
{
    Allow = 0,
    Deny,
}

/// <summary>One statement of an identity policy; Principal is ignored (identity policies have none).</summary>
public sealed class PolicyStatement
{
    internal PolicyStatement(int index, string? sid, StatementEffect effect, IReadOnlyList<string> actions, IReadOnlyList<string> notActions,
        IReadOnlyList<string> resources, IReadOnlyList<string> notResources, bool hasCondition, bool hasPrincipalRestriction = false)
    {
        HasPrincipalRestriction = hasPrincipalRestriction;
        Index = index;
        Sid = sid;
        Effect = effect;
        Actions = actions;
        NotActions = notActions;
        Resources = resources;
        NotResources = notResources;
        HasCondition = hasCondition;
    }

    /// <summary>Position in the document, so a statement without Sid can still be named.</summary>
    public int Index { get; }

    public string? Sid { get; }

    public StatementEffect Effect { get; }

    public IReadOnlyList<string> Actions { get; }

    public IReadOnlyList<string> NotActions { get; }

    public IReadOnlyList<string> Resources { get; }

    public IReadOnlyList<string> NotResources { get; }

    /// <summary>A Condition block: we cannot know the request context, so such a statement "may not apply".</summary>
    public bool HasCondition { get; }

    /// <summary>Resource policies (VPC endpoint policies): a Principal other than "*" or a NotPrincipal may not match the caller.</summary>
    public bool HasPrincipalRestriction { get; }

    /// <summary>Whether the statement may not apply to the request for reasons we cannot see (Condition, Principal).</summary>
    public bool IsConditional => HasCondition || HasPrincipalRestriction;

    public string Name => string.IsNullOrEmpty(Sid) ? "statement #" + (Index + 1).ToString(CultureInfo.InvariantCulture) : "statement '" + Sid + "'";

    /// <summary>Action (or NotAction) matches: IAM action names are case-insensitive and take * and ? wildcards.</summary>
    public bool MatchesAction(string action)
    {
        if (NotActions.Count > 0)
        {
            return !AnyMatch(NotActions, action, ignoreCase: true);
        }

        return AnyMatch(Actions, action, ignoreCase: true);
    }

    /// <summary>Resource (or NotResource) matches: ARNs are case-sensitive and take * and ? wildcards.</summary>
    public bool MatchesResource(string resource)
    {
        if (NotResources.Count > 0)
        {
            return !AnyMatch(NotResources, resource, ignoreCase: false);
        }

        return Resources.Count == 0 || AnyMatch(Resources, resource, ignoreCase: false);
    }

    private static bool AnyMatch(IReadOnlyList<string> patterns, string value, bool ignoreCase)
    {
        foreach (var pattern in patterns)
        {
            if (Wildcard.IsMatch(pattern, value, ignoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A parsed IAM policy document.</summary>
public sealed class PolicyDocument
{
    private PolicyDocument(IReadOnlyList<PolicyStatement> statements)
    {
        Statements = statements;
    }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Parses a JSON policy; IAM returns documents URL-encoded, which is accepted too.</summary>
    public static PolicyDocument Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var json = text.TrimStart();
        if (json.Length > 0 && json[0] != '{' && json.IndexOf('%') >= 0)
        {
            json = Uri.UnescapeDataString(json);
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The policy document is not a JSON object.");
            }

            if (!TryGetProperty(document.RootElement, "Statement", out var statementElement))
            {
                throw new InvalidDataException("The policy document has no Statement.");
            }

            var statements = new List<PolicyStatement>();
            if (statementElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in statementElement.EnumerateArray())
                {
                    statements.Add(ParseStatement(item, statements.Count));
                }
            }
            else
            {
                statements.Add(ParseStatement(statementElement, 0));
            }

            return new PolicyDocument(statements);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The policy document is not valid JSON: " + ex.Message, ex);
        }
    }

    private static PolicyStatement ParseStatement(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("Statement " + (index + 1).ToString(CultureInfo.InvariantCulture) + " is not a JSON object.");
        }

        var effectText = TryGetProperty(element, "Effect", out var effectElement) ? effectElement.GetString() : null;
        StatementEffect effect;
        if (string.Equals(effectText, "Allow", StringComparison.Ordinal))
        {
            effect = StatementEffect.Allow;
        }
        else if (string.Equals(effectText, "Deny", StringComparison.Ordinal))
        {
            effect = StatementEffect.Deny;
        }
        else
        {
            throw new InvalidDataException("Statement " + (index + 1).ToString(CultureInfo.InvariantCulture) + " has Effect '" + effectText + "' (Allow or Deny expected).");
        }

        var hasCondition = TryGetProperty(element, "Condition", out var condition)
            && condition.ValueKind == JsonValueKind.Object && condition.EnumerateObject().GetEnumerator().MoveNext();
        var sid = TryGetProperty(element, "Sid", out var sidElement) && sidElement.ValueKind == JsonValueKind.String ? sidElement.GetString() : null;
        return new PolicyStatement(index, sid, effect, Strings(element, "Action"), Strings(element, "NotAction"),
            Strings(element, "Resource"), Strings(element, "NotResource"), hasCondition, HasPrincipalRestriction(element));
    }

    // "Principal": "*" and {"AWS": "*"} admit everyone; anything else (or NotPrincipal) names specific callers.
    private static bool HasPrincipalRestriction(JsonElement element)
    {
        if (TryGetProperty(element, "NotPrincipal", out _))
        {
            return true;
        }

        if (!TryGetProperty(element, "Principal", out var principal))
        {
            return false;
        }

        if (principal.ValueKind == JsonValueKind.String)
        {
            return principal.GetString() != "*";
        }

        if (principal.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        foreach (var property in principal.EnumerateObject())
        {
            var values = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToList() : new List<JsonElement> { property.Value };
            if (property.Name == "AWS" && values.Any(v => v.ValueKind == JsonValueKind.String && v.GetString() == "*"))
            {
                return false;
            }
        }

        return true;
    }

    private static IReadOnlyList<string> Strings(JsonElement element, string name)
    {
        if (!TryGetProperty(element, name, out var value))
        {
            return Array.Empty<string>();
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return new[] { value.GetString() ?? string.Empty };
        }

        var list = new List<string>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    list.Add(item.GetString() ?? string.Empty);
                }
            }
        }

        return list;
    }

    // IAM element names are case-sensitive in the grammar, but hand-written documents vary; tolerate case.
    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}

/// <summary>IAM wildcard matching: * is any run of characters, ? exactly one.</summary>
public static class Wildcard
{
    public static bool IsMatch(string pattern, string value, bool ignoreCase)
    {
        if (pattern is null || value is null)
        {
            return false;
        }

        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
