using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// The options `endpoints` and `diagnose` share, named after Test-SsmEndpoint's parameters: which endpoints, and the
/// seams that point every probe at another machine's files or at test servers. --region is the global option.
/// </summary>
internal sealed class EndpointOptionSet
{
    public Option<string[]> Service { get; } = new("--service")
    {
        Description = "Services to probe: " + string.Join(", ", EndpointCatalog.AllServices) + " (several, or comma-separated).",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<bool> UseFipsEndpoint { get; } = new("--use-fips-endpoint") { Description = "Probe the FIPS endpoints where the region has them." };

    public Option<int> TimeoutSeconds { get; } = IntOption("--timeout-seconds", "Timeout of each phase (DNS, TCP, TLS, HTTP, each IMDS request), 1 to 60.", 1, 60, 3);

    public Option<string?> AgentConfigPath { get; } = new("--agent-config-path") { Description = "The amazon-ssm-agent.json to read instead of the installed one." };

    public Option<string?> ImdsEndpoint { get; } = new("--imds-endpoint") { Description = "The instance metadata service URL (default http://169.254.169.254)." };

    public Option<bool> SkipImds { get; } = new("--skip-imds") { Description = "Do not probe the instance metadata service (hybrid nodes)." };

    public Option<string[]> EndpointOverride { get; } = new("--endpoint-override")
    {
        Description = "service=host, service=host:port or service=https://host:port; wins over the agent's configuration. Repeatable.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<int> Port { get; } = IntOption("--port", "The port of endpoints that have none of their own (default 443).", 1, 65535, 443);

    public Option<string[]> HostAddressOverride { get; } = new("--host-address", "--host-address-override")
    {
        Description = "name=ip[,ip] used instead of DNS for that host name, like an /etc/hosts entry. Repeatable.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string[]> TrustedRootCertificatePath { get; } = new("--trusted-root-certificate-path")
    {
        Description = "DER or PEM certificate files of CAs to trust in addition to the system's.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string?> FileSystemRoot { get; } = new("--file-system-root") { Description = "Read the agent's files under this folder (a mounted root volume) instead of /." };

    public EndpointOptionSet()
    {
        Service.Validators.Add(result =>
        {
            foreach (var service in SplitList(result.GetValueOrDefault<string[]>()))
            {
                if (!EndpointCatalog.AllServices.Contains(service.ToLowerInvariant()))
                {
                    result.AddError($"'{service}' is not a service this tool probes. Known: {string.Join(", ", EndpointCatalog.AllServices)}.");
                }
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Service);
        command.Options.Add(UseFipsEndpoint);
        command.Options.Add(TimeoutSeconds);
        command.Options.Add(AgentConfigPath);
        command.Options.Add(ImdsEndpoint);
        command.Options.Add(SkipImds);
        command.Options.Add(EndpointOverride);
        command.Options.Add(Port);
        command.Options.Add(HostAddressOverride);
        command.Options.Add(TrustedRootCertificatePath);
        command.Options.Add(FileSystemRoot);
    }

    /// <summary>The engine options, as Test-SsmEndpoint builds them; bad values are usage errors, unreadable files could-not-run.</summary>
    public EndpointTestOptions Build(ParseResult parse, GlobalOptions global)
    {
        var imds = ImdsProber.DefaultEndpoint;
        var imdsText = parse.GetValue(ImdsEndpoint);
        if (imdsText is not null
            && !SsmTroubleshoot.Common.HttpUrl.TryParse(imdsText, out imds))
        {
            throw new CliUsageException("--imds-endpoint '" + imdsText + "' is not an http(s) URL (for example http://169.254.169.254).");
        }

        var trusted = new X509Certificate2Collection();
        var trustedPaths = parse.GetValue(TrustedRootCertificatePath);
        if (trustedPaths is { Length: > 0 })
        {
            try
            {
                trusted = TrustedRoots.Load(trustedPaths.Select(Path.GetFullPath).ToArray());
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new CliRunException("--trusted-root-certificate-path: " + ex.Message + " Pass DER or PEM certificate files of the CA to trust.", ex);
            }
        }

        var services = SplitList(parse.GetValue(Service)).Select(s => s.ToLowerInvariant()).ToList();
        var hosts = ReadHostAddresses(parse.GetValue(HostAddressOverride));
        var agentConfig = parse.GetValue(AgentConfigPath);
        var root = parse.GetValue(FileSystemRoot);
        return new EndpointTestOptions
        {
            Services = services.Count == 0 ? null : services,
            Region = parse.GetValue(global.Region),
            UseFipsEndpoint = parse.GetValue(UseFipsEndpoint),
            Timeout = TimeSpan.FromSeconds(parse.GetValue(TimeoutSeconds)),
            AgentConfigPath = agentConfig is null ? null : Path.GetFullPath(agentConfig),
            ImdsEndpoint = imds!,
            SkipImds = parse.GetValue(SkipImds),
            EndpointOverrides = ReadEndpointOverrides(parse.GetValue(EndpointOverride)),
            Port = parse.GetValue(Port),
            FileSystemRoot = root is null ? null : Path.GetFullPath(root),
            TrustedRoots = trusted,
            Resolver = hosts is null ? null : new HostOverrideResolver(hosts, new SystemHostResolver()),
        };
    }

    // Range errors are parse errors (exit code 2), as ValidateRange makes them binding errors for the cmdlet.
    private static Option<int> IntOption(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[result.Tokens.Count - 1].Value;
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{name} '{text}' is not a whole number.");
                return defaultValue;
            }

            if (value < min || value > max)
            {
                result.AddError($"{name} must be between {min} and {max}, not {value}.");
            }

            return value;
        },
    };

    private static IEnumerable<string> SplitList(string[]? values) =>
        (values ?? Array.Empty<string>()).SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0);

    private static (string Key, string Value) SplitPair(string text, string option, string example)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new CliUsageException($"{option} '{text}' is not name=value (for example {example}).");
        }

        return (text.Substring(0, equals).Trim(), text.Substring(equals + 1).Trim());
    }

    private static Dictionary<string, string>? ReadEndpointOverrides(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        const string Example = "ssm=vpce-0abc.ssm.us-east-1.vpce.amazonaws.com:443";
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in values)
        {
            var (key, value) = SplitPair(text, "--endpoint-override", Example);
            var service = key.ToLowerInvariant();
            if (!EndpointCatalog.AllServices.Contains(service))
            {
                throw new CliUsageException($"--endpoint-override: unknown service '{key}'. Known: {string.Join(", ", EndpointCatalog.AllServices)}.");
            }

            try
            {
                EndpointCatalog.ParseHostPort(value);
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException("--endpoint-override: " + ex.Message + " Use service=host, service=host:port or service=https://host:port.", ex);
            }

            overrides[service] = value;
        }

        return overrides;
    }

    private static Dictionary<string, IPAddress[]>? ReadHostAddresses(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        const string Example = "ssm.us-east-1.amazonaws.com=10.0.0.5";
        var entries = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in values)
        {
            var (name, list) = SplitPair(text, "--host-address", Example);
            var addresses = new List<IPAddress>();
            foreach (var item in list.Split(',').Select(a => a.Trim()).Where(a => a.Length > 0))
            {
                if (!IPAddress.TryParse(item, out var address))
                {
                    throw new CliUsageException($"--host-address: '{item}' for {name} is not an IP address (for example {Example}).");
                }

                addresses.Add(address);
            }

            if (addresses.Count == 0)
            {
                throw new CliUsageException($"--host-address: no address for {name} (for example {Example}).");
            }

            entries[name] = addresses.ToArray();
        }

        return entries;
    }
}
