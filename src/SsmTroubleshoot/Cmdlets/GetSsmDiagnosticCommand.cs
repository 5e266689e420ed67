using System;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// "What is wrong with the agent on this box": the ssm-cli get-diagnostics checks that need no AWS API call, each
/// done more thoroughly (IMDS, hybrid registration, endpoint connectivity, agent service, proxy, sysprep, version).
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

    protected override void EndProcessing()
    {
        Uri? latest = null;
        if (LatestVersionUrl is not null
            && (!Uri.TryCreate(LatestVersionUrl, UriKind.Absolute, out latest) || (latest.Scheme != Uri.UriSchemeHttp && latest.Scheme != Uri.UriSchemeHttps)))
        {
            ThrowTerminatingError(ErrorRecords.Create("-LatestVersionUrl '" + LatestVersionUrl + "' is not an http(s) URL.", ErrorIds.LatestVersionUrlInvalid,
                ErrorCategory.InvalidArgument, LatestVersionUrl, "Pass a URL such as https://s3.us-east-1.amazonaws.com/amazon-ssm-us-east-1/latest/VERSION."));
        }

        var options = new DiagnosticOptions { Endpoints = BuildOptions(), AgentVersion = AgentVersion, LatestVersionUrl = latest };
        var progress = new ProgressRecord(1, "Get-SsmDiagnostic", "Checking the agent, IMDS and endpoints");
        WriteProgress(progress);
        var started = DateTime.UtcNow;
        var run = Task.Run(() => SsmDiagnosticRunner.RunAsync(options, CancelToken), CancelToken);
        System.Collections.Generic.IReadOnlyList<SsmDiagnosticCheck> checks;
        try
        {
            checks = WaitWithProgress(run, progress, () => "Checking (" + (int)(DateTime.UtcNow - started).TotalSeconds + " s)");
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

        foreach (var check in checks)
        {
            WriteObject(check);
        }
    }
}
