using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>Which shell a transcript is typed into.</summary>
public enum Shell
{
    /// <summary>pwsh: each command runs as if typed at the PS&gt; prompt (its own pipeline into Out-Default, state kept).</summary>
    Pwsh,

    /// <summary>bash: each command runs in one bash session ($? and exported variables carry over).</summary>
    Bash,
}

/// <summary>
/// Types commands into one shell in a terminal, one after another, and returns what the screen showed after each.
/// A hidden prelude (not part of any step) can prepare the session.
/// </summary>
public static class Transcript
{
    private const string StepMarker = "@@@step ";
    private const string EndMarker = "@@@end";
    private const string StatusMarker = "@@@status ";

    public static async Task<IReadOnlyList<StepResult>> RunAsync(Shell shell, IReadOnlyList<string> commands, string prelude, IDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        var dir = Directory.CreateTempSubdirectory("ssm-transcript-").FullName;
        try
        {
            var commandFile = Path.Combine(dir, "commands.json");
            File.WriteAllText(commandFile, JsonSerializer.Serialize(commands));
            string commandLine;
            if (shell == Shell.Pwsh)
            {
                var script = Path.Combine(dir, "transcript.ps1");
                File.WriteAllText(script, PwshScript(prelude, commandFile));
                commandLine = Terminal.PwshCommand(script);
            }
            else
            {
                var script = Path.Combine(dir, "transcript.sh");
                File.WriteAllText(script, BashScript(prelude, commands));
                commandLine = "bash --noprofile --norc " + Terminal.Quote(script);
            }

            var run = await Terminal.RunAsync(commandLine, environment, workingDirectory, timeout).ConfigureAwait(false);
            return Split(run, commands.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Each command as its own pipeline into Out-Default, dot-sourced so variables stay, from a script block without a file (errors show as at the prompt).</summary>
    private static string PwshScript(string prelude, string commandFile) => $$"""
        $ProgressPreference = 'SilentlyContinue'
        {{prelude}}
        $__steps = @(Get-Content -Raw -LiteralPath {{Terminal.PsQuote(commandFile)}} | ConvertFrom-Json)
        for ($__step = 0; $__step -lt $__steps.Count; $__step++) {
            Write-Host "{{StepMarker}}$__step"
            $__lastError = if ($Error.Count) { $Error[0] } else { $null }
            try { . ([scriptblock]::Create($__steps[$__step])) | Out-Default } catch { $_ | Out-Default }
            Write-Host "{{StatusMarker}}$(if ($Error.Count -and -not [object]::ReferenceEquals($Error[0], $__lastError)) { "error: $(("$($Error[0])" -split '\r?\n')[0])" } else { 'ok' })"
        }
        Write-Host '{{EndMarker}}'
        """;

    private static string BashScript(string prelude, IReadOnlyList<string> commands)
    {
        var script = new StringBuilder(prelude).Append('\n');
        for (var i = 0; i < commands.Count; i++)
        {
            // Keep $? of the previous command across the marker.
            script.Append("printf '").Append(StepMarker).Append(i).Append("\\n'; (exit ${__status:-0})\n");
            script.Append(commands[i]).Append('\n');
            script.Append("__status=$?; if [ $__status -eq 0 ]; then printf '").Append(StatusMarker).Append("ok\\n'; else printf '").Append(StatusMarker).Append("exit %d\\n' $__status; fi\n");
        }

        return script.Append("printf '").Append(EndMarker).Append("\\n'\n").ToString();
    }

    private static List<StepResult> Split(TerminalRun run, int count)
    {
        var lines = run.Text.Split('\n');
        var steps = new List<StepResult>();
        var start = Array.FindIndex(lines, l => l == StepMarker + "0");
        if (count > 0 && start < 0)
        {
            throw new InvalidOperationException("The session did not reach its first command:\n" + run);
        }

        var before = string.Join('\n', lines.Take(Math.Max(start, 0))).Trim();
        if (before.Length > 0)
        {
            throw new InvalidOperationException("The session's prelude printed something:\n" + before);
        }

        var end = Array.FindIndex(lines, l => l == EndMarker);
        for (var i = 0; i < count; i++)
        {
            var from = Array.FindIndex(lines, l => l == StepMarker + i);
            var to = i + 1 < count ? Array.FindIndex(lines, l => l == StepMarker + (i + 1)) : end;
            if (from < 0 || to < 0 || !lines[to - 1].StartsWith(StatusMarker, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The session stopped in command {i + 1} of {count}:\n" + run);
            }

            var status = lines[to - 1][StatusMarker.Length..];
            steps.Add(new StepResult(string.Join('\n', lines[(from + 1)..(to - 1)]).TrimEnd('\n', ' '), status == "ok" ? null : status));
        }

        return steps;
    }
}

/// <summary>What one command printed, and why it failed (an error record, a non-zero exit code), or null.</summary>
public sealed record StepResult(string Output, string? Failed);
