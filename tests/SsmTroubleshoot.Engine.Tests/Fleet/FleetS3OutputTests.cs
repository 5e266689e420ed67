using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Emulator;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Emulator;
using SsmTroubleshoot.Engine.Tests.Logs;
using SsmTroubleshoot.LogCollection;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Fleet;

/// <summary>Output beyond GetCommandInvocation's 24,000 characters, read back from the output bucket through the real SDK S3 client.</summary>
public sealed class FleetS3OutputTests
{
    private const string Bucket = "fleet-output-bucket";
    private const string Prefix = "ssm/logs";
    private static readonly AgentLogAnalyzer Analyzer = new(LogRuleCatalog.BuiltIn, new LogScanOptions());
    private static readonly DateTime Since = new(2024, 6, 11, 0, 0, 0, DateTimeKind.Utc);

    private static readonly FleetCollectorOptions Fast = new()
    {
        InitialPollDelay = TimeSpan.FromMilliseconds(1),
        MaxPollDelay = TimeSpan.FromMilliseconds(5),
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static World FleetWithLargeWindow()
    {
        var world = FleetWorlds.Mixed();
        world.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.LinuxBroken).StandardOutput = FleetWorlds.LargeWindow();

        // Signed requests are verified: the S3 client's SigV4 (scope s3, path-style) must be right.
        world.Callers.Add(new Caller { AccessKeyId = TestAws.AccessKey, SecretAccessKey = TestAws.SecretKey, Arn = "arn:aws:iam::123456789012:user/fleet" });
        return world;
    }

    private static async Task<(FleetLogResult Result, AwsEmulator Emulator)> CollectAsync(World world)
    {
        var emulator = await AwsEmulator.StartAsync(world);
        var factory = TestAws.Factory(emulator);
        using var ssm = factory.CreateSsm();
        using var s3 = factory.CreateS3();
        var collector = new FleetLogCollector(new SsmRunCommandApi(ssm), Fast, outputStore: new S3CommandOutputStore(s3));
        var request = new FleetLogRequest { InstanceIds = FleetWorlds.All, SinceUtc = Since, OutputS3BucketName = Bucket, OutputS3KeyPrefix = Prefix };
        return (await collector.CollectAsync(request, Analyzer, null, CancellationToken.None), emulator);
    }

    private static string[] Categories(FleetLogResult result, string instanceId) =>
        result.Issues.Where(i => i.InstanceId == instanceId).Select(i => i.Category).OrderBy(c => c, StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_window_beyond_the_inline_limit_is_read_whole_from_the_output_bucket()
    {
        var (result, emulator) = await CollectAsync(FleetWithLargeWindow());
        await using (emulator)
        {
            Assert.True(FleetWorlds.LargeWindow().Length > 24_000);
            Assert.Equal(new[] { "IamAccessDenied", "NoCredentials", "ProxyTls" }, Categories(result, FleetWorlds.LinuxBroken));

            // Only the cut output is read from S3; the others fit inline.
            Assert.Equal(1, emulator.Calls["s3:GetObject"]);
            Assert.DoesNotContain(result.Warnings, w => w.StartsWith(FleetWorlds.LinuxBroken, StringComparison.Ordinal));
            Assert.Equal(new[] { "ProxyTls" }, Categories(result, FleetWorlds.WindowsProxy));

            // With a bucket the script keeps up to 8 MB instead of 23,000 bytes.
            Assert.All(emulator.World.Commands, c => Assert.Contains(c.Parameters["commands"], line => line.Contains("8388608", StringComparison.Ordinal)));
            Assert.All(emulator.World.Commands, c => Assert.DoesNotContain(c.Parameters["commands"], line => line.Contains("23000", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_missing_object_keeps_the_inline_output_and_warns_with_bucket_and_key()
    {
        var world = FleetWithLargeWindow();
        world.CommandOutputs.Single(o => o.InstanceId == FleetWorlds.LinuxBroken).UploadsToS3 = false;
        var (result, emulator) = await CollectAsync(world);
        await using (emulator)
        {
            // The inline 24,000 characters still count: the early denial is found, the node is not lost.
            Assert.Equal(new[] { "IamAccessDenied" }, Categories(result, FleetWorlds.LinuxBroken));
            var commandId = emulator.World.Commands.Single(c => c.InstanceIds.Contains(FleetWorlds.LinuxBroken)).CommandId;
            var key = $"{Prefix}/{commandId}/{FleetWorlds.LinuxBroken}/awsrunShellScript/0.awsrunShellScript/stdout";
            var warning = Assert.Single(result.Warnings, w => w.StartsWith(FleetWorlds.LinuxBroken, StringComparison.Ordinal));
            Assert.Contains($"s3://{Bucket}/{key}", warning, StringComparison.Ordinal);
            Assert.Contains("NoSuchKey", warning, StringComparison.Ordinal);
            Assert.Equal(1, emulator.Calls["s3:GetObject"]);
        }
    }

    [Fact]
    public async Task A_denied_read_keeps_the_inline_output_and_names_the_missing_permission()
    {
        var world = FleetWithLargeWindow();
        world.Denies.Add(new Deny { Principal = "*", Action = "s3:GetObject" });
        var (result, emulator) = await CollectAsync(world);
        await using (emulator)
        {
            Assert.Equal(new[] { "IamAccessDenied" }, Categories(result, FleetWorlds.LinuxBroken));
            Assert.Equal(3, result.Collected);
            var warning = Assert.Single(result.Warnings, w => w.StartsWith(FleetWorlds.LinuxBroken, StringComparison.Ordinal));
            Assert.Contains("AccessDenied", warning, StringComparison.Ordinal);
            Assert.Contains($"s3:GetObject on arn:aws:s3:::{Bucket}/{Prefix}/", warning, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://s3.us-east-1.amazonaws.com/my-bucket/p/c1/i-1/awsrunShellScript/0.awsrunShellScript/stdout", "my-bucket", "p/c1/i-1/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("https://my-bucket.s3.eu-west-1.amazonaws.com/c1/i-1/awsrunPowerShellScript/0.awsrunPowerShellScript/stdout", "my-bucket", "c1/i-1/awsrunPowerShellScript/0.awsrunPowerShellScript/stdout")]
    public void Standard_output_urls_name_bucket_and_key(string url, string bucket, string key)
    {
        Assert.Equal((bucket, key), CommandOutputLocation.FromUrl(url));
        Assert.Null(CommandOutputLocation.FromUrl(string.Empty));
    }

    [Fact]
    public void The_fallback_key_follows_run_commands_layout()
    {
        Assert.Equal("pre/c1/i-1/awsrunPowerShellScript/0.awsrunPowerShellScript/stdout",
            CommandOutputLocation.StandardOutputKey("pre/", "c1", "i-1", CollectionScripts.PowerShellDocument));
        Assert.Equal("c1/i-1/awsrunShellScript/0.awsrunShellScript/stdout", CommandOutputLocation.StandardOutputKey(null, "c1", "i-1", CollectionScripts.ShellDocument));
    }
}
