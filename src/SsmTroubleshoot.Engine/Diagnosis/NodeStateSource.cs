using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using Ec2 = Amazon.EC2.Model;
using Ssm = Amazon.SimpleSystemsManagement.Model;

namespace SsmTroubleshoot.Diagnosis;

/// <summary>DescribeInstanceStatus for one instance (IncludeAllInstances: stopped ones too, with not-applicable checks).</summary>
public sealed record InstanceStatusInfo
{
    public string InstanceId { get; init; } = string.Empty;

    public string State { get; init; } = string.Empty;

    /// <summary>ok, impaired, initializing, insufficient-data, not-applicable.</summary>
    public string InstanceStatus { get; init; } = string.Empty;

    public string SystemStatus { get; init; } = string.Empty;

    public string? AvailabilityZone { get; init; }
}

/// <summary>A hybrid activation (DescribeActivations).</summary>
public sealed record ActivationInfo
{
    public string ActivationId { get; init; } = string.Empty;

    public string? IamRole { get; init; }

    public int RegistrationLimit { get; init; }

    public int RegistrationsCount { get; init; }

    public DateTime? ExpirationDate { get; init; }

    public bool Expired { get; init; }
}

/// <summary>The reads beyond the network evaluation's: each throws on failure (the reader records a lookup finding).</summary>
public interface INodeStateSource
{
    /// <summary>DescribeInstanceStatus with IncludeAllInstances, 100 ids per call.</summary>
    Task<IReadOnlyList<InstanceStatusInfo>> DescribeInstanceStatusAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken);

    /// <summary>GetConsoleOutput (Latest), decoded; null when the instance has none yet.</summary>
    Task<string?> GetConsoleOutputAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>DescribeActivations, all pages (an account holds few).</summary>
    Task<IReadOnlyList<ActivationInfo>> DescribeActivationsAsync(CancellationToken cancellationToken);
}

/// <summary><see cref="INodeStateSource"/> over the SDK clients; every call is logged first.</summary>
public sealed class AwsNodeStateSource : INodeStateSource
{
    public const int StatusBatchSize = 100;

    private readonly IAmazonEC2 ec2;
    private readonly IAmazonSimpleSystemsManagement ssm;
    private readonly Action<string>? log;

    public AwsNodeStateSource(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm, Action<string>? log)
    {
        this.ec2 = ec2 ?? throw new ArgumentNullException(nameof(ec2));
        this.ssm = ssm ?? throw new ArgumentNullException(nameof(ssm));
        this.log = log;
    }

    public async Task<IReadOnlyList<InstanceStatusInfo>> DescribeInstanceStatusAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        var found = new List<InstanceStatusInfo>();
        for (var start = 0; start < instanceIds.Count; start += StatusBatchSize)
        {
            var batch = instanceIds.Skip(start).Take(StatusBatchSize).ToList();
            string? token = null;
            do
            {
                log?.Invoke("ec2:DescribeInstanceStatus (" + batch.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " instance id" + (batch.Count == 1 ? ")" : "s)"));
                var response = await ec2.DescribeInstanceStatusAsync(new Ec2.DescribeInstanceStatusRequest { InstanceIds = batch, IncludeAllInstances = true, NextToken = token }, cancellationToken).ConfigureAwait(false);
                found.AddRange((response.InstanceStatuses ?? new List<Ec2.InstanceStatus>()).Select(s => new InstanceStatusInfo
                {
                    InstanceId = s.InstanceId,
                    State = s.InstanceState?.Name?.Value ?? string.Empty,
                    InstanceStatus = s.Status?.Status?.Value ?? string.Empty,
                    SystemStatus = s.SystemStatus?.Status?.Value ?? string.Empty,
                    AvailabilityZone = s.AvailabilityZone,
                }));
                token = response.NextToken;
            }
            while (!string.IsNullOrEmpty(token));
        }

        return found;
    }

    public async Task<string?> GetConsoleOutputAsync(string instanceId, CancellationToken cancellationToken)
    {
        log?.Invoke("ec2:GetConsoleOutput " + instanceId);
        var response = await ec2.GetConsoleOutputAsync(new Ec2.GetConsoleOutputRequest { InstanceId = instanceId, Latest = true }, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(response.Output) ? null : Encoding.UTF8.GetString(Convert.FromBase64String(response.Output));
    }

    public async Task<IReadOnlyList<ActivationInfo>> DescribeActivationsAsync(CancellationToken cancellationToken)
    {
        var found = new List<ActivationInfo>();
        string? token = null;
        do
        {
            log?.Invoke("ssm:DescribeActivations");
            var response = await ssm.DescribeActivationsAsync(new Ssm.DescribeActivationsRequest { NextToken = token }, cancellationToken).ConfigureAwait(false);
            found.AddRange((response.ActivationList ?? new List<Ssm.Activation>()).Select(a => new ActivationInfo
            {
                ActivationId = a.ActivationId,
                IamRole = a.IamRole,
                RegistrationLimit = a.RegistrationLimit ?? 0,
                RegistrationsCount = a.RegistrationsCount ?? 0,
                ExpirationDate = a.ExpirationDate,
                Expired = a.Expired ?? false,
            }));
            token = response.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return found;
    }
}
