using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SsmTroubleshoot.Emulator.Protocol;

/// <summary>
/// Checks a SigV4 Authorization header against the caller's secret (only for callers whose secret the world knows),
/// so a wrongly signed request fails like it would on AWS.
/// </summary>
internal static class SigV4Verifier
{
    public static bool Verify(HttpRequest request, byte[] body, string secretKey)
    {
        var authorization = request.Headers.Authorization.ToString();
        var parts = authorization.Split(' ', 2);
        if (parts.Length != 2 || parts[0] != "AWS4-HMAC-SHA256")
        {
            return false;
        }

        var fields = parts[1].Split(',').Select(f => f.Trim().Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            return false;
        }

        var scope = credential.Split('/');
        if (scope.Length != 5)
        {
            return false;
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        var headerNames = signedHeaders.Split(';');
        var canonicalHeaders = new StringBuilder();
        foreach (var name in headerNames)
        {
            var value = name == "host" ? request.Host.Value ?? string.Empty : string.Join(",", request.Headers[name].ToArray());
            canonicalHeaders.Append(name).Append(':').Append(CollapseSpaces(value.Trim())).Append('\n');
        }

        var payloadHash = request.Headers["X-Amz-Content-SHA256"].ToString();
        if (string.IsNullOrEmpty(payloadHash))
        {
            payloadHash = Hex(SHA256.HashData(body));
        }

        var canonicalRequest = string.Join("\n",
            request.Method,
            scope[3] == "s3" ? S3CanonicalPath(request.Path.Value) : CanonicalPath(request.Path.Value),
            CanonicalQuery(request.Query),
            canonicalHeaders.ToString(),
            signedHeaders,
            payloadHash);
        var credentialScope = string.Join("/", scope.Skip(1));
        var stringToSign = string.Join("\n", "AWS4-HMAC-SHA256", amzDate, credentialScope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { scope[1], scope[2], scope[3], scope[4] })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private static string CanonicalPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        // Non-S3 services double-encode: each segment of the (already encoded) path is encoded again.
        return string.Join("/", path.Split('/').Select(s => Uri.EscapeDataString(Uri.EscapeDataString(Uri.UnescapeDataString(s)))));
    }

    // S3 encodes each segment once (the path as sent, normalised).
    private static string S3CanonicalPath(string? path) =>
        string.IsNullOrEmpty(path) ? "/" : string.Join("/", path.Split('/').Select(s => Uri.EscapeDataString(Uri.UnescapeDataString(s))));

    private static string CanonicalQuery(IQueryCollection query) => string.Join("&", query
        .SelectMany(p => p.Value.Select(v => (Key: Uri.EscapeDataString(p.Key), Value: Uri.EscapeDataString(v ?? string.Empty))))
        .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
        .Select(p => p.Key + "=" + p.Value));

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);
}
