using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SsmTroubleshoot.Emulator.Protocol;

/// <summary>Opaque NextToken/Marker paging over a list: the token carries the operation and the next offset.</summary>
internal static class Paging
{
    public static List<T> Page<T>(IReadOnlyList<T> items, string operation, int? maxResults, string? token, Func<string, Exception> invalidToken, out string? nextToken)
    {
        var offset = 0;
        if (!string.IsNullOrEmpty(token))
        {
            offset = Decode(token, operation) ?? throw invalidToken(token);
        }

        var size = maxResults is > 0 ? maxResults.Value : int.MaxValue;
        var page = items.Skip(offset).Take(size).ToList();
        var next = offset + page.Count;
        nextToken = next < items.Count ? Encode(operation, next) : null;
        return page;
    }

    private static string Encode(string operation, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(operation + "|" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int? Decode(string token, string operation)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.LastIndexOf('|');
            return bar > 0 && text.Substring(0, bar) == operation
                   && int.TryParse(text.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
