using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// The parameters Test-SsmEndpoint and Get-SsmDiagnostic share: which endpoints, which region, and the seams that point
/// every probe at another machine's files or at loopback test servers.
/// </summary>
public abstract class EndpointProbeCmdlet : SsmTroubleshootCmdlet
{
    /// <summary>The services to probe; default the seven ssm-cli checks plus sts.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts", "ec2", IgnoreCase = true)]
    public string[]? Service { get; set; }

    /// <summary>The region whose endpoints to probe. Else amazon-ssm-agent.json, IMDS, AWS_REGION, AWS_DEFAULT_REGION.</summary>
    [Parameter]
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    public string? Region { get; set; }

    /// <summary>Probes the service-fips hosts where a FIPS endpoint exists; other services keep their standard host.</summary>
    [Parameter]
    public SwitchParameter UseFipsEndpoint { get; set; }

    /// <summary>Timeout of each phase (DNS, TCP, TLS, HTTP, each IMDS request).</summary>
    [Parameter]
    [ValidateRange(1, 60)]
    public int TimeoutSeconds { get; set; } = 3;

    /// <summary>The amazon-ssm-agent.json to read endpoint overrides and the region from (default: the agent's own, under -FileSystemRoot).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AgentConfigPath { get; set; }

    /// <summary>
    /// The metadata service's base URL (default http://169.254.169.254): a forwarded port, the IPv6 address, or a test
    /// double; tests always set it so that nothing reaches the real link-local address.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImdsEndpoint { get; set; }

    /// <summary>No metadata-service checks (hybrid and on-premises machines); the region then comes from -Region, the agent configuration or the environment.</summary>
    [Parameter]
    public SwitchParameter SkipImds { get; set; }

    /// <summary>Service -> host, host:port or https URL; wins over the agent's configuration.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? EndpointOverride { get; set; }

    /// <summary>The port of every endpoint that names none (default 443): port forwarding and test servers.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 443;

    /// <summary>Host name -> IP address(es) for the probe only, like /etc/hosts entries.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? HostAddressOverride { get; set; }

    /// <summary>
    /// Extra certificate authorities (DER or PEM) to trust beside the system store: a private CA or a TLS-inspecting
    /// proxy's, and the tests' own. It only adds anchors; host names and the rest of the chain are still checked.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedRootCertificatePath { get; set; }

    /// <summary>
    /// Reads the machine's files (agent configuration, /proc environ, systemd units, /etc/environment) below this folder
    /// instead of /: a broken instance's volume mounted on another machine, and the tests' fake file systems.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FileSystemRoot { get; set; }

    /// <summary>
    /// <see cref="WaitWithProgress{T}"/> for a run that reads the agent configuration: a missing file ends the command
    /// with AgentConfigNotFound, unreadable JSON with AgentConfigInvalid; other engine exceptions are rethrown as they are.
    /// </summary>
    protected T WaitReadingAgentConfig<T>(Task<T> run, ProgressRecord progress, Func<string> status)
    {
        try
        {
            return WaitWithProgress(run, progress, status);
        }
        catch (FileNotFoundException ex)
        {
            ThrowFailure(ex, ErrorIds.AgentConfigNotFound, AgentConfigPath, "Pass the path of an existing amazon-ssm-agent.json.");
            throw; // not reached: ThrowFailure ends the command
        }
        catch (InvalidDataException ex)
        {
            ThrowFailure(ex, ErrorIds.AgentConfigInvalid, AgentConfigPath, "Fix the JSON of the agent configuration file.");
            throw; // not reached
        }
    }

    /// <summary>
    /// Waits for engine work already started while writing its polled status as progress (<see cref="SsmTroubleshootCmdlet.Pump{T, TReport}"/>);
    /// Ctrl+C ends the wait at once. Engine exceptions are rethrown as they are.
    /// </summary>
    protected T WaitWithProgress<T>(Task<T> run, ProgressRecord progress, Func<string> status)
    {
        var shown = string.Empty;
        try
        {
            return Pump<T, object?>((_, _) => run, null, () =>
            {
                var now = status();
                if (now != shown)
                {
                    shown = now;
                    progress.StatusDescription = now;
                    WriteProgress(progress);
                }
            });
        }
        catch (OperationCanceledException)
        {
            // The run's own token (the cmdlet's) was cancelled under it.
            throw new PipelineStoppedException();
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <summary>Turns the parameters into engine options; bad values stop the command with a stable ErrorId.</summary>
    protected EndpointTestOptions BuildOptions()
    {
        var imds = ImdsProber.DefaultEndpoint;
        if (ImdsEndpoint is not null
            && !SsmTroubleshoot.Common.HttpUrl.TryParse(ImdsEndpoint, out imds))
        {
            ThrowTerminatingError(ErrorRecords.Create("-ImdsEndpoint '" + ImdsEndpoint + "' is not an http(s) URL.", ErrorIds.ImdsEndpointInvalid,
                ErrorCategory.InvalidArgument, ImdsEndpoint, "Pass a URL such as http://169.254.169.254."));
        }

        var trusted = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        if (TrustedRootCertificatePath is not null)
        {
            var paths = TrustedRootCertificatePath.Select(p => GetUnresolvedProviderPathFromPSPath(p)).ToArray();
            try
            {
                trusted = TrustedRoots.Load(paths);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
            {
                ThrowFailure(ex, ErrorIds.TrustedRootInvalid, TrustedRootCertificatePath, "Pass DER or PEM certificate files of the CA to trust.");
            }
        }

        return new EndpointTestOptions
        {
            Services = Service,
            Region = Region,
            UseFipsEndpoint = UseFipsEndpoint.IsPresent,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            AgentConfigPath = AgentConfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(AgentConfigPath),
            ImdsEndpoint = imds!,
            SkipImds = SkipImds.IsPresent,
            EndpointOverrides = ReadEndpointOverrides(),
            Port = Port,
            FileSystemRoot = FileSystemRoot is null ? null : GetUnresolvedProviderPathFromPSPath(FileSystemRoot),
            TrustedRoots = trusted,
            Resolver = HostAddressOverride is null ? null : new HostOverrideResolver(ReadHostAddresses(), new SystemHostResolver()),
        };
    }

    private Dictionary<string, string>? ReadEndpointOverrides()
    {
        if (EndpointOverride is null)
        {
            return null;
        }

        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in PSValues.Entries(EndpointOverride))
        {
            var service = key.ToLowerInvariant();
            var value = values.Length == 1 ? values[0] : string.Join(" ", values);
            try
            {
                if (!EndpointCatalog.AllServices.Contains(service))
                {
                    throw new ArgumentException("Unknown service '" + key + "'. Known: " + string.Join(", ", EndpointCatalog.AllServices) + ".");
                }

                EndpointCatalog.ParseHostPort(value);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create("-EndpointOverride: " + ex.Message, ErrorIds.EndpointOverrideInvalid, ErrorCategory.InvalidArgument,
                    key, "Use @{ <service> = 'host', 'host:port' or 'https://host:port' }."));
            }

            overrides[service] = value;
        }

        return overrides;
    }

    private Dictionary<string, IPAddress[]> ReadHostAddresses()
    {
        var entries = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, texts) in PSValues.Entries(HostAddressOverride!))
        {
            var addresses = new List<IPAddress>();
            foreach (var text in texts)
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    ThrowTerminatingError(ErrorRecords.Create("-HostAddressOverride: '" + text + "' for " + key + " is not an IP address.",
                        ErrorIds.HostAddressOverrideInvalid, ErrorCategory.InvalidArgument, key, "Use @{ 'host.name' = '10.0.0.5' }."));
                }

                addresses.Add(address!);
            }

            if (addresses.Count == 0)
            {
                ThrowTerminatingError(ErrorRecords.Create("-HostAddressOverride: no address for " + key + ".",
                    ErrorIds.HostAddressOverrideInvalid, ErrorCategory.InvalidArgument, key, "Use @{ 'host.name' = '10.0.0.5' }."));
            }

            entries[key] = addresses.ToArray();
        }

        return entries;
    }
}
