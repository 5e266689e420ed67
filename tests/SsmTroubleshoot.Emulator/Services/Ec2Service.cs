using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Emulator.Protocol;

namespace SsmTroubleshoot.Emulator.Services;

/// <summary>EC2 Query API (version 2016-11-15): XML answers, item lists, Filter.N paging with MaxResults/NextToken.</summary>
internal sealed partial class Ec2Service : IAwsService
{
    private static readonly QueryXml X = new("http://ec2.amazonaws.com/doc/2016-11-15/");

    public string Name => "ec2";

    public AwsServiceError Throttling() => new("RequestLimitExceeded", "Request limit exceeded.", 503);

    public AwsServiceError ServerError() => new("InternalError", "An internal error has occurred.", 500);

    public AwsServiceError AccessDenied(AwsRequest request, World world) =>
        new("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);

    public AwsResponse RenderError(AwsServiceError error, string requestId) => new(
        error.Status,
        "text/xml;charset=UTF-8",
        QueryXml.Document(new XElement("Response",
            new XElement("Errors", new XElement("Error", new XElement("Code", error.Code), new XElement("Message", error.Message))),
            new XElement("RequestID", requestId))));

    public AwsResponse Handle(AwsRequest request, World world)
    {
        object?[] body = request.Operation switch
        {
            "DescribeInstances" => DescribeInstances(request, world),
            "DescribeVpcs" => Describe(request, world.Vpcs, "VpcId", v => v.VpcId, "InvalidVpcID", "vpc", "vpcSet", VpcFilter, Vpc),
            "DescribeVpcAttribute" => DescribeVpcAttribute(request, world),
            "DescribeSubnets" => Describe(request, world.Subnets, "SubnetId", s => s.SubnetId, "InvalidSubnetID", "subnet", "subnetSet", SubnetFilter, Subnet),
            "DescribeRouteTables" => Describe(request, world.RouteTables, "RouteTableId", r => r.RouteTableId, "InvalidRouteTableID", "rtb", "routeTableSet", RouteTableFilter, RouteTable),
            "DescribeNetworkAcls" => Describe(request, world.NetworkAcls, "NetworkAclId", n => n.NetworkAclId, "InvalidNetworkAclID", "acl", "networkAclSet", NetworkAclFilter, NetworkAcl),
            "DescribeSecurityGroups" => Describe(request, world.SecurityGroups, "GroupId", g => g.GroupId, "InvalidGroup", "sg", "securityGroupInfo", SecurityGroupFilter, g => SecurityGroup(g, world)),
            "DescribeVpcEndpoints" => Describe(request, world.VpcEndpoints, "VpcEndpointId", e => e.VpcEndpointId, "InvalidVpcEndpointId", "vpce", "vpcEndpointSet", VpcEndpointFilter, e => VpcEndpoint(e, world)),
            "DescribeNatGateways" => Describe(request, world.NatGateways, "NatGatewayId", n => n.NatGatewayId, "NatGatewayNotFound", "nat", "natGatewaySet", NatGatewayFilter, NatGateway),
            "DescribeInternetGateways" => Describe(request, world.InternetGateways, "InternetGatewayId", g => g.InternetGatewayId, "InvalidInternetGatewayID", "igw", "internetGatewaySet", InternetGatewayFilter, g => InternetGateway(g, world)),
            "DescribeManagedPrefixLists" => Describe(request, world.PrefixLists, "PrefixListId", p => p.PrefixListId, "InvalidPrefixListID", "pl", "prefixListSet", PrefixListFilter, p => PrefixList(p, world)),
            "GetManagedPrefixListEntries" => GetManagedPrefixListEntries(request, world),
            "DescribeInstanceStatus" => DescribeInstanceStatus(request, world),
            "GetConsoleOutput" => GetConsoleOutput(request, world),
            "DescribeVolumes" => DescribeVolumes(request, world),
            "DescribeNetworkInterfaces" => Describe(request, world.NetworkInterfaces, "NetworkInterfaceId", n => n.NetworkInterfaceId, "InvalidNetworkInterfaceID", "eni", "networkInterfaceSet", NetworkInterfaceFilter, n => NetworkInterface(n, world)),
            _ => throw new AwsServiceError("InvalidAction", $"The action {request.Operation} is not valid for this web service."),
        };

        var root = X.E(request.Operation + "Response", new object?[] { X.E("requestId", request.RequestId) }.Concat(body).ToArray());
        return new AwsResponse(200, "text/xml;charset=UTF-8", QueryXml.Document(root));
    }

    // ---- generic describe: ids (whole call fails on an unknown or malformed id), filters, paging ----

    private delegate IEnumerable<string?>? FilterValues<T>(T item, string filterName);

    private object?[] Describe<T>(
        AwsRequest request,
        IReadOnlyList<T> all,
        string idParameter,
        Func<T, string> id,
        string errorPrefix,
        string idPrefix,
        string setName,
        FilterValues<T> filter,
        Func<T, object?[]> render)
    {
        var ids = request.GetList(idParameter);
        var items = SelectByIds(all, ids, id, errorPrefix, idPrefix);
        items = ApplyFilters(request, items, filter);
        var page = PageOf(request, items, out var nextToken);
        return [X.Items(setName, page, render), X.Opt("nextToken", nextToken)];
    }

    private static List<T> SelectByIds<T>(IReadOnlyList<T> all, List<string> ids, Func<T, string> id, string errorPrefix, string idPrefix)
    {
        if (ids.Count == 0)
        {
            return all.ToList();
        }

        var malformed = ids.FirstOrDefault(i => !IdPattern().IsMatch(i) || !i.StartsWith(idPrefix + "-", StringComparison.Ordinal));
        if (malformed is not null && errorPrefix.StartsWith("Invalid", StringComparison.Ordinal) && errorPrefix.EndsWith("ID", StringComparison.Ordinal))
        {
            throw new AwsServiceError(errorPrefix + ".Malformed", $"Invalid id: \"{malformed}\"");
        }

        var missing = ids.Where(i => !all.Any(item => id(item) == i)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw NotFound(errorPrefix, missing);
        }

        return all.Where(item => ids.Contains(id(item))).ToList();
    }

    private static AwsServiceError NotFound(string errorPrefix, List<string> missing)
    {
        var noun = errorPrefix switch
        {
            "InvalidInstanceID" => "instance ID",
            "InvalidVpcID" => "vpc ID",
            "InvalidSubnetID" => "subnet ID",
            "InvalidRouteTableID" => "routeTable ID",
            "InvalidNetworkAclID" => "networkAcl ID",
            "InvalidGroup" => "security group",
            "InvalidVpcEndpointId" => "Vpc Endpoint Id",
            "InvalidInternetGatewayID" => "internetGateway ID",
            "InvalidPrefixListID" => "prefix list ID",
            "InvalidNetworkInterfaceID" => "network interface ID",
            _ => "ID",
        };
        if (errorPrefix == "NatGatewayNotFound")
        {
            return new AwsServiceError("NatGatewayNotFound", $"NAT gateway {missing[0]} was not found");
        }

        var list = string.Join(", ", missing);
        var message = missing.Count == 1 ? $"The {noun} '{list}' does not exist" : $"The {noun}s '{list}' do not exist";
        return new AwsServiceError(errorPrefix + ".NotFound", message);
    }

    private static List<T> ApplyFilters<T>(AwsRequest request, List<T> items, FilterValues<T> values)
    {
        foreach (var (name, patterns) in request.GetFilters())
        {
            if (items.Count > 0 && TagValues(items[0], name) is null && values(items[0], name) is null)
            {
                throw new AwsServiceError("InvalidParameterValue", $"The filter '{name}' is invalid");
            }

            items = items.Where(item =>
            {
                var candidates = TagValues(item, name) ?? values(item, name) ?? Array.Empty<string?>();
                return candidates.Any(c => patterns.Any(p => Wildcard.IsMatch(p, c)));
            }).ToList();
        }

        return items;
    }

    /// <summary>tag:Key and tag-key filters work on every tagged resource.</summary>
    private static IEnumerable<string?>? TagValues<T>(T item, string filterName)
    {
        var tags = item switch
        {
            Instance i => i.Tags,
            Vpc v => v.Tags,
            Subnet s => s.Tags,
            RouteTable r => r.Tags,
            NetworkAcl n => n.Tags,
            SecurityGroup g => g.Tags,
            VpcEndpoint e => e.Tags,
            NatGateway n => n.Tags,
            InternetGateway g => g.Tags,
            PrefixList p => p.Tags,
            NetworkInterface n => n.Tags,
            _ => null,
        };
        if (tags is null)
        {
            return null;
        }

        if (filterName.StartsWith("tag:", StringComparison.Ordinal))
        {
            var key = filterName.Substring(4);
            return tags.TryGetValue(key, out var value) ? [value] : Array.Empty<string?>();
        }

        return filterName == "tag-key" ? tags.Keys : filterName == "tag-value" ? tags.Values : null;
    }

    private static List<T> PageOf<T>(AwsRequest request, List<T> items, out string? nextToken)
    {
        var max = request.GetInt("MaxResults");
        if (max is not null && (max < 5 || max > 1000))
        {
            throw new AwsServiceError("InvalidParameterValue", $"Value ( {max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.");
        }

        return Paging.Page(items, request.Operation, max, request.Get("NextToken"),
            t => new AwsServiceError("InvalidNextToken", "The specified token is invalid."), out nextToken);
    }

    private static IEnumerable<string?> One(string? value) => new[] { value };

    [GeneratedRegex("^[a-z]+-[0-9a-f]{8,17}$")]
    private static partial Regex IdPattern();

    // ---- DescribeInstances ----

    private object?[] DescribeInstances(AwsRequest request, World world)
    {
        var ids = request.GetList("InstanceId");
        if (ids.Count > 0 && request.GetInt("MaxResults") is not null)
        {
            throw new AwsServiceError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        }

        var items = SelectByIds(world.Instances, ids, i => i.InstanceId, "InvalidInstanceID", "i");
        items = ApplyFilters(request, items, InstanceFilter);
        var page = PageOf(request, items, out var nextToken);

        // One reservation per instance keeps paging simple; real EC2 groups instances launched together.
        return
        [
            X.Items("reservationSet", page, i => [
                X.E("reservationId", "r-" + i.InstanceId.Substring(2)),
                X.E("ownerId", world.AccountId),
                X.E("groupSet"),
                X.Items("instancesSet", new[] { i }, inst => InstanceXml(inst, world)),
            ]),
            X.Opt("nextToken", nextToken),
        ];
    }

    private static IEnumerable<string?>? InstanceFilter(Instance i, string name) => name switch
    {
        "instance-id" => One(i.InstanceId),
        "vpc-id" => One(i.VpcId),
        "subnet-id" => One(i.SubnetId),
        "instance-state-name" => One(i.State),
        "platform" => One(i.Platform),
        "private-ip-address" => One(i.PrivateIpAddress),
        "ip-address" => One(i.PublicIpAddress),
        "iam-instance-profile.arn" => One(i.IamInstanceProfileArn),
        "instance.group-id" or "group-id" => i.SecurityGroupIds,
        "availability-zone" => One(i.AvailabilityZone),
        _ => null,
    };

    private static readonly Dictionary<string, int> StateCodes = new(StringComparer.Ordinal)
    {
        ["pending"] = 0, ["running"] = 16, ["shutting-down"] = 32, ["terminated"] = 48, ["stopping"] = 64, ["stopped"] = 80,
    };

    // ---- DescribeInstanceStatus, GetConsoleOutput ----

    /// <summary>Running instances only unless IncludeAllInstances; checks of instances that are not running are not-applicable.</summary>
    private object?[] DescribeInstanceStatus(AwsRequest request, World world)
    {
        var ids = request.GetList("InstanceId");
        if (ids.Count > 100)
        {
            throw new AwsServiceError("InvalidParameterValue", "The maximum number of instance IDs is 100.");
        }

        if (ids.Count > 0 && request.GetInt("MaxResults") is not null)
        {
            throw new AwsServiceError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        }

        var all = string.Equals(request.Get("IncludeAllInstances"), "true", StringComparison.OrdinalIgnoreCase);
        var items = SelectByIds(world.Instances, ids, i => i.InstanceId, "InvalidInstanceID", "i")
            .Where(i => all || i.State == "running").ToList();
        items = ApplyFilters(request, items, InstanceFilter);
        var page = PageOf(request, items, out var nextToken);
        return [X.Items("instanceStatusSet", page, i =>
        {
            var running = i.State == "running";
            object Summary(string status) => new object?[]
            {
                X.E("status", running ? status : "not-applicable"),
                running ? X.E("details", X.E("item", X.E("name", "reachability"), X.E("status", status == "ok" ? "passed" : status == "impaired" ? "failed" : status))) : null,
            };
            return
            [
                X.E("instanceId", i.InstanceId),
                X.E("availabilityZone", i.AvailabilityZone),
                X.E("instanceState", X.E("code", StateCodes.TryGetValue(i.State, out var code) ? code : 16), X.E("name", i.State)),
                X.E("systemStatus", Summary(i.SystemStatus)),
                X.E("instanceStatus", Summary(i.InstanceStatus)),
            ];
        }), X.Opt("nextToken", nextToken)];
    }

    /// <summary>The console text base64-encoded, as EC2 sends it; no output yet: the element is left out.</summary>
    private static object?[] GetConsoleOutput(AwsRequest request, World world)
    {
        var id = request.Get("InstanceId") ?? throw new AwsServiceError("MissingParameter", "The request must contain the parameter InstanceId");
        var instance = SelectByIds(world.Instances, [id], i => i.InstanceId, "InvalidInstanceID", "i")[0];
        return
        [
            X.E("instanceId", instance.InstanceId),
            X.E("timestamp", new DateTime(2026, 11, 20, 8, 31, 0, DateTimeKind.Utc)),
            instance.ConsoleOutput is null ? null : X.E("output", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(instance.ConsoleOutput))),
        ];
    }

    /// <summary>Each instance has one root volume, vol- and the instance id's hex (DescribeVolumes by VolumeId or attachment.instance-id).</summary>
    private static string RootVolumeId(Instance i) => "vol-" + i.InstanceId.Substring(2);

    private static object?[] DescribeVolumes(AwsRequest request, World world)
    {
        var ids = request.GetList("VolumeId");
        var missing = ids.Where(v => !world.Instances.Any(i => RootVolumeId(i) == v)).ToList();
        if (missing.Count > 0)
        {
            throw new AwsServiceError("InvalidVolume.NotFound", $"The volume '{string.Join(", ", missing)}' does not exist.");
        }

        var volumes = world.Instances.Where(i => ids.Count == 0 || ids.Contains(RootVolumeId(i))).ToList();
        volumes = ApplyFilters(request, volumes, (i, name) => name switch
        {
            "attachment.instance-id" => One(i.InstanceId),
            "volume-id" => One(RootVolumeId(i)),
            "encrypted" => One(i.RootVolumeEncrypted ? "true" : "false"),
            _ => null,
        });
        return [X.Items("volumeSet", volumes, i => [
            X.E("volumeId", RootVolumeId(i)),
            X.E("size", 30),
            X.E("availabilityZone", i.AvailabilityZone),
            X.E("status", "in-use"),
            X.E("createTime", i.LaunchTime),
            X.Items("attachmentSet", new[] { i }, a => [X.E("volumeId", RootVolumeId(a)), X.E("instanceId", a.InstanceId), X.E("device", "/dev/xvda"), X.E("status", "attached")]),
            X.E("volumeType", "gp3"),
            X.E("encrypted", i.RootVolumeEncrypted),
        ])];
    }

    private static object?[] InstanceXml(Instance i, World world) =>
    [
        X.E("instanceId", i.InstanceId),
        X.E("imageId", i.ImageId),
        X.E("instanceState", X.E("code", StateCodes.TryGetValue(i.State, out var code) ? code : 16), X.E("name", i.State)),
        X.E("privateDnsName", i.PrivateIpAddress is null ? string.Empty : "ip-" + i.PrivateIpAddress.Replace('.', '-') + ".ec2.internal"),
        X.E("dnsName", i.PublicIpAddress is null ? string.Empty : "ec2-" + i.PublicIpAddress.Replace('.', '-') + ".compute-1.amazonaws.com"),
        X.E("instanceType", i.InstanceType),
        X.E("launchTime", i.LaunchTime),
        X.E("placement", X.E("availabilityZone", i.AvailabilityZone), X.E("tenancy", "default")),
        X.Opt("platform", i.Platform),
        X.E("platformDetails", i.PlatformDetails),
        X.E("monitoring", X.E("state", "disabled")),
        X.Opt("subnetId", i.SubnetId),
        X.Opt("vpcId", i.VpcId),
        X.Opt("privateIpAddress", i.PrivateIpAddress),
        X.Opt("ipAddress", i.PublicIpAddress),
        X.Items("groupSet", i.SecurityGroupIds, g => [X.E("groupId", g), X.E("groupName", world.SecurityGroups.FirstOrDefault(s => s.GroupId == g)?.GroupName ?? g)]),
        X.E("architecture", "x86_64"),
        X.E("rootDeviceType", "ebs"),
        X.E("rootDeviceName", "/dev/xvda"),
        X.Items("blockDeviceMapping", new[] { i }, b => [
            X.E("deviceName", "/dev/xvda"),
            X.E("ebs", X.E("volumeId", RootVolumeId(b)), X.E("status", "attached"), X.E("attachTime", b.LaunchTime), X.E("deleteOnTermination", true)),
        ]),
        i.IamInstanceProfileArn is null ? null : X.E("iamInstanceProfile", X.E("arn", i.IamInstanceProfileArn), X.E("id", ProfileId(i.IamInstanceProfileArn, world))),
        i.NetworkInterfaceId is null ? null : X.Items("networkInterfaceSet", new[] { i }, n => [
            X.E("networkInterfaceId", n.NetworkInterfaceId),
            X.Opt("subnetId", n.SubnetId),
            X.Opt("vpcId", n.VpcId),
            X.E("status", "in-use"),
            X.Opt("privateIpAddress", n.PrivateIpAddress),
            X.E("attachment", X.E("attachmentId", "eni-attach-" + n.InstanceId.Substring(2)), X.E("deviceIndex", 0), X.E("status", "attached")),
            X.Items("groupSet", n.SecurityGroupIds, g => [X.E("groupId", g)]),
        ]),
        X.E("hypervisor", "xen"),
        X.Tags(i.Tags),
        X.E("virtualizationType", "hvm"),
        X.E("metadataOptions",
            X.E("state", "applied"),
            X.E("httpTokens", i.MetadataOptions.HttpTokens),
            X.E("httpPutResponseHopLimit", i.MetadataOptions.HttpPutResponseHopLimit),
            X.E("httpEndpoint", i.MetadataOptions.HttpEndpoint),
            X.E("httpProtocolIpv6", "disabled"),
            X.E("instanceMetadataTags", "disabled")),
    ];

    private static string ProfileId(string arn, World world) =>
        world.InstanceProfiles.FirstOrDefault(p => p.Arn == arn || arn.EndsWith("/" + p.InstanceProfileName, StringComparison.Ordinal))?.InstanceProfileId
        ?? "AIPAUNKNOWNPROFILE000";

    // ---- VPCs ----

    private static IEnumerable<string?>? VpcFilter(Vpc v, string name) => name switch
    {
        "vpc-id" => One(v.VpcId),
        "cidr" or "cidr-block-association.cidr-block" => One(v.CidrBlock),
        "is-default" => One(v.IsDefault ? "true" : "false"),
        "state" => One(v.State),
        _ => null,
    };

    private object?[] Vpc(Vpc v) =>
    [
        X.E("vpcId", v.VpcId),
        X.E("ownerId", "123456789012"),
        X.E("state", v.State),
        X.E("cidrBlock", v.CidrBlock),
        X.Items("cidrBlockAssociationSet", new[] { v }, c => [X.E("cidrBlock", c.CidrBlock), X.E("associationId", "vpc-cidr-assoc-" + c.VpcId.Substring(4)), X.E("cidrBlockState", X.E("state", "associated"))]),
        X.E("dhcpOptionsId", v.DhcpOptionsId),
        X.Tags(v.Tags),
        X.E("instanceTenancy", "default"),
        X.E("isDefault", v.IsDefault),
    ];

    private object?[] DescribeVpcAttribute(AwsRequest request, World world)
    {
        var vpcId = request.Get("VpcId") ?? throw new AwsServiceError("MissingParameter", "The request must contain the parameter vpcId");
        var attribute = request.Get("Attribute") ?? throw new AwsServiceError("MissingParameter", "The request must contain the parameter attribute");
        var vpc = SelectByIds(world.Vpcs, [vpcId], v => v.VpcId, "InvalidVpcID", "vpc")[0];
        var value = attribute switch
        {
            "enableDnsSupport" => vpc.EnableDnsSupport,
            "enableDnsHostnames" => vpc.EnableDnsHostnames,
            "enableNetworkAddressUsageMetrics" => false,
            _ => throw new AwsServiceError("InvalidParameterValue", $"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."),
        };
        return [X.E("vpcId", vpc.VpcId), X.E(attribute, X.E("value", value))];
    }

    // ---- Subnets ----

    private static IEnumerable<string?>? SubnetFilter(Subnet s, string name) => name switch
    {
        "subnet-id" => One(s.SubnetId),
        "vpc-id" => One(s.VpcId),
        "cidr-block" or "cidr" or "cidrBlock" => One(s.CidrBlock),
        "availability-zone" => One(s.AvailabilityZone),
        "state" => One(s.State),
        "default-for-az" => One(s.DefaultForAz ? "true" : "false"),
        _ => null,
    };

    private object?[] Subnet(Subnet s) =>
    [
        X.E("subnetId", s.SubnetId),
        X.E("subnetArn", "arn:aws:ec2:us-east-1:123456789012:subnet/" + s.SubnetId),
        X.E("state", s.State),
        X.E("ownerId", "123456789012"),
        X.E("vpcId", s.VpcId),
        X.E("cidrBlock", s.CidrBlock),
        X.E("availableIpAddressCount", s.AvailableIpAddressCount),
        X.E("availabilityZone", s.AvailabilityZone),
        X.E("defaultForAz", s.DefaultForAz),
        X.E("mapPublicIpOnLaunch", s.MapPublicIpOnLaunch),
        X.Tags(s.Tags),
    ];

    // ---- Route tables ----

    private static IEnumerable<string?>? RouteTableFilter(RouteTable r, string name) => name switch
    {
        "route-table-id" => One(r.RouteTableId),
        "vpc-id" => One(r.VpcId),
        "association.subnet-id" => r.SubnetIds,
        "association.main" => One(r.Main ? "true" : "false"),
        "association.gateway-id" => r.GatewayIds,
        "route.gateway-id" => r.Routes.Select(x => x.GatewayId),
        "route.nat-gateway-id" => r.Routes.Select(x => x.NatGatewayId),
        "route.destination-cidr-block" => r.Routes.Select(x => x.DestinationCidrBlock),
        "route.destination-prefix-list-id" => r.Routes.Select(x => x.DestinationPrefixListId),
        "route.state" => r.Routes.Select(x => x.State),
        _ => null,
    };

    private object?[] RouteTable(RouteTable r)
    {
        var associations = new List<object?>();
        if (r.Main)
        {
            associations.Add(X.E("item",
                X.E("routeTableAssociationId", "rtbassoc-" + r.RouteTableId.Substring(4) + "m"),
                X.E("routeTableId", r.RouteTableId),
                X.E("main", true),
                X.E("associationState", X.E("state", "associated"))));
        }

        foreach (var subnet in r.SubnetIds)
        {
            associations.Add(X.E("item",
                X.E("routeTableAssociationId", "rtbassoc-" + subnet.Substring(subnet.IndexOf('-') + 1)),
                X.E("routeTableId", r.RouteTableId),
                X.E("subnetId", subnet),
                X.E("main", false),
                X.E("associationState", X.E("state", "associated"))));
        }

        foreach (var gateway in r.GatewayIds)
        {
            associations.Add(X.E("item",
                X.E("routeTableAssociationId", "rtbassoc-" + gateway.Substring(gateway.IndexOf('-') + 1)),
                X.E("routeTableId", r.RouteTableId),
                X.E("gatewayId", gateway),
                X.E("main", false),
                X.E("associationState", X.E("state", "associated"))));
        }

        return
        [
            X.E("routeTableId", r.RouteTableId),
            X.E("vpcId", r.VpcId),
            X.E("ownerId", "123456789012"),
            X.Items("routeSet", r.Routes, x => [
                X.Opt("destinationCidrBlock", x.DestinationCidrBlock),
                X.Opt("destinationIpv6CidrBlock", x.DestinationIpv6CidrBlock),
                X.Opt("destinationPrefixListId", x.DestinationPrefixListId),
                X.Opt("gatewayId", x.GatewayId),
                X.Opt("natGatewayId", x.NatGatewayId),
                X.Opt("transitGatewayId", x.TransitGatewayId),
                X.Opt("vpcPeeringConnectionId", x.VpcPeeringConnectionId),
                X.Opt("networkInterfaceId", x.NetworkInterfaceId),
                X.Opt("instanceId", x.InstanceId),
                X.Opt("egressOnlyInternetGatewayId", x.EgressOnlyInternetGatewayId),
                X.E("state", x.State),
                X.E("origin", x.Origin),
            ]),
            X.E("associationSet", associations.ToArray()),
            X.E("propagatingVgwSet"),
            X.Tags(r.Tags),
        ];
    }

    // ---- Network ACLs ----

    private static IEnumerable<string?>? NetworkAclFilter(NetworkAcl n, string name) => name switch
    {
        "network-acl-id" => One(n.NetworkAclId),
        "vpc-id" => One(n.VpcId),
        "default" => One(n.IsDefault ? "true" : "false"),
        "association.subnet-id" => n.SubnetIds,
        _ => null,
    };

    private object?[] NetworkAcl(NetworkAcl n)
    {
        var entries = n.Entries.ToList();
        foreach (var egress in new[] { false, true })
        {
            if (!entries.Any(e => e.Egress == egress && e.RuleNumber == 32767))
            {
                entries.Add(new NetworkAclEntry { RuleNumber = 32767, Egress = egress, Protocol = "-1", RuleAction = "deny", CidrBlock = "0.0.0.0/0" });
            }
        }

        return
        [
            X.E("networkAclId", n.NetworkAclId),
            X.E("vpcId", n.VpcId),
            X.E("default", n.IsDefault),
            X.Items("entrySet", entries.OrderBy(e => e.Egress).ThenBy(e => e.RuleNumber), e => [
                X.E("ruleNumber", e.RuleNumber),
                X.E("protocol", e.Protocol),
                X.E("ruleAction", e.RuleAction),
                X.E("egress", e.Egress),
                X.Opt("cidrBlock", e.CidrBlock),
                X.Opt("ipv6CidrBlock", e.Ipv6CidrBlock),
                e.PortRange is null ? null : X.E("portRange", X.E("from", e.PortRange.From), X.E("to", e.PortRange.To)),
            ]),
            X.Items("associationSet", n.SubnetIds, s => [
                X.E("networkAclAssociationId", "aclassoc-" + s.Substring(s.IndexOf('-') + 1)),
                X.E("networkAclId", n.NetworkAclId),
                X.E("subnetId", s),
            ]),
            X.Tags(n.Tags),
            X.E("ownerId", "123456789012"),
        ];
    }

    // ---- Security groups ----

    private static IEnumerable<string?>? SecurityGroupFilter(SecurityGroup g, string name) => name switch
    {
        "group-id" => One(g.GroupId),
        "group-name" => One(g.GroupName),
        "vpc-id" => One(g.VpcId),
        "description" => One(g.Description),
        _ => null,
    };

    private object?[] SecurityGroup(SecurityGroup g, World world) =>
    [
        X.E("ownerId", world.AccountId),
        X.E("groupId", g.GroupId),
        X.E("groupName", g.GroupName),
        X.E("groupDescription", g.Description),
        X.E("vpcId", g.VpcId),
        Permissions("ipPermissions", g.Ingress, world),
        Permissions("ipPermissionsEgress", g.Egress, world),
        X.Tags(g.Tags),
    ];

    private static XElement Permissions(string name, List<SecurityGroupRule> rules, World world) => X.Items(name, rules, r => [
        X.E("ipProtocol", r.IpProtocol),
        r.IpProtocol == "-1" ? null : X.Opt("fromPort", r.FromPort),
        r.IpProtocol == "-1" ? null : X.Opt("toPort", r.ToPort),
        X.Items("groups", r.GroupIds, id => [X.E("userId", world.AccountId), X.E("groupId", id)]),
        X.Items("ipRanges", r.Cidrs, c => [X.E("cidrIp", c), X.Opt("description", r.Description)]),
        X.Items("ipv6Ranges", r.Ipv6Cidrs, c => [X.E("cidrIpv6", c)]),
        X.Items("prefixListIds", r.PrefixListIds, p => [X.E("prefixListId", p)]),
    ]);

    // ---- VPC endpoints ----

    private static IEnumerable<string?>? VpcEndpointFilter(VpcEndpoint e, string name) => name switch
    {
        "vpc-endpoint-id" => One(e.VpcEndpointId),
        "vpc-id" => One(e.VpcId),
        "service-name" => One(e.ServiceName),
        "vpc-endpoint-state" => One(e.State),
        "vpc-endpoint-type" => One(e.VpcEndpointType),
        _ => null,
    };

    private object?[] VpcEndpoint(VpcEndpoint e, World world) =>
    [
        X.E("vpcEndpointId", e.VpcEndpointId),
        X.E("vpcEndpointType", e.VpcEndpointType),
        X.E("vpcId", e.VpcId),
        X.E("serviceName", e.ServiceName),
        X.E("state", e.State),
        X.E("policyDocument", e.PolicyDocument ?? "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}"),
        X.Strings("routeTableIdSet", e.RouteTableIds),
        X.Strings("subnetIdSet", e.SubnetIds),
        X.Items("groupSet", e.SecurityGroupIds, g => [X.E("groupId", g), X.E("groupName", world.SecurityGroups.FirstOrDefault(s => s.GroupId == g)?.GroupName ?? g)]),
        X.E("privateDnsEnabled", e.PrivateDnsEnabled),
        X.E("requesterManaged", false),
        X.Strings("networkInterfaceIdSet", e.NetworkInterfaceIds),
        X.Items("dnsEntrySet", e.DnsEntries, d => [X.E("dnsName", d.DnsName), X.E("hostedZoneId", d.HostedZoneId)]),
        X.E("creationTimestamp", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        X.Tags(e.Tags),
        X.E("ownerId", world.AccountId),
    ];

    // ---- NAT gateways ----

    private static IEnumerable<string?>? NatGatewayFilter(NatGateway n, string name) => name switch
    {
        "nat-gateway-id" => One(n.NatGatewayId),
        "vpc-id" => One(n.VpcId),
        "subnet-id" => One(n.SubnetId),
        "state" => One(n.State),
        _ => null,
    };

    private object?[] NatGateway(NatGateway n) =>
    [
        X.E("createTime", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        X.Items("natGatewayAddressSet", new[] { n }, a => [
            X.Opt("allocationId", a.PublicIp is null ? null : "eipalloc-" + a.NatGatewayId.Substring(4)),
            X.Opt("networkInterfaceId", a.NetworkInterfaceId),
            X.Opt("privateIp", a.PrivateIp),
            X.Opt("publicIp", a.PublicIp),
            X.E("isPrimary", true),
            X.E("status", "succeeded"),
        ]),
        X.E("natGatewayId", n.NatGatewayId),
        X.E("state", n.State),
        X.E("subnetId", n.SubnetId),
        X.E("vpcId", n.VpcId),
        X.E("connectivityType", n.ConnectivityType),
        X.Tags(n.Tags),
    ];

    // ---- Internet gateways ----

    private static IEnumerable<string?>? InternetGatewayFilter(InternetGateway g, string name) => name switch
    {
        "internet-gateway-id" => One(g.InternetGatewayId),
        "attachment.vpc-id" => g.AttachedVpcIds,
        "attachment.state" => g.AttachedVpcIds.Count > 0 ? One("available") : Array.Empty<string?>(),
        _ => null,
    };

    private object?[] InternetGateway(InternetGateway g, World world) =>
    [
        X.E("internetGatewayId", g.InternetGatewayId),
        X.E("ownerId", world.AccountId),
        X.Items("attachmentSet", g.AttachedVpcIds, v => [X.E("vpcId", v), X.E("state", "available")]),
        X.Tags(g.Tags),
    ];

    // ---- Managed prefix lists ----

    private static IEnumerable<string?>? PrefixListFilter(PrefixList p, string name) => name switch
    {
        "prefix-list-id" => One(p.PrefixListId),
        "prefix-list-name" => One(p.PrefixListName),
        "owner-id" => One(p.OwnerId),
        _ => null,
    };

    private object?[] PrefixList(PrefixList p, World world) =>
    [
        X.E("prefixListId", p.PrefixListId),
        X.E("addressFamily", p.AddressFamily),
        X.E("state", p.State),
        X.E("prefixListArn", $"arn:aws:ec2:{world.Region}:{(p.OwnerId == "AWS" ? "aws" : p.OwnerId)}:prefix-list/{p.PrefixListId}"),
        X.E("prefixListName", p.PrefixListName),
        X.Opt("maxEntries", p.MaxEntries),
        X.E("version", p.Version),
        X.Tags(p.Tags),
        X.E("ownerId", p.OwnerId),
    ];

    private object?[] GetManagedPrefixListEntries(AwsRequest request, World world)
    {
        var id = request.Get("PrefixListId") ?? throw new AwsServiceError("MissingParameter", "The request must contain the parameter PrefixListId");
        var list = SelectByIds(world.PrefixLists, [id], p => p.PrefixListId, "InvalidPrefixListID", "pl")[0];
        var max = request.GetInt("MaxResults");
        if (max is not null && (max < 1 || max > 100))
        {
            throw new AwsServiceError("InvalidParameterValue", $"Value ( {max} ) for parameter maxResults is invalid. Expecting a value between 1 and 100.");
        }

        var page = Paging.Page(list.Entries, request.Operation + id, max, request.Get("NextToken"),
            t => new AwsServiceError("InvalidNextToken", "The specified token is invalid."), out var nextToken);
        return [X.Items("entrySet", page, e => [X.E("cidr", e.Cidr), X.Opt("description", e.Description)]), X.Opt("nextToken", nextToken)];
    }

    // ---- Network interfaces ----

    private static IEnumerable<string?>? NetworkInterfaceFilter(NetworkInterface n, string name) => name switch
    {
        "network-interface-id" => One(n.NetworkInterfaceId),
        "vpc-id" => One(n.VpcId),
        "subnet-id" => One(n.SubnetId),
        "attachment.instance-id" => One(n.AttachedInstanceId),
        "interface-type" => One(n.InterfaceType),
        "status" => One(n.Status),
        "private-ip-address" or "addresses.private-ip-address" => n.SecondaryPrivateIpAddresses.Prepend(n.PrivateIpAddress),
        "group-id" => n.SecurityGroupIds,
        "description" => One(n.Description),
        _ => null,
    };

    private object?[] NetworkInterface(NetworkInterface n, World world) =>
    [
        X.E("networkInterfaceId", n.NetworkInterfaceId),
        X.E("subnetId", n.SubnetId),
        X.E("vpcId", n.VpcId),
        X.E("availabilityZone", n.AvailabilityZone),
        X.E("description", n.Description ?? string.Empty),
        X.E("ownerId", world.AccountId),
        X.E("requesterManaged", n.RequesterManaged),
        X.E("status", n.Status),
        X.E("macAddress", "02:00:00:00:00:01"),
        X.E("privateIpAddress", n.PrivateIpAddress),
        X.E("sourceDestCheck", true),
        X.Items("groupSet", n.SecurityGroupIds, g => [X.E("groupId", g), X.E("groupName", world.SecurityGroups.FirstOrDefault(s => s.GroupId == g)?.GroupName ?? g)]),
        n.AttachedInstanceId is null ? null : X.E("attachment",
            X.E("attachmentId", "eni-attach-" + n.NetworkInterfaceId.Substring(4)),
            X.E("instanceId", n.AttachedInstanceId),
            X.E("instanceOwnerId", world.AccountId),
            X.E("deviceIndex", 0),
            X.E("status", "attached")),
        n.PublicIp is null ? null : X.E("association", X.E("publicIp", n.PublicIp), X.E("ipOwnerId", "amazon")),
        X.Items("privateIpAddressesSet", n.SecondaryPrivateIpAddresses.Prepend(n.PrivateIpAddress), ip => [
            X.E("privateIpAddress", ip),
            X.E("primary", ip == n.PrivateIpAddress),
        ]),
        X.E("interfaceType", n.InterfaceType),
        X.Tags(n.Tags),
    ];
}
