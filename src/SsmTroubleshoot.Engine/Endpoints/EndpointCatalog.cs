using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SsmTroubleshoot.Endpoints;

/// <summary>The endpoints the agent talks to and how their host names are built per partition.</summary>
public static class EndpointCatalog
{
    /// <summary>Every service Test-SsmEndpoint knows, in the order results are reported.</summary>
    public static IReadOnlyList<string> AllServices { get; } = new[]
    {
        "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts", "ec2",
    };

    /// <summary>The seven endpoints ssm-cli checks, plus sts (credentials).</summary>
    public static IReadOnlyList<string> DefaultServices { get; } = new[]
    {
        "ssm", "ec2messages", "ssmmessages", "s3", "kms", "logs", "monitoring", "sts",
    };

    // Services with a '-fips' host name; ec2messages/ssmmessages have no published FIPS host, so the standard one is probed.
    private static readonly HashSet<string> FipsServices = new(StringComparer.Ordinal) { "ssm", "s3", "kms", "logs", "monitoring", "sts", "ec2" };

    /// <summary>The DNS suffix of the partition the region belongs to (the region prefix decides).</summary>
    public static string DomainFor(string region)
    {
        if (string.IsNullOrEmpty(region))
        {
            throw new ArgumentException("A region is required.", nameof(region));
        }

        if (region.StartsWith("cn-", StringComparison.Ordinal))
        {
            return "amazonaws.com.cn";
        }

        if (region.StartsWith("us-isob-", StringComparison.Ordinal))
        {
            return "sc2s.sgov.gov";
        }

        if (region.StartsWith("us-isof-", StringComparison.Ordinal))
        {
            return "csp.hci.ic.gov";
        }

        if (region.StartsWith("us-iso-", StringComparison.Ordinal))
        {
            return "c2s.ic.gov";
        }

        if (region.StartsWith("eu-isoe-", StringComparison.Ordinal))
        {
            return "cloud.adc-e.uk";
        }

        return "amazonaws.com";
    }

    /// <summary>FIPS hosts exist in the US, Canada and GovCloud regions of the commercial partitions.</summary>
    public static bool HasFipsEndpoint(string service, string region) =>
        FipsServices.Contains(service)
        && (region.StartsWith("us-", StringComparison.Ordinal) || region.StartsWith("ca-", StringComparison.Ordinal))
        && !region.StartsWith("us-iso", StringComparison.Ordinal);

    /// <summary>Normalises and checks a service list; unknown names throw. Result is in report order without duplicates.</summary>
    public static IReadOnlyList<string> NormaliseServices(IEnumerable<string>? services)
    {
        if (services is null)
        {
            return DefaultServices;
        }

        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var name = (service ?? string.Empty).Trim().ToLowerInvariant();
            if (!AllServices.Contains(name))
            {
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                    "Unknown service '{0}'. Known: {1}.", service, string.Join(", ", AllServices)));
            }

            wanted.Add(name);
        }

        return wanted.Count == 0 ? DefaultServices : AllServices.Where(wanted.Contains).ToList();
    }

    /// <summary>
    /// The host (and source) the agent would use for a service: its own endpoint override from amazon-ssm-agent.json
    /// first, else service[-fips].region.domain where domain is Agent.ServiceDomain or the partition's.
    /// </summary>
    public static (string Host, int? Port, string Source) HostFor(string service, string region, bool useFips, AgentConfiguration? agent)
    {
        if (agent is not null && agent.EndpointOverrides.TryGetValue(service, out var configured))
        {
            var (host, port) = ParseHostPort(configured);
            return (host, port, "amazon-ssm-agent.json " + agent.OverrideKeyFor(service));
        }

        var domain = !string.IsNullOrEmpty(agent?.ServiceDomain) ? agent!.ServiceDomain! : DomainFor(region);
        var source = !string.IsNullOrEmpty(agent?.ServiceDomain) ? "amazon-ssm-agent.json Agent.ServiceDomain" : "default";
        var name = service;
        if (useFips)
        {
            if (HasFipsEndpoint(service, region))
            {
                name = service + "-fips";
                source += " (FIPS)";
            }
            else
            {
                source += " (no FIPS host)";
            }
        }

        return (name + "." + region + "." + domain, null, source);
    }

    /// <summary>Accepts "host", "host:port" or a URL ("https://host[:port]/path") as agent configs and overrides spell them.</summary>
    public static (string Host, int? Port) ParseHostPort(string value)
    {
        var text = (value ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException("An endpoint must not be empty.", nameof(value));
        }

        if (text.IndexOf("://", StringComparison.Ordinal) >= 0)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new ArgumentException("'" + value + "' is not a valid endpoint URL.", nameof(value));
            }

            return (uri.IdnHost.Trim('[', ']'), uri.IsDefaultPort ? null : uri.Port);
        }

        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            text = text.Substring(0, slash);
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && text.IndexOf(':') == colon)
        {
            var portText = text.Substring(colon + 1);
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
            {
                throw new ArgumentException("'" + value + "' has an invalid port.", nameof(value));
            }

            return (text.Substring(0, colon), port);
        }

        if (text.IndexOf(' ') >= 0)
        {
            throw new ArgumentException("'" + value + "' is not a host name.", nameof(value));
        }

        return (text.Trim('[', ']'), null);
    }
}
