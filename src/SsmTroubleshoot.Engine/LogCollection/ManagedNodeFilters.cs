using System;
using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.LogCollection;

/// <summary>
/// The DescribeInstanceInformation filter keys a fleet log collection takes (-Filter, --filter): the fixed keys in the
/// API's spelling, and tag:&lt;Key&gt; with the tag's own. Both front ends check their input here.
/// </summary>
public static class ManagedNodeFilters
{
    /// <summary>The fixed keys, as the API spells them.</summary>
    public static readonly IReadOnlyList<string> Keys = new[] { "InstanceIds", "AgentVersion", "PingStatus", "PlatformTypes", "ResourceType", "AssociationStatus", "IamRole", "tag-key" };

    /// <summary>A user's key in the API's spelling (any case for fixed keys; tag:Key as given), or null when it is no filter.</summary>
    public static string? Normalize(string key)
    {
        if (key is null)
        {
            return null;
        }

        var known = Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return known;
        }

        return key.StartsWith("tag:", StringComparison.OrdinalIgnoreCase) && key.Length > 4 ? "tag:" + key.Substring(4) : null;
    }
}
