using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Automation;

/// <summary>The two files written for a support case.</summary>
public sealed class SupportCaseFiles
{
    internal SupportCaseFiles(string automationExecutionId, string markdownPath, string jsonPath, bool redacted)
    {
        AutomationExecutionId = automationExecutionId;
        MarkdownPath = markdownPath;
        JsonPath = jsonPath;
        Redacted = redacted;
    }

    public string AutomationExecutionId { get; }

    public string MarkdownPath { get; }

    public string JsonPath { get; }

    public bool Redacted { get; }
}

/// <summary>What -Redact masks besides account ids and IP addresses (always masked when redacting).</summary>
[Flags]
public enum SupportCaseRedaction
{
    None = 0,

    /// <summary>EC2 instance ids and hybrid node ids (i-…, mi-…).</summary>
    InstanceId = 1,

    /// <summary>Access key ids (AKIA…, ASIA…).</summary>
    AccessKeyId = 2,

    /// <summary>E-mail addresses (in ARNs of federated users, tags, messages).</summary>
    EmailAddress = 4,
}

/// <summary>
/// Masks account ids, the account part of ARNs and IP addresses (IPv4, IPv6, and the IPv4 inside EC2 host names such
/// as ip-10-9-8-7.ec2.internal) before text leaves the account; optionally instance ids, access key ids and e-mail
/// addresses too.
/// </summary>
public static class SupportCaseRedactor
{
    public const string AccountMask = "[REDACTED-ACCOUNT]";
    public const string IpMask = "[REDACTED-IP]";
    public const string InstanceMask = "[REDACTED-INSTANCE]";
    public const string AccessKeyMask = "[REDACTED-ACCESS-KEY]";
    public const string EmailMask = "[REDACTED-EMAIL]";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly Regex ArnAccount = new(@"(arn:aws[a-zA-Z-]*:[a-zA-Z0-9-]*:[a-z0-9-]*:)(\d{12})(?=:)", RegexOptions.CultureInvariant, Timeout);
    private static readonly Regex AccountId = new(@"(?<![0-9])[0-9]{12}(?![0-9])", RegexOptions.CultureInvariant, Timeout);
    private static readonly Regex Ipv4 = new(
        @"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![0-9]|\.[0-9])",
        RegexOptions.CultureInvariant, Timeout);

    // ip-10-9-8-7.ec2.internal, ip-10-9-8-7.us-west-2.compute.internal, ec2-54-1-2-3.compute-1.amazonaws.com.
    private static readonly Regex HostNameIpv4 = new(
        @"(?<=(?<![A-Za-z0-9-])(?:ip|ec2)-)(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])-){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?=\.)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, Timeout);

    // Candidates only: IPAddress.TryParse decides (a time 07:43:10 or a MAC address is not an IPv6 address).
    private static readonly Regex Ipv6Candidate = new(
        @"(?<![0-9A-Fa-f:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:)?(?![0-9A-Fa-f:]|\.[0-9])",
        RegexOptions.CultureInvariant, Timeout);

    private static readonly Regex InstanceId = new(@"(?<![A-Za-z0-9-])(?:i|mi)-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![A-Za-z0-9])", RegexOptions.CultureInvariant, Timeout);
    private static readonly Regex AccessKeyId = new(@"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", RegexOptions.CultureInvariant, Timeout);
    private static readonly Regex Email = new(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])", RegexOptions.CultureInvariant, Timeout);

    public static string Redact(string? text) => Redact(text, SupportCaseRedaction.None);

    public static string Redact(string? text, SupportCaseRedaction also)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text!;
        if ((also & SupportCaseRedaction.EmailAddress) != 0)
        {
            result = Email.Replace(result, EmailMask);
        }

        if ((also & SupportCaseRedaction.AccessKeyId) != 0)
        {
            result = AccessKeyId.Replace(result, AccessKeyMask);
        }

        if ((also & SupportCaseRedaction.InstanceId) != 0)
        {
            result = InstanceId.Replace(result, InstanceMask);
        }

        result = ArnAccount.Replace(result, m => m.Groups[1].Value + AccountMask);
        result = AccountId.Replace(result, AccountMask);
        result = HostNameIpv4.Replace(result, IpMask);
        result = Ipv6Candidate.Replace(result, m => IsIpv6Host(m.Value) ? IpMask : m.Value);

        // 0.0.0.0 (as in 0.0.0.0/0 routes and rules) names no host: keeping it keeps the report readable.
        return Ipv4.Replace(result, m => m.Value == "0.0.0.0" ? m.Value : IpMask);
    }

    /// <summary>A real IPv6 address that names a host (:: as in ::/0 does not).</summary>
    private static bool IsIpv6Host(string candidate)
    {
        var colons = candidate.Count(c => c == ':');
        if (candidate == "::" || (colons < 7 && candidate.IndexOf("::", StringComparison.Ordinal) < 0))
        {
            return false;
        }

        return System.Net.IPAddress.TryParse(candidate, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
    }
}

/// <summary>
/// What AWS Support asks for when a runbook did not fix the problem, as Markdown and JSON, written atomically.
/// </summary>
public static class SupportCaseExport
{
    /// <summary>Writes {baseName}.md and {baseName}.json into <paramref name="directory"/> (temp file + rename each).</summary>
    public static SupportCaseFiles Write(
        AutomationExecutionResult execution, string directory, string? region = null, bool redact = false, string? baseName = null, bool overwrite = false,
        SupportCaseRedaction also = SupportCaseRedaction.None)
    {
        if (execution is null)
        {
            throw new ArgumentNullException(nameof(execution));
        }

        if (string.IsNullOrEmpty(directory))
        {
            throw new ArgumentException("A directory is required.", nameof(directory));
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Directory '{directory}' does not exist.");
        }

        var name = string.IsNullOrEmpty(baseName) ? $"saw-{execution.AutomationExecutionId}" : baseName!;
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a valid file name.", nameof(baseName));
        }

        var markdownPath = Path.Combine(directory, name + ".md");
        var jsonPath = Path.Combine(directory, name + ".json");
        if (!overwrite)
        {
            foreach (var path in new[] { markdownPath, jsonPath }.Where(File.Exists))
            {
                throw new IOException($"'{path}' already exists; use -Force to replace it.");
            }
        }

        WriteAtomically(jsonPath, ToJson(execution, region, redact, also));
        WriteAtomically(markdownPath, ToMarkdown(execution, region, redact, also));
        return new SupportCaseFiles(execution.AutomationExecutionId, markdownPath, jsonPath, redact);
    }

    public static string ToMarkdown(AutomationExecutionResult execution, string? region = null, bool redact = false, SupportCaseRedaction also = SupportCaseRedaction.None)
    {
        if (execution is null)
        {
            throw new ArgumentNullException(nameof(execution));
        }

        string R(string? text) => redact ? SupportCaseRedactor.Redact(text, also) : text ?? string.Empty;
        var md = new StringBuilder();
        md.Append("# Automation runbook support case: ").AppendLine(R(execution.DocumentName));
        md.AppendLine();
        md.AppendLine("| Field | Value |").AppendLine("|---|---|");
        Row(md, "Runbook", R(execution.DocumentName) + (execution.DocumentVersion is null ? string.Empty : $" (version {execution.DocumentVersion})"));
        Row(md, "Execution id", execution.AutomationExecutionId);
        Row(md, "Region", R(region ?? execution.Region));
        Row(md, "Status", execution.Status ?? "unknown");
        Row(md, "Start time (UTC)", Time(execution.StartTime));
        Row(md, "End time (UTC)", Time(execution.EndTime));
        Row(md, "Failed step", R(execution.FailedStep));
        Row(md, "S3 log location", R(execution.LogLocation?.Uri));
        md.AppendLine();

        if (!string.IsNullOrEmpty(execution.FailureMessage))
        {
            md.AppendLine("## Failure message").AppendLine().AppendLine("```").AppendLine(R(execution.FailureMessage)).AppendLine("```").AppendLine();
        }

        md.AppendLine("## Parameters").AppendLine();
        Map(md, execution.Parameters, R);
        md.AppendLine("## Outputs").AppendLine();
        Map(md, execution.Outputs, R);

        if (execution.Steps.Count > 0)
        {
            md.AppendLine("## Steps").AppendLine().AppendLine("| Step | Action | Status | Start (UTC) | End (UTC) | Failure |").AppendLine("|---|---|---|---|---|---|");
            foreach (var step in execution.Steps)
            {
                md.Append("| ").Append(Cell(step.StepName)).Append(" | ").Append(Cell(step.Action)).Append(" | ").Append(Cell(step.Status))
                    .Append(" | ").Append(Time(step.StartTime)).Append(" | ").Append(Time(step.EndTime)).Append(" | ")
                    .Append(Cell(R(step.FailureMessage))).AppendLine(" |");
            }

            md.AppendLine();
        }

        var notable = execution.Findings.Where(f => f.Severity is FindingSeverity.Error or FindingSeverity.Warning).ToList();
        if (notable.Count > 0)
        {
            md.AppendLine("## Findings (warnings and errors)").AppendLine();
            foreach (var finding in notable)
            {
                md.Append("- Section ").Append(finding.Section?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(" [").Append(finding.Tag).Append("] ");
                if (finding.Check is not null)
                {
                    md.Append(R(finding.Check)).Append(": ");
                }

                md.AppendLine(R(finding.Message));
            }

            md.AppendLine();
        }

        if (redact)
        {
            md.AppendLine("_Account ids, ARN account parts and IP addresses are redacted" + Also(also) + "._");
        }

        return md.ToString();
    }

    public static string ToJson(AutomationExecutionResult execution, string? region = null, bool redact = false, SupportCaseRedaction also = SupportCaseRedaction.None)
    {
        if (execution is null)
        {
            throw new ArgumentNullException(nameof(execution));
        }

        string? R(string? text) => text is null ? null : redact ? SupportCaseRedactor.Redact(text, also) : text;
        // Relaxed escaping: the file is read by people and parsers, never embedded in HTML.
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("runbook", R(execution.DocumentName));
            json.WriteString("documentVersion", execution.DocumentVersion);
            json.WriteString("automationExecutionId", execution.AutomationExecutionId);
            json.WriteString("region", R(region ?? execution.Region));
            json.WriteString("status", execution.Status);
            json.WriteString("startTime", Iso(execution.StartTime));
            json.WriteString("endTime", Iso(execution.EndTime));
            json.WriteString("failedStep", R(execution.FailedStep));
            json.WriteString("failureMessage", R(execution.FailureMessage));
            json.WriteString("s3LogLocation", R(execution.LogLocation?.Uri));
            WriteMap(json, "parameters", execution.Parameters, R);
            WriteMap(json, "outputs", execution.Outputs, R);
            json.WriteStartArray("steps");
            foreach (var step in execution.Steps)
            {
                json.WriteStartObject();
                json.WriteString("name", step.StepName);
                json.WriteString("action", step.Action);
                json.WriteString("status", step.Status);
                json.WriteString("startTime", Iso(step.StartTime));
                json.WriteString("endTime", Iso(step.EndTime));
                json.WriteString("failureMessage", R(step.FailureMessage));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("findings");
            foreach (var finding in execution.Findings)
            {
                json.WriteStartObject();
                if (finding.Section is int section)
                {
                    json.WriteNumber("section", section);
                }
                else
                {
                    json.WriteNull("section");
                }

                json.WriteString("severity", finding.Severity.ToString());
                json.WriteString("tag", finding.Tag);
                json.WriteString("check", R(finding.Check));
                json.WriteString("message", R(finding.Message));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("redacted", redact);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a temp file in the same folder, flushes it to disk, then renames it over the target.</summary>
    internal static void WriteAtomically(string path, string content)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        var temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(false).GetBytes(content);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }

            if (File.Exists(full))
            {
                File.Replace(temp, full, null);
            }
            else
            {
                File.Move(temp, full);
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static void Row(StringBuilder md, string field, string? value) =>
        md.Append("| ").Append(field).Append(" | ").Append(Cell(string.IsNullOrEmpty(value) ? "-" : value)).AppendLine(" |");

    private static string Also(SupportCaseRedaction also)
    {
        var kinds = new List<string>();
        if ((also & SupportCaseRedaction.InstanceId) != 0)
        {
            kinds.Add("instance ids");
        }

        if ((also & SupportCaseRedaction.AccessKeyId) != 0)
        {
            kinds.Add("access key ids");
        }

        if ((also & SupportCaseRedaction.EmailAddress) != 0)
        {
            kinds.Add("e-mail addresses");
        }

        return kinds.Count == 0 ? string.Empty : ", and so are " + string.Join(", ", kinds);
    }

    private static void Map(StringBuilder md, IReadOnlyDictionary<string, IReadOnlyList<string>> map, Func<string?, string> redact)
    {
        if (map.Count == 0)
        {
            md.AppendLine("(none)").AppendLine();
            return;
        }

        foreach (var pair in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var value = string.Join("\n", pair.Value.Select(v => redact(v)));
            if (value.IndexOf('\n') >= 0)
            {
                md.Append("- **").Append(pair.Key).AppendLine("**:").AppendLine().AppendLine("```").AppendLine(value).AppendLine("```");
            }
            else
            {
                md.Append("- **").Append(pair.Key).Append("**: `").Append(value.Replace("`", "'")).AppendLine("`");
            }
        }

        md.AppendLine();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, IReadOnlyList<string>> map, Func<string?, string?> redact)
    {
        json.WriteStartObject(name);
        foreach (var pair in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteStartArray(pair.Key);
            foreach (var value in pair.Value)
            {
                json.WriteStringValue(redact(value));
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static string Cell(string? text) => (text ?? string.Empty).Replace("|", "\\|").Replace("\r", string.Empty).Replace("\n", "<br>");

    private static string Time(DateTime? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    private static string? Iso(DateTime? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
