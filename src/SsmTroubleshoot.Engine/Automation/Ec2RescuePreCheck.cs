using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.EC2;
using Ec2 = Amazon.EC2.Model;

namespace SsmTroubleshoot.Automation;

/// <summary>What must stop a start (Problems) and what the user should know first (Warnings).</summary>
public sealed class RunbookPreCheckResult
{
    public RunbookPreCheckResult(IReadOnlyList<string> problems, IReadOnlyList<string> warnings)
    {
        Problems = problems;
        Warnings = warnings;
    }

    public static RunbookPreCheckResult None { get; } = new(Array.Empty<string>(), Array.Empty<string>());

    public IReadOnlyList<string> Problems { get; }

    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// The checks the AWSSupport-ExecuteEC2Rescue document lists before it runs, made before the start instead of minutes
/// into the execution: a SubnetId in another Availability Zone than the instance is refused (the rescue instance must
/// attach the root volume, which lives in the instance's zone); an encrypted root volume and an unsupported platform
/// are warned about. Reads DescribeInstances, DescribeSubnets and DescribeVolumes.
/// </summary>
public static class Ec2RescuePreCheck
{
    public const string DocumentName = "AWSSupport-ExecuteEC2Rescue";

    public static bool AppliesTo(string documentName) => string.Equals(documentName, DocumentName, StringComparison.Ordinal);

    public static async Task<RunbookPreCheckResult> CheckAsync(IAmazonEC2 ec2, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, CancellationToken cancellationToken)
    {
        if (ec2 is null)
        {
            throw new ArgumentNullException(nameof(ec2));
        }

        if (parameters is null || !parameters.TryGetValue("UnreachableInstanceId", out var ids) || ids.Count == 0)
        {
            return RunbookPreCheckResult.None;
        }

        var problems = new List<string>();
        var warnings = new List<string>();
        var instanceId = ids[0];
        List<Ec2.Reservation>? reservations;
        try
        {
            reservations = (await ec2.DescribeInstancesAsync(new Ec2.DescribeInstancesRequest { InstanceIds = new List<string> { instanceId } }, cancellationToken).ConfigureAwait(false)).Reservations;
        }
        catch (AmazonEC2Exception ex) when (ex.ErrorCode is { } code && code.StartsWith("InvalidInstanceID", StringComparison.Ordinal))
        {
            return RunbookPreCheckResult.None; // the runbook's parameter validation and its first step report the id
        }

        var instance = reservations?.SelectMany(r => r.Instances ?? new List<Ec2.Instance>()).FirstOrDefault();
        if (instance is null)
        {
            return RunbookPreCheckResult.None; // the runbook reports an unknown instance itself
        }

        var zone = instance.Placement?.AvailabilityZone;
        if (parameters.TryGetValue("SubnetId", out var subnets) && subnets.Count > 0 && subnets[0].StartsWith("subnet-", StringComparison.Ordinal) && zone is not null)
        {
            var subnet = (await ec2.DescribeSubnetsAsync(new Ec2.DescribeSubnetsRequest { SubnetIds = new List<string> { subnets[0] } }, cancellationToken).ConfigureAwait(false)).Subnets?.FirstOrDefault();
            if (subnet is not null && !string.Equals(subnet.AvailabilityZone, zone, StringComparison.Ordinal))
            {
                problems.Add($"SubnetId {subnets[0]} is in {subnet.AvailabilityZone}, but {instanceId} is in {zone}: the EC2Rescue instance must run in the instance's Availability Zone to attach its root volume.");
            }
        }

        var rootVolume = instance.BlockDeviceMappings?.FirstOrDefault(b => string.Equals(b.DeviceName, instance.RootDeviceName, StringComparison.Ordinal))?.Ebs?.VolumeId;
        if (rootVolume is not null)
        {
            var volume = (await ec2.DescribeVolumesAsync(new Ec2.DescribeVolumesRequest { VolumeIds = new List<string> { rootVolume } }, cancellationToken).ConfigureAwait(false)).Volumes?.FirstOrDefault();
            if (volume?.Encrypted == true)
            {
                warnings.Add($"The root volume {rootVolume} of {instanceId} is encrypted: AWSSupport-ExecuteEC2Rescue does not support encrypted root volumes and will fail.");
            }
        }

        var details = instance.PlatformDetails ?? string.Empty;
        var type = instance.InstanceType?.Value ?? string.Empty;
        if (type.StartsWith("mac", StringComparison.OrdinalIgnoreCase) || details.IndexOf("macOS", StringComparison.OrdinalIgnoreCase) >= 0
            || (instance.Platform?.Value == "windows" && instance.Architecture?.Value == "arm64"))
        {
            warnings.Add($"{instanceId} runs {(details.Length > 0 ? details : type)} ({instance.Architecture?.Value}): EC2Rescue supports Windows Server 2008 R2 and later on x86_64 and Linux only.");
        }

        return new RunbookPreCheckResult(problems, warnings);
    }
}
