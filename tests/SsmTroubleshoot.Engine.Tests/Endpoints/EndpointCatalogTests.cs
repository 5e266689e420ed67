using System;
using System.IO;
using SsmTroubleshoot.Endpoints;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Endpoints;

public sealed class EndpointCatalogTests
{
    [Theory]
    [InlineData("us-east-1", "ssm.us-east-1.amazonaws.com")]
    [InlineData("eu-west-3", "ssm.eu-west-3.amazonaws.com")]
    [InlineData("cn-north-1", "ssm.cn-north-1.amazonaws.com.cn")]
    [InlineData("us-gov-west-1", "ssm.us-gov-west-1.amazonaws.com")]
    [InlineData("us-iso-east-1", "ssm.us-iso-east-1.c2s.ic.gov")]
    [InlineData("us-isob-east-1", "ssm.us-isob-east-1.sc2s.sgov.gov")]
    public void Host_names_follow_the_partition_of_the_region(string region, string expected)
    {
        Assert.Equal(expected, EndpointCatalog.HostFor("ssm", region, false, null).Host);
    }

    [Fact]
    public void Fips_hosts_exist_only_for_fips_services_in_us_and_canada()
    {
        Assert.Equal("ssm-fips.us-east-1.amazonaws.com", EndpointCatalog.HostFor("ssm", "us-east-1", true, null).Host);
        Assert.Equal("kms-fips.ca-central-1.amazonaws.com", EndpointCatalog.HostFor("kms", "ca-central-1", true, null).Host);
        var messages = EndpointCatalog.HostFor("ec2messages", "us-east-1", true, null);
        Assert.Equal("ec2messages.us-east-1.amazonaws.com", messages.Host);
        Assert.Contains("no FIPS host", messages.Source);
        Assert.Equal("ssm.eu-west-1.amazonaws.com", EndpointCatalog.HostFor("ssm", "eu-west-1", true, null).Host);
    }

    [Fact]
    public void Default_services_are_the_ssm_cli_seven_plus_sts_and_unknown_names_are_rejected()
    {
        Assert.Equal(new[] { "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts" }, EndpointCatalog.NormaliseServices(null));
        Assert.Equal(new[] { "ssm", "ec2" }, EndpointCatalog.NormaliseServices(new[] { "EC2", "ssm", "ssm" }));
        Assert.Throws<ArgumentException>(() => EndpointCatalog.NormaliseServices(new[] { "ssm", "iam" }));
    }

    [Theory]
    [InlineData("vpce-1.ssm.us-east-1.vpce.amazonaws.com", "vpce-1.ssm.us-east-1.vpce.amazonaws.com", null)]
    [InlineData("https://ssm.example.internal:8443/path", "ssm.example.internal", 8443)]
    [InlineData("https://ssm.example.internal", "ssm.example.internal", null)]
    [InlineData("localhost:4443", "localhost", 4443)]
    public void Endpoint_values_accept_hosts_host_ports_and_urls(string value, string host, int? port)
    {
        Assert.Equal((host, port), EndpointCatalog.ParseHostPort(value));
    }

    [Fact]
    public void Bad_endpoint_values_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => EndpointCatalog.ParseHostPort("host:99999"));
        Assert.Throws<ArgumentException>(() => EndpointCatalog.ParseHostPort(" "));
    }

    [Fact]
    public void Agent_config_overrides_win_and_service_domain_replaces_the_partition_suffix()
    {
        var config = AgentConfiguration.Parse("""
            { "Agent": { "Region": "eu-west-1", "ServiceDomain": "example.internal" },
              "Ssm": { "Endpoint": "https://vpce-0a.ssm.eu-west-1.vpce.amazonaws.com" },
              "Mgs": { "Endpoint": "ssmmessages.corp:8443" },
              "S3": { "Endpoint": "" }, "Kms": { "Endpoint": "kms.corp" } }
            """, "/etc/amazon/ssm/amazon-ssm-agent.json");
        Assert.Equal("eu-west-1", config.Region);
        var ssm = EndpointCatalog.HostFor("ssm", "eu-west-1", false, config);
        Assert.Equal("vpce-0a.ssm.eu-west-1.vpce.amazonaws.com", ssm.Host);
        Assert.Equal("amazon-ssm-agent.json Ssm.Endpoint", ssm.Source);
        Assert.Equal(("ssmmessages.corp", (int?)8443), (EndpointCatalog.HostFor("ssmmessages", "eu-west-1", false, config).Host, EndpointCatalog.HostFor("ssmmessages", "eu-west-1", false, config).Port));
        Assert.Equal("kms.corp", EndpointCatalog.HostFor("kms", "eu-west-1", false, config).Host);
        Assert.Equal("s3.eu-west-1.example.internal", EndpointCatalog.HostFor("s3", "eu-west-1", false, config).Host);
        Assert.Equal("amazon-ssm-agent.json Agent.ServiceDomain", EndpointCatalog.HostFor("logs", "eu-west-1", false, config).Source);
    }

    [Fact]
    public void Agent_config_is_read_from_the_default_location_under_the_root_and_bad_json_is_invalid_data()
    {
        using var root = new MachineRoot();
        var fs = new HostFileSystem(root.Path);
        Assert.Null(AgentConfiguration.Load(null, fs, windows: false).Path);
        root.Write("/etc/amazon/ssm/amazon-ssm-agent.json", """{"Agent":{"Region":"ap-south-1"}}""");
        Assert.Equal("ap-south-1", AgentConfiguration.Load(null, fs, windows: false).Region);
        root.Write("/Program Files/Amazon/SSM/amazon-ssm-agent.json", """{"Agent":{"Region":"sa-east-1"}}""");
        Assert.Equal("sa-east-1", AgentConfiguration.Load(null, fs, windows: true).Region);
        root.Write("/etc/amazon/ssm/amazon-ssm-agent.json", "{ not json");
        Assert.Throws<InvalidDataException>(() => AgentConfiguration.Load(null, fs, windows: false));
        Assert.Throws<FileNotFoundException>(() => AgentConfiguration.Load(Path.Combine(root.Path, "missing.json"), fs, windows: false));
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("172.31.255.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("52.94.1.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("fd00::1", true)]
    [InlineData("2600:1f18::1", false)]
    [InlineData("::ffff:10.1.2.3", true)]
    public void Private_addresses_are_rfc1918_cgnat_and_ula(string address, bool expected)
    {
        Assert.Equal(expected, AddressClass.IsPrivate(System.Net.IPAddress.Parse(address)));
    }
}
