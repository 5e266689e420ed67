using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text.RegularExpressions;
using SsmTroubleshoot.Network;

namespace SsmTroubleshoot.Cli.Commands;

/// <summary>
/// How `network` and `diagnose-node` select instances, as the cmdlets' -InstanceId | -Filter | -All (Ec2FleetCmdlet):
/// exactly one of --instance-id, --filter and --all.
/// </summary>
internal sealed class Ec2Selection
{
    // The cmdlets' [ValidatePattern] on -InstanceId.
    private static readonly Regex InstanceIdShape = new("^(i|mi)-[0-9a-f]{8,17}$", RegexOptions.CultureInvariant);

    public Ec2Selection(string idDescription, string filterDescription)
    {
        InstanceId = new Option<string[]>("--instance-id") { Description = idDescription, AllowMultipleArgumentsPerToken = true };
        InstanceId.Validators.Add(result =>
        {
            foreach (var id in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
            {
                if (!InstanceIdShape.IsMatch(id))
                {
                    result.AddError($"--instance-id '{id}' is not an instance id (i-0123456789abcdef0) or a hybrid node id (mi-0123456789abcdef0).");
                }
            }
        });
        Filter = new Option<string[]>("--filter") { Description = filterDescription, AllowMultipleArgumentsPerToken = true };
    }

    public Option<string[]> InstanceId { get; }

    public Option<string[]> Filter { get; }

    public Option<bool> All { get; } = new("--all") { Description = "Every instance of the region (terminated ones left out)." };

    public void AddTo(Command command)
    {
        command.Options.Add(InstanceId);
        command.Options.Add(Filter);
        command.Options.Add(All);
    }

    /// <summary>The ids (distinct, in order; empty without --instance-id) and filters; not exactly one selector is a usage error.</summary>
    /// <param name="what">"instances" or "nodes", for the message.</param>
    public (List<string> Ids, IReadOnlyList<Ec2Filter> Filters, int FilterCount) Read(ParseResult parse, string what)
    {
        var ids = (parse.GetValue(InstanceId) ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal).ToList();
        var filterTexts = parse.GetValue(Filter) ?? Array.Empty<string>();
        var selectors = (ids.Count > 0 ? 1 : 0) + (filterTexts.Length > 0 ? 1 : 0) + (parse.GetValue(All) ? 1 : 0);
        if (selectors != 1)
        {
            throw new CliUsageException(selectors == 0
                ? "Say which " + what + ": --instance-id <ids...>, --filter name=value[,value] or --all."
                : "Give only one of --instance-id, --filter and --all.");
        }

        return (ids, NetworkCommand.ReadFilters(filterTexts), filterTexts.Length);
    }
}
