using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>What bound values are under PowerShell's wrappers (a piped or variable value often arrives as a PSObject).</summary>
internal static class PSValues
{
    internal static object? BaseOf(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    /// <summary>
    /// A hashtable parameter (-Filter, -EndpointOverride, -Tag ...) as its keys and their values as strings: a scalar
    /// is one value, an array or list each of its items, $null none; wrappers are removed at every level. Each caller
    /// checks the names and values it accepts.
    /// </summary>
    internal static IEnumerable<(string Key, string[] Values)> Entries(IDictionary table)
    {
        foreach (DictionaryEntry entry in table)
        {
            yield return (BaseOf(entry.Key)?.ToString() ?? string.Empty, Strings(entry.Value));
        }
    }

    /// <summary>A bound value as strings: a scalar is one, an enumerable (not a string) each item, $null none.</summary>
    internal static string[] Strings(object? value)
    {
        value = BaseOf(value);
        return value switch
        {
            null => System.Array.Empty<string>(),
            string text => new[] { text },
            IEnumerable many => many.Cast<object?>().Select(v => BaseOf(v)?.ToString() ?? string.Empty).ToArray(),
            _ => new[] { value.ToString() ?? string.Empty },
        };
    }
}
