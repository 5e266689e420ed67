using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SsmTroubleshoot.Common;

namespace SsmTroubleshoot.Cli;

/// <summary>
/// A column of a human table: header, how to read the cell from a row, right alignment for numbers and, for the last
/// column, wrapping instead of cutting (as the module's views' &lt;Wrap/&gt;).
/// </summary>
internal sealed record Column<T>(string Header, Func<T, object?> Value, bool AlignRight = false, bool Wrap = false);

/// <summary>
/// Where commands write: a human table on a terminal, or JSON (the cmdlets' property names) with --json.
/// Diagnostics go to the error writer so JSON on stdout stays parseable.
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public CliOutput(TextWriter output, TextWriter error, int width = 120)
    {
        Out = output;
        Error = error;
        Width = width;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public int Width { get; }

    public bool Json { get; set; }

    // What was read, not written by this tool: a log line, a sample of one, a rule's patterns and signatures. Shown as it
    // was, never respelt for the command line (a pasted "Send-SSMCommand : …" stays what the terminal printed).
    private static readonly HashSet<string> DataFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Message", "Sample", "LikelyCauseSample", "Patterns", "Signatures", "Pattern", "Signature", "Matches",
    };

    public void WriteJson(object? value)
    {
        var node = JsonSerializer.SerializeToNode(value, value?.GetType() ?? typeof(object), JsonOptions);
        node = SpellProse(node, null);
        using (Verbatim())
        {
            Out.WriteLine(node is null ? "null" : node.ToJsonString(JsonOptions));
        }
    }

    /// <summary>The JSON with every string spelt for the command line, except under a data field (changed in place).</summary>
    private static JsonNode? SpellProse(JsonNode? node, string? name)
    {
        if (name is not null && DataFields.Contains(name))
        {
            return node;
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    SpellChild(obj[key], key, spelt => obj[key] = spelt);
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i;
                    SpellChild(array[i], name, spelt => array[index] = spelt);
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                var respelt = Spell(text);
                return string.Equals(respelt, text, StringComparison.Ordinal) ? value : JsonValue.Create(respelt);
            default:
                return node;
        }
    }

    // Objects and arrays are spelt in place; a string comes back as a new value, which takes the old one's place.
    private static void SpellChild(JsonNode? child, string? name, Action<JsonNode?> replace)
    {
        var spelt = SpellProse(child, name);
        if (!ReferenceEquals(spelt, child))
        {
            replace(spelt);
        }
    }

    private static string Spell(string text) => CommandSpelling.For(FrontEnd.CommandLine, text);

    private IDisposable? Verbatim() => (Out as TerminalSafeWriter)?.Verbatim();

    public void WriteWarning(string message) => Error.WriteLine("WARNING: " + message);

    public void WriteError(string message) => Error.WriteLine("ERROR: " + message);

    /// <summary>Writes rows as JSON (all public properties) or as a table of the given columns.</summary>
    public void WriteRows<T>(IReadOnlyList<T> rows, params Column<T>[] columns)
    {
        if (Json)
        {
            WriteJson(rows);
            return;
        }

        if (rows.Count == 0)
        {
            return;
        }

        var cells = rows.Select(r => columns.Select(c => Cell(c.Value(r), c.Header)).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Max(row => row[i].Length))).ToArray();

        // The last column takes what is left of the terminal width, so long remediation text does not wrap the table.
        var used = widths.Take(widths.Length - 1).Sum() + (widths.Length - 1);
        widths[^1] = Math.Max(columns[^1].Header.Length, Math.Min(widths[^1], Math.Max(20, Width - used)));

        var right = columns.Select(c => c.AlignRight).ToArray();
        var builder = new StringBuilder();
        builder.AppendLine(Line(columns.Select(c => c.Header).ToArray(), widths, right));
        builder.AppendLine(Line(widths.Select(w => new string('-', w)).ToArray(), widths, right));
        var wrap = columns[^1].Wrap && !right[^1];
        foreach (var row in cells)
        {
            if (!wrap || row[^1].Length <= widths[^1])
            {
                builder.AppendLine(Line(row, widths, right));
                continue;
            }

            // The other cells on the first line; the rest of the last cell on lines of its own, under its column.
            var pieces = WrapText(row[^1], widths[^1]);
            builder.AppendLine(Line(row.Take(row.Length - 1).Append(pieces[0]).ToArray(), widths, right));
            var indent = new string(' ', used);
            foreach (var piece in pieces.Skip(1))
            {
                builder.Append(indent).AppendLine(piece);
            }
        }

        using (Verbatim())
        {
            Out.Write(builder.ToString());
        }
    }

    /// <summary>
    /// A titled block of labelled fields ("  Remediation: ..."), each value wrapped to the width under itself: the
    /// readable form of what one acts on (cause, remediation, next step), which a table column can only cut.
    /// Empty values are left out.
    /// </summary>
    public void WriteFields(string title, IEnumerable<(string Label, string? Value)> fields)
    {
        var list = fields.Where(f => !string.IsNullOrWhiteSpace(f.Value)).ToList();
        var builder = new StringBuilder();
        builder.AppendLine(Spell(Format(title)));
        if (list.Count > 0)
        {
            var labelWidth = list.Max(f => f.Label.Length) + 1;
            var indent = new string(' ', 2 + labelWidth + 1);
            var room = Math.Max(20, Width - indent.Length);
            foreach (var (label, value) in list)
            {
                var pieces = WrapText(Cell(value, label), room);
                builder.Append("  ").Append((label + ":").PadRight(labelWidth)).Append(' ').AppendLine(pieces[0]);
                foreach (var piece in pieces.Skip(1))
                {
                    builder.Append(indent).AppendLine(piece);
                }
            }
        }

        using (Verbatim())
        {
            Out.Write(builder.ToString());
        }
    }

    private static string Line(string[] values, int[] widths, bool[] right)
    {
        var parts = values.Select((v, i) => right[i] ? Truncate(v, widths[i]).PadLeft(widths[i])
            : i == values.Length - 1 ? Truncate(v, widths[i]) : Truncate(v, widths[i]).PadRight(widths[i]));
        return string.Join(" ", parts).TrimEnd();
    }

    /// <summary>Splits at spaces into pieces of at most width characters; a longer word is cut.</summary>
    internal static List<string> WrapText(string text, int width)
    {
        var pieces = new List<string>();
        var current = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            while (rest.Length > 0)
            {
                var room = current.Length == 0 ? width : width - current.Length - 1;
                if (rest.Length <= room)
                {
                    current.Append(current.Length == 0 ? string.Empty : " ").Append(rest);
                    break;
                }

                if (current.Length > 0)
                {
                    pieces.Add(current.ToString());
                    current.Clear();
                    continue;
                }

                pieces.Add(rest.Substring(0, width));
                rest = rest.Substring(width);
            }
        }

        if (current.Length > 0 || pieces.Count == 0)
        {
            pieces.Add(current.ToString());
        }

        return pieces;
    }

    private static string Truncate(string value, int width) => value.Length <= width ? value : value.Substring(0, Math.Max(0, width - 1)) + "…";

    /// <summary>A cell as shown: prose spelt for the command line, a data field as it was read.</summary>
    private static string Cell(object? value, string field)
    {
        var text = Format(value);
        return DataFields.Contains(field) ? text : Spell(text);
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        bool flag => flag ? "True" : "False",
        // Spelt by Cell (prose only) before the widths are measured, so the table stays aligned.
        string text => text.Replace('\n', ' ').Replace('\r', ' '),
        System.Collections.IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Format)),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
