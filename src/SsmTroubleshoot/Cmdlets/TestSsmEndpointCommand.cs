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
/// Tests, from the instance itself, whether the endpoints the SSM agent needs answer the way the agent would reach
/// them: DNS, TCP, TLS and HTTP, through the agent's own proxy and endpoint overrides, plus IMDS.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "SsmEndpoint")]
[OutputType(typeof(SsmEndpointProbe))]
public sealed class TestSsmEndpointCommand : SsmTroubleshootCmdlet
{
    /// <summary>The services to probe; default the seven ssm-cli checks plus sts.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts", "ec2", IgnoreCase = true)]
    public string[]? Service { get; set; }

    /// <summary>The region whose endpoints to probe. Else amazon-ssm-agent.json, IMDS, AWS_REGION, AWS_DEFAULT_REGION.</summary>
    [Parameter]
    [ValidatePattern(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    public string? Region { get; set; }

    [Parameter]
    public SwitchParameter UseFipsEndpoint { get; set; }

    /// <summary>Timeout of each phase (DNS, TCP, TLS, HTTP, each IMDS request).</summary>
    [Parameter]
    [ValidateRange(1, 60)]
    public int TimeoutSeconds { get; set; } = 3;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AgentConfigPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImdsEndpoint { get; set; }

    [Parameter]
    public SwitchParameter SkipImds { get; set; }

    /// <summary>Service -> host, host:port or https URL; wins over the agent's configuration.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? EndpointOverride { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 443;

    /// <summary>Host name -> IP address(es) for the probe only, like /etc/hosts entries.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? HostAddressOverride { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedRootCertificatePath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FileSystemRoot { get; set; }

    protected override void EndProcessing()
    {
        var options = BuildOptions();
        var expected = EndpointTestRunner.CountProbes(options);
        var done = 0;
        var progress = new ProgressRecord(1, "Test-SsmEndpoint", "Probing " + expected + " endpoints");
        WriteProgress(progress);
        var run = Task.Run(
            () => EndpointTestRunner.RunAsync(options, _ => Interlocked.Increment(ref done), CancelToken),
            CancelToken);

        // Results and progress are written from this (the pipeline) thread only; Ctrl+C ends the wait at once.
        var shown = -1;
        while (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(100))
        {
            ThrowIfStopping();
            var now = Volatile.Read(ref done);
            if (now != shown)
            {
                shown = now;
                progress.StatusDescription = now + " of " + expected + " answered";
                progress.PercentComplete = Math.Min(99, now * 100 / Math.Max(1, expected));
                WriteProgress(progress);
            }
        }

        ThrowIfStopping();
        EndpointTestReport report;
        try
        {
            report = run.GetAwaiter().GetResult();
        }
        catch (RegionNotFoundException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ex.Message, ErrorIds.AwsRegionMissing, ErrorCategory.InvalidArgument, null,
                "Pass -Region, set AWS_REGION, or run on an EC2 instance whose metadata service answers."));
            return;
        }
        catch (FileNotFoundException ex)
        {
            ThrowFailure(ex, ErrorIds.AgentConfigNotFound, AgentConfigPath, "Pass the path of an existing amazon-ssm-agent.json.");
            return;
        }
        catch (InvalidDataException ex)
        {
            ThrowFailure(ex, ErrorIds.AgentConfigInvalid, AgentConfigPath, "Fix the JSON of the agent configuration file.");
            return;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        WriteVerbose("Region " + report.Region + " (from " + report.RegionSource + "); agent configuration: "
            + (report.AgentConfigPath ?? "none (agent defaults)") + "; agent proxy: " + report.Proxy);
        foreach (var finding in report.Findings)
        {
            WriteWarning(finding);
        }

        foreach (var probe in report.Probes)
        {
            WriteObject(probe);
        }
    }

    private EndpointTestOptions BuildOptions()
    {
        var imds = ImdsProber.DefaultEndpoint;
        if (ImdsEndpoint is not null
            && (!Uri.TryCreate(ImdsEndpoint, UriKind.Absolute, out imds) || (imds.Scheme != Uri.UriSchemeHttp && imds.Scheme != Uri.UriSchemeHttps)))
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
        foreach (DictionaryEntry entry in EndpointOverride)
        {
            var service = (entry.Key?.ToString() ?? string.Empty).ToLowerInvariant();
            var value = LanguagePrimitives.ConvertTo<string>(entry.Value);
            try
            {
                if (!EndpointCatalog.AllServices.Contains(service))
                {
                    throw new ArgumentException("Unknown service '" + entry.Key + "'. Known: " + string.Join(", ", EndpointCatalog.AllServices) + ".");
                }

                EndpointCatalog.ParseHostPort(value);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create("-EndpointOverride: " + ex.Message, ErrorIds.EndpointOverrideInvalid, ErrorCategory.InvalidArgument,
                    entry.Key, "Use @{ <service> = 'host', 'host:port' or 'https://host:port' }."));
            }

            overrides[service] = value;
        }

        return overrides;
    }

    private Dictionary<string, IPAddress[]> ReadHostAddresses()
    {
        var entries = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in HostAddressOverride!)
        {
            var texts = LanguagePrimitives.ConvertTo<string[]>(entry.Value) ?? Array.Empty<string>();
            var addresses = new List<IPAddress>();
            foreach (var text in texts)
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    ThrowTerminatingError(ErrorRecords.Create("-HostAddressOverride: '" + text + "' for " + entry.Key + " is not an IP address.",
                        ErrorIds.HostAddressOverrideInvalid, ErrorCategory.InvalidArgument, entry.Key, "Use @{ 'host.name' = '10.0.0.5' }."));
                }

                addresses.Add(address!);
            }

            if (addresses.Count == 0)
            {
                ThrowTerminatingError(ErrorRecords.Create("-HostAddressOverride: no address for " + entry.Key + ".",
                    ErrorIds.HostAddressOverrideInvalid, ErrorCategory.InvalidArgument, entry.Key, "Use @{ 'host.name' = '10.0.0.5' }."));
            }

            entries[entry.Key?.ToString() ?? string.Empty] = addresses.ToArray();
        }

        return entries;
    }
}
