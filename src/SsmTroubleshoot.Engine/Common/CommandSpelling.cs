using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Common;

/// <summary>Which front end shows a next step or message: the module's cmdlets, or the ssmtroubleshoot command line.</summary>
public enum FrontEnd
{
    /// <summary>The PowerShell module: cmdlets and AWS.Tools, -Parameter spelling.</summary>
    PowerShell,

    /// <summary>The ssmtroubleshoot CLI: its commands, the AWS CLI, --option spelling.</summary>
    CommandLine,
}

/// <summary>
/// The one catalog of command names in next steps, remediations and messages, with both spellings. Engines, rule
/// files and the cmdlets keep the PowerShell spelling (the module is the reference front end, and a rule file stays
/// one readable sentence); the CLI renders each through <see cref="For"/>. Keeping the pairs here instead of a
/// second text per rule means a new rule or message that names a known command needs no CLI work, and the CLI test
/// that scans every built-in text for a cmdlet name catches a command missing from this table.
/// </summary>
public static class CommandSpelling
{
    /// <summary>One command phrase: its PowerShell form (a regex) and its CLI form (a replacement, $1.. for groups).</summary>
    public sealed class Pair
    {
        internal Pair(string powerShell, string commandLine)
        {
            PowerShell = powerShell;
            CommandLine = commandLine;
            Pattern = new Regex(powerShell, RegexOptions.CultureInvariant);
        }

        /// <summary>The PowerShell phrase, as a regular expression.</summary>
        public string PowerShell { get; }

        /// <summary>The CLI phrase ($1, $2 are the PowerShell phrase's groups).</summary>
        public string CommandLine { get; }

        internal Regex Pattern { get; }
    }

    private const string Id = @"(\{?[\w.\-<>]+\}?)";

    // Most specific first: a phrase with parameters before the bare command name.
    private static readonly Pair[] Pairs =
    {
        // The module's own cmdlets.
        new(@"Invoke-SawRunbook AWS-UpdateSSMAgent equivalent: ", string.Empty),
        new(@"Invoke-SawRunbook (\S+) -InstanceId " + Id, "ssmtroubleshoot runbook start $1 --instance-id $2"),
        new(@"Invoke-SawRunbook", "ssmtroubleshoot runbook start"),
        new(@"Find-SawRunbook", "ssmtroubleshoot runbook find"),
        new(@"Get-SawRunbook", "ssmtroubleshoot runbook show"),
        new(@"Export-SawSupportCase -AutomationExecutionId", "ssmtroubleshoot runbook export"),
        new(@"Export-SawSupportCase", "ssmtroubleshoot runbook export"),
        new(@"Wait-AutomationExecution", "ssmtroubleshoot runbook wait"),
        new(@"Test-SsmEndpoint -Service (\w+)", "ssmtroubleshoot endpoints --service $1"),
        new(@"Test-SsmEndpoint on the (instance|node|box)", "ssmtroubleshoot endpoints on the $1"),
        new(@"Test-SsmEndpoint", "ssmtroubleshoot endpoints"),
        new(@"Test-ManagedInstanceNetwork -InstanceId " + Id, "ssmtroubleshoot network --instance-id $1"),
        new(@"Test-ManagedInstanceNetwork", "ssmtroubleshoot network"),
        new(@"Get-SsmAgentLogIssue -InstanceId " + Id, "ssmtroubleshoot logs --instance-id $1"),
        new(@"Get-SsmAgentLogIssue -Last 1\.00:00:00", "ssmtroubleshoot logs --last 1d"),
        new(@"Get-SsmAgentLogIssue -OutputS3BucketName", "ssmtroubleshoot logs --instance-id <id> --output-s3-bucket-name"),
        new(@"Get-SsmAgentLogIssue", "ssmtroubleshoot logs"),
        new(@"Get-SsmAgentLogRule", "ssmtroubleshoot logs rules"),
        new(@"Get-SsmDiagnostic", "ssmtroubleshoot diagnose"),
        new(@"Get-SsmNodeDiagnosis", "ssmtroubleshoot diagnose-node"),
        new(@"Get-SsmAwsContext", "ssmtroubleshoot context"),

        // AWS.Tools for PowerShell: the AWS CLI's spelling of the same call.
        new(@"Get-SSMCommandInvocation -InstanceId " + Id + " -Details", "aws ssm list-command-invocations --instance-id $1 --details"),
        new(@"Get-SSMCommandInvocation -Details", "aws ssm list-command-invocations --details"),
        new(@"Get-SSMCommandInvocation", "aws ssm list-command-invocations"),
        new(@"Send-SSMCommand -DocumentName (\S+) -InstanceId " + Id, "aws ssm send-command --document-name $1 --instance-ids $2"),
        new(@"Send-SSMCommand", "aws ssm send-command"),
        new(@"Get-SSMAssociationList -AssociationFilterList @\{key='InstanceId';value='([^']+)'\}", "aws ssm list-associations --association-filter-list key=InstanceId,value=$1"),
        new(@"Update-SSMAssociation", "aws ssm update-association"),
        new(@"Get-SSMInstanceInformation -InstanceInformationFilterList @\{Key='InstanceIds';ValueSet='([^']+)'\}", "aws ssm describe-instance-information --filters Key=InstanceIds,Values=$1"),
        new(@"Get-SSMInstanceInformation", "aws ssm describe-instance-information"),
        new(@"Get-SSMDocumentDescription -Name (<\w+>|\S+)", "aws ssm describe-document --name $1"),
        new(@"Get-SSMDocumentDescription", "aws ssm describe-document"),
        new(@"Get-SSMAutomationStepExecution -AutomationExecutionId (<\w+>|\S+)", "aws ssm describe-automation-step-executions --automation-execution-id $1"),
        new(@"Get-SSMAutomationStepExecution", "aws ssm describe-automation-step-executions"),
        new(@"Get-IAMRole -RoleName (<\w+>|\S+)", "aws iam get-role --role-name $1"),
        new(@"Get-IAMRole", "aws iam get-role"),
        new(@"New-SSMActivation", "aws ssm create-activation"),
        new(@"Get-SSMActivation", "aws ssm describe-activations"),
        new(@"Get-SSMSession", "aws ssm describe-sessions --state Active"),
        new(@"Stop-SSMSession", "aws ssm terminate-session"),
        new(@"Stop-SSMCommand", "aws ssm cancel-command"),
        new(@"Start-EC2Instance", "aws ec2 start-instances"),
        new(@"Get-EC2ConsoleScreenshot", "aws ec2 get-console-screenshot"),
        new(@"Get-AWSRegion", "aws ec2 describe-regions"),
        new(@"\$StoredAWSRegion \(Set-DefaultAWSRegion\)", "the AWS CLI configuration (aws configure set region)"),
        new(@"Set-DefaultAWSRegion", "aws configure set region <code>"),
        new(@"\$StoredAWSCredentials \(Set-AWSCredential\)", "the AWS CLI configuration (aws configure)"),
        new(@"Set-AWSCredential -StoreAs (<name>|\w+)", "aws configure --profile $1"),
        new(@"run Set-AWSCredential", "run aws configure (or set AWS_PROFILE)"),
        new(@" \(or Invoke-AWSSSOLogin\)", ""),
        new(@"Set-AWSCredential", "aws configure"),
        new(@"Get-AWSCredential -ListProfileDetail", "aws configure list-profiles"),
        new(@"an AWSCredentials object \(Get-AWSCredential, New-AWSCredential\) or a PSCredential whose user name is the access key id and", "--access-key and --secret-key, with"),
        new(@"Get-Content shows it", "cat shows it"),
    };

    private static readonly Regex Hashtable = new(@"-Parameter @\{\s*(.*?)\s*\}", RegexOptions.CultureInvariant);

    private static readonly Regex HashtableEntry = new(@"(\w+)\s*=\s*'([^']*)'", RegexOptions.CultureInvariant);

    // A PowerShell parameter left in the text (-AgentVersion, -Since): the CLI's --agent-version, --since.
    private static readonly Regex Parameter = new(@"(?<![\w-])-([A-Z][a-z0-9]+(?:[A-Z0-9][a-z0-9]*)*)\b", RegexOptions.CultureInvariant);

    private static readonly Dictionary<string, string> ParameterNames = new(StringComparer.Ordinal)
    {
        ["ProfileName"] = "profile",
        ["OutputS3BucketName"] = "output-s3-bucket-name",
    };

    // Every cmdlet name and -Parameter has a '-' followed by a capital letter (or '$' of a PowerShell variable).
    private static bool NamesAny(string text)
    {
        for (var i = text.IndexOf('-'); i >= 0 && i < text.Length - 1; i = text.IndexOf('-', i + 1))
        {
            if (text[i + 1] is >= 'A' and <= 'Z')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The pairs of the catalog (for tests and documentation).</summary>
    public static IReadOnlyList<Pair> Catalog => Pairs;

    /// <summary>The text as the front end spells commands: unchanged for PowerShell, CLI commands and --options for the CLI.</summary>
    public static string For(FrontEnd frontEnd, string? text)
    {
        if (frontEnd == FrontEnd.PowerShell || string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        // Cheap test first: most texts name no command at all.
        if (!NamesAny(text!))
        {
            return text!;
        }

        // Invoke-SawRunbook's -Parameter @{ Name = 'value'; ... } is runbook start's --parameter Name=value, once per name.
        var result = Hashtable.Replace(text, m => string.Join(" ", HashtableEntry.Matches(m.Groups[1].Value).Cast<Match>().Select(e =>
        {
            var pair = e.Groups[1].Value + "=" + e.Groups[2].Value;
            return "--parameter " + (pair.IndexOf(' ') >= 0 ? "'" + pair + "'" : pair);
        })));
        foreach (var pair in Pairs)
        {
            result = pair.Pattern.Replace(result, pair.CommandLine);
        }

        return Parameter.Replace(result, m => "--" + (ParameterNames.TryGetValue(m.Groups[1].Value, out var name)
            ? name
            : Regex.Replace(m.Groups[1].Value, "(?<=[a-z0-9])(?=[A-Z])", "-").ToLowerInvariant()));
    }
}
