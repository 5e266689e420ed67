using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Logs;

namespace SsmTroubleshoot.LogCollection;

/// <summary>
/// Fleet log collection over accounts and regions: one <see cref="FleetLogCollector"/> run per (account, region) of a
/// <see cref="FleetScope"/>, each issue stamped with its AccountId and Region, and the ids that no target lists merged
/// into one row each. The one entry both front ends (cmdlet and CLI) call.
/// </summary>
public static class FleetLogRun
{
    /// <summary>
    /// Collects in one target. Over several targets (<paramref name="fanOut"/>) an id missing here is not a row: it may
    /// live in another region or account (<see cref="NotRegisteredAnywhere"/> reports those missing from every target).
    /// </summary>
    public static async Task<FleetLogResult> CollectAsync(FleetTarget target, FleetLogRequest request, AgentLogAnalyzer analyzer, bool fanOut,
        Action<FleetProgress>? onProgress, CancellationToken cancellationToken)
    {
        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var result = await FleetLogCollector.CollectAsync(target.Connection, fanOut ? request with { ReportNotRegistered = false } : request, analyzer, onProgress, cancellationToken)
            .ConfigureAwait(false);
        var account = await target.GetAccountIdAsync().ConfigureAwait(false);
        foreach (var issue in result.Issues)
        {
            issue.AccountId = account;
            issue.Region = target.Region;
        }

        return result;
    }

    /// <summary>
    /// The ids asked for that no target lists. When every target answered and described them, each is NotRegistered
    /// (AgentOffline); when some target could not be read, or could not describe them, whether the node is registered
    /// is unknown, so each is a CollectionFailed row (Fleet.NotDescribed) saying so.
    /// </summary>
    /// <param name="answered">The results of the targets that were read.</param>
    /// <param name="unread">Target positions that could not be read (a denied AssumeRole counts each of its regions).</param>
    /// <param name="where">The scope in words, e.g. "us-east-1, eu-west-1" or "3 account(s) x us-east-1".</param>
    public static IReadOnlyList<SsmAgentLogIssue> NotRegisteredAnywhere(IReadOnlyList<string> asked, IReadOnlyList<FleetLogResult> answered, int unread, string where)
    {
        if (asked is null || answered is null || asked.Count == 0)
        {
            return Array.Empty<SsmAgentLogIssue>();
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        var undescribed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in answered)
        {
            var notHere = new HashSet<string>(result.NotRegistered.Concat(result.Undescribed), StringComparer.Ordinal);
            listed.UnionWith(asked.Where(id => !notHere.Contains(id)));
            undescribed.UnionWith(result.Undescribed);
        }

        return asked.Distinct(StringComparer.Ordinal).Where(id => !listed.Contains(id))
            .Select(id => unread == 0 && !undescribed.Contains(id) ? FleetIssues.NotRegisteredIn(id, where) : FleetIssues.NotFoundInRead(id, where, unread))
            .ToList();
    }
}
