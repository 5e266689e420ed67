using System.Collections.Generic;

namespace SsmTroubleshoot.Emulator;

/// <summary>
/// What the emulator prints at start: how to point each front end at it. The CLI lines come first because the CLI is
/// what runs where PowerShell is not installed; both are the same endpoint, region and dummy keys.
/// </summary>
public static class EmulatorBanner
{
    /// <summary>Dummy credentials the emulator accepts (it checks the signature's shape, not the key).</summary>
    public const string AccessKey = "AKIAEMULATOR";

    /// <summary>The matching dummy secret (not a secret: the emulator serves only 127.0.0.1).</summary>
    public const string SecretKey = "emulator";

    public static IReadOnlyList<string> Lines(string endpoint, string region) => new[]
    {
        "Point the CLI at it (options):",
        $"  ssmtroubleshoot context --endpoint-url {endpoint} --region {region} --access-key {AccessKey} --secret-key {SecretKey}",
        "or (environment, then any command, e.g. ssmtroubleshoot diagnose-node --all):",
        $"  export AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID={AccessKey} AWS_SECRET_ACCESS_KEY={SecretKey}",
        $"  (PowerShell: $env:AWS_ENDPOINT_URL = '{endpoint}'; cmd.exe: set AWS_ENDPOINT_URL={endpoint} ...)",
        "Point the module at it:",
        $"  -EndpointUrl {endpoint} -Region {region} -AccessKey {AccessKey} -SecretKey {SecretKey}",
    };
}
