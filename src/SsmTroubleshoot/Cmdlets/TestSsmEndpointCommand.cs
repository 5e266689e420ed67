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
public sealed class TestSsmEndpointCommand : EndpointProbeCmdlet
{
    protected override void EndProcessing()
    {
        var options = BuildOptions();
        var expected = EndpointTestRunner.CountProbes(options);
        var done = 0;
        var progress = new ProgressRecord(1, "Test-SsmEndpoint", "Probing " + expected + " endpoints");
        WriteProgress(progress);
        var run = Task.Run(() => EndpointTestRunner.RunAsync(options, _ => Interlocked.Increment(ref done), CancelToken), CancelToken);
        EndpointTestReport report;
        try
        {
            report = WaitReadingAgentConfig(run, progress, () => Volatile.Read(ref done) + " of " + expected + " answered");
        }
        catch (RegionNotFoundException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ex.Message, ErrorIds.AwsRegionMissing, ErrorCategory.InvalidArgument, null,
                "Pass -Region, set AWS_REGION, or run on an EC2 instance whose metadata service answers."));
            return;
        }

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
}
