using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace SsmTroubleshoot.Fleet;

/// <summary>Where Run Command put an invocation's full output (SendCommand's OutputS3BucketName): reads it back.</summary>
public interface ICommandOutputStore
{
    /// <summary>The object's text; throws the SDK's service exception (NoSuchKey, AccessDenied) when it cannot be read.</summary>
    Task<string> ReadAsync(string bucket, string key, CancellationToken cancellationToken);
}

/// <summary><see cref="ICommandOutputStore"/> over the AWS SDK S3 client (GetObject).</summary>
public sealed class S3CommandOutputStore : ICommandOutputStore
{
    private readonly IAmazonS3 _s3;

    public S3CommandOutputStore(IAmazonS3 s3)
    {
        _s3 = s3 ?? throw new ArgumentNullException(nameof(s3));
    }

    public async Task<string> ReadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
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
