using System;
using System.Collections.Generic;

namespace SsmTroubleshoot.Network.Model;

public enum ImdsTokens
{
    Optional = 0,
    Required,
}

/// <summary>What DescribeInstances tells about one EC2 instance.</summary>
public sealed record Ec2Instance
{
    public string InstanceId { get; init; } = string.Empty;

    /// <summary>The Name tag.</summary>
    public string? Name { get; init; }

    /// <summary>pending, running, stopping, stopped, shutting-down, terminated.</summary>
    public string State { get; init; } = "running";

    /// <summary>"windows" or null (Linux/UNIX), as EC2 reports it.</summary>
    public string? Platform { get; init; }

    public string? VpcId { get; init; }

    public string? SubnetId { get; init; }

    public string? PrivateIpAddress { get; init; }

    /// <summary>Auto-assigned public IP or Elastic IP of the primary interface.</summary>
    public string? PublicIpAddress { get; init; }

    public IReadOnlyList<string> Ipv6Addresses { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> SecurityGroupIds { get; init; } = Array.Empty<string>();

    public string? InstanceProfileArn { get; init; }

    public ImdsTokens HttpTokens { get; init; }

    public int HttpPutResponseHopLimit { get; init; } = 1;

    /// <summary>False when IMDS is disabled: the agent can then read neither credentials nor identity.</summary>
    public bool MetadataEndpointEnabled { get; init; } = true;
}
