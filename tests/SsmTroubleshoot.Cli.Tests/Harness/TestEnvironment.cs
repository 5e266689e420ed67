using System;
using System.Runtime.CompilerServices;

namespace SsmTroubleshoot.Cli.Tests.Harness;

internal static class TestEnvironment
{
    // In-process runs share this process: no SDK client in these tests may fall back to the real instance metadata service.
#pragma warning disable CA2255 // A module initializer is the one place that runs before any test of the assembly.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void DisableInstanceMetadata() => Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
}
