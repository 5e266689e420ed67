using System;
using System.Threading.Tasks;
using SsmTroubleshoot.Cli.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Cli.Tests.Commands;

/// <summary>The root: help, usage errors mapped to 2, the AWS options defined once for every command, no secret echoed.</summary>
public sealed class GlobalOptionTests
{
    [Fact]
    public async Task Help_lists_the_commands_and_the_global_options_and_exits_0()
    {
        var result = await CliRun.RunAsync("--help");
        Assert.Equal(ExitCodes.Healthy, result.ExitCode);
        foreach (var text in new[] { "logs", "endpoints", "diagnose", "network", "runbook", "--json" })
        {
            Assert.Contains(text, result.Output);
        }

        // The AWS options belong to the commands that call AWS, not to the root.
        Assert.DoesNotContain("  --profile", result.Output);

        var logs = await CliRun.RunAsync("logs", "--help");
        Assert.Equal(ExitCodes.Healthy, logs.ExitCode);
        Assert.Contains("--include-unclassified", logs.Output);
        Assert.DoesNotContain("  --region ", logs.Output);
    }

    [Theory]
    [InlineData("logs", "--since --until --last --category --as-entry --include-unclassified --rule-path")]
    [InlineData("endpoints", "--service --timeout-seconds --use-fips-endpoint --agent-config-path --imds-endpoint --skip-imds --endpoint-override --port --host-address --trusted-root-certificate-path --file-system-root --region")]
    [InlineData("diagnose", "--agent-version --latest-version-url --sts-endpoint-url --service --timeout-seconds --use-fips-endpoint --agent-config-path --imds-endpoint --skip-imds --endpoint-override --port --host-address --trusted-root-certificate-path --file-system-root --region")]
    [InlineData("network", "--instance-id --filter --all --include-optional-service --throttle-limit --detailed --region --profile --profile-location --access-key --secret-key --session-token --endpoint-url")]
    [InlineData("context", "--region --profile --profile-location --access-key --secret-key --session-token --endpoint-url")]
    public async Task Each_command_offers_the_cmdlets_parameters_as_options(string command, string options)
    {
        var result = await CliRun.RunAsync(command, "--help");
        Assert.Equal(ExitCodes.Healthy, result.ExitCode);
        foreach (var option in options.Split(' '))
        {
            Assert.Contains("  " + option + " ", result.Output.Replace(",", " "));
        }
    }

    [Theory]
    [InlineData(new string[0], "Required command was not provided")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "runbook" }, "Required command was not provided")]
    [InlineData(new[] { "runbook", "find", "--region", "us-east" }, "'us-east' is not a region name")]
    [InlineData(new[] { "runbook", "find", "--endpoint-url", "ftp://x" }, "--endpoint-url 'ftp://x' is not an http(s) URL")]
    [InlineData(new[] { "runbook", "catalog", "--json", "extra" }, "extra")]
    public async Task Parse_errors_exit_2_not_1(string[] args, string message)
    {
        var result = await CliRun.RunAsync(args);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task Aws_options_are_accepted_by_every_command_and_secrets_are_never_echoed()
    {
        const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
        const string Token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
        var result = await CliRun.RunAsync("logs", "/nonexistent/amazon-ssm-agent.log", "--region", "eu-west-1", "--profile", "ops", "--access-key", "AKIAEXAMPLEEXAMPLE12",
            "--secret-key", Secret, "--session-token", Token, "--endpoint-url", "http://127.0.0.1:1");
        Assert.Equal(ExitCodes.CouldNotRun, result.ExitCode);
        Assert.DoesNotContain(Secret, result.Output + result.Error);
        Assert.DoesNotContain(Token, result.Output + result.Error);

        var misspelt = await CliRun.RunAsync("runbook", "catalog", "--secret-key", Secret, "--sesion-token", Token);
        Assert.Equal(ExitCodes.UsageError, misspelt.ExitCode);
        Assert.DoesNotContain(Secret, misspelt.Error);
    }

    [Fact]
    public void The_aws_settings_read_from_a_parse_never_print_secrets()
    {
        var global = new GlobalOptions();
        var root = new System.CommandLine.RootCommand();
        global.AddTo(root);
        global.AddAwsTo(root);
        var parse = root.Parse(new[] { "--region", "us-east-1", "--profile-name", "ops", "--access-key", "AKIAEXAMPLE", "--secret-key", "s3cr3t", "--session-token", "t0k3n" });
        Assert.Empty(parse.Errors);
        var aws = global.ReadAws(parse);
        Assert.Equal(("us-east-1", "ops", "AKIAEXAMPLE", "s3cr3t", "t0k3n"), (aws.Region, aws.ProfileName, aws.AccessKey, aws.SecretKey, aws.SessionToken));
        Assert.DoesNotContain("s3cr3t", aws.ToString());
        Assert.DoesNotContain("t0k3n", aws.ToString());
    }
}
