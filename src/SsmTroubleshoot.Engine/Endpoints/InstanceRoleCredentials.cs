using System;
using System.Text.Json;

namespace SsmTroubleshoot.Endpoints;

/// <summary>
/// The instance profile's temporary credentials as IMDS handed them to the agent. Internal and never output: only the
/// STS check signs with them. ToString names the role only, so a stray format or debug line cannot leak a key.
/// </summary>
internal sealed class InstanceRoleCredentials
{
    private InstanceRoleCredentials(string roleName, string accessKeyId, string secretAccessKey, string? token, DateTimeOffset? expiration)
    {
        RoleName = roleName;
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        Token = token;
        Expiration = expiration;
    }

    public string RoleName { get; }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string? Token { get; }

    public DateTimeOffset? Expiration { get; }

    /// <summary>Null when the document lacks a key id or secret (the Code then says why).</summary>
    internal static InstanceRoleCredentials? Parse(string roleName, string json, DateTimeOffset? expiration)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Read(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var key = Read("AccessKeyId");
            var secret = Read("SecretAccessKey");
            return string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret)
                ? null
                : new InstanceRoleCredentials(roleName, key!, secret!, Read("Token"), expiration);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() => "credentials of role " + RoleName;
}
