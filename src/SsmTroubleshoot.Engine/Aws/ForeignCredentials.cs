using System;
using System.Reflection;
using Amazon.Runtime;

namespace SsmTroubleshoot.Aws;

/// <summary>
/// Reads credentials from objects made in another load context (AWS.Tools' own AWSSDK.Core): same type names,
/// different types. Only reflection works: AWSPSCredentials.Credentials (internal) -> GetCredentials() ->
/// AccessKey/SecretKey/Token.
/// </summary>
internal static class ForeignCredentials
{
    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Our own credential objects pass through; others are read once into immutable keys.</summary>
    public static AWSCredentials? Unwrap(object? value, int depth = 0)
    {
        switch (value)
        {
            case null:
                return null;
            case AWSCredentials own:
                return own;
            case CredentialTriple triple:
                return Basic(triple.AccessKey, triple.SecretKey, triple.SessionToken);
        }

        if (depth > 3)
        {
            return null;
        }

        var type = value.GetType();
        var getCredentials = type.GetMethod("GetCredentials", AnyInstance, null, Type.EmptyTypes, null);
        if (getCredentials is not null)
        {
            var immutable = getCredentials.Invoke(value, null);
            if (immutable is not null)
            {
                var access = Read(immutable, "AccessKey");
                var secret = Read(immutable, "SecretKey");
                if (!string.IsNullOrEmpty(access) && !string.IsNullOrEmpty(secret))
                {
                    return Basic(access!, secret!, Read(immutable, "Token"));
                }
            }
        }

        // AWSPSCredentials (and PSObject wrappers) hold the real credentials in a property.
        foreach (var name in new[] { "Credentials", "BaseObject", "ImmediateBaseObject" })
        {
            var inner = type.GetProperty(name, AnyInstance)?.GetValue(value);
            if (inner is not null && !ReferenceEquals(inner, value))
            {
                var unwrapped = Unwrap(inner, depth + 1);
                if (unwrapped is not null)
                {
                    return unwrapped;
                }
            }
        }

        return null;
    }

    private static string? Read(object target, string property) =>
        target.GetType().GetProperty(property, AnyInstance)?.GetValue(target) as string;

    private static AWSCredentials Basic(string accessKey, string secretKey, string? token) =>
        string.IsNullOrEmpty(token) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, token);
}
