using System;
using System.Collections.Concurrent;
using System.Threading;

namespace SsmTroubleshoot.Emulator;

/// <summary>What goes wrong for one operation. Counts ("first N") are consumed as calls arrive.</summary>
public sealed class InjectedFault
{
    /// <summary>The first N calls get the service's throttling error.</summary>
    public int ThrottleFirst { get; set; }

    /// <summary>Share of calls (0..1) throttled after ThrottleFirst is used up; deterministic per seed.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>The first N calls get a 5xx service error (EC2 InternalError 500, IAM/STS ServiceUnavailable 503, SSM InternalServerError 500).</summary>
    public int ServerErrorFirst { get; set; }

    /// <summary>Share of calls (0..1) answered with a 5xx error.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>The first N calls have their connection dropped without an answer.</summary>
    public int DropFirst { get; set; }

    /// <summary>Delay before every answer (honours the client giving up).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of calls (0..1) that are accepted and never answered: the connection stays open until the client gives up.</summary>
    public double SilentRate { get; set; }

    /// <summary>When above 0, answers are sent this many bytes per second (headers at once, then the body byte by byte).</summary>
    public int TrickleBytesPerSecond { get; set; }

    /// <summary>When set, every call is answered with this HTTP status and an HTML page, as a proxy or load balancer would.</summary>
    public int? HtmlStatus { get; set; }

    /// <summary>
    /// Parses the fault language of the emulator's command line and scenario files: kinds separated by commas, each
    /// <c>kind[:value]</c>. <c>throttle:0.3</c> (rate) or <c>throttle:2x</c> (the first two calls), <c>error:0.1</c> /
    /// <c>error:3x</c> (5xx), <c>drop:2x</c>, <c>latency:250ms</c> (or <c>2s</c>), <c>silent</c> (or <c>silent:0.5</c>),
    /// <c>trickle</c> (10 bytes/s) or <c>trickle:50</c>, <c>html</c> (503) or <c>html:502</c>.
    /// </summary>
    public static InjectedFault Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fault = new InjectedFault();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var kind = (colon < 0 ? part : part.Substring(0, colon)).ToLowerInvariant();
            var value = colon < 0 ? null : part.Substring(colon + 1);
            switch (kind)
            {
                case "throttle":
                    Share(value, part, count => fault.ThrottleFirst = count, rate => fault.ThrottleRate = rate);
                    break;
                case "error":
                case "5xx":
                    Share(value, part, count => fault.ServerErrorFirst = count, rate => fault.ServerErrorRate = rate);
                    break;
                case "drop":
                    Share(value ?? "1x", part, count => fault.DropFirst = count, _ => throw Invalid(part, "drop takes a count such as drop:2x"));
                    break;
                case "latency":
                    fault.Latency = Duration(value, part);
                    break;
                case "silent":
                    fault.SilentRate = value is null ? 1 : Rate(value, part);
                    break;
                case "trickle":
                    fault.TrickleBytesPerSecond = value is null ? 10 : Whole(value, part, 1, 1_000_000);
                    break;
                case "html":
                    fault.HtmlStatus = value is null ? 503 : Whole(value, part, 400, 599);
                    break;
                default:
                    throw Invalid(part, "unknown kind '" + kind + "'");
            }
        }

        return fault;
    }

    private static void Share(string? value, string part, Action<int> first, Action<double> rate)
    {
        if (value is null)
        {
            rate(1);
        }
        else if (value.EndsWith('x'))
        {
            first(Whole(value.Substring(0, value.Length - 1), part, 1, int.MaxValue));
        }
        else
        {
            rate(Rate(value, part));
        }
    }

    private static double Rate(string value, string part) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate > 0 && rate <= 1
            ? rate
            : throw Invalid(part, "a rate is a number above 0 and at most 1 (0.3 = 30 %), or a count such as 2x");

    private static int Whole(string value, string part, int min, int max) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Invalid(part, $"expected a whole number from {min} to {max}");

    private static TimeSpan Duration(string? value, string part)
    {
        var text = value ?? string.Empty;
        var (digits, scale) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : (text, 1.0);
        return double.TryParse(digits, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount >= 0 && amount <= 3_600_000
            ? TimeSpan.FromMilliseconds(amount * scale)
            : throw Invalid(part, "latency takes a duration such as 250ms or 2s");
    }

    private static FormatException Invalid(string part, string why) => new($"Fault '{part}': {why}.");
}

/// <summary>What the emulator does to one call.</summary>
internal enum FaultAction
{
    None,
    Throttle,
    ServerError,
    Drop,

    /// <summary>Accept and never answer.</summary>
    Silent,

    /// <summary>Answer with an HTML page (a proxy's error page), not the service's error shape.</summary>
    Html,
}

/// <summary>
/// Faults per operation ("ec2:DescribeInstances") or for every operation ("*"), settable while the emulator runs.
/// </summary>
public sealed class FaultInjector
{
    private readonly ConcurrentDictionary<string, InjectedFault> _faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _sync = new();
    private readonly Random _random;

    public FaultInjector(int seed = 7) => _random = new Random(seed);

    /// <summary>Sets (replaces) the fault of an operation, or of every operation with "*".</summary>
    public InjectedFault Set(string operation, InjectedFault fault)
    {
        _faults[operation] = fault ?? throw new ArgumentNullException(nameof(fault));
        return fault;
    }

    /// <summary>
    /// Sets faults from the command line or a scenario file: <c>operation=spec</c> such as
    /// <c>ec2:DescribeInstances=throttle:0.3</c> or <c>*=latency:30ms</c> (see <see cref="InjectedFault.Parse"/>).
    /// </summary>
    public InjectedFault Set(string assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == assignment.Length - 1)
        {
            throw new FormatException($"Fault '{assignment}': write <service:Operation>=<fault>, e.g. ec2:DescribeInstances=throttle:0.3 or *=latency:30ms.");
        }

        var operation = assignment.Substring(0, equals).Trim();
        var slash = operation.IndexOf('/', StringComparison.Ordinal);
        var unscoped = slash < 0 ? operation : operation.Substring(slash + 1);
        if (slash == 0 || (unscoped != "*" && unscoped.IndexOf(':', StringComparison.Ordinal) <= 0))
        {
            throw new FormatException($"Fault '{assignment}': the operation is <service>:<Operation> (ssm:SendCommand) or *, optionally after a region (eu-west-1/ec2:DescribeInstances).");
        }

        return Set(operation, InjectedFault.Parse(assignment.Substring(equals + 1)));
    }

    /// <summary>The trickle rate of an operation's answers (0: at once).</summary>
    internal int TrickleRate(string operation, string? region = null) => Get(operation, region)?.TrickleBytesPerSecond ?? 0;

    public void Clear(string operation) => _faults.TryRemove(operation, out _);

    public void ClearAll() => _faults.Clear();

    public InjectedFault? Get(string operation) =>
        _faults.TryGetValue(operation, out var fault) ? fault : _faults.TryGetValue("*", out var any) ? any : null;

    /// <summary>
    /// The fault of an operation in a region: "&lt;region&gt;/&lt;service:Operation&gt;", then "&lt;region&gt;/*" (one region of a
    /// multi-region scenario throttles), then the region-less keys.
    /// </summary>
    public InjectedFault? Get(string operation, string? region)
    {
        if (region is not null && !_faults.IsEmpty)
        {
            if (_faults.TryGetValue(region + "/" + operation, out var scoped) || _faults.TryGetValue(region + "/*", out scoped))
            {
                return scoped;
            }
        }

        return Get(operation);
    }

    internal (FaultAction Action, TimeSpan Latency) Decide(string operation, string? region = null)
    {
        var fault = Get(operation, region);
        if (fault is null)
        {
            return (FaultAction.None, TimeSpan.Zero);
        }

        lock (_sync)
        {
            if (fault.DropFirst > 0)
            {
                fault.DropFirst--;
                return (FaultAction.Drop, fault.Latency);
            }

            if (fault.ThrottleFirst > 0)
            {
                fault.ThrottleFirst--;
                return (FaultAction.Throttle, fault.Latency);
            }

            if (fault.ServerErrorFirst > 0)
            {
                fault.ServerErrorFirst--;
                return (FaultAction.ServerError, fault.Latency);
            }

            if (fault.ThrottleRate > 0 && _random.NextDouble() < fault.ThrottleRate)
            {
                return (FaultAction.Throttle, fault.Latency);
            }

            if (fault.ServerErrorRate > 0 && _random.NextDouble() < fault.ServerErrorRate)
            {
                return (FaultAction.ServerError, fault.Latency);
            }

            if (fault.SilentRate > 0 && (fault.SilentRate >= 1 || _random.NextDouble() < fault.SilentRate))
            {
                return (FaultAction.Silent, fault.Latency);
            }

            if (fault.HtmlStatus is not null)
            {
                return (FaultAction.Html, fault.Latency);
            }
        }

        return (FaultAction.None, fault.Latency);
    }
}
