using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Module.Tests.Harness;

/// <summary>
/// A PowerShell 7 runspace in this process with the built module imported from its .psd1, exactly as a user
/// imports it. Output of <see cref="Render"/> is what the user would see on the console (ANSI stripped).
/// </summary>
public sealed partial class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession(bool importModule = true, int width = 160)
    {
        Host = new CapturingHost(width);
        var state = InitialSessionState.CreateDefault2();
        state.ThrowOnRunspaceOpenError = true;
        if (importModule)
        {
            state.ImportPSModule(RepoPaths.ModuleManifest);
        }

        // Tests never reach real AWS or IMDS: keep the SDK's own IMDS lookups off in every session.
        state.EnvironmentVariables.Add(new SessionStateVariableEntry("AWS_EC2_METADATA_DISABLED", "true", null));
        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
    }

    public CapturingHost Host { get; }

    public Runspace Runspace => _runspace;

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <summary>Runs a script; errors are collected, never thrown.</summary>
    public ScriptResult Run(string script, Dictionary<string, object?>? variables = null)
    {
        if (variables is not null)
        {
            foreach (var pair in variables)
            {
                SetVariable(pair.Key, pair.Value);
            }
        }

        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        return Invoke(ps);
    }

    /// <summary>Runs a prepared PowerShell (AddCommand/AddParameter) on this session's runspace.</summary>
    public ScriptResult Invoke(PowerShell ps)
    {
        ps.Runspace = _runspace;
        var result = new ScriptResult();
        try
        {
            foreach (var item in ps.Invoke())
            {
                result.Output.Add(item);
            }
        }
        catch (RuntimeException ex)
        {
            result.Terminating = ex.ErrorRecord;
        }

        result.Errors.AddRange(ps.Streams.Error);
        result.Warnings.AddRange(ps.Streams.Warning);
        result.Verbose.AddRange(ps.Streams.Verbose);
        result.Debug.AddRange(ps.Streams.Debug);
        result.Progress.AddRange(ps.Streams.Progress);
        result.Information.AddRange(ps.Streams.Information);
        return result;
    }

    /// <summary>Renders the script's output through Out-Default and returns what the console shows.</summary>
    public string Render(string script)
    {
        Host.Clear();
        var result = Run("& { " + script + " } | Out-Default");
        if (result.Terminating is not null)
        {
            throw new InvalidOperationException("Render failed: " + result.Terminating);
        }

        return StripAnsi(Host.Text);
    }

    public static string StripAnsi(string text) => AnsiPattern().Replace(text, string.Empty);

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiPattern();

    public void Dispose() => _runspace.Dispose();
}
