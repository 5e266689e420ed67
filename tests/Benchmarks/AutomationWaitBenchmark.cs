using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using SsmTroubleshoot.Automation;

namespace SsmTroubleshoot.Benchmarks;

/// <summary>
/// Waiting on many concurrent executions: API calls per minute per execution (issue 6 target: under 1), through the
/// real SDK client and ExecutionWaiter. The service is an in-process SSM JSON wire whose executions finish at seeded
/// random times; time is simulated (the waiter's sleeps advance a clock), so a 20-minute wait runs in seconds.
/// Usage: wait [executions=100] [throttlePercent=0]
/// </summary>
internal static class AutomationWaitBenchmark
{
    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var throttlePercent = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        return RunAsync(count, throttlePercent).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int throttlePercent)
    {
        var start = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var now = start;
        var random = new Random(42);
        var ends = Enumerable.Range(0, count).ToDictionary(
            i => $"00000000-0000-4000-8000-{i:D12}",
            _ => start + TimeSpan.FromMinutes(3 + (random.NextDouble() * 17)));
        var calls = new Dictionary<string, int>(StringComparer.Ordinal);
        var throttles = 0;
        var wire = new Wire((target, body) =>
        {
            calls[target] = calls.TryGetValue(target, out var n) ? n + 1 : 1;
            if (throttlePercent > 0 && random.Next(100) < throttlePercent)
            {
                throttles++;
                return (HttpStatusCode.BadRequest, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
            }

            string Status(string id) => now >= ends[id] ? "Success" : "InProgress";
            if (target == "DescribeAutomationExecutions")
            {
                var ids = body.GetProperty("Filters")[0].GetProperty("Values").EnumerateArray().Select(v => v.GetString()!).ToList();
                var rows = ids.Select(id => new { AutomationExecutionId = id, DocumentName = "AWSSupport-TroubleshootManagedInstance", AutomationExecutionStatus = Status(id) });
                return (HttpStatusCode.OK, JsonSerializer.Serialize(new { AutomationExecutionMetadataList = rows }));
            }

            var executionId = body.GetProperty("AutomationExecutionId").GetString()!;
            return (HttpStatusCode.OK, JsonSerializer.Serialize(new
            {
                AutomationExecution = new
                {
                    AutomationExecutionId = executionId,
                    DocumentName = "AWSSupport-TroubleshootManagedInstance",
                    AutomationExecutionStatus = Status(executionId),
                    StepExecutions = new[] { new { StepName = "FinalOutput", Action = "aws:executeScript", StepStatus = "Success" } },
                },
            }));
        });

        using var client = new AmazonSimpleSystemsManagementClient(
            new BasicAWSCredentials("AKIDEXAMPLE", "benchmark-secret"),
            new AmazonSimpleSystemsManagementConfig
            {
                ServiceURL = "http://127.0.0.1:9/", // never dialled: the factory's handler answers in process
                AuthenticationRegion = "eu-west-1",
                MaxErrorRetry = 0,
                HttpClientFactory = new WireFactory(wire),
            });
        var waiter = new ExecutionWaiter(
            new SsmAutomationApi(client),
            (delay, ct) =>
            {
                now += delay;
                return Task.CompletedTask;
            },
            () => now);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var outcomes = await waiter.WaitAsync(ends.Keys, new ExecutionWaitOptions(), null, CancellationToken.None);
        wall.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        var minutes = (now - start).TotalMinutes;
        var total = calls.Values.Sum();
        var finished = outcomes.Count(o => o.State == ExecutionWaitState.Finished);
        Console.WriteLine($"executions: {count}, finished: {finished}, simulated wait: {minutes:F1} min (last execution ends at {(ends.Values.Max() - start).TotalMinutes:F1} min)");
        Console.WriteLine($"API calls: {total} ({string.Join(", ", calls.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}), throttled answers: {throttles}");
        Console.WriteLine($"calls per execution per minute: {total / minutes / count:F3} (target < 1)");
        Console.WriteLine($"engine + SDK cost: {wall.ElapsedMilliseconds} ms wall, {cpu.TotalMilliseconds:F0} ms CPU");
        return finished == count && total / minutes / count < 1 ? 0 : 1;
    }

    private sealed class Wire : HttpMessageHandler
    {
        private readonly Func<string, JsonElement, (HttpStatusCode, string)> _respond;

        public Wire(Func<string, JsonElement, (HttpStatusCode, string)> respond) => _respond = respond;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.GetValues("X-Amz-Target").Single().Replace("AmazonSSM.", string.Empty);
            var text = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
            using var body = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            var (status, json) = _respond(target, body.RootElement);
            return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }

    private sealed class WireFactory : HttpClientFactory
    {
        private readonly HttpMessageHandler _handler;

        public WireFactory(HttpMessageHandler handler) => _handler = handler;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(_handler, false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
