using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.EndToEnd.Tests.Harness;

/// <summary>
/// A person's desk for one test class: a temporary HOME with ~/SsmTroubleshoot linking to the clone's files (so
/// files the commands write stay out of the clone), Pester installed by name under ~/Modules, a clean environment,
/// and the loopback AWS emulator on a free 127.0.0.1 port. Output is shown the way README shows it: the emulator on
/// port 4566, the clone at ~/SsmTroubleshoot.
/// </summary>
public sealed class Workspace : IAsyncDisposable
{
    public const string DisplayEndpoint = "http://127.0.0.1:4566";
    public const string DisplayRoot = "~/SsmTroubleshoot";

    private Workspace(AwsEmulator emulator, string home)
    {
        Emulator = emulator;
        Home = home;
        Root = LinkClone(Path.Combine(home, "SsmTroubleshoot"));
        Environment = Terminal.CleanEnvironment(home, PesterModules.CreateIn(home));
    }

    public AwsEmulator Emulator { get; }

    public string Home { get; }

    /// <summary>The working folder: links to the clone's top-level entries.</summary>
    public string Root { get; }

    public Dictionary<string, string> Environment { get; }

    /// <summary>The emulator's endpoint without the trailing slash.</summary>
    public string Endpoint => Emulator.Endpoint.ToString().TrimEnd('/');

    public static async Task<Workspace> StartAsync(World world) =>
        new(await AwsEmulator.StartAsync(world).ConfigureAwait(false), Directory.CreateTempSubdirectory("ssm-e2e-").FullName);

    /// <summary>Points AWS calls at the emulator the way README's tour does (AWS_ENDPOINT_URL, AWS_REGION, keys).</summary>
    public Workspace WithTourCredentials()
    {
        Environment["AWS_ENDPOINT_URL"] = Endpoint;
        Environment["AWS_REGION"] = "us-east-1";
        Environment["AWS_ACCESS_KEY_ID"] = "AKIAEMULATOR";
        Environment["AWS_SECRET_ACCESS_KEY"] = "emulator";
        return this;
    }

    /// <summary>Text as README and the expected files show it.</summary>
    public string ToDisplay(string text) =>
        text.Replace(Endpoint, DisplayEndpoint, StringComparison.Ordinal).Replace(Root, DisplayRoot, StringComparison.Ordinal);

    /// <summary>Named commands typed one after another into one pwsh; each name's screen output as displayed.</summary>
    public async Task<Dictionary<string, StepResult>> RunPwshAsync(IReadOnlyList<(string Name, string Command)> steps, string prelude = "", TimeSpan? timeout = null)
    {
        var results = await Transcript.RunAsync(Shell.Pwsh, steps.Select(s => s.Command).ToList(), prelude, Environment, Root, timeout ?? TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        return steps.Select((s, i) => (s.Name, Result: results[i] with { Output = ToDisplay(results[i].Output) })).ToDictionary(p => p.Name, p => p.Result);
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A process still closing a file: the temporary folder is left to the system.
        }
    }

    /// <summary>A folder whose entries link to the clone's top-level files and folders (not .git).</summary>
    private static string LinkClone(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var entry in new DirectoryInfo(RepoPaths.Root).EnumerateFileSystemInfos())
        {
            if (entry.Name is ".git" or "TestResults")
            {
                continue;
            }

            if (entry is DirectoryInfo)
            {
                Directory.CreateSymbolicLink(Path.Combine(folder, entry.Name), entry.FullName);
            }
            else
            {
                File.CreateSymbolicLink(Path.Combine(folder, entry.Name), entry.FullName);
            }
        }

        return folder;
    }
}
