using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>What a terminal showed: the text (colours and cursor codes removed) and the exit code.</summary>
public sealed record TerminalRun(string Text, int ExitCode)
{
    public override string ToString() => $"exit {ExitCode}\n{Text}";
}

/// <summary>
/// Runs programs the way a person does: in a real terminal (a pseudo-terminal from util-linux script(1), so
/// PowerShell's console host sizes its tables to the terminal and writes every stream, in order, to the screen),
/// with a clean environment: HOME in a temporary folder, no AWS_* variable from this machine, the SDK kept away
/// from instance metadata (AWS_EC2_METADATA_DISABLED), and only the module paths a test asks for.
/// </summary>
public static partial class Terminal
{
    /// <summary>The width README's and the expected files' outputs were captured at.</summary>
    public const int Columns = 160;

    private static readonly Lazy<string> PwshDll = new(FindPwsh);

    /// <summary>pwsh.dll of the PowerShell dotnet tool pinned in .config/dotnet-tools.json.</summary>
    public static string Pwsh => PwshDll.Value;

    /// <summary>A clean environment for a child process: nothing from this machine's AWS or PowerShell settings.</summary>
    public static Dictionary<string, string> CleanEnvironment(string home, string? psModulePath = null)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = home,
            ["TMPDIR"] = Path.GetTempPath(),
            ["TERM"] = "xterm",
            ["LANG"] = "C.UTF-8",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["PSModulePath"] = psModulePath ?? string.Empty,
            ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
            ["POWERSHELL_UPDATECHECK"] = "Off",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            // dotnet's live build progress redraws the terminal; the result on screen is the program's output alone.
            ["MSBUILDTERMINALLOGGER"] = "off",
        };
        // dotnet commands in the session (dotnet run, build.ps1) restore from the packages this run restored, not into the temporary HOME.
        env["NUGET_PACKAGES"] = RepoPaths.NuGetPackages;
        foreach (var name in new[] { "DOTNET_ROOT", "DOTNET_HOST_PATH" })
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(value))
            {
                env[name] = value;
            }
        }

        return env;
    }

    /// <summary>The command line that runs a script file in a fresh pwsh, as a user would start it.</summary>
    public static string PwshCommand(string scriptPath) =>
        $"{Quote(RepoPaths.DotnetHost)} {Quote(Pwsh)} -NoProfile -NonInteractive -ExecutionPolicy Bypass -File {Quote(scriptPath)}";

    /// <summary>Runs a pwsh script file in a terminal and returns what the screen showed.</summary>
    public static Task<TerminalRun> RunPwshAsync(string scriptPath, IDictionary<string, string> environment, string workingDirectory, TimeSpan timeout) =>
        RunAsync(PwshCommand(scriptPath), environment, workingDirectory, timeout);

    /// <summary>Runs a shell command line (sh syntax) in a terminal of <see cref="Columns"/> columns.</summary>
    public static async Task<TerminalRun> RunAsync(string commandLine, IDictionary<string, string> environment, string workingDirectory, TimeSpan timeout, Action<Process>? whileRunning = null)
    {
        using var process = Start(commandLine, environment, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        whileRunning?.Invoke(process);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout.TotalSeconds:0} s. Screen so far:\n{Clean(await output.ConfigureAwait(false))}");
        }

        var text = Clean(await output.ConfigureAwait(false));
        var stderr = await error.ConfigureAwait(false);
        return new TerminalRun(string.IsNullOrWhiteSpace(stderr) ? text : text + "\n[script(1) stderr] " + stderr, process.ExitCode);
    }

    /// <summary>Starts a command line in a pseudo-terminal; its stdin stays open (write "\x03" for Ctrl+C typed at the keyboard).</summary>
    public static Process Start(string commandLine, IDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
        };
        // -q quiet, -e the child's exit code, -f flush at once; the typescript itself goes nowhere.
        start.ArgumentList.Add("-qef");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"stty cols {Columns} rows 50; exec {commandLine}");
        start.ArgumentList.Add("/dev/null");
        start.Environment.Clear();
        foreach (var pair in environment)
        {
            start.Environment[pair.Key] = pair.Value;
        }

        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("script(1) did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("script(1) (util-linux, Debian package bsdutils) is needed to run pwsh in a terminal: " + ex.Message, ex);
        }
    }

    /// <summary>Sends SIGINT, what Ctrl+C sends, to one process.</summary>
    public static void Interrupt(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-INT {pid}") { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -INT {pid} failed with exit code {kill.ExitCode}");
        }
    }

    /// <summary>The screen as text: no colour or cursor codes, LF line ends, no trailing spaces.</summary>
    public static string Clean(string raw)
    {
        var text = EscapeCodes().Replace(raw, string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd();
        }

        return string.Join('\n', lines);
    }

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Single-quoted PowerShell string literal.</summary>
    public static string PsQuote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    // CSI (colours, cursor), OSC (titles, progress), and the two-byte keypad-mode codes.
    [GeneratedRegex(@"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]")]
    private static partial Regex EscapeCodes();

    private static string FindPwsh()
    {
        var manifest = Path.Combine(RepoPaths.Root, ".config", "dotnet-tools.json");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var version = json.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        var packages = RepoPaths.NuGetPackages;
        var tool = Path.Combine(packages, "powershell", version);
        var dll = Directory.Exists(tool) ? Directory.GetFiles(tool, "pwsh.dll", SearchOption.AllDirectories) : Array.Empty<string>();
        var unix = Array.Find(dll, p => p.Contains(Path.DirectorySeparatorChar + "unix" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        return unix ?? (dll.Length > 0 ? dll[0] : throw new InvalidOperationException(
            $"PowerShell {version} (the dotnet tool pinned in .config/dotnet-tools.json) is not in {packages}: run 'dotnet tool restore' first."));
    }
}
