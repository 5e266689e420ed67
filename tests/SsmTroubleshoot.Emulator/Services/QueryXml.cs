using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>Small XML builders for the Query protocols (EC2 item lists, IAM/STS member lists).</summary>
internal sealed class QueryXml
{
    private readonly XNamespace _ns;

    public QueryXml(string ns) => _ns = ns;

    /// <summary>An element; null content parts are skipped, so optional fields vanish like in real answers.</summary>
    public XElement E(string name, params object?[] content) => new(_ns + name, content.Where(c => c is not null).Select(Normalize));

    /// <summary>An element only when the value is set.</summary>
    public XElement? Opt(string name, object? value) => value is null || (value is string s && s.Length == 0) ? null : E(name, value);

    /// <summary>EC2 list: &lt;name&gt;&lt;item&gt;...&lt;/item&gt;&lt;/name&gt;.</summary>
    public XElement Items<T>(string name, IEnumerable<T> items, Func<T, object?[]> item) => E(name, items.Select(i => (object?)E("item", item(i))).ToArray());

    /// <summary>EC2 list of plain strings.</summary>
    public XElement Strings(string name, IEnumerable<string> values) => E(name, values.Select(v => (object?)E("item", v)).ToArray());

    /// <summary>IAM/STS list: &lt;name&gt;&lt;member&gt;...&lt;/member&gt;&lt;/name&gt;.</summary>
    public XElement Members<T>(string name, IEnumerable<T> items, Func<T, object?[]> member) => E(name, items.Select(i => (object?)E("member", member(i))).ToArray());

    public XElement Tags(IReadOnlyDictionary<string, string> tags) =>
        Items("tagSet", tags, t => [E("key", t.Key), E("value", t.Value)]);

    public static string Document(XElement root) => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting);

    private static object Normalize(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value!,
    };
}
