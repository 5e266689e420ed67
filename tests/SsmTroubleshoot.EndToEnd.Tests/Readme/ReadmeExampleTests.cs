using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.EndToEnd.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.EndToEnd.Tests.Readme;

/// <summary>
/// README's examples are tests: every PowerShell and shell example runs verbatim, in README order, in one real pwsh
/// (and one bash) session at the repository root, against the shipped inputs (examples/, the emulator's tour
/// scenario on loopback), and what the terminal shows must be what README shows. With UPDATE_README=1 the test
/// writes the actual outputs into README instead (commands and prose untouched) and passes. The "root" is
/// ~/SsmTroubleshoot in a temporary HOME, linking to the clone's files, so files the examples write (./case) stay
/// out of the clone and paths print as README shows them.
/// </summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Every_example_runs_and_prints_what_README_shows()
    {
        var update = Environment.GetEnvironmentVariable("UPDATE_README") == "1";
        var readme = new ReadmeDocument(File.ReadAllText(RepoPaths.Readme));
        var pwshBlocks = readme.Blocks.Where(b => b.NotRunReason is null && (b.Prompt == "PS> " || (b.IsScript && b.Info == "powershell"))).ToList();
        var bashBlocks = readme.Blocks.Where(b => b.NotRunReason is null && (b.Prompt == "$ " || (b.IsScript && b.Info == "bash"))).ToList();
        var unmarked = readme.Blocks.Where(b => b.NotRunReason is null && !b.IsTranscript && !b.IsScript && b.Info is not ("json" or "csharp" or "")).ToList();
        Assert.True(unmarked.Count == 0, "README blocks that are neither examples nor marked 'not run': " + string.Join(", ", unmarked.Select(b => "line " + b.LineNumber)));
        Assert.True(pwshBlocks.Count >= 10, "README has fewer PowerShell examples than expected: " + pwshBlocks.Count);

        await using var desk = await Workspace.StartAsync(World.LoadScenario("tour"));
        var pwshOutputs = await RunAsync(Shell.Pwsh, pwshBlocks, prelude: string.Empty, desk);
        var bashPrelude = $"ssmtroubleshoot() {{ {Terminal.Quote(RepoPaths.DotnetHost)} {Terminal.Quote(RepoPaths.CliProgram)} \"$@\"; }}";
        var bashOutputs = await RunAsync(Shell.Bash, bashBlocks, bashPrelude, desk);
        var outputs = pwshOutputs.Concat(bashOutputs).ToDictionary(p => p.Key, p => p.Value);

        var problems = new StringBuilder();
        var rewritten = new Dictionary<int, IReadOnlyList<string>>();
        foreach (var block in pwshBlocks.Concat(bashBlocks).OrderBy(b => b.Fence))
        {
            var actual = outputs[block.Fence];
            if (!block.IsTranscript)
            {
                if (actual.Failed is { } failure)
                {
                    problems.Append($"README line {block.LineNumber}: the example failed ({failure}):\n{actual.Screen}\n\n");
                }

                continue;
            }

            var rendered = block.Render(actual.Outputs);
            var expected = string.Join('\n', block.Lines.Select(l => l.TrimEnd())).TrimEnd('\n');
            var got = string.Join('\n', rendered).TrimEnd('\n');
            if (Masks.Apply(expected) != Masks.Apply(got))
            {
                // Only blocks that really changed are rewritten: ids and run times alone leave README as it is.
                rewritten[block.Fence] = rendered;
                problems.Append($"README line {block.LineNumber}: the output differs.\n{Expected.Diff(Masks.Apply(expected), Masks.Apply(got))}\n--- what the terminal showed ---\n{got}\n\n");
            }
        }

        if (update)
        {
            readme.Replace(rewritten);
            File.WriteAllText(RepoPaths.Readme, readme.Text);
            return;
        }

        Assert.True(problems.Length == 0, problems + "Run the test with UPDATE_README=1 to write the actual outputs into README (then review the diff).");
    }

    private sealed record BlockRun(IReadOnlyList<string> Outputs, string Screen, string? Failed);

    /// <summary>All blocks of one shell in one session, in README order; outputs per block, in README's form.</summary>
    private static async Task<Dictionary<int, BlockRun>> RunAsync(Shell shell, List<ReadmeBlock> blocks, string prelude, Workspace desk)
    {
        var commands = new List<string>();
        var owners = new List<(ReadmeBlock Block, int First, int Count)>();
        foreach (var block in blocks)
        {
            var steps = block.IsTranscript ? block.Steps().Select(s => s.Command).ToList() : new List<string> { string.Join('\n', block.Lines) };
            owners.Add((block, commands.Count, steps.Count));
            commands.AddRange(steps.Select(c => c.Replace(Workspace.DisplayEndpoint, desk.Endpoint, StringComparison.Ordinal)));
        }

        var results = await Transcript.RunAsync(shell, commands, prelude, desk.Environment, desk.Root, TimeSpan.FromMinutes(4));
        var byBlock = new Dictionary<int, BlockRun>();
        foreach (var (block, first, count) in owners)
        {
            var mine = results.Skip(first).Take(count).ToList();
            var outputs = mine.Select(r => desk.ToDisplay(r.Output)).ToList();
            var failed = mine.FirstOrDefault(r => r.Failed is not null)?.Failed;
            byBlock[block.Fence] = new BlockRun(outputs, string.Join("\n", outputs), failed);
        }

        return byBlock;
    }
}
