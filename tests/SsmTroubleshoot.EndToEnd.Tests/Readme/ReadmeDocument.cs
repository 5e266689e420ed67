using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.EndToEnd.Tests.Readme;

/// <summary>One command of an example and the output README shows for it.</summary>
public sealed record ExampleStep(string Command, string ExpectedOutput);

/// <summary>A fenced code block of README.</summary>
public sealed class ReadmeBlock
{
    /// <summary>Index of the opening fence line (0-based).</summary>
    public required int Fence { get; init; }

    /// <summary>Index of the closing fence line.</summary>
    public required int End { get; init; }

    public required string Info { get; init; }

    public required IReadOnlyList<string> Lines { get; init; }

    /// <summary>The reason from a <c>&lt;!-- readme-example: not run: … --&gt;</c> comment right before the fence; null when it runs.</summary>
    public string? NotRunReason { get; init; }

    /// <summary>1-based line number of the first line inside the block, as an editor shows it.</summary>
    public int LineNumber => Fence + 2;

    /// <summary>A transcript: commands typed after a prompt (PS&gt; for pwsh, $ for bash), each followed by its output.</summary>
    public bool IsTranscript => Prompt is not null;

    /// <summary>"PS> " or "$ ", from the first non-empty line; null for blocks without a prompt.</summary>
    public string? Prompt =>
        Lines.FirstOrDefault(l => l.Length > 0) switch
        {
            { } l when l.StartsWith("PS> ", StringComparison.Ordinal) => "PS> ",
            { } l when l.StartsWith("$ ", StringComparison.Ordinal) => "$ ",
            _ => null,
        };

    /// <summary>Commands with no prompt in a ```powershell or ```bash block: they run, their output is not shown.</summary>
    public bool IsScript => !IsTranscript && Info is "powershell" or "bash";

    /// <summary>The steps of a transcript (continuation lines: "&gt;&gt; " in pwsh, "&gt; " in bash).</summary>
    public IReadOnlyList<ExampleStep> Steps()
    {
        var prompt = Prompt ?? throw new InvalidOperationException("Not a transcript");
        var continuation = prompt == "PS> " ? ">> " : "> ";
        var steps = new List<ExampleStep>();
        string? command = null;
        var output = new List<string>();
        var inCommand = false;
        foreach (var line in Lines)
        {
            if (line.StartsWith(prompt, StringComparison.Ordinal))
            {
                Flush();
                command = line[prompt.Length..];
                inCommand = true;
            }
            else if (inCommand && line.StartsWith(continuation, StringComparison.Ordinal))
            {
                command += "\n" + line[continuation.Length..];
            }
            else
            {
                inCommand = false;
                output.Add(line);
            }
        }

        Flush();
        return steps;

        void Flush()
        {
            if (command is not null)
            {
                steps.Add(new ExampleStep(command, string.Join('\n', output).TrimEnd('\n', ' ')));
            }

            output.Clear();
        }
    }

    /// <summary>The block's lines for these steps and outputs: each command after its prompt, its output, a blank line between steps with output.</summary>
    public IReadOnlyList<string> Render(IReadOnlyList<string> outputs)
    {
        var prompt = Prompt!;
        var continuation = prompt == "PS> " ? ">> " : "> ";
        var steps = Steps();
        var lines = new List<string>();
        for (var i = 0; i < steps.Count; i++)
        {
            var commandLines = steps[i].Command.Split('\n');
            lines.Add(prompt + commandLines[0]);
            lines.AddRange(commandLines.Skip(1).Select(l => continuation + l));
            if (outputs[i].Length > 0)
            {
                lines.AddRange(outputs[i].Split('\n'));
                if (i + 1 < steps.Count)
                {
                    lines.Add(string.Empty);
                }
            }
        }

        return lines;
    }
}

/// <summary>README.md as lines, its fenced code blocks, and a way to write new block contents back.</summary>
public sealed partial class ReadmeDocument
{
    private readonly List<string> _lines;

    public ReadmeDocument(string text)
    {
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        Blocks = Parse(_lines);
    }

    public IReadOnlyList<ReadmeBlock> Blocks { get; private set; }

    public string Text => string.Join('\n', _lines);

    /// <summary>Replaces the contents of blocks (by fence line), keeping every other line as it is.</summary>
    public void Replace(IReadOnlyDictionary<int, IReadOnlyList<string>> contents)
    {
        foreach (var block in Blocks.Where(b => contents.ContainsKey(b.Fence)).OrderByDescending(b => b.Fence))
        {
            _lines.RemoveRange(block.Fence + 1, block.End - block.Fence - 1);
            _lines.InsertRange(block.Fence + 1, contents[block.Fence]);
        }

        Blocks = Parse(_lines);
    }

    private static List<ReadmeBlock> Parse(List<string> lines)
    {
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var end = lines.FindIndex(i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            if (end < 0)
            {
                throw new FormatException($"README line {i + 1}: code block never closed");
            }

            var previous = i > 0 ? lines[i - 1] : string.Empty;
            var marker = NotRunMarker().Match(previous);
            blocks.Add(new ReadmeBlock
            {
                Fence = i,
                End = end,
                Info = lines[i][3..].Trim(),
                Lines = lines.GetRange(i + 1, end - i - 1),
                NotRunReason = marker.Success ? marker.Groups[1].Value.Trim() : null,
            });
            i = end;
        }

        return blocks;
    }

    [GeneratedRegex(@"^<!-- readme-example: not run: (.+?) -->$")]
    private static partial Regex NotRunMarker();
}
