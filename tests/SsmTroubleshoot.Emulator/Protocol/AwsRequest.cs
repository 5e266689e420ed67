using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace SsmTroubleshoot.Emulator.Protocol;

/// <summary>One decoded AWS call: which service and operation, who signed it, and its parameters.</summary>
internal sealed class AwsRequest
{
    public AwsRequest(string service, string operation, string? accessKeyId, IReadOnlyDictionary<string, string> form, JsonElement? json)
    {
        Service = service;
        Operation = operation;
        AccessKeyId = accessKeyId;
        Form = form;
        Json = json;
    }

    /// <summary>"ec2", "iam", "sts" or "ssm".</summary>
    public string Service { get; }

    public string Operation { get; }

    /// <summary>"ec2:DescribeInstances": the key for counters, faults and denies.</summary>
    public string Key => Service + ":" + Operation;

    public string? AccessKeyId { get; }

    /// <summary>Query-protocol parameters (EC2, IAM, STS).</summary>
    public IReadOnlyDictionary<string, string> Form { get; }

    /// <summary>JSON 1.1 body (SSM).</summary>
    public JsonElement? Json { get; }

    public string RequestId { get; } = Guid.NewGuid().ToString();

    /// <summary>S3 (REST, path-style): the bucket of /bucket/key.</summary>
    public string? Bucket { get; init; }

    /// <summary>S3 (REST, path-style): the key of /bucket/key, unescaped.</summary>
    public string? ObjectKey { get; init; }

    /// <summary>The region of the SigV4 credential scope: which regional world of a multi-account scenario answers.</summary>
    public string? Region { get; init; }

    public string? Get(string name) => Form.TryGetValue(name, out var value) ? value : null;

    public int? GetInt(string name) =>
        Form.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>EC2 flattened list: Prefix.1, Prefix.2, ... in index order.</summary>
    public List<string> GetList(string prefix) => Indexed(prefix + ".").Select(p => p.Value).ToList();

    /// <summary>IAM member list: Prefix.member.1, ...</summary>
    public List<string> GetMembers(string prefix) => GetList(prefix + ".member");

    /// <summary>EC2 filters: Filter.N.Name with Filter.N.Value.M.</summary>
    public List<(string Name, List<string> Values)> GetFilters()
    {
        var filters = new List<(string, List<string>)>();
        foreach (var index in Form.Keys
                     .Where(k => k.StartsWith("Filter.", StringComparison.Ordinal) && k.EndsWith(".Name", StringComparison.Ordinal))
                     .Select(k => k.Substring(7, k.Length - 12))
                     .OrderBy(k => int.TryParse(k, out var n) ? n : int.MaxValue))
        {
            filters.Add((Form["Filter." + index + ".Name"], GetList("Filter." + index + ".Value")));
        }

        return filters;
    }

    private IEnumerable<KeyValuePair<string, string>> Indexed(string prefix) => Form
        .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)
                    && int.TryParse(p.Key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        .OrderBy(p => int.Parse(p.Key.AsSpan(prefix.Length), CultureInfo.InvariantCulture));
}

/// <summary>A service error as the real service spells it; the protocol writer renders it in that service's shape.</summary>
internal sealed class AwsServiceError : Exception
{
    public AwsServiceError(string code, string message, int status = 400)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public string Code { get; }

    public int Status { get; }

    /// <summary>The object key an S3 error names (its &lt;Key&gt; element).</summary>
    public string? Resource { get; init; }
}

/// <summary>What a handler answers: a status, a content type and a body.</summary>
internal sealed record AwsResponse(int Status, string ContentType, string Body);
