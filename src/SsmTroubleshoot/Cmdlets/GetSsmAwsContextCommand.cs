using System;
using System.Management.Automation;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>
/// Shows which account, identity, region and endpoint the module's AWS calls use and where the credentials and
/// region came from (STS GetCallerIdentity), plus the AWSSDK.Core file serving the module.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SsmAwsContext")]
[OutputType(typeof(SsmAwsContext))]
public sealed class GetSsmAwsContextCommand : AwsCmdlet
{
    /// <summary>Per input record: -Region can come from the pipeline by property name.</summary>
    protected override void ProcessRecord()
    {
        var connection = ResolveAwsConnection();
        WriteVerbose("Calling STS GetCallerIdentity" + (string.IsNullOrEmpty(connection.EndpointFor("STS")) ? "." : " at " + connection.EndpointFor("STS") + "."));
        SsmAwsContext context;
        try
        {
            context = Await(ct => AwsContextReader.GetAsync(connection, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowFailure(ex, ErrorIds.AwsCallFailed, connection.EndpointFor("STS") ?? "sts", "Check the credentials (Get-SsmAwsContext -Debug shows where they came from), the region and -EndpointUrl.");
            return;
        }

        WriteObject(context);
    }
}
