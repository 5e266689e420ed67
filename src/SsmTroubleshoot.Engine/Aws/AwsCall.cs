using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace SsmTroubleshoot.Aws;

/// <summary>Which AWS call an exception came from: service, operation and endpoint (carried in Exception.Data).</summary>
public sealed class AwsCallInfo
{
    private const string Key = "SsmTroubleshoot.AwsCall";

    public AwsCallInfo(string service, string operation, string? endpoint)
    {
        Service = service;
        Operation = operation;
        Endpoint = endpoint;
    }

    /// <summary>EC2, SSM, STS, S3, IAM.</summary>
    public string Service { get; }

    /// <summary>The API operation (DescribeInstanceInformation).</summary>
    public string Operation { get; }

    /// <summary>Where the call went (https://ssm.us-east-1.amazonaws.com/, or the -EndpointUrl); null when not known.</summary>
    public string? Endpoint { get; }

    /// <summary>"SSM DescribeInstanceInformation".</summary>
    public string Call => Service + " " + Operation;

    /// <summary>The IAM action the call needs: ssm:DescribeInstanceInformation.</summary>
    public string Action => Service.ToLowerInvariant() + ":" + Operation;

    /// <summary>Records the call on the exception (the first recording wins: it is the innermost).</summary>
    public static void Annotate(Exception exception, AwsCallInfo call)
    {
        if (exception is null || call is null)
        {
            return;
        }

        try
        {
            if (!exception.Data.Contains(Key))
            {
                exception.Data[Key] = call;
            }
        }
        catch (ArgumentException)
        {
            // A read-only or typed Data dictionary: the call just goes unnamed.
        }
        catch (NotSupportedException)
        {
        }
    }

    /// <summary>The call recorded on the exception or one of its inner exceptions; null when none was.</summary>
    public static AwsCallInfo? Of(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Data.Contains(Key) && e.Data[Key] is AwsCallInfo info)
            {
                return info;
            }

            if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                return Of(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }

    /// <summary>"SSM DescribeInstanceInformation at https://ssm.us-east-1.amazonaws.com/".</summary>
    public override string ToString() => Call + (Endpoint is null ? string.Empty : " at " + Endpoint);
}

/// <summary>An AWS call that did not finish within the call timeout (or the caller's overall deadline).</summary>
public sealed class AwsCallTimeoutException : TimeoutException
{
    public AwsCallTimeoutException(AwsCallInfo call, TimeSpan timeout, Exception? inner = null)
        : base(Compose(call, timeout), inner)
    {
        Call = call ?? throw new ArgumentNullException(nameof(call));
        Timeout = timeout;
        AwsCallInfo.Annotate(this, call);
    }

    public AwsCallTimeoutException()
        : base("An AWS call did not answer in time.")
    {
        Call = new AwsCallInfo("AWS", "call", null);
    }

    public AwsCallTimeoutException(string message)
        : base(message)
    {
        Call = new AwsCallInfo("AWS", "call", null);
    }

    public AwsCallTimeoutException(string message, Exception inner)
        : base(message, inner)
    {
        Call = new AwsCallInfo("AWS", "call", null);
    }

    public AwsCallInfo Call { get; }

    public TimeSpan Timeout { get; }

    private static string Compose(AwsCallInfo call, TimeSpan timeout) =>
        $"{call.Call}{(call.Endpoint is null ? string.Empty : " at " + call.Endpoint)} did not answer within {Seconds(timeout)} s.";

    internal static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The outermost handler of every SDK client we build: one deadline for the whole call (the SDK's retries, the
/// response body included), so a silent or trickling server cannot hold a command; and every failure records
/// which call it was. The deadline is hard: the call returns at the deadline even if a layer below ignores the token.
/// </summary>
internal sealed class CallDeadlineHandler : PipelineHandler
{
    private readonly string _service;
    private readonly string? _endpoint;
    private readonly TimeSpan _timeout;

    internal CallDeadlineHandler(string service, string? endpoint, TimeSpan timeout)
    {
        _service = service;
        _endpoint = endpoint;
        _timeout = timeout;
    }

    public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        var context = (RequestContext)executionContext.RequestContext;
        var caller = context.CancellationToken;
        var operation = Operation(context.RequestName);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(caller);
        deadline.CancelAfter(_timeout);
        context.CancellationToken = deadline.Token;
        var call = base.InvokeAsync<T>(executionContext);
        try
        {
            var expired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (deadline.Token.Register(() => expired.TrySetResult(true)))
            {
                if (await Task.WhenAny(call, expired.Task).ConfigureAwait(false) != call)
                {
                    // The layer below still holds the connection: it ends on its own once it sees the token.
                    _ = call.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    caller.ThrowIfCancellationRequested();
                    throw new AwsCallTimeoutException(Info(context, operation), _timeout);
                }
            }

            return await call.ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!caller.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new AwsCallTimeoutException(Info(context, operation), _timeout, ex);
        }
        catch (AmazonClientException ex) when (!caller.IsCancellationRequested && deadline.IsCancellationRequested && IsCancellation(ex))
        {
            throw new AwsCallTimeoutException(Info(context, operation), _timeout, ex);
        }
        catch (Exception ex) when (Note(ex, Info(context, operation)))
        {
            throw; // not reached: Note returns false
        }
    }

    private static bool IsCancellation(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Note(Exception exception, AwsCallInfo info)
    {
        AwsCallInfo.Annotate(exception, info);
        return false;
    }

    private AwsCallInfo Info(IRequestContext context, string operation)
    {
        var endpoint = _endpoint;
        try
        {
            if (context.Request?.Endpoint is { } resolved)
            {
                endpoint = resolved.ToString();
            }
        }
        catch (InvalidOperationException)
        {
            // Not resolved yet: the configured endpoint is what we know.
        }

        return new AwsCallInfo(_service, operation, endpoint);
    }

    private static string Operation(string? requestName)
    {
        var name = requestName ?? "call";
        return name.EndsWith("Request", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Request".Length) : name;
    }
}
