using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Emulator.Scenarios;

/// <summary>
/// A fleet spread over several accounts and regions: one <see cref="NetworkFleet"/> world per (account, region), the
/// first being the caller's home world and the others its <see cref="World.Partitions"/>. Each account holds the
/// cross-account role <see cref="CrossAccountRole"/>; VPC numbers (and so instance ids) are unique over the fleet.
/// </summary>
public static class AccountFleet
{
    public const string CrossAccountRole = "SsmTroubleshootRead";

    public static readonly string[] DefaultAccounts = { "111111111111", "222222222222", "333333333333" };

    public static readonly string[] DefaultRegions = { "us-east-1", "eu-west-1", "ap-southeast-2" };

    /// <summary>
    /// The test scenario (also the emulator's built-in "accounts"): 3 accounts x 3 regions, 2 VPCs and 3 nodes each; the
    /// third account denies sts:AssumeRole and ap-southeast-2 throttles every EC2 call.
    /// </summary>
    public static World CreateScenario()
    {
        var world = Create(DefaultAccounts, DefaultRegions, vpcsPerWorld: 2, nodesPerVpc: 3);
        world.AssumeRoleDenied.Add(DefaultAccounts[2]);
        world.Faults = new Dictionary<string, string> { ["ap-southeast-2/*"] = "throttle:1" };
        return world;
    }

    /// <summary>One world per account and region with the given VPCs and nodes each (healthy: interface endpoints).</summary>
    public static World Create(IReadOnlyList<string> accounts, IReadOnlyList<string> regions, int vpcsPerWorld, int nodesPerVpc)
    {
        return Create(accounts, regions, Enumerable.Repeat(vpcsPerWorld, accounts.Count * regions.Count).ToArray(), nodesPerVpc);
    }

    /// <summary>VPC counts per world (account-major); nodes spread evenly over each VPC.</summary>
    public static World Create(IReadOnlyList<string> accounts, IReadOnlyList<string> regions, IReadOnlyList<int> vpcsPerWorld, int nodesPerVpc)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(regions);
        World? home = null;
        var partitions = new Dictionary<string, World>(StringComparer.Ordinal);
        var vpcIndex = 0;
        var position = 0;
        foreach (var account in accounts)
        {
            foreach (var region in regions)
            {
                var world = NetworkFleet.Create();
                world.AccountId = account;
                world.Region = region;
                NetworkFleet.AddRole(world, CrossAccountRole, null);
                for (var v = 0; v < vpcsPerWorld[position]; v++)
                {
                    var vpc = NetworkFleet.AddVpc(world, vpcIndex++, interfaceEndpoints: true);
                    for (var n = 0; n < nodesPerVpc; n++)
                    {
                        NetworkFleet.AddInstance(world, vpc, n, $"{account.Substring(0, 3)}-{region}-{vpc.Index}-{n}");
                    }
                }

                position++;
                if (home is null)
                {
                    home = world;
                }
                else
                {
                    partitions[account + "/" + region] = world;
                }
            }
        }

        home!.Partitions = partitions;
        return home;
    }

    /// <summary>Every world of the fleet, the home world first.</summary>
    public static IEnumerable<World> Worlds(World home) => new[] { home }.Concat(home.Partitions?.Values ?? Enumerable.Empty<World>());
}
