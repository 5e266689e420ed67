using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Cli.Tests.Harness;

/// <summary>One automation execution the loopback SSM answers for: its status moves one step on every Describe that names it.</summary>
public sealed class LoopbackExecution
{
    public LoopbackExecution(string id, string documentName, params string[] statuses)
    {
        Id = id;
        DocumentName = documentName;
        Statuses = statuses;
    }

    public string Id { get; }

    public string DocumentName { get; }

    public string[] Statuses { get; }

    public int Polls { get; set; }

    public string Status => Statuses[Math.Min(Math.Max(Polls - 1, 0), Statuses.Length - 1)];

    public string? FailedStep { get; init; }

    public string? FailureMessage { get; init; }

    public string? Report { get; init; }
}

/// <summary>
/// The SSM automation operations `runbook wait` calls, over the real wire protocol (JSON 1.1, X-Amz-Target) on
/// 127.0.0.1, so the AWS SDK client the command builds is what parses the answers.
/// </summary>
public sealed class LoopbackSsmAutomation : IDisposable
{
    private static readonly DateTimeOffset Start = new(2024, 6, 11, 8, 0, 0, TimeSpan.Zero);
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, LoopbackExecution> _executions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackSsmAutomation()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = "http://127.0.0.1:" + port + "/";
        _listener.Prefixes.Add(Endpoint);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    public ConcurrentQueue<string> Targets { get; } = new();

    /// <summary>StartAutomationExecution request bodies, as the SDK sent them.</summary>
    public ConcurrentQueue<JsonNode> Starts { get; } = new();

    /// <summary>Document name -> its JSON content (the engine tests' copies of the real AWSSupport documents by default).</summary>
    public Func<string, string?> DocumentContent { get; set; } = name =>
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "SsmTroubleshoot.Engine.Tests", "Automation", "TestData", name + ".json");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    };

    public void Add(LoopbackExecution execution) => _executions[execution.Id] = execution;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending accept.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var target = context.Request.Headers["X-Amz-Target"] ?? string.Empty;
            Targets.Enqueue(target);
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync()) ?? new JsonObject();
            var (status, answer) = target switch
            {
                "AmazonSSM.DescribeAutomationExecutions" => (200, Describe(body)),
                "AmazonSSM.GetAutomationExecution" => Get(body),
                "AmazonSSM.DescribeDocument" or "AmazonSSM.GetDocument" => Document(target, body),
                "AmazonSSM.StartAutomationExecution" => StartExecution(body),
                _ => (400, new JsonObject { ["__type"] = "InvalidAction", ["message"] = "Not served here: " + target }),
            };
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/x-amz-json-1.1";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private JsonObject Describe(JsonNode body)
    {
        var ids = body["Filters"]?.AsArray().SelectMany(f => f!["Values"]!.AsArray().Select(v => v!.GetValue<string>())).ToList() ?? new List<string>();
        var list = new JsonArray();
        foreach (var id in ids)
        {
            if (_executions.TryGetValue(id, out var execution))
            {
                execution.Polls++;
                list.Add(Summary(execution));
            }
        }

        return new JsonObject { ["AutomationExecutionMetadataList"] = list };
    }

    private (int, JsonObject) Get(JsonNode body)
    {
        var id = body["AutomationExecutionId"]?.GetValue<string>() ?? string.Empty;
        if (!_executions.TryGetValue(id, out var execution))
        {
            return (400, new JsonObject { ["__type"] = "AutomationExecutionNotFoundException", ["message"] = "Automation execution " + id + " not found." });
        }

        var detail = Summary(execution);
        var steps = new JsonArray
        {
            new JsonObject { ["StepName"] = "assertInstance", ["Action"] = "aws:assertAwsResourceProperty", ["StepStatus"] = "Success", ["ExecutionStartTime"] = Epoch(0), ["ExecutionEndTime"] = Epoch(5) },
        };
        if (execution.FailedStep is not null)
        {
            steps.Add(new JsonObject { ["StepName"] = execution.FailedStep, ["Action"] = "aws:executeScript", ["StepStatus"] = "Failed", ["FailureMessage"] = execution.FailureMessage, ["ExecutionStartTime"] = Epoch(5), ["ExecutionEndTime"] = Epoch(65) });
        }

        detail["StepExecutions"] = steps;
        detail["Parameters"] = new JsonObject { ["InstanceId"] = new JsonArray("i-0123456789abcdef0") };
        detail["Outputs"] = execution.Report is null ? new JsonObject() : new JsonObject { ["FinalOutput.Message"] = new JsonArray(execution.Report) };
        return (200, new JsonObject { ["AutomationExecution"] = detail });
    }

    private (int, JsonObject) Document(string target, JsonNode body)
    {
        var name = body["Name"]?.GetValue<string>() ?? string.Empty;
        var content = DocumentContent(name);
        if (content is null)
        {
            return (400, new JsonObject { ["__type"] = "InvalidDocument", ["message"] = "Document with name " + name + " does not exist." });
        }

        return target == "AmazonSSM.DescribeDocument"
            ? (200, new JsonObject
            {
                ["Document"] = new JsonObject
                {
                    ["Name"] = name, ["DocumentVersion"] = "1", ["DefaultVersion"] = "1", ["LatestVersion"] = "1", ["Owner"] = "Amazon",
                    ["Status"] = "Active", ["DocumentType"] = "Automation", ["PlatformTypes"] = new JsonArray("Linux", "Windows"),
                },
            })
            : (200, new JsonObject { ["Name"] = name, ["DocumentVersion"] = "1", ["DocumentType"] = "Automation", ["DocumentFormat"] = "JSON", ["Content"] = content });
    }

    private (int, JsonObject) StartExecution(JsonNode body)
    {
        Starts.Enqueue(body.DeepClone());
        var id = Guid.NewGuid().ToString();
        Add(new LoopbackExecution(id, body["DocumentName"]?.GetValue<string>() ?? string.Empty, "Success"));
        return (200, new JsonObject { ["AutomationExecutionId"] = id });
    }

    private static JsonObject Summary(LoopbackExecution execution)
    {
        var terminal = execution.Status is "Success" or "Failed" or "TimedOut" or "Cancelled" or "CompletedWithSuccess" or "CompletedWithFailure";
        var summary = new JsonObject
        {
            ["AutomationExecutionId"] = execution.Id,
            ["DocumentName"] = execution.DocumentName,
            ["DocumentVersion"] = "1",
            ["AutomationExecutionStatus"] = execution.Status,
            ["ExecutionStartTime"] = Epoch(0),
        };
        if (terminal)
        {
            summary["ExecutionEndTime"] = Epoch(65);
        }

        if (execution.FailureMessage is not null && terminal)
        {
            summary["FailureMessage"] = execution.FailureMessage;
        }

        return summary;
    }

    private static double Epoch(int seconds) => Start.AddSeconds(seconds).ToUnixTimeMilliseconds() / 1000.0;
}
