using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Logs;

internal enum LineKind
{
    /// <summary>Starts an entry: the agent's "YYYY-MM-DD HH:MM:SS[.ffff] LEVEL" header.</summary>
    Header,

    /// <summary>No header: belongs to the entry before it (SDK "caused by:" and "status code:" lines).</summary>
    Continuation,

    /// <summary>
    /// A syslog/journal line of another process, a journal marker or a table border: part of no entry (left out of the
    /// one it interrupts).
    /// </summary>
    Foreign,

    /// <summary>
    /// Starts an entry without a header: one check of a pasted <c>ssm-cli get-diagnostics</c> (a table row, or the
    /// <c>"Check"</c> line of its JSON), the unit line of a pasted <c>systemctl status</c>, a shell prompt with its command,
    /// the AWS CLI's one-line error report, or one record of a structured log (logfmt, a JSON line, Go's standard logger). Each is its own
    /// finding, not a continuation of the one above.
    /// </summary>
    Record,
}

/// <summary>The agent's line syntax, on raw string ranges so that the hot loop allocates nothing.</summary>
internal static class AgentLogSyntax
{
    private static readonly Regex s_unbracketedComponent = new(
        "^[A-Z][A-Za-z0-9]*(Provider|Service|Manager|Processor|Interactor|Refresher|Handler|Identity|Registrar|Orchestrator|Updater|Checker|Worker|Plugin) ",
        RegexOptions.CultureInvariant);

    // The statuses of a get-diagnostics check (agent/cli/diagnosticsutil).
    private static readonly string[] s_checkStatuses = ["Success", "Failed", "Skipped"];

    /// <summary>What a line is; <paramref name="content"/> is where the agent's own text starts (after a syslog prefix).</summary>
    [MethodImpl(HotPath.Optimize)]
    internal static LineKind Classify(char[] s, int start, int end, out int content, out AgentLogLevel level)
    {
        level = AgentLogLevel.Unknown;
        content = start;
        var length = end - start;
        if (length >= 16 && IsDigit(s[start]))
        {
            if (length >= 19 && s[start + 4] == '-' && s[start + 10] == ' ' && s[start + 13] == ':')
            {
                level = ReadLevel(s, start, end);
                return LineKind.Header;
            }

            if (s[start + 4] == '-' && s[start + 10] == 'T')
            {
                // An RFC 3339 time in front: a journal (-o short-iso), or a copy that puts a time before every line.
                var timeEnd = start + 11;
                while (timeEnd < end && s[timeEnd] != ' ' && s[timeEnd] != '\t')
                {
                    timeEnd++;
                }

                if (timeEnd < end && ContainerRuntimeContent(s, timeEnd + 1, end) is var runtimeContent and > 0)
                {
                    // The container runtime's own file (/var/log/containers/*.log): "<time> stdout F <the agent's line>".
                    return Classify(s, runtimeContent, end, out content, out level);
                }

                if (timeEnd < end && (s[timeEnd] == '\t' || s[timeEnd - 1] == 'Z' || s[timeEnd - 1] == ':'))
                {
                    // kubectl logs --timestamps, docker logs -t (UTC "…Z" and a space), the CloudWatch Logs console
                    // (a tab) and tools that stamp every line of their output ("<time>: ", Packer's -timestamp-ui):
                    // what follows is the agent's own line, a header or a continuation of one.
                    return Classify(s, timeEnd + 1, end, out content, out level);
                }

                if (IsoHeaderLevel(s, timeEnd + 1, end) is var isoLevel and not AgentLogLevel.Unknown)
                {
                    // "2019-05-01T15:12:31[.fff][+00:00] ERROR …" or "… [ERROR] …": a header like the agent's with an
                    // ISO 8601 time (the CodeDeploy agent, the ECS agent, Python's and Ruby's loggers on the same node),
                    // not a journal line, whose time is followed by the host name.
                    level = isoLevel;
                    return LineKind.Header;
                }

                return SyslogContent(s, start, end, timeEnd, ref content, ref level);
            }

            if (s[start + 4] == '/' && s[start + 7] == '/' && s[start + 10] == ' ' && s[start + 13] == ':')
            {
                // Go's standard logger ("2024/05/14 10:21:33 …": community session clients, the CloudWatch agent): one
                // record a line. The CloudWatch agent (telegraf) marks its level after the time: E!, W!, I!, D!.
                level = length >= 22 && s[start + 20] != ' ' && s[start + 21] == '!' ? TelegrafLevel(s[start + 20]) : AgentLogLevel.Unknown;
                return LineKind.Record;
            }

            return LineKind.Continuation;
        }

        if (length >= 16 && IsLetter(s[start]) && IsLetter(s[start + 1]) && IsLetter(s[start + 2]) && s[start + 3] == ' '
            && s[start + 6] == ' ' && s[start + 9] == ':' && s[start + 12] == ':' && s[start + 15] == ' ')
        {
            return SyslogContent(s, start, end, start + 15, ref content, ref level);
        }

        if (length >= 3 && s[start] == '-' && s[start + 1] == '-' && s[start + 2] == ' ')
        {
            return LineKind.Foreign; // journalctl's "-- Logs begin at …" / "-- Boot …" markers
        }

        if (length > 0 && s[start] is '\u250C' or '\u251C' or '\u2514')
        {
            return LineKind.Foreign; // a border of a pasted get-diagnostics table: not part of any check
        }

        if (length > 2 && s[start] is '\u25CF' or '\u25CB' or '\u00D7' && s[start + 1] == ' ' && s[start + 2] != ' ')
        {
            return LineKind.Record; // "● <unit> - <description>": systemctl status heads its own block (Loaded:, Active: …)
        }

        if (IsStructuredRecord(s, start, end, out level))
        {
            return LineKind.Record;
        }

        return IsDiagnosticsCheck(s, start, end) || IsShellPrompt(s, start, end) || IsAwsCliError(s, start, end)
            ? LineKind.Record
            : LineKind.Continuation;
    }

    /// <summary>
    /// One record of a structured log, whole on its line: logfmt (<c>level=error time=… msg="…"</c>, the ECS agent's and
    /// many Go tools' format; logrus's <c>time="…" level=…</c>) or a JSON line (<c>{"level":"error","ts":…,"msg":…}</c>, zap's
    /// and nodeadm's). The next line is the next record, never a continuation of this one. Its level is the one its own
    /// field gives (<c>level=…</c>, <c>"level":"…"</c>), Unknown without one.
    /// </summary>
    private static bool IsStructuredRecord(char[] s, int start, int end, out AgentLogLevel level)
    {
        level = AgentLogLevel.Unknown;
        var length = end - start;
        if (length < 12)
        {
            return false;
        }

        var line = new ReadOnlySpan<char>(s, start, length);
        var head = line.Slice(0, Math.Min(length, 80));
        int field;
        if (line.StartsWith("level=".AsSpan(), StringComparison.Ordinal))
        {
            if (!IsLetter(line[6]) && line[6] != '"')
            {
                return false;
            }

            field = 6;
        }
        else if (line.StartsWith("time=".AsSpan(), StringComparison.Ordinal))
        {
            var at = head.IndexOf(" level=".AsSpan(), StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            field = at + 7;
        }
        else if (line[0] == '{' && line[1] == '"' && line.TrimEnd().EndsWith("}".AsSpan(), StringComparison.Ordinal))
        {
            var at = head.IndexOf("\"level\":".AsSpan(), StringComparison.Ordinal);
            field = at > 0 ? at + 8 : -1;
            var start48 = head.Slice(0, Math.Min(head.Length, 48));
            if (field < 0
                && start48.IndexOf("\"ts\":".AsSpan(), StringComparison.Ordinal) < 0
                && start48.IndexOf("\"time\":".AsSpan(), StringComparison.Ordinal) < 0
                && start48.IndexOf("\"timestamp\":".AsSpan(), StringComparison.Ordinal) < 0
                && start48.IndexOf("\"@timestamp\":".AsSpan(), StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (field >= 0)
        {
            var value = line.Slice(field).TrimStart(' ').TrimStart('"');
            var word = 0;
            while (word < value.Length && word < 10 && IsLetter(value[word]))
            {
                word++;
            }

            level = LevelWord(value.Slice(0, word));
        }

        return true;
    }

    /// <summary>A level word in any case and any logger's spelling (zap's dpanic, logrus's fatal, telegraf's crit).</summary>
    private static AgentLogLevel LevelWord(ReadOnlySpan<char> word)
    {
        static bool Is(ReadOnlySpan<char> w, string name) => w.Equals(name.AsSpan(), StringComparison.OrdinalIgnoreCase);
        return Is(word, "TRACE") ? AgentLogLevel.Trace
            : Is(word, "DEBUG") ? AgentLogLevel.Debug
            : Is(word, "INFO") ? AgentLogLevel.Info
            : Is(word, "WARN") || Is(word, "WARNING") ? AgentLogLevel.Warn
            : Is(word, "ERROR") ? AgentLogLevel.Error
            : Is(word, "CRITICAL") || Is(word, "CRIT") || Is(word, "FATAL") || Is(word, "PANIC") || Is(word, "DPANIC") ? AgentLogLevel.Critical
            : AgentLogLevel.Unknown;
    }

    /// <summary>The level word (or "[LEVEL]") at <paramref name="p"/>, where an ISO 8601 time ends; Unknown when there is none.</summary>
    private static AgentLogLevel IsoHeaderLevel(char[] s, int p, int end)
    {
        var bracket = p < end && s[p] == '[';
        var from = bracket ? p + 1 : p;
        var to = from;
        while (to < end && to - from <= 8 && IsLetter(s[to]))
        {
            to++;
        }

        if (to == from || (bracket ? to >= end || s[to] != ']' : to < end && s[to] != ' ' && s[to] != '\t'))
        {
            return AgentLogLevel.Unknown;
        }

        return LevelWord(new ReadOnlySpan<char>(s, from, to - from));
    }

    private static AgentLogLevel TelegrafLevel(char c) => c switch
    {
        'E' => AgentLogLevel.Error,
        'W' => AgentLogLevel.Warn,
        'I' => AgentLogLevel.Info,
        'D' => AgentLogLevel.Debug,
        _ => AgentLogLevel.Unknown,
    };

    private const string AwsCliError = "An error occurred (";

    /// <summary>
    /// The AWS CLI's report of one failed call, <c>An error occurred (Code) when calling the Operation operation: …</c>:
    /// whole on its one line, so two of them pasted one under the other are two findings, not one.
    /// </summary>
    private static bool IsAwsCliError(char[] s, int start, int end) =>
        end - start > AwsCliError.Length && s[start] == 'A' && new ReadOnlySpan<char>(s, start, AwsCliError.Length).SequenceEqual(AwsCliError.AsSpan());

    /// <summary>
    /// A shell prompt with the command typed after it, as a report pastes a terminal: <c>[ec2-user@ip-10-0-1-5 ~]$ …</c>,
    /// <c>ubuntu@ip-10-0-1-5:~$ …</c>, <c>sh-5.2$ …</c> (Session Manager's shell), <c>PS C:\Users\Administrator&gt; …</c>,
    /// and the bare <c>$ …</c> of documentation.
    /// What the command printed belongs to it, not to the entry above.
    /// </summary>
    private static bool IsShellPrompt(char[] s, int start, int end)
    {
        var limit = Math.Min(end, start + 120);
        if (end - start < 4)
        {
            return false;
        }

        if (s[start] == '$' && s[start + 1] == ' ' && IsLetter(s[start + 2]))
        {
            // "$ aws ssm …": the bare prompt of documentation and READMEs
            return true;
        }

        if (s[start] == '[')
        {
            // [user@host dir]$ or ]#
            var close = Array.IndexOf(s, ']', start + 1, limit - start - 1);
            return close > 0 && close + 2 < end && Array.IndexOf(s, '@', start + 1, close - start - 1) > 0
                && s[close + 1] is '$' or '#' && s[close + 2] == ' ';
        }

        if (s[start] == 'P' && s[start + 1] == 'S' && s[start + 2] == ' ' && end - start > 6 && IsLetter(s[start + 3]) && s[start + 4] == ':' && s[start + 5] == '\\')
        {
            // PS C:\path>
            var gt = Array.IndexOf(s, '>', start + 6, limit - start - 6);
            return gt > 0 && gt + 1 < end && s[gt + 1] == ' ';
        }

        if (!IsLetter(s[start]))
        {
            return false;
        }

        // user@host:dir$ (Debian/Ubuntu) or sh-5.2$ (Session Manager's default shell)
        var p = start;
        while (p < limit && (IsLetter(s[p]) || IsDigit(s[p]) || s[p] is '-' or '_' or '.'))
        {
            p++;
        }

        if (p < limit && s[p] is '$' or '#' && p + 1 < end && s[p + 1] == ' ')
        {
            return p - start >= 4 && s[start] == 's' && s[start + 1] == 'h' && s[start + 2] == '-' && IsDigit(s[start + 3]);
        }

        if (p >= limit || s[p] != '@')
        {
            return false;
        }

        var colon = Array.IndexOf(s, ':', p + 1, limit - p - 1);
        if (colon < 0)
        {
            return false;
        }

        for (var q = p + 1; q < colon; q++)
        {
            if (!(IsLetter(s[q]) || IsDigit(s[q]) || s[q] is '-' or '_' or '.'))
            {
                return false;
            }
        }

        var space = Array.IndexOf(s, ' ', colon + 1, limit - colon - 1);
        return space > colon + 1 && s[space - 1] is '$' or '#';
    }

    /// <summary>
    /// The first line of one check in <c>ssm-cli get-diagnostics</c> output (agent/cli/diagnosticsutil): a table row
    /// <c>│ &lt;check&gt; │ Success|Failed|Skipped │ &lt;note&gt; │</c> (not a wrapped row, whose check cell is blank), or
    /// <c>"Check": "…"</c> in the JSON form.
    /// </summary>
    private static bool IsDiagnosticsCheck(char[] s, int start, int end)
    {
        if (end - start >= 8 && s[start] == '\u2502' && s[start + 1] == ' ' && s[start + 2] != ' ')
        {
            var second = Array.IndexOf(s, '\u2502', start + 2, end - start - 2);
            if (second < 0)
            {
                return false;
            }

            var p = second + 1;
            while (p < end && s[p] == ' ')
            {
                p++;
            }

            foreach (var status in s_checkStatuses)
            {
                if (end - p > status.Length && new ReadOnlySpan<char>(s, p, status.Length).SequenceEqual(status.AsSpan()) && s[p + status.Length] == ' ')
                {
                    return true;
                }
            }

            return false;
        }

        var q = start;
        while (q < end && (s[q] == ' ' || s[q] == '\t'))
        {
            q++;
        }

        const string check = "\"Check\": \"";
        return end - q > check.Length && new ReadOnlySpan<char>(s, q, check.Length).SequenceEqual(check.AsSpan());
    }

    /// <summary>Where a "YYYY-MM-DD HH:MM:SS[.ffff]" (or ISO 8601 "…T…") timestamp at <paramref name="p"/> ends; -1 when there is none.</summary>
    internal static int TimestampEnd(string s, int p, int end)
    {
        if (end - p < 19 || !IsDigit(s[p]) || s[p + 4] != '-' || (s[p + 10] != ' ' && s[p + 10] != 'T') || s[p + 13] != ':')
        {
            return -1;
        }

        var q = p + 19;
        if (q < end && (s[q] == '.' || s[q] == ','))
        {
            q++;
            while (q < end && IsDigit(s[q]))
            {
                q++;
            }
        }

        return q;
    }

    /// <summary>Reads "YYYY-MM-DD HH:MM:SS[.ffff]" at <paramref name="p"/>.</summary>
    internal static DateTime? ParseTimestamp(string s, int p, int end)
    {
        if (end - p < 19)
        {
            return null;
        }

        var t = s.AsSpan();
        int year = Digits(t, p, 4), month = Digits(t, p + 5, 2), day = Digits(t, p + 8, 2), hour = Digits(t, p + 11, 2), minute = Digits(t, p + 14, 2), second = Digits(t, p + 17, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > 31 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59
            || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var ticks = 0L;
        var q = p + 19;
        if (q < end && (s[q] == '.' || s[q] == ','))
        {
            long scale = TimeSpan.TicksPerSecond;
            q++;
            while (q < end && IsDigit(s[q]))
            {
                scale /= 10;
                ticks += (s[q] - '0') * scale;
                q++;
            }
        }

        return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
    }

    /// <summary>Splits a header line's text after the level into components and the message.</summary>
    internal static void SplitHeader(string s, int p, int end, List<string> components, out string? instanceId, out int messageStart)
    {
        instanceId = null;
        // Skip timestamp and level.
        p += 19;
        while (p < end && s[p] != ' ')
        {
            p++;
        }

        while (p < end && s[p] == ' ')
        {
            p++;
        }

        var word = p;
        while (p < end && s[p] >= 'A' && s[p] <= 'Z')
        {
            p++;
        }

        if (p < end && s[p] != ' ')
        {
            p = word; // not a level word: systemd's line about the agent's unit has none
        }

        while (p < end && s[p] == ' ')
        {
            p++;
        }

        while (p < end && s[p] == '[')
        {
            var close = s.IndexOf(']', p, end - p);
            if (close < 0)
            {
                break;
            }

            var group = s.Substring(p + 1, close - p - 1);
            if (group.StartsWith("instanceID=", StringComparison.Ordinal))
            {
                instanceId = group.Substring("instanceID=".Length);
            }
            else if (group.IndexOf(" @ ", StringComparison.Ordinal) < 0)
            {
                components.Add(group); // "[Func @ file.go.N]" (errors.log) is a source location, not a component
            }

            p = close + 1;
            while (p < end && s[p] == ' ')
            {
                p++;
            }
        }

        if (components.Count == 0 && p < end)
        {
            var match = s_unbracketedComponent.Match(s, p, Math.Min(end - p, 80));
            if (match.Success)
            {
                components.Add(match.Value.TrimEnd());
                p += match.Length;
            }
        }

        messageStart = p;
    }

    private static LineKind SyslogContent(char[] s, int start, int end, int afterTime, ref int content, ref AgentLogLevel level)
    {
        // "<time> host ident[pid]: text"
        var hostStart = afterTime + 1;
        if (hostStart >= end)
        {
            return LineKind.Foreign;
        }

        var identStart = Array.IndexOf(s, ' ', hostStart, end - hostStart);
        if (identStart > hostStart && identStart + 1 < end)
        {
            // `aws logs tail` prints "<time> <log stream> <line>". A stream name with a '/' (ecs/<container>/<task>) is no
            // host name; a stream named after the instance is one only until the agent's own header (a digit) follows it.
            // A journal line ("host ident[pid]: …") is neither, and is not classified twice.
            var streamHasSlash = Array.IndexOf(s, '/', hostStart, identStart - hostStart) >= 0;
            if (streamHasSlash || IsDigit(s[identStart + 1]))
            {
                var lineKind = Classify(s, identStart + 1, end, out var lineContent, out var lineLevel);
                if (streamHasSlash || lineKind == LineKind.Header)
                {
                    // Each line the tool prints is one log event: without a header of its own it is still its own record.
                    content = lineContent;
                    level = lineLevel;
                    return lineKind == LineKind.Continuation ? LineKind.Record : lineKind;
                }
            }
        }

        var colon = identStart < 0 ? -1 : new ReadOnlySpan<char>(s, identStart + 1, Math.Min(end - identStart - 1, 120)).IndexOf(": ".AsSpan());
        if (colon < 0)
        {
            // Not "host ident: text", so not a syslog line of another process: a copy with a time before each line.
            content = hostStart;
            return LineKind.Continuation;
        }

        identStart++;
        colon += identStart;
        var bracket = colon > identStart ? Array.LastIndexOf(s, '[', colon - 1, colon - identStart) : -1;
        var nameEnd = bracket < 0 ? colon : bracket;

        // The tag is the word before "[pid]:". A log collector may put fields of its own between the host and the tag
        // ("<time> <host>  !INFO | amazon-ssm-agent[486]: …"): they are not the process's name.
        var nameStart = identStart;
        for (var p = nameEnd - 1; p > identStart; p--)
        {
            if (s[p] == ' ' || s[p] == '\t')
            {
                nameStart = p + 1;
                break;
            }
        }

        if (!IsAgentProcess(s, nameStart, nameEnd - nameStart))
        {
            if (IsServiceManagerLineAboutAgent(s, nameStart, nameEnd, colon + 2, end) || IsNodeLineForAgent(s, nameStart, nameEnd, colon + 2, end))
            {
                content = colon + 2; // systemd's word on the agent's unit ("… exited, status=1/FAILURE"), the kernel's on its process: an entry
                return LineKind.Header;
            }

            return LineKind.Foreign;
        }

        content = colon + 2;
        var kind = Classify(s, content, end, out var inner, out level);
        return kind == LineKind.Header ? LineKind.Header : LineKind.Continuation;
    }

    // "stdout F " / "stderr P ": the stream and the full/partial tag of the CRI log format; where the line starts.
    private static int ContainerRuntimeContent(char[] s, int p, int end)
    {
        if (end - p < 9 || s[p + 6] != ' ' || s[p + 8] != ' ' || (s[p + 7] != 'F' && s[p + 7] != 'P'))
        {
            return -1;
        }

        var stream = new ReadOnlySpan<char>(s, p, 6);
        return stream.SequenceEqual("stdout".AsSpan()) || stream.SequenceEqual("stderr".AsSpan()) ? p + 9 : -1;
    }

    /// <summary>
    /// A line of the service manager about the agent: systemd's about its unit (amazon-ssm-agent.service, the snap's,
    /// "Started amazon-ssm-agent"), or upstart's (<c>init:</c>, Amazon Linux 1) about its job. systemd's own word on the
    /// unit of an agent Systems Manager installs beside it ("codedeploy-agent.service: Failed with result …") counts too.
    /// </summary>
    private static bool IsServiceManagerLineAboutAgent(char[] s, int identStart, int nameEnd, int text, int end)
    {
        var ident = new ReadOnlySpan<char>(s, identStart, nameEnd - identStart);
        if (!(ident.SequenceEqual("systemd".AsSpan()) || ident.SequenceEqual("init".AsSpan())) || text >= end)
        {
            return false;
        }

        var head = new ReadOnlySpan<char>(s, text, Math.Min(end - text, 80));
        if (head.IndexOf("amazon-ssm-agent".AsSpan()) >= 0)
        {
            return true;
        }

        foreach (var unit in CompanionUnits)
        {
            if (head.StartsWith(unit.AsSpan(), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A line of the node's system that bears on the agent: the kernel's or the audit log's about an agent process (the
    /// out-of-memory killer, SELinux or AppArmor; the kernel keeps a process name to 15 characters), and the time
    /// services' (chronyd, ntpd, systemd-timesyncd) about the clock that signs every request.
    /// </summary>
    private static bool IsNodeLineForAgent(char[] s, int identStart, int nameEnd, int text, int end)
    {
        var ident = new ReadOnlySpan<char>(s, identStart, nameEnd - identStart);
        if (text >= end)
        {
            return false;
        }

        if (ident.SequenceEqual("chronyd".AsSpan()) || ident.SequenceEqual("ntpd".AsSpan()) || ident.SequenceEqual("systemd-timesyncd".AsSpan()))
        {
            return true;
        }

        if (!(ident.SequenceEqual("kernel".AsSpan()) || ident.SequenceEqual("audit".AsSpan())))
        {
            return false;
        }

        var body = new ReadOnlySpan<char>(s, text, Math.Min(end - text, 400));
        foreach (var name in AgentProcessNames)
        {
            if (body.IndexOf(name.AsSpan(), StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    // The agent's processes as the kernel names them (15 characters at most); the first is also in the snap's
    // confinement profile's name (snap.amazon-ssm-agent.amazon-ssm-agent), which AppArmor's lines carry.
    private static readonly string[] AgentProcessNames =
    {
        "amazon-ssm-agen", "ssm-agent-worke", "ssm-session-wor", "ssm-document-wo",
    };

    // The systemd units of the agents Systems Manager installs and configures beside the SSM Agent (CodeDeploy, CloudWatch,
    // ECS, Inspector Classic, the ADOT collector), as systemd starts its line about them.
    private static readonly string[] CompanionUnits =
    {
        "codedeploy-agent.service: ", "amazon-cloudwatch-agent.service: ", "ecs.service: ", "awsagent.service: ",
        "aws-otel-collector.service: ",
    };

    private static bool IsAgentProcess(char[] s, int start, int length)
    {
        var name = new ReadOnlySpan<char>(s, start, length);
        return name.StartsWith("amazon-ssm-agent".AsSpan(), StringComparison.Ordinal)
            || name.SequenceEqual("ssm-agent-worker".AsSpan()) || name.SequenceEqual("ssm-session-worker".AsSpan())
            || name.SequenceEqual("ssm-document-worker".AsSpan()) || name.SequenceEqual("ssm-agent".AsSpan())
            || name.SequenceEqual("host-containers@control".AsSpan()); // Bottlerocket: the agent runs in the control container
    }

    [MethodImpl(HotPath.Optimize)]
    private static AgentLogLevel ReadLevel(char[] s, int start, int end)
    {
        var p = start + 19;
        while (p < end && s[p] != ' ')
        {
            p++; // fractional seconds
        }

        p++;
        if (p + 4 > end)
        {
            return AgentLogLevel.Unknown;
        }

        switch (s[p] | 0x20)
        {
            case 'i':
                return Word(s, p, end, "INFO") ? AgentLogLevel.Info : AgentLogLevel.Unknown;
            case 'e':
                return Word(s, p, end, "ERROR") ? AgentLogLevel.Error : AgentLogLevel.Unknown;
            case 'w':
                return Word(s, p, end, "WARN") || Word(s, p, end, "WARNING") ? AgentLogLevel.Warn : AgentLogLevel.Unknown;
            case 'd':
                return Word(s, p, end, "DEBUG") ? AgentLogLevel.Debug : AgentLogLevel.Unknown;
            case 't':
                return Word(s, p, end, "TRACE") ? AgentLogLevel.Trace : AgentLogLevel.Unknown;
            case 'c':
                return Word(s, p, end, "CRITICAL") ? AgentLogLevel.Critical : AgentLogLevel.Unknown;
            default:
                return AgentLogLevel.Unknown;
        }
    }

    // A level word at the start of a fragment without the agent's timestamp ("INFO [EC2Identity] ...", "amazon-ssm-agent[12]: WARN ...").
    private static readonly Regex s_leadingLevel = new(
        @"\A(?:[\w.-]+(?:\[\d+\])?:\s+)?(?:\d{4}[-/]\d\d[-/]\d\d[ T][\d:.,]+\s+)?(?<level>TRACE|DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL)\b",
        RegexOptions.CultureInvariant);

    /// <summary>
    /// The level of an entry that has no agent header (a pasted fragment, pipeline text): the level word it starts
    /// with, if any, so that an INFO fragment is judged as INFO; otherwise Unknown (every rule applies).
    /// </summary>
    internal static AgentLogLevel SniffLevel(string text)
    {
        var match = s_leadingLevel.Match(text, 0, Math.Min(text.Length, 160));
        return match.Success ? LevelWord(match.Groups["level"].Value.AsSpan()) : AgentLogLevel.Unknown;
    }

    private static bool Word(char[] s, int p, int end, string word)
    {
        if (p + word.Length > end || !MemoryExtensions.Equals(new ReadOnlySpan<char>(s, p, word.Length), word.AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var after = p + word.Length;
        return after == end || s[after] == ' ' || s[after] == '\r';
    }

    /// <summary>The year and month of an agent timestamp at <paramref name="p"/>; (0, 0) when there is none.</summary>
    internal static (int Year, int Month) YearMonthAt(char[] s, int p, int end)
    {
        if (end - p < 7 || s[p + 4] != '-')
        {
            return (0, 0);
        }

        var year = Digits(s, p, 4);
        var month = Digits(s, p + 5, 2);
        return year < 0 || month < 0 ? (0, 0) : (year, month);
    }

    /// <summary>The number written by <paramref name="count"/> digits at <paramref name="p"/>; -1 when one is not a digit.</summary>
    private static int Digits(ReadOnlySpan<char> s, int p, int count)
    {
        var value = 0;
        for (var i = p; i < p + count; i++)
        {
            if (!IsDigit(s[i]))
            {
                return -1;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return value;
    }

    private static readonly string[] s_months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    /// <summary>
    /// The time of a syslog/journal line starting at <paramref name="start"/>, in the agent's own form
    /// ("YYYY-MM-DD HH:MM:SS"): an RFC 3339 time as written, or "Mmm dd HH:MM:SS" in the year of the agent entry before
    /// it (the next year when the month went far back, as from December to January), or without one in the latest year not in the future.
    /// Null when the line has neither form.
    /// </summary>
    internal static string? SyslogTime(char[] s, int start, int end, (int Year, int Month) before, DateTime now)
    {
        if (end - start >= 19 && IsDigit(s[start]) && s[start + 4] == '-' && s[start + 10] == 'T' && s[start + 13] == ':')
        {
            return new string(s, start, 10) + " " + new string(s, start + 11, 8);
        }

        if (end - start < 15 || s[start + 3] != ' ' || s[start + 9] != ':' || s[start + 12] != ':')
        {
            return null;
        }

        var month = Array.IndexOf(s_months, new string(s, start, 3)) + 1;
        var day = s[start + 4] == ' ' ? Digits(s, start + 5, 1) : Digits(s, start + 4, 2);
        if (month == 0 || day is < 1 or > 31)
        {
            return null;
        }

        int year;
        if (before.Year > 0)
        {
            year = before.Month - month > 6 ? before.Year + 1 : before.Year; // December's entry, then January's line
        }
        else
        {
            year = now.Year;
            if (month > now.Month || (month == now.Month && day > now.Day))
            {
                year--;
            }
        }

        return $"{year:0000}-{month:00}-{day:00} {new string(s, start + 7, 8)}";
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsLetter(char c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
