using System;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// "What is wrong with the agent on this box": every ssm-cli get-diagnostics check, each done more thoroughly (IMDS,
/// hybrid registration, endpoint connectivity, the agent's credentials via STS, agent service, proxy, sysprep,
/// version), plus the last 24 hours of agent log findings.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SsmDiagnostic")]
[OutputType(typeof(SsmDiagnosticCheck))]
public sealed class GetSsmDiagnosticCommand : EndpointProbeCmdlet
{
    /// <summary>The agent version to judge instead of asking the installed agent.</summary>
    [Parameter]
    [ValidatePattern(@"^\d+(\.\d+){1,3}$")]
    public string? AgentVersion { get; set; }

    /// <summary>Where the latest agent version is published; default the region's S3 latest/VERSION object.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LatestVersionUrl { get; set; }

    /// <summary>Where STS GetCallerIdentity is sent (a test emulator, a VPC endpoint URL); default the region's STS endpoint.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StsEndpointUrl { get; set; }

    protected override void EndProcessing()
    {
        Uri? sts = null;
        if (StsEndpointUrl is not null
            && !SsmTroubleshoot.Common.HttpUrl.TryParse(StsEndpointUrl, out sts))
        {
            ThrowTerminatingError(ErrorRecords.Create("-StsEndpointUrl '" + StsEndpointUrl + "' is not an http(s) URL.", ErrorIds.StsEndpointUrlInvalid,
                ErrorCategory.InvalidArgument, StsEndpointUrl, "Pass a URL such as https://sts.us-east-1.amazonaws.com."));
        }

        Uri? latest = null;
        if (LatestVersionUrl is not null
            && !SsmTroubleshoot.Common.HttpUrl.TryParse(LatestVersionUrl, out latest))
        {
            ThrowTerminatingError(ErrorRecords.Create("-LatestVersionUrl '" + LatestVersionUrl + "' is not an http(s) URL.", ErrorIds.LatestVersionUrlInvalid,
                ErrorCategory.InvalidArgument, LatestVersionUrl, "Pass a URL such as https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/latest/VERSION."));
        }

        var options = new DiagnosticOptions { Endpoints = BuildOptions(), AgentVersion = AgentVersion, LatestVersionUrl = latest, StsEndpoint = sts };
        WriteVerbose("Checks the agent's credentials with STS GetCallerIdentity at " + (sts?.ToString() ?? "the region's STS endpoint")
            + " and reads the agent logs of the last 24 hours.");
        var progress = new ProgressRecord(1, "Get-SsmDiagnostic", "Checking the agent, IMDS, endpoints, credentials and logs");
        WriteProgress(progress);
        var started = DateTime.UtcNow;
        var run = Task.Run(() => SsmDiagnosticRunner.RunAsync(options, CancelToken), CancelToken);
        var checks = WaitReadingAgentConfig(run, progress, () => "Checking (" + (int)(DateTime.UtcNow - started).TotalSeconds + " s)");

        foreach (var check in checks)
        {
            WriteObject(check);
        }
    }
}
