using System;
using System.IO;
using System.Management.Automation;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Writes what AWS Support asks for about a runbook execution as Markdown and JSON files.</summary>
[Cmdlet(VerbsData.Export, "SawSupportCase", DefaultParameterSetName = InputSet)]
[OutputType(typeof(SupportCaseFiles))]
public sealed class ExportSawSupportCaseCommand : AutomationCmdlet
{
    private const string InputSet = "InputObject";
    private const string IdSet = "AutomationExecutionId";

    /// <summary>A result of Wait-AutomationExecution or Invoke-SawRunbook -Wait.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputSet)]
    [ValidateNotNull]
    public object? InputObject { get; set; }

    /// <summary>Execution ids to read from SSM (GetAutomationExecution) and export.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [Alias("ExecutionId")]
    [ValidateNotNullOrEmpty]
    public string[] AutomationExecutionId { get; set; } = Array.Empty<string>();

    /// <summary>The folder to write into (default: the current location); created when missing.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Masks account ids, ARNs' accounts and IP addresses (IPv4, IPv6, and those inside EC2 host names).</summary>
    [Parameter]
    public SwitchParameter Redact { get; set; }

    /// <summary>Also masks these (implies -Redact): InstanceId, AccessKeyId, EmailAddress.</summary>
    [Parameter]
    [ValidateSet("InstanceId", "AccessKeyId", "EmailAddress", IgnoreCase = true)]
    public string[]? RedactAlso { get; set; }

    /// <summary>Replaces existing files of the same execution.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(string.IsNullOrEmpty(Path) ? "." : Path);
        if (!Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                ThrowTerminatingError(ErrorRecords.Create($"'{folder}' is a file, not a folder.", ErrorIds.SupportCasePathNotFolder, ErrorCategory.InvalidArgument, folder, "Pass a folder to -Path (it is created when missing)."));
                return;
            }

            // Like Out-File users expect: a missing folder (and its parents) is created.
            try
            {
                Directory.CreateDirectory(folder);
                WriteVerbose($"Created folder {folder}.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                ThrowTerminatingError(ErrorRecords.FromException(ex, ErrorIds.SupportCaseExportFailed, folder, "Pass a folder you can write to with -Path.",
                    ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, $"Cannot create folder '{folder}': {ex.Message}"));
                return;
            }
        }

        if (ParameterSetName == IdSet)
        {
            var client = Client();
            foreach (var id in AutomationExecutionId)
            {
                ThrowIfStopping();
                AutomationExecutionResult result;
                try
                {
                    result = Await(ct => client.GetResultAsync(id, ct));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteFailure(ex, ErrorIds.AutomationExecutionLookupFailed, id, "Check the execution id and the Region (executions are regional).");
                    continue;
                }

                Export(result, folder);
            }

            return;
        }

        var input = PSValues.BaseOf(InputObject);
        if (input is AutomationExecutionResult execution)
        {
            Export(execution, folder);
            return;
        }

        WriteError(ErrorRecords.Create($"Export-SawSupportCase takes the results of Wait-AutomationExecution or Invoke-SawRunbook -Wait, not {input?.GetType().Name ?? "null"}.", ErrorIds.SupportCaseInputInvalid, ErrorCategory.InvalidType, InputObject,
            "Pipe the output of Wait-AutomationExecution, or pass -AutomationExecutionId."));
    }

    private void Export(AutomationExecutionResult result, string folder)
    {
        try
        {
            var also = SupportCaseRedaction.None;
            foreach (var kind in RedactAlso ?? Array.Empty<string>())
            {
                also |= (SupportCaseRedaction)Enum.Parse(typeof(SupportCaseRedaction), kind, ignoreCase: true);
            }

            WriteObject(SupportCaseExport.Write(result, folder, result.Region, Redact || also != SupportCaseRedaction.None, overwrite: Force, also: also));
        }
        catch (IOException ex) when (File.Exists(System.IO.Path.Combine(folder, $"saw-{result.AutomationExecutionId}.md")) || File.Exists(System.IO.Path.Combine(folder, $"saw-{result.AutomationExecutionId}.json")))
        {
            WriteError(ErrorRecords.FromException(ex, ErrorIds.SupportCaseFileExists, result.AutomationExecutionId, "Use -Force to replace the files, or another -Path.", ErrorCategory.ResourceExists));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteFailure(ex, ErrorIds.SupportCaseExportFailed, result.AutomationExecutionId, "Check that the folder is writable.");
        }
    }
}
