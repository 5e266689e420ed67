using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SsmTroubleshoot.Emulator.Model;

/// <summary>
/// The in-memory AWS account the emulator serves. Loaded from a scenario file (camelCase JSON) or built in code.
/// Mutable on purpose: tests change it between calls (the emulator reads it under a lock per request).
/// </summary>
public sealed class World
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>Guards the world while a request reads it and while tests change it through <see cref="Mutate"/>.</summary>
    [JsonIgnore]
    public object Sync { get; } = new();

    public string AccountId { get; set; } = "123456789012";

    public string Region { get; set; } = "us-east-1";

    /// <summary>Who GetCallerIdentity says you are, by access key id; unknown keys get the first entry or a default user.</summary>
    public List<Caller> Callers { get; set; } = new();

    /// <summary>IAM Identity Center: which cached SSO access token may get which account's role (GetRoleCredentials).</summary>
    public List<SsoAssignment> SsoAssignments { get; set; } = new();

    /// <summary>Operations that fail with the service's access-denied error for a principal (access key id or "*").</summary>
    public List<Deny> Denies { get; set; } = new();

    public List<Vpc> Vpcs { get; set; } = new();
    public List<Subnet> Subnets { get; set; } = new();
    public List<RouteTable> RouteTables { get; set; } = new();
    public List<NetworkAcl> NetworkAcls { get; set; } = new();
    public List<SecurityGroup> SecurityGroups { get; set; } = new();
    public List<PrefixList> PrefixLists { get; set; } = new();
    public List<VpcEndpoint> VpcEndpoints { get; set; } = new();
    public List<NetworkInterface> NetworkInterfaces { get; set; } = new();
    public List<NatGateway> NatGateways { get; set; } = new();
    public List<InternetGateway> InternetGateways { get; set; } = new();
    public List<Instance> Instances { get; set; } = new();

    public List<InstanceProfile> InstanceProfiles { get; set; } = new();
    public List<Role> Roles { get; set; } = new();
    public List<ManagedPolicy> ManagedPolicies { get; set; } = new();

    public List<InstanceInformation> InstanceInformation { get; set; } = new();
    public List<ServiceSetting> ServiceSettings { get; set; } = new();

    /// <summary>Hybrid activations (DescribeActivations).</summary>
    public List<Activation> Activations { get; set; } = new();

    /// <summary>What instance metadata (IMDSv2, under /latest/) answers; null = 404 for every path.</summary>
    public InstanceMetadata? InstanceMetadata { get; set; }

    /// <summary>What the container credentials URI (/container-credentials) answers; null = 404.</summary>
    public TemporaryCredentials? ContainerCredentials { get; set; }

    /// <summary>SSM documents (Automation runbooks with parameter schemas): see Model/Automation.cs.</summary>
    public List<SsmDocument> Documents { get; set; } = new();

    /// <summary>Automation executions, started by StartAutomationExecution or written in the scenario.</summary>
    public List<AutomationExecution> AutomationExecutions { get; set; } = new();

    /// <summary>How executions started later will run (first match by document and instance wins).</summary>
    public List<AutomationScript> AutomationScripts { get; set; } = new();

    /// <summary>The automation clock: executions progress through their steps against it (tests may replace it).</summary>
    [JsonIgnore]
    public Func<DateTime> Clock { get; set; } = () => DateTime.UtcNow;

    /// <summary>Run Command: commands as SendCommand recorded them, with their invocations (Model/Commands.cs).</summary>
    public List<SentCommand> Commands { get; set; } = new();

    /// <summary>Run Command: what each node prints and how its invocation ends (Model/Commands.cs).</summary>
    public List<CommandOutput> CommandOutputs { get; set; } = new();

    /// <summary>S3 objects by "bucket/key" (text), besides the Run Command outputs S3 serves from <see cref="Commands"/>.</summary>
    public Dictionary<string, string> S3Objects { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Seeds the ids of new automation executions and Run Command commands, so the same calls in the same order get
    /// the same ids (the README tour shows them); null gives random ids.
    /// </summary>
    public int? IdSeed { get; set; }

    private readonly object _idLock = new();
    private Random? _ids;

    /// <summary>A new execution or command id: random, or the next of the <see cref="IdSeed"/> sequence.</summary>
    public string NewId()
    {
        if (IdSeed is not { } seed)
        {
            return Guid.NewGuid().ToString();
        }

        var bytes = new byte[16];
        lock (_idLock)
        {
            _ids ??= new Random(seed);
            _ids.NextBytes(bytes);
        }

        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4, as SSM's ids are
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <summary>
    /// Faults set when the emulator starts, "service:Operation" (or "*") → fault text such as "throttle:0.3",
    /// "latency:50ms", "silent", "trickle:20", "html:502" (<see cref="InjectedFault.Parse"/>).
    /// </summary>
    public Dictionary<string, string>? Faults { get; set; }

    /// <summary>Seed of the fault rates (same seed, same calls throttled); null: 7.</summary>
    public int? FaultSeed { get; set; }

    public static World Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>A scenario shipped in scenarios/ next to the emulator assembly, by name ("demo").</summary>
    public static World LoadScenario(string name) =>
        Load(System.IO.Path.Combine(AppContext.BaseDirectory, "scenarios", name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? name : name + ".json"));

    public static World FromJson(string json) =>
        JsonSerializer.Deserialize<World>(json, JsonOptions) ?? throw new InvalidDataException("The scenario is empty.");

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Changes the world atomically with respect to requests in flight.</summary>
    public void Mutate(Action<World> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (Sync)
        {
            change(this);
        }
    }

    internal string? SecretFor(string? accessKeyId) =>
        Callers.FirstOrDefault(c => c.AccessKeyId is not null && c.AccessKeyId != "*" && string.Equals(c.AccessKeyId, accessKeyId, StringComparison.Ordinal))?.SecretAccessKey;

    internal Caller CallerFor(string? accessKeyId)
    {
        var match = Callers.FirstOrDefault(c => string.Equals(c.AccessKeyId, accessKeyId, StringComparison.Ordinal))
            ?? Callers.FirstOrDefault(c => c.AccessKeyId is null or "*");
        return match ?? new Caller
        {
            AccessKeyId = accessKeyId,
            Arn = $"arn:aws:iam::{AccountId}:user/emulator",
            UserId = "AIDAEMULATOREXAMPLE01",
        };
    }

    /// <summary>True for temporary keys past their expiry: every service then answers its expired-token error.</summary>
    internal bool IsExpired(string? accessKeyId) =>
        Callers.Any(c => c.Expires is { } expires && string.Equals(c.AccessKeyId, accessKeyId, StringComparison.Ordinal) && expires <= DateTime.UtcNow);

    /// <summary>
    /// Other accounts and regions of a multi-account scenario, by "&lt;account&gt;/&lt;region&gt;" (this world itself is
    /// <see cref="AccountId"/>/<see cref="Region"/>). A request is answered by the world of the caller's account (its
    /// access key: a caller's <see cref="Caller.Account"/>, or the account an AssumeRole session was issued for) and
    /// of the region it was signed for; an account with no world in that region answers as an opt-in region that is
    /// not enabled. Null or empty: this world answers every request, whatever the region (single-account scenarios).
    /// </summary>
    public Dictionary<string, World>? Partitions { get; set; }

    /// <summary>Accounts whose roles nobody may assume: sts:AssumeRole answers AccessDenied.</summary>
    public List<string> AssumeRoleDenied { get; set; } = new();

    /// <summary>Accounts whose roles trust only callers that pass this external id (sts:AssumeRole ExternalId).</summary>
    public Dictionary<string, string> ExternalIds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sessions issued by sts:AssumeRole, by access key id (the key encodes the account: ASIA + 12 digits + 4).</summary>
    [JsonIgnore]
    public Dictionary<string, AssumedSession> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>The account a request signed with this key belongs to.</summary>
    internal string AccountFor(string? accessKeyId) =>
        accessKeyId is not null && Sessions.TryGetValue(accessKeyId, out var session) ? session.Account : CallerFor(accessKeyId).Account ?? AccountId;

    /// <summary>Every account of the scenario: this world's and its partitions'.</summary>
    internal IEnumerable<string> Accounts() =>
        new[] { AccountId }.Concat((Partitions ?? new Dictionary<string, World>()).Keys.Select(k => k.Split('/')[0])).Distinct(StringComparer.Ordinal);

    /// <summary>The world answering a key in a region (see <see cref="Partitions"/>); null: the region is not enabled for the account.</summary>
    internal World? WorldFor(string? accessKeyId, string? region, bool global)
    {
        if (Partitions is not { Count: > 0 } partitions)
        {
            return this;
        }

        var account = AccountFor(accessKeyId);
        if (string.Equals(account, AccountId, StringComparison.Ordinal) && (global || region is null || string.Equals(region, Region, StringComparison.Ordinal)))
        {
            return this;
        }

        if (region is not null && partitions.TryGetValue(account + "/" + region, out var regional))
        {
            return regional;
        }

        // IAM is global: any world of the account holds its roles.
        return global ? partitions.Where(p => p.Key.StartsWith(account + "/", StringComparison.Ordinal)).Select(p => p.Value).FirstOrDefault() : null;
    }

    internal bool IsDenied(string? accessKeyId, string action) => Denies.Any(d =>
        (d.Principal is null or "*" || string.Equals(d.Principal, accessKeyId, StringComparison.Ordinal))
        && string.Equals(d.Action, action, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Temporary credentials sts:AssumeRole issued.</summary>
public sealed record AssumedSession(string Account, string RoleName, string SessionName, string Partition);

public sealed class Caller
{
    public string? AccessKeyId { get; set; }

    /// <summary>When set, requests signed with <see cref="AccessKeyId"/> must carry a valid SigV4 signature for this secret.</summary>
    public string? SecretAccessKey { get; set; }

    public string Arn { get; set; } = string.Empty;
    public string UserId { get; set; } = string.Empty;
    public string? Account { get; set; }

    /// <summary>Temporary keys: after this (UTC) every call signed with them fails with the service's expired-token error.</summary>
    public DateTime? Expires { get; set; }
}

/// <summary>An SSO user's permission set in an account, reachable with the access token `aws sso login` cached.</summary>
public sealed class SsoAssignment
{
    public string AccessToken { get; set; } = string.Empty;
    public string AccountId { get; set; } = string.Empty;
    public string RoleName { get; set; } = string.Empty;
    public string UserName { get; set; } = "sso-user";

    /// <summary>How long the role credentials GetRoleCredentials issues stay valid (AWS: the permission set's session duration).</summary>
    public int CredentialLifetimeSeconds { get; set; } = 3600;
}

/// <summary>An operation ("ec2:DescribeInstances", "iam:GetRolePolicy", "ssm:GetServiceSetting") denied to a principal.</summary>
public sealed class Deny
{
    /// <summary>Access key id, or "*" / null for everyone.</summary>
    public string? Principal { get; set; }
    public string Action { get; set; } = string.Empty;
}

public sealed class Vpc
{
    public string VpcId { get; set; } = string.Empty;
    public string CidrBlock { get; set; } = "10.0.0.0/16";
    public string State { get; set; } = "available";
    public bool IsDefault { get; set; }
    public bool EnableDnsSupport { get; set; } = true;
    public bool EnableDnsHostnames { get; set; }
    public string DhcpOptionsId { get; set; } = "dopt-0123456789abcdef0";
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class Subnet
{
    public string SubnetId { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;
    public string CidrBlock { get; set; } = string.Empty;
    public string AvailabilityZone { get; set; } = "us-east-1a";
    public string State { get; set; } = "available";
    public bool MapPublicIpOnLaunch { get; set; }
    public bool DefaultForAz { get; set; }
    public int AvailableIpAddressCount { get; set; } = 250;
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class RouteTable
{
    public string RouteTableId { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;

    /// <summary>The VPC's main route table: serves every subnet without an explicit association.</summary>
    public bool Main { get; set; }

    /// <summary>Subnets explicitly associated with this table.</summary>
    public List<string> SubnetIds { get; set; } = new();

    /// <summary>Gateways (igw/vgw) associated as edge associations.</summary>
    public List<string> GatewayIds { get; set; } = new();

    public List<Route> Routes { get; set; } = new();
    public Dictionary<string, string> Tags { get; set; } = new();
}

/// <summary>One route; exactly one destination and one target are set. State "blackhole" when the target is gone.</summary>
public sealed class Route
{
    public string? DestinationCidrBlock { get; set; }
    public string? DestinationIpv6CidrBlock { get; set; }
    public string? DestinationPrefixListId { get; set; }

    /// <summary>igw-, vgw-, vpce- (gateway endpoint routes) or "local".</summary>
    public string? GatewayId { get; set; }
    public string? NatGatewayId { get; set; }
    public string? TransitGatewayId { get; set; }
    public string? VpcPeeringConnectionId { get; set; }
    public string? NetworkInterfaceId { get; set; }
    public string? InstanceId { get; set; }
    public string? EgressOnlyInternetGatewayId { get; set; }
    public string State { get; set; } = "active";
    public string Origin { get; set; } = "CreateRoute";
}

public sealed class NetworkAcl
{
    public string NetworkAclId { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;
    public bool IsDefault { get; set; }
    public List<string> SubnetIds { get; set; } = new();

    /// <summary>Numbered rules; the emulator adds the final rule 32767 deny (both directions) like EC2 does.</summary>
    public List<NetworkAclEntry> Entries { get; set; } = new();
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class NetworkAclEntry
{
    public int RuleNumber { get; set; }
    public bool Egress { get; set; }

    /// <summary>"-1" (all), "6" (tcp), "17" (udp), "1" (icmp).</summary>
    public string Protocol { get; set; } = "-1";
    public string RuleAction { get; set; } = "allow";
    public string? CidrBlock { get; set; }
    public string? Ipv6CidrBlock { get; set; }
    public PortRange? PortRange { get; set; }
}

public sealed class PortRange
{
    public int From { get; set; }
    public int To { get; set; }
}

public sealed class SecurityGroup
{
    public string GroupId { get; set; } = string.Empty;
    public string GroupName { get; set; } = string.Empty;
    public string Description { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;
    public List<SecurityGroupRule> Ingress { get; set; } = new();
    public List<SecurityGroupRule> Egress { get; set; } = new();
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class SecurityGroupRule
{
    /// <summary>"-1", "tcp", "udp", "icmp" or a protocol number.</summary>
    public string IpProtocol { get; set; } = "-1";
    public int? FromPort { get; set; }
    public int? ToPort { get; set; }
    public List<string> Cidrs { get; set; } = new();
    public List<string> Ipv6Cidrs { get; set; } = new();
    public List<string> GroupIds { get; set; } = new();
    public List<string> PrefixListIds { get; set; } = new();
    public string? Description { get; set; }
}

public sealed class PrefixList
{
    public string PrefixListId { get; set; } = string.Empty;
    public string PrefixListName { get; set; } = string.Empty;
    public string AddressFamily { get; set; } = "IPv4";
    public string State { get; set; } = "create-complete";
    public string OwnerId { get; set; } = "AWS";
    public int? MaxEntries { get; set; }
    public int Version { get; set; } = 1;
    public List<PrefixListEntry> Entries { get; set; } = new();
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class PrefixListEntry
{
    public string Cidr { get; set; } = string.Empty;
    public string? Description { get; set; }
}

public sealed class VpcEndpoint
{
    public string VpcEndpointId { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;
    public string ServiceName { get; set; } = string.Empty;

    /// <summary>"Interface" or "Gateway".</summary>
    public string VpcEndpointType { get; set; } = "Interface";
    public string State { get; set; } = "available";
    public bool PrivateDnsEnabled { get; set; }
    public List<string> SubnetIds { get; set; } = new();
    public List<string> SecurityGroupIds { get; set; } = new();
    public List<string> NetworkInterfaceIds { get; set; } = new();
    public List<string> RouteTableIds { get; set; } = new();
    public List<DnsEntry> DnsEntries { get; set; } = new();
    public string? PolicyDocument { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class DnsEntry
{
    public string DnsName { get; set; } = string.Empty;
    public string HostedZoneId { get; set; } = string.Empty;
}

public sealed class NetworkInterface
{
    public string NetworkInterfaceId { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;
    public string SubnetId { get; set; } = string.Empty;
    public string AvailabilityZone { get; set; } = "us-east-1a";
    public string? Description { get; set; }

    /// <summary>"interface", "vpc_endpoint", "nat_gateway", ...</summary>
    public string InterfaceType { get; set; } = "interface";
    public string Status { get; set; } = "in-use";
    public string PrivateIpAddress { get; set; } = string.Empty;
    public List<string> SecondaryPrivateIpAddresses { get; set; } = new();
    public string? PublicIp { get; set; }
    public List<string> SecurityGroupIds { get; set; } = new();
    public string? AttachedInstanceId { get; set; }
    public bool RequesterManaged { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class NatGateway
{
    public string NatGatewayId { get; set; } = string.Empty;
    public string VpcId { get; set; } = string.Empty;
    public string SubnetId { get; set; } = string.Empty;
    public string State { get; set; } = "available";
    public string ConnectivityType { get; set; } = "public";
    public string? PublicIp { get; set; }
    public string? PrivateIp { get; set; }
    public string? NetworkInterfaceId { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class InternetGateway
{
    public string InternetGatewayId { get; set; } = string.Empty;

    /// <summary>VPCs the gateway is attached to (state "available").</summary>
    public List<string> AttachedVpcIds { get; set; } = new();
    public Dictionary<string, string> Tags { get; set; } = new();
}

public sealed class Instance
{
    public string InstanceId { get; set; } = string.Empty;

    /// <summary>pending, running, shutting-down, terminated, stopping, stopped.</summary>
    public string State { get; set; } = "running";

    /// <summary>"windows" or null (Linux/UNIX).</summary>
    public string? Platform { get; set; }
    public string PlatformDetails { get; set; } = "Linux/UNIX";
    public string ImageId { get; set; } = "ami-0123456789abcdef0";
    public string InstanceType { get; set; } = "t3.micro";
    public string AvailabilityZone { get; set; } = "us-east-1a";
    public string? VpcId { get; set; }
    public string? SubnetId { get; set; }
    public string? PrivateIpAddress { get; set; }
    public string? PublicIpAddress { get; set; }
    public List<string> SecurityGroupIds { get; set; } = new();

    /// <summary>The primary network interface; the emulator lists it in networkInterfaceSet when set.</summary>
    public string? NetworkInterfaceId { get; set; }
    public string? IamInstanceProfileArn { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new();
    public MetadataOptions MetadataOptions { get; set; } = new();
    public DateTime LaunchTime { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>DescribeInstanceStatus: the instance status check (ok, impaired, initializing, insufficient-data).</summary>
    public string InstanceStatus { get; set; } = "ok";

    /// <summary>DescribeInstanceStatus: the system status check.</summary>
    public string SystemStatus { get; set; } = "ok";

    /// <summary>GetConsoleOutput's text (sent base64-encoded, as EC2 does); null: no output yet.</summary>
    public string? ConsoleOutput { get; set; }

    /// <summary>The encrypted flag of the root volume (DescribeVolumes is not emulated; ExecuteEC2Rescue pre-checks read it here).</summary>
    public bool RootVolumeEncrypted { get; set; }
}

public sealed class MetadataOptions
{
    public string HttpTokens { get; set; } = "required";
    public int HttpPutResponseHopLimit { get; set; } = 2;
    public string HttpEndpoint { get; set; } = "enabled";
}

public sealed class InstanceProfile
{
    public string InstanceProfileName { get; set; } = string.Empty;
    public string InstanceProfileId { get; set; } = "AIPAEMULATOREXAMPLE01";
    public string? Arn { get; set; }
    public string Path { get; set; } = "/";
    public List<string> RoleNames { get; set; } = new();
}

public sealed class Role
{
    public string RoleName { get; set; } = string.Empty;
    public string RoleId { get; set; } = "AROAEMULATOREXAMPLE01";
    public string? Arn { get; set; }
    public string Path { get; set; } = "/";

    /// <summary>Trust policy (JSON text or object).</summary>
    public JsonNode? AssumeRolePolicyDocument { get; set; }
    public List<string> AttachedPolicyArns { get; set; } = new();

    /// <summary>Inline policies: name -> document (JSON object or JSON text).</summary>
    public Dictionary<string, JsonNode> InlinePolicies { get; set; } = new();
}

public sealed class ManagedPolicy
{
    public string Arn { get; set; } = string.Empty;
    public string? PolicyName { get; set; }
    public string PolicyId { get; set; } = "ANPAEMULATOREXAMPLE01";
    public string Path { get; set; } = "/";
    public string DefaultVersionId { get; set; } = "v1";
    public List<PolicyVersion> Versions { get; set; } = new();

    internal string Name => PolicyName ?? Arn.Substring(Arn.LastIndexOf('/') + 1);
}

public sealed class PolicyVersion
{
    public string VersionId { get; set; } = "v1";

    /// <summary>The policy document (JSON object or JSON text).</summary>
    public JsonNode? Document { get; set; }
}

public sealed class InstanceInformation
{
    public string InstanceId { get; set; } = string.Empty;
    public string PingStatus { get; set; } = "Online";
    public DateTime LastPingDateTime { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public string AgentVersion { get; set; } = "3.3.1142.0";
    public bool IsLatestVersion { get; set; }
    public string PlatformType { get; set; } = "Linux";
    public string PlatformName { get; set; } = "Amazon Linux";
    public string PlatformVersion { get; set; } = "2023";

    /// <summary>"EC2Instance", or "ManagedInstance" for hybrid mi- nodes (derived from the id when null).</summary>
    public string? ResourceType { get; set; }
    public string? IpAddress { get; set; }
    public string? ComputerName { get; set; }
    public string? IamRole { get; set; }
    public DateTime? RegistrationDate { get; set; }
    public string? AssociationStatus { get; set; }
    public string? SourceId { get; set; }
    public string? SourceType { get; set; }

    /// <summary>Hybrid nodes: the activation they registered with.</summary>
    public string? ActivationId { get; set; }

    internal string EffectiveResourceType =>
        ResourceType ?? (InstanceId.StartsWith("mi-", StringComparison.Ordinal) ? "ManagedInstance" : "EC2Instance");
}

public sealed class ServiceSetting
{
    /// <summary>The path form, e.g. /ssm/managed-instance/default-ec2-instance-management-role.</summary>
    public string SettingId { get; set; } = string.Empty;
    public string SettingValue { get; set; } = string.Empty;
    public string Status { get; set; } = "Customized";
    public string LastModifiedUser { get; set; } = "System";
    public DateTime LastModifiedDate { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
}

/// <summary>Instance metadata of the machine the module runs on (region, role credentials).</summary>
public sealed class InstanceMetadata
{
    public string Region { get; set; } = "us-east-1";
    public string? RoleName { get; set; }
    public TemporaryCredentials? Credentials { get; set; }
}

public sealed class TemporaryCredentials
{
    public string AccessKeyId { get; set; } = "ASIAEMULATOREXAMPLE1";
    public string SecretAccessKey { get; set; } = "emulator-secret";
    public string? Token { get; set; } = "emulator-session-token";
    public DateTime Expiration { get; set; } = new(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Container credentials only: the Authorization header the endpoint requires.</summary>
    public string? AuthorizationToken { get; set; }
}

/// <summary>A hybrid activation as DescribeActivations lists it.</summary>
public sealed class Activation
{
    public string ActivationId { get; set; } = string.Empty;
    public string? Description { get; set; }
    public string? DefaultInstanceName { get; set; }
    public string IamRole { get; set; } = string.Empty;
    public int RegistrationLimit { get; set; } = 1;
    public int RegistrationsCount { get; set; }
    public DateTime ExpirationDate { get; set; } = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public bool Expired { get; set; }
    public DateTime CreatedDate { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
}
