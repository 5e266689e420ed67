using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Common;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Scenarios;
using SsmTroubleshoot.Engine.Tests.Emulator;
using Xunit;
using SsmTroubleshoot.Failures;

namespace SsmTroubleshoot.Engine.Tests.Aws;

/// <summary>FleetScope against the emulator's accounts: bounded concurrency, cancellation, typed failures, refreshing assumed credentials.</summary>
public sealed class FleetScopeTests
{
    private static AwsConnection Connect(AwsEmulator emu) =>
        AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = TestAws.AccessKey, SecretKey = TestAws.SecretKey, Region = "us-east-1",
            EndpointUrl = emu.Endpoint.ToString(), Environment = TestAws.Environment(), MaxErrorRetry = 0,
        }, CancellationToken.None).GetAwaiter().GetResult();

    private static FleetScopeOptions AllAccounts(int throttleLimit = 4) => new()
    {
        Regions = AccountFleet.DefaultRegions, AccountIds = AccountFleet.DefaultAccounts, RoleName = AccountFleet.CrossAccountRole,
        ThrottleLimit = throttleLimit, RoleSessionName = "scope-test",
    };

    [Fact]
    public async Task Targets_run_at_most_ThrottleLimit_at_once_each_account_assumed_once_and_a_denied_account_is_one_typed_failure()
    {
        var home = AccountFleet.Create(AccountFleet.DefaultAccounts, AccountFleet.DefaultRegions, 1, 1);
        home.AssumeRoleDenied.Add("333333333333");
        await using var emu = await AwsEmulator.StartAsync(home);
        var running = 0;
        var most = 0;
        var outcomes = new ConcurrentBag<FleetOutcome<string>>();
        await new FleetScope(Connect(emu), AllAccounts(throttleLimit: 2)).RunAsync(
            async (target, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Delay(50, ct);
                Interlocked.Decrement(ref running);
                var identity = await new AwsClientFactory(target.Connection).CreateSts().GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), ct);
                return identity.Account + "/" + target.Region;
            },
            outcomes.Add,
            CancellationToken.None);

        Assert.InRange(most, 1, 2);
        Assert.Equal(3, emu.Calls["sts:AssumeRole"]);
        var values = outcomes.Where(o => o.Failure is null).Select(o => o.Value).OrderBy(v => v).ToArray();
        Assert.Equal(new[] { "111111111111", "222222222222" }.SelectMany(a => AccountFleet.DefaultRegions.Select(r => a + "/" + r)).OrderBy(v => v), values);
        var denied = Assert.Single(outcomes, o => o.Failure is not null);
        Assert.Equal((FleetFailureStage.AssumeRole, "333333333333", FailureKind.PermissionDenied, "AccessDenied", 6, 3),
            (denied.Failure!.Stage, denied.Failure.AccountId, denied.Failure.Kind, denied.Failure.ErrorCode, denied.Ordinal, denied.Span));

        // Back in target order, however they finished.
        var order = new FleetOutcomeOrder<string>();
        var written = outcomes.OrderByDescending(o => o.Ordinal).SelectMany(order.Add).Select(o => o.Ordinal).ToArray();
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6 }, written);
    }

    [Fact]
    public async Task Cancellation_ends_the_run()
    {
        await using var emu = await AwsEmulator.StartAsync(AccountFleet.Create(AccountFleet.DefaultAccounts, AccountFleet.DefaultRegions, 1, 1));
        using var cancel = new CancellationTokenSource();
        var started = 0;
        var run = new FleetScope(Connect(emu), AllAccounts()).RunAsync<int>(
            async (target, ct) =>
            {
                Interlocked.Increment(ref started);
                cancel.Cancel();
                await Task.Delay(Timeout.Infinite, ct);
                return 0;
            },
            _ => { },
            cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(started, 1, 4);
    }

    [Fact]
    public async Task Assumed_credentials_assume_the_role_again_before_they_expire()
    {
        var home = AccountFleet.Create(new[] { "111111111111", "222222222222" }, new[] { "us-east-1" }, 1, 1);

        // Sessions end 5 minutes and 6 seconds after they start: 8 s later they are inside the 5-minute renewal window,
        // and a first AssumeRole slowed by a busy machine still has 6 s before the window opens.
        home.Clock = () => DateTime.UtcNow.AddSeconds(306 - 3600);
        await using var emu = await AwsEmulator.StartAsync(home);
        var keys = new ConcurrentBag<string>();
        var outcomes = new ConcurrentBag<FleetOutcome<int>>();
        await new FleetScope(Connect(emu), new FleetScopeOptions { Regions = new[] { "us-east-1" }, AccountIds = new[] { "222222222222" }, RoleName = AccountFleet.CrossAccountRole })
            .RunAsync(
                async (target, ct) =>
                {
                    keys.Add((await target.Connection.Credentials.GetCredentialsAsync()).AccessKey);
                    await Task.Delay(TimeSpan.FromSeconds(8), ct);
                    keys.Add((await target.Connection.Credentials.GetCredentialsAsync()).AccessKey);
                    return 0;
                },
                outcomes.Add,
                CancellationToken.None);

        Assert.All(outcomes, o => Assert.Null(o.Failure));
        // Renewed at least once (a short session on a slow machine may be renewed again: each renewal is another 6 s session).
        Assert.True(emu.Calls["sts:AssumeRole"] >= 2, $"{emu.Calls["sts:AssumeRole"]} AssumeRole calls");
        Assert.Equal(2, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith("ASIA222222222222", k, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eu-west-1", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    public void The_role_arn_partition_comes_from_the_region(string region, string partition) =>
        Assert.Equal(partition, FleetScopeOptions.PartitionOf(region));

    [Theory]
    [InlineData(new[] { "12345678901" }, "R", "12 digits")]
    [InlineData(new[] { "111111111111" }, null, "needs -RoleName")]
    [InlineData(new[] { "111111111111" }, "a/b", "IAM role name")]
    public void Bad_options_are_named(string[] accounts, string? role, string expected) =>
        Assert.Contains(expected, new FleetScopeOptions { AccountIds = accounts, RoleName = role }.Validate(), StringComparison.Ordinal);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
