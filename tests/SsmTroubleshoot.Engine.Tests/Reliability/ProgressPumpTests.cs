using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Common;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Reliability;

/// <summary>The one pump every cmdlet waits through (issue #18): reports on the calling thread, ticks, Ctrl+C, errors.</summary>
public sealed class ProgressPumpTests
{
    [Fact]
    public async Task Every_report_reaches_the_calling_thread_in_order_and_the_result_comes_back()
    {
        var seen = new List<(int Value, int Thread)>();
        var caller = 0;
        var result = await Task.Run(() =>
        {
            caller = Environment.CurrentManagedThreadId;
            return ProgressPump.Run<string, int>(
                async (progress, ct) =>
                {
                    for (var i = 0; i < 50; i++)
                    {
                        progress.Report(i);
                        if (i % 10 == 0)
                        {
                            await Task.Delay(5, ct);
                        }
                    }

                    return "done";
                },
                value => seen.Add((value, Environment.CurrentManagedThreadId)), null, TimeSpan.FromMilliseconds(20), CancellationToken.None);
        });

        Assert.Equal("done", result);
        Assert.Equal(Enumerable.Range(0, 50), seen.Select(s => s.Value));
        Assert.All(seen, s => Assert.Equal(caller, s.Thread));
    }

    [Fact]
    public void With_a_key_only_the_latest_report_per_key_is_handed_on_between_two_drains()
    {
        var seen = new List<(string Key, int Step)>();
        using var firstWritten = new ManualResetEventSlim();
        using var allReported = new ManualResetEventSlim();
        ProgressPump.Run<bool, (string Key, int Step)>(
            (progress, ct) => Task.Run(() =>
            {
                progress.Report(("x", 0));
                firstWritten.Wait(ct);

                // Reported while the writer is busy with the first one: the next drain sees only the latest per key.
                progress.Report(("a", 1));
                progress.Report(("b", 1));
                progress.Report(("a", 2));
                progress.Report(("a", 3));
                allReported.Set();
                return true;
            }, ct),
            report =>
            {
                seen.Add(report);
                if (report.Key == "x")
                {
                    firstWritten.Set();
                    allReported.Wait(TimeSpan.FromSeconds(10));
                }
            },
            null, TimeSpan.FromMilliseconds(20), CancellationToken.None, latestBy: r => r.Key);

        Assert.Equal(new[] { ("x", 0), ("a", 3), ("b", 1) }, seen);
    }

    [Fact]
    public void Ticks_run_while_the_work_runs_and_its_exception_comes_back_as_it_is()
    {
        var ticks = 0;
        var error = Assert.Throws<InvalidOperationException>(() => ProgressPump.Run<int, object?>(
            async (_, ct) =>
            {
                await Task.Delay(200, ct);
                throw new InvalidOperationException("engine says no");
            },
            null, () => ticks++, TimeSpan.FromMilliseconds(10), CancellationToken.None));

        Assert.Equal("engine says no", error.Message);
        Assert.True(ticks >= 3, ticks.ToString());
    }

    [Fact]
    public void Cancelling_ends_the_wait_at_once_even_when_the_work_ignores_the_token()
    {
        using var cts = new CancellationTokenSource();
        using var never = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        cts.CancelAfter(100);
        Assert.ThrowsAny<OperationCanceledException>(() => ProgressPump.Run<int, object?>(
            (_, _) => Task.Run(() =>
            {
                never.Wait(TimeSpan.FromSeconds(30)); // a layer below that does not honour the token
                return 1;
            }),
            null, null, TimeSpan.FromMilliseconds(50), cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        never.Set();
    }
}
