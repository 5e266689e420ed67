using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>ssm-cli's statuses, with Warning for "works, but".</summary>
public enum DiagnosticStatus
{
    Passed = 0,
    Warning,
    Failed,
    Skipped,
}

/// <summary>One row of Get-SsmDiagnostic, like a row of ssm-cli get-diagnostics.</summary>
public sealed class SsmDiagnosticCheck
{
    internal SsmDiagnosticCheck(string check, DiagnosticStatus status, string note, string? remediation = null)
    {
        Check = check;
        Status = status;
        Note = note;
        Remediation = remediation;
    }

    public string Check { get; }

    public DiagnosticStatus Status { get; }

    public string Note { get; }

    public string? Remediation { get; }

    /// <summary>The endpoint probe behind a connectivity or IMDS row.</summary>
    public SsmEndpointProbe? Probe { get; internal set; }

    public override string ToString() => Check + ": " + Status + " - " + Note;
}

/// <summary>What Get-SsmDiagnostic was asked; the endpoint part is Test-SsmEndpoint's options.</summary>
public sealed class DiagnosticOptions
{
    public EndpointTestOptions Endpoints { get; init; } = new();

    /// <summary>The agent version to judge; null asks the installed agent (never on a redirected file system).</summary>
    public string? AgentVersion { get; init; }

    /// <summary>Where the latest version is published; null builds the region's S3 URL.</summary>
    public Uri? LatestVersionUrl { get; init; }

    public IAgentServiceQuery? ServiceQuery { get; init; }

    /// <summary>Windows sysprep ImageState; null reads the registry on Windows.</summary>
    public Func<string?>? SysprepState { get; init; }

    /// <summary>Where STS GetCallerIdentity goes (loopback emulator in tests); null: the region's STS endpoint.</summary>
    public Uri? StsEndpoint { get; init; }
}

/// <summary>Runs every on-instance check, plus the one AWS call the agent's credentials are judged by (STS GetCallerIdentity).</summary>
public static class SsmDiagnosticRunner
{
    public static async Task<IReadOnlyList<SsmDiagnosticCheck>> RunAsync(DiagnosticOptions options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var endpoints = options.Endpoints;
        var windows = endpoints.Windows ?? RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        var fileSystem = new HostFileSystem(endpoints.FileSystemRoot);
        var checks = new List<SsmDiagnosticCheck>();

        var registration = ReadRegistration(fileSystem, windows, out var registrationCheck);
        var hybrid = registration is not null;
        var serviceQuery = options.ServiceQuery
            ?? (windows ? new WindowsAgentServiceQuery(endpoints.Timeout) : new LinuxAgentServiceQuery(fileSystem));
        var serviceTask = serviceQuery.QueryAsync(cancellationToken);
        var clock = endpoints.Clock ?? (() => DateTimeOffset.UtcNow);
        using var dependents = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var logTask = Task.Run(() => AgentLogFindingsCheck.Run(fileSystem, windows, clock(), dependents.Token), dependents.Token);

        // The STS and latest-version calls start once region and proxy are known, alongside the endpoint probes,
        // so the whole run takes about one timeout.
        var planned = new TaskCompletionSource<EndpointPlan?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var credentialTask = CredentialCheckAsync(options, planned.Task, hybrid, clock, dependents.Token);
        var versionTask = VersionAfterPlanAsync(options, planned.Task, windows, dependents.Token);

        EndpointTestReport? report = null;
        string? regionError = null;
        try
        {
            report = await EndpointTestRunner.RunAsync(
                new EndpointTestOptions
                {
                    Services = endpoints.Services ?? EndpointCatalog.DefaultServices.Where(s => s != "sts").ToList(),
                    Region = endpoints.Region ?? registration?.Region,
                    UseFipsEndpoint = endpoints.UseFipsEndpoint,
                    Timeout = endpoints.Timeout,
                    AgentConfigPath = endpoints.AgentConfigPath,
                    ImdsEndpoint = endpoints.ImdsEndpoint,
                    SkipImds = endpoints.SkipImds || hybrid,
                    EndpointOverrides = endpoints.EndpointOverrides,
                    Port = endpoints.Port,
                    FileSystemRoot = endpoints.FileSystemRoot,
                    TrustedRoots = endpoints.TrustedRoots,
                    Resolver = endpoints.Resolver,
                    ShellEnvironment = endpoints.ShellEnvironment,
                    Windows = windows,
                    WindowsProxySource = endpoints.WindowsProxySource,
                    Clock = endpoints.Clock,
                    Planned = plan => planned.TrySetResult(plan),
                },
                null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (RegionNotFoundException ex)
        {
            regionError = ex.Message;
        }
        catch (Exception)
        {
            // A configuration error or Ctrl+C ends the run: nothing may keep working behind it.
            planned.TrySetCanceled();
            dependents.Cancel();
            throw;
        }
        finally
        {
            // No region: the dependent checks run without a plan.
            planned.TrySetResult(null);
        }

        var imdsRow = report?.Probes.FirstOrDefault(p => p.Service == "imds");
        checks.Add(ImdsCheck(report, hybrid, endpoints.SkipImds, regionError));
        checks.Add(registrationCheck);
        if (report is null)
        {
            checks.Add(new SsmDiagnosticCheck("Connectivity to endpoints", DiagnosticStatus.Failed, regionError!,
                "Pass -Region, or fix IMDS / the hybrid registration so the region is known."));
        }
        else
        {
            checks.AddRange(report.Probes.Where(p => p.Service != "imds").Select(ConnectivityCheck));
        }

        var credentialCheck = await credentialTask.ConfigureAwait(false);
        credentialCheck.Probe = imdsRow;
        checks.Add(credentialCheck);
        checks.Add(ServiceCheck(await serviceTask.ConfigureAwait(false), windows));
        checks.Add(ProxyCheck(report));
        checks.Add(SysprepCheck(windows, options.SysprepState));
        checks.Add(await versionTask.ConfigureAwait(false));
        checks.Add(await logTask.ConfigureAwait(false));
        return checks;
    }

    private static async Task<SsmDiagnosticCheck> CredentialCheckAsync(DiagnosticOptions options,
        Task<EndpointPlan?> planned, bool hybrid, Func<DateTimeOffset> clock,
        CancellationToken cancellationToken)
    {
        var plan = await planned.ConfigureAwait(false);
        var imds = plan is null ? default : await plan.Imds.ConfigureAwait(false);
        return await AgentCredentialCheck.RunAsync(
            new CredentialCheckInput
            {
                Hybrid = hybrid,
                ImdsSkipped = options.Endpoints.SkipImds,
                Region = plan?.Region,
                Imds = imds.Row,
                Credentials = imds.Credentials,
                Proxy = plan?.Proxy,
                StsEndpoint = options.StsEndpoint,
                Timeout = options.Endpoints.Timeout,
                Clock = clock,
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SsmDiagnosticCheck> VersionAfterPlanAsync(DiagnosticOptions options,
        Task<EndpointPlan?> planned, bool windows, CancellationToken cancellationToken)
    {
        var plan = await planned.ConfigureAwait(false);
        return await VersionCheckAsync(options, plan?.Region, plan?.Proxy, windows, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Registration
    {
        public string? InstanceId { get; init; }

        public string? Region { get; init; }
    }

    private static Registration? ReadRegistration(HostFileSystem fileSystem, bool windows, out SsmDiagnosticCheck check)
    {
        const string title = "Hybrid instance registration";
        var path = windows ? @"C:\ProgramData\Amazon\SSM\InstanceData\registration" : "/var/lib/amazon/ssm/registration";
        var text = fileSystem.TryReadText(path);
        if (text is null)
        {
            check = new SsmDiagnosticCheck(title, DiagnosticStatus.Skipped, "Not a hybrid (on-premises) instance: " + path + " does not exist.");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var id = document.RootElement.TryGetProperty("ManagedInstanceID", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var region = document.RootElement.TryGetProperty("Region", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(region))
            {
                check = new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, path + " lacks ManagedInstanceID or Region.",
                    "Register again: amazon-ssm-agent -register -code <code> -id <id> -region <region>.");
                return null;
            }

            check = new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, "Registered as " + id + " in " + region + " (" + path + ").");
            return new Registration { InstanceId = id, Region = region };
        }
        catch (JsonException ex)
        {
            check = new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, path + " is not valid JSON: " + ex.Message,
                "Register again: amazon-ssm-agent -register -code <code> -id <id> -region <region>.");
            return null;
        }
    }

    private static SsmDiagnosticCheck ImdsCheck(EndpointTestReport? report, bool hybrid, bool skipped, string? regionError)
    {
        const string title = "EC2 IMDS";
        if (hybrid)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Skipped, "Hybrid instance: the agent uses its registration, not IMDS.");
        }

        if (skipped)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Skipped, "Skipped (-SkipImds).");
        }

        var row = report?.Probes.FirstOrDefault(p => p.Service == "imds");
        if (row is null)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, regionError ?? "IMDS did not answer.");
        }

        var found = row.Imds?.InstanceId is null ? string.Empty
            : "Instance " + row.Imds.InstanceId + " in " + (row.Imds.Region ?? "?") + ", IMDS" + row.Imds.Version
              + (row.Imds.RoleName is null ? string.Empty : ", role " + row.Imds.RoleName) + ".";
        return row.Status switch
        {
            EndpointProbeStatus.Reachable => new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, found) { Probe = row },
            EndpointProbeStatus.Warning => new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, (found + " " + row.Error).Trim(), row.Remediation) { Probe = row },
            _ => new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, row.Error ?? "IMDS did not answer.", row.Remediation) { Probe = row },
        };
    }

    private static SsmDiagnosticCheck ConnectivityCheck(SsmEndpointProbe probe)
    {
        var title = "Connectivity to " + probe.Service + " endpoint";
        if (probe.Status == EndpointProbeStatus.Failed)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, probe.Error ?? "unreachable", probe.Remediation) { Probe = probe };
        }

        var total = (probe.DnsMs ?? 0) + (probe.TcpMs ?? 0) + (probe.TlsMs ?? 0) + (probe.HttpMs ?? 0);
        var note = probe.Host + ":" + probe.Port.ToString(CultureInfo.InvariantCulture) + " answered HTTP "
            + probe.HttpStatus?.ToString(CultureInfo.InvariantCulture) + " in " + Math.Round(total).ToString(CultureInfo.InvariantCulture) + " ms ("
            + AddressKind(probe) + ", " + probe.Proxy + ").";
        return probe.Status == EndpointProbeStatus.Warning
            ? new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, note + " " + probe.Error, probe.Remediation) { Probe = probe }
            : new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, note) { Probe = probe };
    }

    private static string AddressKind(SsmEndpointProbe probe) =>
        probe.Addresses.Length == 0 ? "resolved by the proxy"
        : probe.IsPrivateAddress ? "private address: VPC endpoint"
        : probe.Addresses.All(a => IPAddress.TryParse(a, out var ip) && IPAddress.IsLoopback(ip)) ? "loopback address"
        : "public address";

    private static SsmDiagnosticCheck ServiceCheck(AgentServiceState state, bool windows)
    {
        const string title = "Agent service";
        var start = windows ? "Start-Service AmazonSSMAgent" : "sudo systemctl enable --now amazon-ssm-agent (snap: sudo snap start --enable amazon-ssm-agent)";
        if (!state.Installed)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, "The SSM agent is not installed.",
                "Install it: https://docs.aws.amazon.com/systems-manager/latest/userguide/manually-install-ssm-agent-linux.html (Windows: the AmazonSSMAgentSetup.exe installer).");
        }

        if (!state.Running)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, "The agent is installed (" + state.Manager + ") but not running.", start);
        }

        var note = "Running" + (state.ProcessId is null ? string.Empty : " (pid " + state.ProcessId.Value.ToString(CultureInfo.InvariantCulture) + ")")
            + (state.RunAs is null ? string.Empty : " as " + state.RunAs) + ", " + state.Manager
            + (state.StartType is null ? string.Empty : ", start type " + state.StartType) + ".";
        if (state.Privileged == false)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, note + " The agent must run as " + (windows ? "LocalSystem" : "root") + ".",
                windows ? "sc.exe config AmazonSSMAgent obj= LocalSystem, then restart the service." : "Remove the User= override from the unit and restart the agent.");
        }

        if (state.StartsAtBoot == false)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, note + " It will not start after a reboot.", start);
        }

        return new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, note);
    }

    private static SsmDiagnosticCheck ProxyCheck(EndpointTestReport? report)
    {
        const string title = "Proxy configuration";
        if (report is null)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Skipped, "Not evaluated: no region.");
        }

        var proxy = report.Proxy;
        var note = proxy.HasProxy
            ? "https_proxy=" + AgentProxySettings.Redact(proxy.EffectiveProxy!) + ", no_proxy=" + (proxy.NoProxy ?? "(none)") + " from " + proxy.Source + "."
            : "No proxy (" + proxy.Source + ").";
        return report.Findings.Count == 0
            ? new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, note)
            : new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, note + " " + string.Join(" ", report.Findings), "See the note.");
    }

    private static SsmDiagnosticCheck SysprepCheck(bool windows, Func<string?>? state)
    {
        const string title = "Windows sysprep image state";
        if (!windows)
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Skipped, "Not a Windows instance.");
        }

        var value = (state ?? (() => WindowsRegistry.ReadMachineString(@"SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State", "ImageState")))();
        return value == "IMAGE_STATE_COMPLETE"
            ? new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, "ImageState is IMAGE_STATE_COMPLETE.")
            : new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, "ImageState is " + (value ?? "unreadable") + ", not IMAGE_STATE_COMPLETE: the instance has not finished sysprep.",
                "Let sysprep/EC2Launch finish (or recreate the image without a pending specialize pass); the agent registers once the image state is complete.");
    }

    private static async Task<SsmDiagnosticCheck> VersionCheckAsync(DiagnosticOptions options, string? region, AgentProxySettings? proxy, bool windows, CancellationToken cancellationToken)
    {
        const string title = "SSM Agent version";
        const string update = "Update the agent: run the AWS-UpdateSSMAgent document (aws ssm send-command --document-name AWS-UpdateSSMAgent --targets Key=InstanceIds,Values=<id>).";
        var local = options.AgentVersion;
        if (local is null)
        {
            if (options.Endpoints.FileSystemRoot is not null)
            {
                return new SsmDiagnosticCheck(title, DiagnosticStatus.Skipped, "The agent of a redirected file system is never run; pass -AgentVersion to judge a version.");
            }

            local = await InstalledVersionAsync(windows, options.Endpoints.Timeout, cancellationToken).ConfigureAwait(false);
            if (local is null)
            {
                return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, "Could not read the installed agent's version (amazon-ssm-agent -version).", "Install or reinstall the agent.");
            }
        }

        if (!Version.TryParse(local, out var localVersion))
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Failed, "'" + local + "' is not a version number.");
        }

        var url = options.LatestVersionUrl;
        if (url is null)
        {
            if (region is null)
            {
                return new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, "Installed " + local + "; the latest version is unknown without a region.");
            }

            url = new Uri("https://s3." + region + "." + EndpointCatalog.DomainFor(region) + "/amazon-ssm-" + region + "/latest/VERSION");
        }

        var latest = await LatestVersionAsync(url, proxy, options.Endpoints.Timeout, cancellationToken).ConfigureAwait(false);
        if (!Version.TryParse(latest.Version ?? string.Empty, out var latestVersion))
        {
            return new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, "Installed " + local + "; could not read the latest version from " + url + " (" + latest.Error + ").",
                "Check access to S3 in the region (the agent updater needs it too).");
        }

        return localVersion >= latestVersion
            ? new SsmDiagnosticCheck(title, DiagnosticStatus.Passed, "Installed " + local + " is the latest (" + latest.Version + ").")
            : new SsmDiagnosticCheck(title, DiagnosticStatus.Warning, "Installed " + local + " is older than the latest " + latest.Version + ".", update);
    }

    private static async Task<(string? Version, string? Error)> LatestVersionAsync(Uri url, AgentProxySettings? proxy, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Fetched the way the agent's updater would: through its proxy unless no_proxy lists the host.
        var proxyUrl = proxy?.ProxyFor(url.Host, url.Port);
        using var handler = new HttpClientHandler { UseProxy = proxyUrl is not null, Proxy = proxyUrl is null ? null : new WebProxy(proxyUrl) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(url, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (body.Trim(), null) : (null, "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.InnerException?.Message ?? ex.Message);
        }
    }

    private static async Task<string?> InstalledVersionAsync(bool windows, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var candidates = windows
            ? new[] { @"C:\Program Files\Amazon\SSM\amazon-ssm-agent.exe" }
            : new[] { "/usr/bin/amazon-ssm-agent", "/snap/amazon-ssm-agent/current/amazon-ssm-agent", "/usr/local/bin/amazon-ssm-agent" };
        var binary = candidates.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            return null;
        }

        var info = new ProcessStartInfo(binary, "-version") { RedirectStandardOutput = true, UseShellExecute = false, CreateNoWindow = true };
        using var process = Process.Start(info);
        if (process is null)
        {
            return null;
        }

        try
        {
            var output = await Deadline.Within(process.StandardOutput.ReadToEndAsync(), timeout, cancellationToken).ConfigureAwait(false);
            // "SSM Agent version: 3.3.40.0"
            var word = output.Split(new[] { ' ', '\n', '\r', '\t', ':' }, StringSplitOptions.RemoveEmptyEntries).LastOrDefault(w => Version.TryParse(w, out _));
            return word;
        }
        catch (TimeoutException)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It ended on its own meanwhile.
            }

            return null;
        }
    }
}
