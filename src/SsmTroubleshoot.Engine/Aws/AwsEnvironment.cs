using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Aws;

/// <summary>Reads environment variables; injectable so tests never depend on (or change) the process environment.</summary>
public interface IAwsEnvironment
{
    string? Get(string name);
}

/// <summary>The real process environment.</summary>
public sealed class ProcessEnvironment : IAwsEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}

/// <summary>A fixed set of variables (tests; or a PowerShell session's $env: snapshot).</summary>
public sealed class DictionaryEnvironment : IAwsEnvironment
{
    private readonly Dictionary<string, string> _values;

    public DictionaryEnvironment(IDictionary<string, string>? values = null) =>
        _values = values is null ? new(StringComparer.Ordinal) : new(values, StringComparer.Ordinal);

    public string? this[string name]
    {
        get => Get(name);
        set
        {
            if (value is null)
            {
                _values.Remove(name);
            }
            else
            {
                _values[name] = value;
            }
        }
    }

    public string? Get(string name) => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
