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
            // Read now to prove the object holds keys, then again on every signing: an AWS.Tools object over
            // assumed-role, SSO or instance credentials refreshes itself, and a copy would expire mid-run.
            if (ReadKeys(value, getCredentials) is not null)
            {
                return new LiveForeignCredentials(value, getCredentials);
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

    internal static ImmutableCredentials? ReadKeys(object source, MethodInfo getCredentials)
    {
        var immutable = getCredentials.Invoke(source, null);
        if (immutable is null)
        {
            return null;
        }

        var access = Read(immutable, "AccessKey");
        var secret = Read(immutable, "SecretKey");
        return string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret) ? null : new ImmutableCredentials(access, secret, Read(immutable, "Token"));
    }

    private static string? Read(object target, string property) =>
        target.GetType().GetProperty(property, AnyInstance)?.GetValue(target) as string;

    private static AWSCredentials Basic(string accessKey, string secretKey, string? token) =>
        string.IsNullOrEmpty(token) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, token);
}

/// <summary>A foreign credentials object asked for its current keys each time the SDK signs.</summary>
internal sealed class LiveForeignCredentials : AWSCredentials
{
    private readonly object _source;
    private readonly MethodInfo _getCredentials;

    public LiveForeignCredentials(object source, MethodInfo getCredentials)
    {
        _source = source;
        _getCredentials = getCredentials;
    }

    public override ImmutableCredentials GetCredentials()
    {
        try
        {
            return ForeignCredentials.ReadKeys(_source, _getCredentials)
                   ?? throw new InvalidOperationException($"The {_source.GetType().Name} passed as credentials no longer has keys.");
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // The object's own refresh failed (an expired SSO sign-in, a revoked role): its reason, not reflection's.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    public override System.Threading.Tasks.Task<ImmutableCredentials> GetCredentialsAsync() => System.Threading.Tasks.Task.Run(GetCredentials);
}
