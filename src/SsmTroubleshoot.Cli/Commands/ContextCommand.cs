using System.CommandLine;
using System.Threading;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>`context`: Get-SsmAwsContext. Which account, identity, region and endpoint the AWS calls use, and where credentials and region came from.</summary>
internal static class ContextCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var command = new Command("context", "Show which account, identity, region and endpoint AWS calls use, and where credentials and region came from (STS GetCallerIdentity).");
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var output = new CliOutput(host.Output, host.Error, host.Width) { Json = parse.GetValue(global.Json) };
            var connection = await global.ConnectAsync(parse, ct).ConfigureAwait(false);
            SsmAwsContext context;
            try
            {
                context = await AwsContextReader.GetAsync(connection, ct).ConfigureAwait(false);
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new CliRunException(AwsFailure.Describe(ex, "STS GetCallerIdentity", connection.EndpointFor("STS")), ex);
            }

            if (output.Json)
            {
                output.WriteJson(context);
            }
            else
            {
                output.WriteRows(
                    new[] { context },
                    new Column<SsmAwsContext>("Account", c => c.Account),
                    new Column<SsmAwsContext>("Arn", c => c.Arn),
                    new Column<SsmAwsContext>("Region", c => c.Region),
                    new Column<SsmAwsContext>("CredentialSource", c => c.CredentialSource),
                    new Column<SsmAwsContext>("Endpoint", c => c.Endpoint));
            }

            return ExitCodes.Healthy;
        });
        return command;
    }
}
