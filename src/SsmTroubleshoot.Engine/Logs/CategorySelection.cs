using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.Logs;

/// <summary>What a -Category/--category list selects: the categories, or the first name that matches none.</summary>
public sealed class CategorySelection
{
    internal CategorySelection(IReadOnlyList<string>? selected, string? invalid, IReadOnlyList<string> valid)
    {
        Selected = selected;
        Invalid = invalid;
        Valid = valid;
    }

    /// <summary>The categories chosen; null: no selection (or <see cref="Invalid"/>).</summary>
    public IReadOnlyList<string>? Selected { get; }

    /// <summary>The first name that matched no category; null when all matched.</summary>
    public string? Invalid { get; }

    /// <summary>The names that could have been given, for the error message.</summary>
    public IReadOnlyList<string> Valid { get; }

    /// <summary>Whether the selection asks for unclassified entries (category Unknown).</summary>
    public bool IncludesUnknown => Selected?.Contains(LogRuleCatalog.UnknownCategory) == true;
}
