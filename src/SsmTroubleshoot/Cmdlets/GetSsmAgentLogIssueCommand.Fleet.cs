using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Collections.Concurrent;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.Cmdlets;

/// <summary>Get-SsmAgentLogIssue -InstanceId / -Filter: the nodes' logs through Run Command (the engine's FleetLogRun over a FleetScope).</summary>
public sealed partial class GetSsmAgentLogIssueCommand
{
    /// <summary>
    /// The nodes (ids, or -Filter when null) in every (account, region) of the scope: one collection per target on the
    /// pool (batched or tag-targeted SendCommands), written in account then region order while this thread pumps
    /// progress; then one row per id that no target lists.
    /// </summary>
    private void CollectFleet(IReadOnlyList<string>? instanceIds, IReadOnlyList<string>? regions)
    {
        var filters = instanceIds is null ? ConvertFilter(Filter!) : null;
        var request = new FleetLogRequest
        {
            InstanceIds = instanceIds,
            Filters = filters,
            SinceUtc = (_since ?? DateTime.Now - DefaultFleetWindow).ToUniversalTime(),
            UntilUtc = _until?.ToUniversalTime(),
            MaxConcurrency = MaxConcurrency,
            MaxErrors = MaxErrors,
            OutputS3BucketName = OutputS3BucketName,
            OutputS3KeyPrefix = OutputS3KeyPrefix,
        };
        var messages = new ConcurrentQueue<string>();
        var (connection, scope) = ResolveFleet(regions, messages.Enqueue);
        WriteVerbose($"Collecting agent logs since {request.SinceUtc:yyyy-MM-dd HH:mm:ss}Z from "
            + (instanceIds is null ? "the nodes matching -Filter" : $"{instanceIds.Count} node(s)")
            + $" through Run Command in {scope.Description} (region from {connection.RegionSource}" + (connection.EndpointFor("SSM") is { } endpoint ? $", endpoint {endpoint}" : string.Empty) + ").");

        var answered = new List<FleetLogResult>();
        string? stage = null;
        var unread = RunFleet<FleetLogResult>(
            scope, messages, FleetActivity, 2,
            (target, fanOut, ct) => FleetLogRun.CollectAsync(target, request, _analyzer!, fanOut,
                p => Volatile.Write(ref stage, (fanOut ? target.Region + ": " : string.Empty) + p.Stage + (p.Total > 0 ? $": {p.Done} of {p.Total}" : string.Empty)), ct),
            result =>
            {
                answered.Add(result);
                var where = scope.IsFanOut ? (result.Issues.FirstOrDefault()?.AccountId is { } account ? account + " " : string.Empty) : string.Empty;
                foreach (var note in result.Notes)
                {
                    WriteVerbose(where + note);
                }

                WriteVerbose($"{where}{result.Collected} of {result.Nodes} node(s) collected; {result.Issues.Count} issue(s).");
                foreach (var warning in result.Warnings)
                {
                    WriteWarning(warning);
                }

                foreach (var issue in result.Issues)
                {
                    WriteObject(issue);
                }
            },
            // The target stays short (the first ids and how many more), whatever the size of the fleet.
            ex => ThrowFailure(ex, ErrorIds.LogFleetCollectionFailed, instanceIds is null ? (object)Filter! : FleetLogCollector.DescribeNodes(instanceIds),
                "Check the credentials and region (Get-SsmAwsContext), and that the caller may call ssm:DescribeInstanceInformation, ssm:SendCommand, ssm:ListCommandInvocations and ssm:GetCommandInvocation."),
            () => Volatile.Read(ref stage));

        if (scope.IsFanOut && instanceIds is not null)
        {
            foreach (var row in FleetLogRun.NotRegisteredAnywhere(instanceIds, answered, unread, scope.Description))
            {
                WriteObject(row);
            }
        }
    }

    /// <summary>-Filter: DescribeInstanceInformation keys (tag:Key, tag-key, PlatformTypes, PingStatus, ...) to string lists.</summary>
    private Dictionary<string, IReadOnlyList<string>> ConvertFilter(Hashtable filter)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in PSValues.Entries(filter))
        {
            var known = ManagedNodeFilters.Normalize(key);
            if (known is null)
            {
                ThrowTerminatingError(ErrorRecords.Create($"'{key}' is not a DescribeInstanceInformation filter. Use tag:<Key> or one of: {string.Join(", ", ManagedNodeFilters.Keys)}.",
                    ErrorIds.LogFleetFilterInvalid, ErrorCategory.InvalidArgument, key, "For example -Filter @{ 'tag:Environment' = 'prod'; PlatformTypes = 'Linux' }."));
            }

            if (values.Length == 0 || values.Any(string.IsNullOrEmpty))
            {
                ThrowTerminatingError(ErrorRecords.Create($"The filter '{key}' needs at least one non-empty value.",
                    ErrorIds.LogFleetFilterInvalid, ErrorCategory.InvalidArgument, key, "For example -Filter @{ 'tag:Environment' = 'prod' }."));
            }

            result[known!] = values;
        }

        return result;
    }
}
