using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>`endpoints`: Test-SsmEndpoint. DNS, TCP, TLS and HTTP to each endpoint the agent needs, the way the agent reaches it, plus IMDS.</summary>
internal static class EndpointsCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var options = new EndpointOptionSet();
        var command = new Command("endpoints", "Test, from this instance, the endpoints the SSM agent needs: DNS, TCP, TLS, HTTP through the agent's proxy, plus IMDS.");
        options.AddTo(command);
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var report = await RunAsync(options.Build(parse, global), ct).ConfigureAwait(false);
            foreach (var finding in report.Findings)
            {
                output.WriteWarning(finding);
            }

            if (output.Json)
            {
                output.WriteJson(report.Probes);
            }
            else
            {
                WriteTable(output, report.Probes.ToList());
                WriteProblems(output, report.Probes);
            }

            return report.Probes.Any(p => !p.Reachable) ? ExitCodes.ProblemsFound : ExitCodes.Healthy;
        });
        return command;
    }

    /// <summary>The module's SsmEndpointProbe view.</summary>
    internal static void WriteTable(CliOutput output, System.Collections.Generic.IReadOnlyList<SsmEndpointProbe> probes) =>
        output.WriteRows(
            probes,
            new Column<SsmEndpointProbe>("Service", p => p.Service),
            new Column<SsmEndpointProbe>("Status", p => p.Status),
            new Column<SsmEndpointProbe>("Host", p => p.Port == (p.Service == "imds" ? 80 : 443) ? p.Host : p.Host + ":" + p.Port.ToString(CultureInfo.InvariantCulture)),
            new Column<SsmEndpointProbe>("Address", p => p.Addresses.Length switch
            {
                0 => string.Empty,
                1 => p.Addresses[0],
                _ => p.Addresses[0] + " +" + (p.Addresses.Length - 1).ToString(CultureInfo.InvariantCulture),
            }),
            new Column<SsmEndpointProbe>("Private", p => p.Service == "imds" || p.Addresses.Length == 0 ? string.Empty : p.IsPrivateAddress ? "yes" : "no"),
            new Column<SsmEndpointProbe>("Proxy", p => p.Proxy),
            new Column<SsmEndpointProbe>("Latency ms", p => string.Join("/", new[] { p.DnsMs, p.TcpMs, p.TlsMs, p.HttpMs }.Select(ms => ms is null ? "-" : ms.Value.ToString("0", CultureInfo.InvariantCulture))), AlignRight: true),
            new Column<SsmEndpointProbe>("Problem", p => p.Problem == EndpointProblem.None ? string.Empty : p.FailedPhase != EndpointProbePhase.None ? p.Problem + " (" + p.FailedPhase + ")" : p.Problem.ToString()));

    /// <summary>Under the table, what failed and what to do, per probe that did not pass: a code alone is not actionable.</summary>
    internal static void WriteProblems(CliOutput output, System.Collections.Generic.IEnumerable<SsmEndpointProbe> probes)
    {
        foreach (var probe in probes.Where(p => p.Problem != EndpointProblem.None || !string.IsNullOrEmpty(p.Error)))
        {
            output.Out.WriteLine();
            output.WriteFields(
                $"{probe.Service} ({probe.Host}): {probe.Problem}{(probe.FailedPhase != EndpointProbePhase.None ? " at " + probe.FailedPhase : string.Empty)}",
                new (string, string?)[]
                {
                    ("Detail", probe.Error),
                    ("Certificate", probe.CertificateIssuer is null ? null : "issued by " + probe.CertificateIssuer + (probe.TlsIntercepted ? " (not an AWS issuer: TLS inspection)" : string.Empty)),
                    ("Proxy", probe.Proxy == "direct" ? null : probe.Proxy),
                    ("Remediation", probe.Remediation),
                });
        }
    }

    private static async Task<EndpointTestReport> RunAsync(EndpointTestOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await EndpointTestRunner.RunAsync(options, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RegionNotFoundException ex)
        {
            throw new CliRunException(ex.Message + " Pass --region, set AWS_REGION, or run on an EC2 instance whose metadata service answers.", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new CliRunException(ex.Message + " Pass the path of an existing amazon-ssm-agent.json.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new CliRunException(ex.Message + " Fix the JSON of the agent configuration file.", ex);
        }
    }
}
