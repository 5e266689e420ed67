using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace SsmTroubleshoot.LogCollection;

/// <summary>Where Run Command put an invocation's full output (SendCommand's OutputS3BucketName): reads it back.</summary>
public interface ICommandOutputStore
{
    /// <summary>The object's text; throws the SDK's service exception (NoSuchKey, AccessDenied) when it cannot be read.</summary>
    Task<string> ReadAsync(string bucket, string key, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="ICommandOutputStore"/> over the AWS SDK S3 client (GetObject). The body is read after the call returns,
/// so it gets its own deadline (the call timeout) and a size limit: a trickling or endless object cannot hold or
/// swamp the collection.
/// </summary>
public sealed class S3CommandOutputStore : ICommandOutputStore
{
    /// <summary>Characters read at most (the collection asks nodes for 8 MB; a bigger object is cut, newest lost).</summary>
    public const int MaxChars = 16 * 1024 * 1024;

    private readonly IAmazonS3 _s3;
    private readonly TimeSpan _timeout;

    public S3CommandOutputStore(IAmazonS3 s3, TimeSpan? timeout = null)
    {
        _s3 = s3 ?? throw new ArgumentNullException(nameof(s3));
        _timeout = timeout ?? Aws.AwsConnection.DefaultCallTimeout;
    }

    public async Task<string> ReadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, deadline.Token).ConfigureAwait(false);

            // Closing the stream at the deadline also ends a read that does not watch the token.
            using (deadline.Token.Register(() => response.ResponseStream.Dispose()))
            using (var reader = new StreamReader(response.ResponseStream, Encoding.UTF8))
            {
                var text = new StringBuilder();
                var buffer = new char[64 * 1024];
                int read;
                while (text.Length < MaxChars && (read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    text.Append(buffer, 0, Math.Min(read, MaxChars - text.Length));
                }

                return text.ToString();
            }
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or ObjectDisposedException or IOException)
        {
            throw new Aws.AwsCallTimeoutException(new Aws.AwsCallInfo("S3", "GetObject", "s3://" + bucket + "/" + key), _timeout, ex);
        }
    }
}

/// <summary>
/// The S3 object of an invocation's standard output. Run Command writes it at
/// <c>&lt;prefix&gt;/&lt;CommandId&gt;/&lt;InstanceId&gt;/awsrunShellScript/0.awsrunShellScript/stdout</c>
/// (awsrunPowerShellScript for PowerShell); GetCommandInvocation's StandardOutputUrl names it and is preferred.
/// </summary>
public static class CommandOutputLocation
{
    /// <summary>Bucket and key from StandardOutputUrl (path-style https://s3.region.amazonaws.com/bucket/key or virtual-hosted); null if it is not one.</summary>
    public static (string Bucket, string Key)? FromUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var path = uri.AbsolutePath.TrimStart('/');
        var host = uri.Host;
        var marker = host.IndexOf(".s3", StringComparison.OrdinalIgnoreCase);
        if (marker > 0 && !host.StartsWith("s3.", StringComparison.OrdinalIgnoreCase) && !host.StartsWith("s3-", StringComparison.OrdinalIgnoreCase))
        {
            // Virtual-hosted style: the bucket is the host's first labels.
            return path.Length == 0 ? null : (host.Substring(0, marker), Uri.UnescapeDataString(path));
        }

        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
        {
            return null;
        }

        return (Uri.UnescapeDataString(path.Substring(0, slash)), Uri.UnescapeDataString(path.Substring(slash + 1)));
    }

    /// <summary>The key Run Command writes standard output to, when no URL came back.</summary>
    public static string StandardOutputKey(string? prefix, string commandId, string instanceId, string documentName)
    {
        var plugin = documentName == CollectionScripts.PowerShellDocument ? "awsrunPowerShellScript" : "awsrunShellScript";
        var head = string.IsNullOrEmpty(prefix) ? string.Empty : prefix!.TrimEnd('/') + "/";
        return $"{head}{commandId}/{instanceId}/{plugin}/0.{plugin}/stdout";
    }
}
