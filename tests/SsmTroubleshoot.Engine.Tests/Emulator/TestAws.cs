using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;

namespace SsmTroubleshoot.Engine.Tests.Emulator;

/// <summary>Connections to a running emulator the way cmdlets build them (explicit keys, -EndpointUrl, no IMDS).</summary>
internal static class TestAws
{
    public const string AccessKey = "AKIAEMULATORTEST0001";
    public const string SecretKey = "emulator-test-secret";

    public static string DemoScenarioPath => Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json");

    public static World Demo() => World.LoadScenario("demo");

    public static DictionaryEnvironment Environment(IDictionary<string, string>? extra = null)
    {
        var environment = new DictionaryEnvironment(extra);
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return environment;
    }

    public static AwsConnection Connect(AwsEmulator emulator, int maxErrorRetry = 0, TimeSpan? timeout = null, string accessKey = AccessKey) =>
        AwsConnectionResolver.ResolveAsync(new AwsConnectionRequest
        {
            AccessKey = accessKey,
            SecretKey = SecretKey,
            Region = "us-east-1",
            EndpointUrl = emulator.Endpoint.ToString(),
            Environment = Environment(),
            MaxErrorRetry = maxErrorRetry,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        }, CancellationToken.None).GetAwaiter().GetResult();

    public static AwsClientFactory Factory(AwsEmulator emulator, int maxErrorRetry = 0, TimeSpan? timeout = null, string accessKey = AccessKey) =>
        new(Connect(emulator, maxErrorRetry, timeout, accessKey));

    public static async Task<AwsEmulator> StartDemoAsync() => await AwsEmulator.StartAsync(Demo());
}
