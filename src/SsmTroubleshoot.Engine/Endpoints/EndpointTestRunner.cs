using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>What Test-SsmEndpoint was asked to do. Everything that would touch the live machine can be redirected.</summary>
public sealed class EndpointTestOptions
{
    public IReadOnlyList<string>? Services { get; init; }

    public string? Region { get; init; }

    public bool UseFipsEndpoint { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>An explicit amazon-ssm-agent.json; null reads the default location under the file-system root.</summary>
    public string? AgentConfigPath { get; init; }

    public Uri ImdsEndpoint { get; init; } = ImdsProber.DefaultEndpoint;

    public bool SkipImds { get; init; }

    /// <summary>Service -> host, host:port or URL; wins over the agent's config and the defaults.</summary>
    public IReadOnlyDictionary<string, string>? EndpointOverrides { get; init; }

    /// <summary>The port for endpoints that do not name one (443).</summary>
    public int Port { get; init; } = 443;

    public string? FileSystemRoot { get; init; }

    public X509Certificate2Collection? TrustedRoots { get; init; }

    public IHostResolver? Resolver { get; init; }

    /// <summary>This shell's environment (proxy comparison, AWS_REGION); null reads the process environment.</summary>
    public IReadOnlyDictionary<string, string>? ShellEnvironment { get; init; }

    /// <summary>Which agent layout to inspect; null follows the current OS.</summary>
    public bool? Windows { get; init; }

    public IWindowsProxySource? WindowsProxySource { get; init; }

    public Func<DateTimeOffset>? Clock { get; init; }
}

/// <summary>Everything one Test-SsmEndpoint run found.</summary>
public sealed class EndpointTestReport
{
    internal EndpointTestReport(IReadOnlyList<SsmEndpointProbe> probes, string region, string regionSource, AgentProxySettings proxy,
        string? agentConfigPath, IReadOnlyList<string> findings)
    {
        Probes = probes;
        Region = region;
        RegionSource = regionSource;
        Proxy = proxy;
        AgentConfigPath = agentConfigPath;
        Findings = findings;
    }

    /// <summary>IMDS first (when probed), then the services in catalog order.</summary>
    public IReadOnlyList<SsmEndpointProbe> Probes { get; }

    public string Region { get; }

    public string RegionSource { get; }

    public AgentProxySettings Proxy { get; }

    public string? AgentConfigPath { get; }

    /// <summary>Proxy mismatches and configuration problems, one sentence each.</summary>
    public IReadOnlyList<string> Findings { get; }
}

/// <summary>No region from -Region, the agent config, IMDS or the environment.</summary>
public sealed class RegionNotFoundException : InvalidOperationException
{
    public RegionNotFoundException(string message)
        : base(message)
    {
    }

    public RegionNotFoundException()
    {
    }

    public RegionNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Runs Test-SsmEndpoint: works out hosts, region and proxy as the agent would, then probes everything at once.</summary>
public static class EndpointTestRunner
{
    /// <summary>How many probes there will be (for progress), before any network work.</summary>
    public static int CountProbes(EndpointTestOptions options) =>
        EndpointCatalog.NormaliseServices(options?.Services).Count + (options?.SkipImds == true ? 0 : 1);

    public static async Task<EndpointTestReport> RunAsync(EndpointTestOptions options, Action<SsmEndpointProbe>? completed, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var services = EndpointCatalog.NormaliseServices(options.Services);
        var windows = options.Windows ?? RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        var fileSystem = new HostFileSystem(options.FileSystemRoot);
        var shell = options.ShellEnvironment ?? ProcessEnvironment();
        var findings = new List<string>();
        AgentConfiguration agent;
        try
        {
            agent = AgentConfiguration.Load(options.AgentConfigPath, fileSystem, windows);
        }
        catch (InvalidDataException ex) when (string.IsNullOrEmpty(options.AgentConfigPath))
        {
            findings.Add(ex.Message + " The agent ignores it and uses its defaults.");
            agent = new AgentConfiguration(null);
        }

        var proxy = windows
            ? AgentProxyDiscovery.DiscoverWindows(options.WindowsProxySource ?? new WindowsProxySource())
            : AgentProxyDiscovery.DiscoverLinux(fileSystem, findings);
        AgentProxyDiscovery.CompareWithShell(proxy, shell, findings);

        using var imds = options.SkipImds ? null : new ImdsProber(options.ImdsEndpoint, options.Timeout, options.Clock);
        Task<SsmEndpointProbe>? imdsTask = null;
        string? region = options.Region;
        var regionSource = "-Region";
        if (string.IsNullOrEmpty(region) && !string.IsNullOrEmpty(agent.Region))
        {
            region = agent.Region;
            regionSource = "amazon-ssm-agent.json Agent.Region";
        }

        if (string.IsNullOrEmpty(region) && imds is not null)
        {
            // The region decides every host name, so IMDS answers first here; with -Region it runs alongside the rest.
            imdsTask = Report(imds.ProbeAsync(cancellationToken), completed);
            var imdsRow = await imdsTask.ConfigureAwait(false);
            region = imdsRow.Imds?.Region;
            regionSource = "IMDS";
        }

        if (string.IsNullOrEmpty(region))
        {
            region = Lookup(shell, "AWS_REGION") ?? Lookup(shell, "AWS_DEFAULT_REGION");
            regionSource = Lookup(shell, "AWS_REGION") is not null ? "AWS_REGION" : "AWS_DEFAULT_REGION";
        }

        if (string.IsNullOrEmpty(region))
        {
            throw new RegionNotFoundException("No region: none given with -Region, none in amazon-ssm-agent.json (Agent.Region), "
                + (options.SkipImds ? "IMDS skipped, " : "none from IMDS, ") + "and neither AWS_REGION nor AWS_DEFAULT_REGION is set.");
        }

        var resolver = options.Resolver ?? new SystemHostResolver();
        var prober = new EndpointProber(resolver, options.Timeout, options.TrustedRoots);
        var targets = services.Select(service => BuildTarget(service, region!, options, agent, proxy)).ToList();
        if (imds is not null && imdsTask is null)
        {
            imdsTask = Report(imds.ProbeAsync(cancellationToken), completed);
        }

        var probeTasks = targets.Select(t => Report(Guarded(prober, t, cancellationToken), completed)).ToList();
        var probes = new List<SsmEndpointProbe>();
        if (imdsTask is not null)
        {
            var imdsRow = await imdsTask.ConfigureAwait(false);
            probes.Add(imdsRow);
            if (imdsRow.Imds?.Region is { } imdsRegion && regionSource != "IMDS" && !string.Equals(imdsRegion, region, StringComparison.Ordinal))
            {
                findings.Add("IMDS says this instance runs in " + imdsRegion + " but the endpoints were probed for " + region + " (" + regionSource + ").");
            }
        }

        probes.AddRange(await Task.WhenAll(probeTasks).ConfigureAwait(false));
        return new EndpointTestReport(probes, region!, regionSource, proxy, agent.Path, findings);
    }

    internal static EndpointTarget BuildTarget(string service, string region, EndpointTestOptions options, AgentConfiguration agent, AgentProxySettings proxy)
    {
        string host;
        int? port;
        string source;
        if (options.EndpointOverrides is not null && options.EndpointOverrides.TryGetValue(service, out var overridden))
        {
            (host, port) = EndpointCatalog.ParseHostPort(overridden);
            source = "-EndpointOverride";
        }
        else
        {
            (host, port, source) = EndpointCatalog.HostFor(service, region, options.UseFipsEndpoint, agent);
        }

        var effectivePort = port ?? options.Port;
        var proxyUrl = proxy.ProxyFor(host, effectivePort);
        return new EndpointTarget(service, host, effectivePort, region)
        {
            Source = source,
            Proxy = proxyUrl,
            BypassedProxy = proxy.HasProxy && proxyUrl is null,
        };
    }

    // One probe's unexpected failure becomes that row's error instead of ending the whole run.
    private static async Task<SsmEndpointProbe> Guarded(EndpointProber prober, EndpointTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return await prober.ProbeAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var row = new SsmEndpointProbe(target.Service, target.Host, target.Port, target.Region) { EndpointSource = target.Source };
            row.Fail(EndpointProbePhase.None, EndpointProblem.None, "The probe failed unexpectedly: " + ex.GetType().Name + ": " + ex.Message, "Report this with the output of -Verbose.");
            return row;
        }
    }

    private static async Task<SsmEndpointProbe> Report(Task<SsmEndpointProbe> probe, Action<SsmEndpointProbe>? completed)
    {
        var result = await probe.ConfigureAwait(false);
        completed?.Invoke(result);
        return result;
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }

        return variables;
    }
}
