using System;

namespace SsmTroubleshoot.Common;

/// <summary>The one check every endpoint override goes through: an absolute http or https URL.</summary>
public static class HttpUrl
{
    /// <summary>True, with the parsed URL, when <paramref name="text"/> is an absolute http:// or https:// URL.</summary>
    public static bool TryParse(string? text, out Uri url)
    {
        if (text is not null && Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            url = parsed;
            return true;
        }

        url = null!;
        return false;
    }
}
