using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

/// <summary>
/// SsmAutomationApi through the real SDK client: requests are serialised and responses parsed by the SDK, the
/// wire is an in-process handler (no socket), so the mapping to and from SSM JSON 1.1 is what is tested.
/// </summary>
public sealed class SsmAutomationApiTests
{
    private sealed class SsmWire : HttpMessageHandler
    {
        public ConcurrentQueue<(string Target, JsonElement Body)> Requests { get; } = new();

        public Func<string, JsonElement, (HttpStatusCode Status, string Json)> Respond { get; set; } = (_, _) => (HttpStatusCode.OK, "{}");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.GetValues("X-Amz-Target").Single().Replace("AmazonSSM.", string.Empty);
            var text = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
            var body = JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
            Requests.Enqueue((target, body));
            var (status, json) = Respond(target, body);
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

    private static (SsmAutomationApi Api, SsmWire Wire, AmazonSimpleSystemsManagementClient Client) Create()
    {
        var wire = new SsmWire();
        var config = new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = "http://127.0.0.1:9/", // never dialled: the factory's handler answers
            AuthenticationRegion = "eu-west-1",
            MaxErrorRetry = 0,
            HttpClientFactory = new WireFactory(wire),
        };
        var client = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("AKIDEXAMPLE", "test-secret"), config);
        return (new SsmAutomationApi(client), wire, client);
    }

    [Fact]
    public async Task Waiter_over_the_sdk_polls_pages_steps_and_survives_throttling()
    {
        var (api, wire, client) = Create();
        using var owned = client;
        var describeCalls = 0;
        var id = Ids.Of(1);
        wire.Respond = (target, body) =>
        {
            switch (target)
            {
                case "DescribeAutomationExecutions":
                    describeCalls++;
                    Assert.Equal("ExecutionId", body.GetProperty("Filters")[0].GetProperty("Key").GetString());
                    Assert.Equal(id, body.GetProperty("Filters")[0].GetProperty("Values")[0].GetString());
                    if (describeCalls == 1)
                    {
                        return (HttpStatusCode.BadRequest, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
                    }

                    var status = describeCalls < 3 ? "InProgress" : "Failed";
                    return (HttpStatusCode.OK, "{\"AutomationExecutionMetadataList\":[{\"AutomationExecutionId\":\"" + id +
                        "\",\"DocumentName\":\"AWSSupport-TroubleshootManagedInstance\",\"AutomationExecutionStatus\":\"" + status +
                        "\",\"CurrentStepName\":\"checkRouteTable\",\"ExecutionStartTime\":1795000000.0}]}");
                case "GetAutomationExecution":
                    return (HttpStatusCode.OK, "{\"AutomationExecution\":{\"AutomationExecutionId\":\"" + id +
                        "\",\"DocumentName\":\"AWSSupport-TroubleshootManagedInstance\",\"DocumentVersion\":\"7\",\"AutomationExecutionStatus\":\"Failed\"," +
                        "\"ExecutionStartTime\":1795000000.0,\"ExecutionEndTime\":1795000270.0,\"FailureMessage\":\"Step checkInstanceProfile failed\"," +
                        "\"Parameters\":{\"InstanceId\":[\"i-0123456789abcdef0\"]},\"Outputs\":{}," +
                        "\"StepExecutions\":[{\"StepName\":\"getInstanceProperties\",\"Action\":\"aws:executeAwsApi\",\"StepStatus\":\"Success\"}]," +
                        "\"StepExecutionsTruncated\":true}}");
                case "DescribeAutomationStepExecutions":
                    var token = body.TryGetProperty("NextToken", out var t) ? t.GetString() : null;
                    return token is null
                        ? (HttpStatusCode.OK, "{\"StepExecutions\":[{\"StepName\":\"getInstanceProperties\",\"Action\":\"aws:executeAwsApi\",\"StepStatus\":\"Success\"}],\"NextToken\":\"p2\"}")
                        : (HttpStatusCode.OK, "{\"StepExecutions\":[{\"StepName\":\"checkInstanceProfile\",\"Action\":\"aws:executeScript\",\"StepStatus\":\"Failed\",\"IsCritical\":true,\"FailureMessage\":\"boom\",\"ExecutionStartTime\":1795000100.0,\"ExecutionEndTime\":1795000110.0}," +
                            "{\"StepName\":\"FinalOutput\",\"Action\":\"aws:executeScript\",\"StepStatus\":\"Success\",\"Outputs\":{\"Message\":[\"5. IAM\\n- [ERROR] No instance profile\"]}}]}");
                default:
                    return (HttpStatusCode.BadRequest, "{\"__type\":\"ValidationException\",\"message\":\"unexpected " + target + "\"}");
            }
        };

        var time = new FakeTime();
        var outcome = Assert.Single(await time.Waiter(api).WaitAsync(new[] { id }, new ExecutionWaitOptions { Region = "eu-west-1" }));

        Assert.Equal(ExecutionWaitState.Finished, outcome.State);
        var result = outcome.Result;
        Assert.Equal("Failed", result.Status);
        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Steps.Count);
        Assert.Equal("checkInstanceProfile", result.FailedStep);
        Assert.Equal("Step checkInstanceProfile failed", result.FailureMessage);
        Assert.Equal(TimeSpan.FromSeconds(270), result.Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), result.Steps[1].Duration);
        var finding = Assert.Single(result.Findings);
        Assert.Equal((5, FindingSeverity.Error), (finding.Section!.Value, finding.Severity));
        Assert.Equal(new[] { "i-0123456789abcdef0" }, result.Parameters["InstanceId"]);
        Assert.Equal(TimeSpan.FromSeconds(5), time.Delays[0]); // the throttled first call slowed the next poll
        Assert.Equal(
            new[] { "DescribeAutomationExecutions", "DescribeAutomationExecutions", "DescribeAutomationExecutions", "GetAutomationExecution", "DescribeAutomationStepExecutions", "DescribeAutomationStepExecutions" },
            wire.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task Runbook_document_listing_and_start_go_through_the_sdk()
    {
        var (api, wire, client) = Create();
        using var owned = client;
        var content = TestFiles.Read("AWSSupport-ExecuteEC2Rescue.json");
        wire.Respond = (target, body) => target switch
        {
            "DescribeDocument" => (HttpStatusCode.OK, "{\"Document\":{\"Name\":\"AWSSupport-ExecuteEC2Rescue\",\"DocumentVersion\":\"12\",\"DefaultVersion\":\"12\",\"LatestVersion\":\"12\",\"Owner\":\"Amazon\",\"Status\":\"Active\",\"PlatformTypes\":[\"Windows\",\"Linux\"]}}"),
            "GetDocument" => (HttpStatusCode.OK, JsonSerializer.Serialize(new { Name = "AWSSupport-ExecuteEC2Rescue", DocumentVersion = "12", DocumentFormat = "JSON", Content = content })),
            "ListDocuments" => body.GetProperty("Filters")[2].GetProperty("Values")[0].GetString() == "AWSSupport-"
                ? (body.TryGetProperty("NextToken", out _)
                    ? (HttpStatusCode.OK, "{\"DocumentIdentifiers\":[{\"Name\":\"AWSSupport-TroubleshootSSH\",\"Owner\":\"Amazon\"}]}")
                    : (HttpStatusCode.OK, "{\"DocumentIdentifiers\":[{\"Name\":\"AWSSupport-ExecuteEC2Rescue\",\"Owner\":\"Amazon\",\"PlatformTypes\":[\"Windows\",\"Linux\"]},{\"Name\":\"AWS-RunShellScript\",\"Owner\":\"Amazon\"}],\"NextToken\":\"n1\"}"))
                : (HttpStatusCode.OK, "{\"DocumentIdentifiers\":[{\"Name\":\"AWSPremiumSupport-TroubleshootEC2DiskUsage\",\"Owner\":\"Amazon\"}]}"),
            "StartAutomationExecution" => (HttpStatusCode.OK, "{\"AutomationExecutionId\":\"" + Ids.Of(9) + "\"}"),
            _ => (HttpStatusCode.BadRequest, "{\"__type\":\"ValidationException\",\"message\":\"unexpected\"}"),
        };

        var doc = await api.GetRunbookAsync("AWSSupport-ExecuteEC2Rescue", null, CancellationToken.None);
        Assert.Equal("12", doc.DocumentVersion);
        Assert.Equal("Amazon", doc.Owner);
        Assert.Equal(new[] { "Windows", "Linux" }, doc.PlatformTypes);
        Assert.Equal("UnreachableInstanceId", doc.InstanceParameterName);
        Assert.Equal("JSON", wire.Requests.Single(r => r.Target == "GetDocument").Body.GetProperty("DocumentFormat").GetString());

        var runbooks = await api.ListSupportRunbooksAsync(CancellationToken.None);
        Assert.Equal(new[] { "AWSPremiumSupport-TroubleshootEC2DiskUsage", "AWSSupport-ExecuteEC2Rescue", "AWSSupport-TroubleshootSSH" }, runbooks.Select(r => r.Name));
        Assert.True(runbooks[0].IsPremiumSupport);
        Assert.NotNull(runbooks[1].Catalog);
        Assert.Equal(new[] { "AWSSupport-ExecuteEC2Rescue" }, runbooks.Where(r => r.Matches("unreachable")).Select(r => r.Name));
        Assert.Equal(3, runbooks.Count(r => r.Matches(null)));

        var plan = RunbookStarter.Plan(doc, null, new RunbookStartOptions { InstanceId = "i-0123456789abcdef0", ClientToken = "0f8fad5b-d9cb-469f-a165-70867728950e" });
        var executionId = await api.StartAsync(plan.ToSdkRequest(), CancellationToken.None);
        Assert.Equal(Ids.Of(9), executionId);
        var sent = wire.Requests.Single(r => r.Target == "StartAutomationExecution").Body;
        Assert.Equal("AWSSupport-ExecuteEC2Rescue", sent.GetProperty("DocumentName").GetString());
        Assert.Equal("i-0123456789abcdef0", sent.GetProperty("Parameters").GetProperty("UnreachableInstanceId")[0].GetString());
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", sent.GetProperty("ClientToken").GetString());
        Assert.False(sent.TryGetProperty("Targets", out _));
    }

    [Fact]
    public async Task Service_errors_keep_their_error_code_for_the_classifier()
    {
        var (api, wire, client) = Create();
        using var owned = client;
        wire.Respond = (_, _) => (HttpStatusCode.BadRequest, "{\"__type\":\"AutomationExecutionNotFoundException\",\"message\":\"not found\"}");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => api.GetExecutionAsync(Ids.Of(3), CancellationToken.None));
        Assert.Equal(Failures.FailureKind.NotFound, Failures.FailureClassifier.Classify(ex));
        await Assert.ThrowsAsync<ArgumentException>(() => api.DescribeExecutionsAsync(Enumerable.Range(1, 11).Select(Ids.Of).ToList(), CancellationToken.None));
    }
}
