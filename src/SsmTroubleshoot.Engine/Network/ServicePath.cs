using System;
using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>How one service is reached from the instance: through its interface endpoint, or the public path.</summary>
internal sealed class ServicePath
{
    private ServicePath(string service, string endpointServiceName, PublicPath publicPath)
    {
        Service = service;
        EndpointServiceName = endpointServiceName;
        Public = publicPath;
    }

    public string Service { get; }

    public string EndpointServiceName { get; }

    /// <summary>The best interface endpoint for the service in the VPC (usable or not), if any.</summary>
    public VpcEndpoint? Interface { get; private set; }

    public VpcEndpoint? Gateway { get; private set; }

    /// <summary>True when the service name resolves to the interface endpoint: available, private DNS on, VPC DNS on.</summary>
    public bool UsesInterface { get; private set; }

    public string? InterfaceUnusableReason { get; private set; }

    public string? InterfaceUnusableRemediation { get; private set; }

    public IReadOnlyList<(Ipv4Range Address, string SubnetId)> EndpointAddresses { get; private set; } = Array.Empty<(Ipv4Range, string)>();

    public PublicPath Public { get; }

    public static ServicePath Create(NetworkSnapshot snapshot, InstanceNetwork context, string service)
    {
        var name = NetworkServices.EndpointServiceName(snapshot.Region, service);
        var candidates = snapshot.EndpointsInVpc(context.Vpc.VpcId).Where(e => string.Equals(e.ServiceName, name, StringComparison.OrdinalIgnoreCase)).ToList();
        var path = new ServicePath(service, name, PublicPath.Evaluate(snapshot, context, name))
        {
            Interface = candidates.Where(e => e.EndpointType == VpcEndpointType.Interface)
                .OrderByDescending(e => e.IsAvailable && e.PrivateDnsEnabled).ThenByDescending(e => e.IsAvailable).FirstOrDefault(),
            Gateway = candidates.FirstOrDefault(e => e.EndpointType == VpcEndpointType.Gateway),
        };

        var endpoint = path.Interface;
        if (endpoint is null)
        {
            return path;
        }

        if (!endpoint.IsAvailable)
        {
            path.InterfaceUnusableReason = "its state is " + endpoint.State;
            path.InterfaceUnusableRemediation = "Accept or recreate the endpoint so it becomes available.";
        }
        else if (!endpoint.PrivateDnsEnabled)
        {
            path.InterfaceUnusableReason = "private DNS is off";
            path.InterfaceUnusableRemediation = "Turn on private DNS for " + endpoint.VpcEndpointId + " (ModifyVpcEndpoint PrivateDnsEnabled).";
        }
        else if (context.Vpc.EnableDnsSupport == false || context.Vpc.EnableDnsHostnames == false)
        {
            path.InterfaceUnusableReason = "the VPC's enableDnsSupport/enableDnsHostnames is off, so its private DNS name does not resolve";
            path.InterfaceUnusableRemediation = "Turn on enableDnsSupport and enableDnsHostnames on " + context.Vpc.VpcId + ".";
        }
        else
        {
            path.UsesInterface = true;
        }

        path.EndpointAddresses = Addresses(snapshot, context, endpoint);
        return path;
    }

    // The regional private DNS name returns every ENI's address, so each one must be reachable.
    private static List<(Ipv4Range, string)> Addresses(NetworkSnapshot snapshot, InstanceNetwork context, VpcEndpoint endpoint)
    {
        var addresses = new List<(Ipv4Range, string)>();
        foreach (var eni in endpoint.NetworkInterfaces)
        {
            if (Ipv4Range.TryParse(eni.PrivateIpAddress, out var address))
            {
                addresses.Add((address, eni.SubnetId));
            }
        }

        if (addresses.Count == 0)
        {
            foreach (var subnetId in endpoint.SubnetIds)
            {
                if (Ipv4Range.TryParse(snapshot.FindSubnet(subnetId)?.CidrBlock, out var cidr))
                {
                    addresses.Add((cidr, subnetId));
                }
            }
        }

        if (addresses.Count == 0 && context.Vpc.CidrBlocks.Count > 0 && Ipv4Range.TryParse(context.Vpc.CidrBlocks[0], out var vpcCidr))
        {
            addresses.Add((vpcCidr, endpoint.SubnetIds.FirstOrDefault() ?? string.Empty));
        }

        return addresses;
    }
}
