using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SsmTroubleshoot.Endpoints;

/// <summary>The proxy environment the SSM agent runs with, and where it was read from.</summary>
public sealed class AgentProxySettings
{
    internal AgentProxySettings(string source, IReadOnlyDictionary<string, string> variables)
    {
        Source = source;
        HttpsProxy = Get(variables, "HTTPS_PROXY");
        HttpProxy = Get(variables, "HTTP_PROXY");
        NoProxy = Get(variables, "NO_PROXY");
    }

    public static AgentProxySettings None { get; } = new("none found", new Dictionary<string, string>());

    /// <summary>e.g. "/proc/812/environ (running agent)", "systemd drop-in ...", "service registry Environment".</summary>
    public string Source { get; }

    public string? HttpsProxy { get; }

    public string? HttpProxy { get; }

    public string? NoProxy { get; }

    /// <summary>The proxy used for HTTPS endpoints: https_proxy, else http_proxy (as the agent's proxy setup does).</summary>
    public string? EffectiveProxy => HttpsProxy ?? HttpProxy;

    public NoProxyList Bypass => new(NoProxy);

    public bool HasProxy => !string.IsNullOrEmpty(EffectiveProxy);

    /// <summary>The proxy for a host, or null when it connects directly (no proxy, or listed in no_proxy).</summary>
    public string? ProxyFor(string host, int port) => HasProxy && !Bypass.Bypasses(host, port) ? EffectiveProxy : null;

    /// <summary>A proxy URL safe to show: user:password removed.</summary>
    public static string Redact(string proxy)
    {
        var at = proxy.LastIndexOf('@');
        if (at < 0)
        {
            return proxy;
        }

        var scheme = proxy.IndexOf("://", StringComparison.Ordinal);
        return (scheme >= 0 && scheme < at ? proxy.Substring(0, scheme + 3) : string.Empty) + proxy.Substring(at + 1);
    }

    public override string ToString() =>
        HasProxy ? Redact(EffectiveProxy!) + " (no_proxy: " + (NoProxy ?? "") + ") from " + Source : "direct (" + Source + ")";

    internal static string? Get(IReadOnlyDictionary<string, string> variables, string upper)
    {
        // Go's net/http reads the upper-case name first, then the lower-case one.
        if (variables.TryGetValue(upper, out var value) && !string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        return variables.TryGetValue(upper.ToLowerInvariant(), out value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }

    internal static bool SetsProxy(IReadOnlyDictionary<string, string> variables) =>
        Get(variables, "HTTPS_PROXY") is not null || Get(variables, "HTTP_PROXY") is not null;
}

/// <summary>Windows proxy sources the agent honours; behind an interface so the logic is testable off Windows.</summary>
public interface IWindowsProxySource
{
    /// <summary>The AmazonSSMAgent service's Environment registry value (REG_MULTI_SZ of NAME=value), or null.</summary>
    IReadOnlyList<string>? ServiceEnvironment();

    /// <summary>A machine-level environment variable.</summary>
    string? MachineVariable(string name);

    /// <summary>The WinHTTP default proxy (netsh winhttp show proxy), or null when direct.</summary>
    (string Proxy, string? Bypass)? WinHttpProxy();
}

/// <summary>Finds the agent's proxy settings the way ssm-cli does, plus the classic misconfigurations.</summary>
public static class AgentProxyDiscovery
{
    private static readonly string[] Units = { "amazon-ssm-agent.service", "snap.amazon-ssm-agent.amazon-ssm-agent.service" };
    private static readonly string[] UnitDirectories = { "/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system" };

    /// <summary>Linux: the running agent's /proc environ, else its systemd (or upstart) configuration. Notes explain gaps.</summary>
    public static AgentProxySettings DiscoverLinux(HostFileSystem fileSystem, List<string> notes)
    {
        if (fileSystem is null)
        {
            throw new ArgumentNullException(nameof(fileSystem));
        }

        var configured = ReadServiceConfiguration(fileSystem, out var configuredSource);
        AgentProxySettings? result = null;
        var pid = FindAgentPid(fileSystem);
        if (pid is not null)
        {
            var environ = fileSystem.TryReadText("/proc/" + pid + "/environ");
            if (environ is null)
            {
                notes.Add("Cannot read /proc/" + pid + "/environ of the running agent (run as root); using its service configuration instead.");
            }
            else
            {
                var running = ParseEnviron(environ);
                result = new AgentProxySettings("/proc/" + pid + "/environ (running agent)", running);
                var configuredProxy = configured is null ? null : AgentProxySettings.Get(configured, "HTTPS_PROXY") ?? AgentProxySettings.Get(configured, "HTTP_PROXY");
                if (configuredProxy is not null && configuredProxy != result.EffectiveProxy)
                {
                    notes.Add("The agent's service configuration (" + configuredSource + ") sets proxy " + AgentProxySettings.Redact(configuredProxy)
                        + " but the running agent uses " + (result.HasProxy ? AgentProxySettings.Redact(result.EffectiveProxy!) : "none")
                        + ": run 'systemctl daemon-reload && systemctl restart amazon-ssm-agent'.");
                }
            }
        }

        if (result is null && configured is not null && AgentProxySettings.SetsProxy(configured))
        {
            result = new AgentProxySettings(configuredSource!, configured);
        }

        var environment = fileSystem.TryReadText("/etc/environment");
        if (environment is not null)
        {
            var global = ParseEnvironmentFile(environment);
            var globalProxy = AgentProxySettings.Get(global, "HTTPS_PROXY") ?? AgentProxySettings.Get(global, "HTTP_PROXY");
            if (globalProxy is not null && (result is null || !result.HasProxy))
            {
                notes.Add("/etc/environment sets proxy " + AgentProxySettings.Redact(globalProxy)
                    + " but systemd does not pass /etc/environment to amazon-ssm-agent: put Environment= lines in a drop-in under /etc/systemd/system/amazon-ssm-agent.service.d/.");
            }
        }

        return result ?? (configured is not null
            ? new AgentProxySettings(configuredSource!, configured)
            : new AgentProxySettings(pid is null ? "no running agent found; no proxy in its service configuration" : "none found", new Dictionary<string, string>()));
    }

    /// <summary>Windows, in ssm-cli's order: service Environment value, machine environment, WinHTTP proxy.</summary>
    public static AgentProxySettings DiscoverWindows(IWindowsProxySource source)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        var service = source.ServiceEnvironment();
        if (service is not null)
        {
            var variables = ParseEnviron(string.Join("\0", service));
            if (AgentProxySettings.SetsProxy(variables))
            {
                return new AgentProxySettings(@"HKLM\SYSTEM\CurrentControlSet\Services\AmazonSSMAgent Environment", variables);
            }
        }

        var machine = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy" })
        {
            var value = source.MachineVariable(name);
            if (!string.IsNullOrEmpty(value))
            {
                machine[name] = value!;
            }
        }

        if (AgentProxySettings.SetsProxy(machine))
        {
            return new AgentProxySettings("machine environment", machine);
        }

        var winHttp = source.WinHttpProxy();
        if (winHttp is not null)
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["HTTPS_PROXY"] = NormaliseWinHttpProxy(winHttp.Value.Proxy) };
            if (!string.IsNullOrEmpty(winHttp.Value.Bypass))
            {
                variables["NO_PROXY"] = winHttp.Value.Bypass!.Replace(';', ',').Replace("<local>", string.Empty);
            }

            return new AgentProxySettings("WinHTTP proxy", variables);
        }

        return new AgentProxySettings("none found (service Environment, machine environment, WinHTTP)", new Dictionary<string, string>());
    }

    /// <summary>Compares the agent's proxy with this shell's: the classic "works for me, not for the agent" failures.</summary>
    public static void CompareWithShell(AgentProxySettings agent, IReadOnlyDictionary<string, string> shellEnvironment, List<string> findings)
    {
        if (agent is null || shellEnvironment is null || findings is null)
        {
            throw new ArgumentNullException(agent is null ? nameof(agent) : shellEnvironment is null ? nameof(shellEnvironment) : nameof(findings));
        }

        var shellProxy = AgentProxySettings.Get(shellEnvironment, "HTTPS_PROXY") ?? AgentProxySettings.Get(shellEnvironment, "HTTP_PROXY");
        if (shellProxy is not null && !agent.HasProxy)
        {
            findings.Add("This shell uses proxy " + AgentProxySettings.Redact(shellProxy) + " but the agent has none (" + agent.Source
                + "): what works from this shell may not work for the agent, which connects directly. Give the agent the same proxy (systemd drop-in or the service's Environment value) or open direct egress.");
        }
        else if (shellProxy is null && agent.HasProxy)
        {
            findings.Add("The agent uses proxy " + AgentProxySettings.Redact(agent.EffectiveProxy!) + " (" + agent.Source
                + ") but this shell has none: the probes below go through the agent's proxy, as the agent does.");
        }

        if (agent.HasProxy && !agent.Bypass.Bypasses("169.254.169.254", 80))
        {
            findings.Add("The agent's no_proxy ('" + (agent.NoProxy ?? string.Empty)
                + "') lacks 169.254.169.254: its instance metadata (IMDS) requests go to the proxy and fail. Add 169.254.169.254 to no_proxy.");
        }
    }

    internal static string? FindAgentPid(HostFileSystem fileSystem)
    {
        foreach (var dir in fileSystem.ListDirectories("/proc").Where(d => d.All(char.IsDigit)).OrderBy(d => d.Length).ThenBy(d => d, StringComparer.Ordinal))
        {
            // comm is cut to 15 characters ("amazon-ssm-agen"); cmdline holds the full argv[0].
            var comm = fileSystem.TryReadText("/proc/" + dir + "/comm")?.Trim();
            if (comm is "amazon-ssm-agen" or "amazon-ssm-agent")
            {
                return dir;
            }

            var cmdline = fileSystem.TryReadText("/proc/" + dir + "/cmdline");
            if (cmdline is not null)
            {
                var argv0 = cmdline.Split('\0')[0];
                if (argv0 == "amazon-ssm-agent" || argv0.EndsWith("/amazon-ssm-agent", StringComparison.Ordinal))
                {
                    return dir;
                }
            }
        }

        return null;
    }

    internal static Dictionary<string, string> ParseEnviron(string environ)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in environ.Split('\0'))
        {
            var eq = entry.IndexOf('=');
            if (eq > 0)
            {
                variables[entry.Substring(0, eq)] = entry.Substring(eq + 1);
            }
        }

        return variables;
    }

    /// <summary>/etc/environment and EnvironmentFile= syntax: NAME=value lines, optional quotes, optional 'export'.</summary>
    internal static Dictionary<string, string> ParseEnvironmentFile(string text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line.Substring(7).TrimStart();
            }

            var eq = line.IndexOf('=');
            if (eq > 0)
            {
                variables[line.Substring(0, eq).Trim()] = Unquote(line.Substring(eq + 1).Trim());
            }
        }

        return variables;
    }

    /// <summary>Environment= assignments of a unit file line: space-separated, each optionally double- or single-quoted.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ParseEnvironmentAssignments(string value)
    {
        var current = new StringBuilder();
        char quote = '\0';
        var words = new List<string>();
        foreach (var c in value)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq > 0)
            {
                yield return new KeyValuePair<string, string>(word.Substring(0, eq), word.Substring(eq + 1));
            }
        }
    }

    private static Dictionary<string, string>? ReadServiceConfiguration(HostFileSystem fileSystem, out string? source)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>();
        foreach (var unit in Units)
        {
            // The first unit directory holding the unit wins (/etc overrides /lib); drop-ins from every directory apply.
            var unitFile = UnitDirectories.Select(d => d + "/" + unit).FirstOrDefault(fileSystem.FileExists);
            var dropIns = UnitDirectories.SelectMany(d => fileSystem.ListFiles(d + "/" + unit + ".d", "*.conf"))
                .OrderBy(p => p.Substring(p.LastIndexOf('/') + 1), StringComparer.Ordinal).ToList();
            foreach (var file in (unitFile is null ? Enumerable.Empty<string>() : new[] { unitFile }).Concat(dropIns))
            {
                if (ApplyUnitFile(fileSystem, file, variables))
                {
                    files.Add(file);
                }
            }
        }

        var upstart = fileSystem.TryReadText("/etc/init/amazon-ssm-agent.override");
        if (upstart is not null)
        {
            foreach (var line in upstart.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("env ", StringComparison.Ordinal)))
            {
                foreach (var pair in ParseEnvironmentAssignments(line.Substring(4)))
                {
                    variables[pair.Key] = pair.Value;
                }
            }

            files.Add("/etc/init/amazon-ssm-agent.override");
        }

        source = files.Count == 0 ? null : "service configuration " + string.Join(", ", files);
        return files.Count == 0 ? null : variables;
    }

    private static bool ApplyUnitFile(HostFileSystem fileSystem, string file, Dictionary<string, string> variables)
    {
        var text = fileSystem.TryReadText(file);
        if (text is null)
        {
            return false;
        }

        var touched = false;
        var inService = false;
        foreach (var raw in text.Replace("\\\n", " ").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("[", StringComparison.Ordinal))
            {
                inService = string.Equals(line, "[Service]", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            if (!inService)
            {
                continue;
            }

            if (line.StartsWith("Environment=", StringComparison.Ordinal))
            {
                var value = line.Substring("Environment=".Length);
                if (value.Trim().Length == 0)
                {
                    variables.Clear(); // an empty assignment resets the list, as systemd does
                }

                foreach (var pair in ParseEnvironmentAssignments(value))
                {
                    variables[pair.Key] = pair.Value;
                }

                touched = true;
            }
            else if (line.StartsWith("EnvironmentFile=", StringComparison.Ordinal))
            {
                var path = line.Substring("EnvironmentFile=".Length).Trim().TrimStart('-');
                var content = fileSystem.TryReadText(path);
                if (content is not null)
                {
                    foreach (var pair in ParseEnvironmentFile(content))
                    {
                        variables[pair.Key] = pair.Value;
                    }
                }

                touched = true;
            }
        }

        return touched;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0]
            ? value.Substring(1, value.Length - 2)
            : value;

    private static string NormaliseWinHttpProxy(string proxy)
    {
        // WinHTTP may list per-scheme proxies ("http=p:80;https=p:443"); prefer the https one.
        var parts = proxy.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        var https = parts.FirstOrDefault(p => p.StartsWith("https=", StringComparison.OrdinalIgnoreCase));
        var chosen = https?.Substring(6) ?? parts.FirstOrDefault(p => p.IndexOf('=') < 0) ?? parts.FirstOrDefault()?.Split('=').Last() ?? proxy;
        return chosen.IndexOf("://", StringComparison.Ordinal) >= 0 ? chosen : "http://" + chosen;
    }
}
