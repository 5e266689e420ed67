using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace SsmTroubleshoot.LogCollection;

/// <summary><see cref="IRunCommandApi"/> over the AWS SDK client (errors pass through for FailureClassifier).</summary>
public sealed class SsmRunCommandApi : IRunCommandApi
{
    private readonly IAmazonSimpleSystemsManagement _ssm;

    public SsmRunCommandApi(IAmazonSimpleSystemsManagement ssm)
    {
        _ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));
    }

    public async Task<ManagedNodePage> DescribeNodesAsync(IReadOnlyList<string>? instanceIds, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters,
        string? nextToken, CancellationToken cancellationToken)
    {
        var request = new DescribeInstanceInformationRequest { MaxResults = 50, NextToken = nextToken, Filters = new List<InstanceInformationStringFilter>() };
        if (instanceIds is { Count: > 0 })
        {
            request.Filters.Add(new InstanceInformationStringFilter { Key = "InstanceIds", Values = instanceIds.ToList() });
        }

        foreach (var filter in filters ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            request.Filters.Add(new InstanceInformationStringFilter { Key = filter.Key, Values = filter.Value.ToList() });
        }

        var response = await _ssm.DescribeInstanceInformationAsync(request, cancellationToken).ConfigureAwait(false);
        return new ManagedNodePage
        {
            Nodes = (response.InstanceInformationList ?? new List<InstanceInformation>()).Select(i => new ManagedNode
            {
                InstanceId = i.InstanceId ?? string.Empty,
                PingStatus = i.PingStatus?.Value ?? string.Empty,
                PlatformType = i.PlatformType?.Value ?? string.Empty,
                PlatformName = i.PlatformName,
                ComputerName = i.ComputerName,
                AgentVersion = i.AgentVersion,
                LastPingDateTime = i.LastPingDateTime,
            }).ToArray(),
            NextToken = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken,
        };
    }

    public async Task<string> SendCommandAsync(RunCommandRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var send = new SendCommandRequest
        {
            DocumentName = request.DocumentName,
            Parameters = new Dictionary<string, List<string>>
            {
                ["commands"] = request.Commands.ToList(),
                ["executionTimeout"] = new List<string> { request.ExecutionTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            Comment = request.Comment,
        };
        if (request.Targets is { Count: > 0 } targets)
        {
            send.Targets = targets.Select(t => new Target { Key = t.Key, Values = t.Value.ToList() }).ToList();
        }
        else
        {
            send.InstanceIds = request.InstanceIds.ToList();
        }

        if (request.DeliveryTimeoutSeconds is { } deliveryTimeout)
        {
            send.TimeoutSeconds = deliveryTimeout;
        }

        if (!string.IsNullOrEmpty(request.MaxConcurrency))
        {
            send.MaxConcurrency = request.MaxConcurrency;
        }

        if (!string.IsNullOrEmpty(request.MaxErrors))
        {
            send.MaxErrors = request.MaxErrors;
        }

        if (!string.IsNullOrEmpty(request.OutputS3BucketName))
        {
            send.OutputS3BucketName = request.OutputS3BucketName;
            send.OutputS3KeyPrefix = request.OutputS3KeyPrefix;
        }

        var response = await _ssm.SendCommandAsync(send, cancellationToken).ConfigureAwait(false);
        return response.Command?.CommandId ?? throw new InvalidOperationException("SendCommand returned no CommandId.");
    }

    public async Task<InvocationPage> ListInvocationsAsync(string commandId, string? nextToken, CancellationToken cancellationToken)
    {
        var response = await _ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest
        {
            CommandId = commandId,
            MaxResults = 50,
            NextToken = nextToken,
        }, cancellationToken).ConfigureAwait(false);
        return new InvocationPage
        {
            Invocations = (response.CommandInvocations ?? new List<CommandInvocation>()).Select(i => new InvocationSummary
            {
                InstanceId = i.InstanceId ?? string.Empty,
                Status = i.Status?.Value ?? string.Empty,
                StatusDetails = i.StatusDetails,
            }).ToArray(),
            NextToken = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken,
        };
    }

    public async Task<InvocationOutput> GetInvocationAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        var response = await _ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = commandId, InstanceId = instanceId }, cancellationToken)
            .ConfigureAwait(false);
        return new InvocationOutput
        {
            Status = response.Status?.Value ?? string.Empty,
            StatusDetails = response.StatusDetails,
            ResponseCode = response.ResponseCode ?? 0,
            StandardOutput = response.StandardOutputContent ?? string.Empty,
            StandardError = response.StandardErrorContent ?? string.Empty,
            StandardOutputUrl = string.IsNullOrEmpty(response.StandardOutputUrl) ? null : response.StandardOutputUrl,
        };
    }
}
