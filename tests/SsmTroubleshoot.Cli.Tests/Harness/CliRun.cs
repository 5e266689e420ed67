using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Cli.Tests.Harness;

/// <summary>One in-process run of the command tree: exit code and what it wrote.</summary>
public sealed class CliResult
{
    public CliResult(int exitCode, string output, string error)
    {
        ExitCode = exitCode;
        Output = output;
        Error = error;
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    /// <summary>stdout parsed as JSON (fails the test when it is not JSON).</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs ssmtroubleshoot in-process with captured stdout/stderr (and optional stdin), bounded in time.</summary>
public static class CliRun
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null, CancellationToken.None);

    public static async Task<CliResult> RunAsync(IReadOnlyList<string> args, string? input, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? string.Empty);
        var run = CliApp.RunAsync(args, new CliHost(output, error, reader, width: 1000), cancellationToken);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
        if (finished != run)
        {
            throw new TimeoutException("ssmtroubleshoot " + string.Join(" ", args) + " did not finish within 60 s.");
        }

        return new CliResult(await run.ConfigureAwait(false), output.ToString(), error.ToString());
    }

    /// <summary>The lines of a table (non-blank), header first.</summary>
    public static List<string> Lines(string text)
    {
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                lines.Add(line.TrimEnd('\r'));
            }
        }

        return lines;
    }
}

/// <summary>Paths in the repository the tests read (the shipped sample log, the CLI's build output).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleLog => Path.Combine(Root, "examples", "amazon-ssm-agent.log");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SsmTroubleshoot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SsmTroubleshoot.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder removed after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ssmts-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative.TrimStart('/'));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
