using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Endpoints;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>`diagnose`: Get-SsmDiagnostic. The ssm-cli get-diagnostics checks that need no AWS API call.</summary>
internal static class DiagnoseCommand
{
    private static readonly Regex VersionShape = new(@"^\d+(\.\d+){1,3}$", RegexOptions.CultureInvariant);

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var options = new EndpointOptionSet();
        var agentVersion = new Option<string?>("--agent-version") { Description = "The agent version to judge instead of asking the installed agent." };
        agentVersion.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !VersionShape.IsMatch(value))
            {
                result.AddError($"--agent-version '{value}' is not a version (for example 3.3.1000.0).");
            }
        });
        var latestVersionUrl = new Option<string?>("--latest-version-url") { Description = "Where the latest agent version is published; default the region's S3 latest/VERSION object." };
        var stsEndpointUrl = new Option<string?>("--sts-endpoint-url") { Description = "Where the AWS Credentials check sends STS GetCallerIdentity (a VPC endpoint URL); default the region's STS endpoint." };
        var command = new Command("diagnose", "What is wrong with the agent on this box: IMDS, hybrid registration, endpoints, agent service, proxy, sysprep, version.")
        {
            agentVersion,
            latestVersionUrl,
            stsEndpointUrl,
        };
        options.AddTo(command);
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            Uri? latest = null;
            var latestText = parse.GetValue(latestVersionUrl);
            if (latestText is not null
                && !SsmTroubleshoot.Common.HttpUrl.TryParse(latestText, out latest))
            {
                throw new CliUsageException("--latest-version-url '" + latestText + "' is not an http(s) URL.");
            }

            Uri? sts = null;
            var stsText = parse.GetValue(stsEndpointUrl);
            if (stsText is not null
                && !SsmTroubleshoot.Common.HttpUrl.TryParse(stsText, out sts))
            {
                throw new CliUsageException("--sts-endpoint-url '" + stsText + "' is not an http(s) URL.");
            }

            var diagnostic = new DiagnosticOptions
            {
                Endpoints = options.Build(parse, global), AgentVersion = parse.GetValue(agentVersion), LatestVersionUrl = latest, StsEndpoint = sts,
            };
            IReadOnlyList<SsmDiagnosticCheck> checks;
            try
            {
                checks = await SsmDiagnosticRunner.RunAsync(diagnostic, ct).ConfigureAwait(false);
            }
            catch (FileNotFoundException ex)
            {
                throw new CliRunException(ex.Message + " Pass the path of an existing amazon-ssm-agent.json.", ex);
            }
            catch (InvalidDataException ex)
            {
                throw new CliRunException(ex.Message + " Fix the JSON of the agent configuration file.", ex);
            }

            output.WriteRows(
                checks,
                new Column<SsmDiagnosticCheck>("Check", c => c.Check),
                new Column<SsmDiagnosticCheck>("Status", c => c.Status),
                new Column<SsmDiagnosticCheck>("Note", c => c.Note));
            return checks.Any(c => c.Status == DiagnosticStatus.Failed) ? ExitCodes.ProblemsFound : ExitCodes.Healthy;
        });
        return command;
    }
}
