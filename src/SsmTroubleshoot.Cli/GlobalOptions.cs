using System.CommandLine;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SsmTroubleshoot.Aws;

namespace SsmTroubleshoot.Cli;

/// <summary>
/// --json (every command, recursive from the root) and, on the commands that call AWS, the AWS.Tools vocabulary
/// (-Region, -ProfileName, -ProfileLocation, -AccessKey, -SecretKey, -SessionToken, -EndpointUrl).
/// </summary>
internal sealed class GlobalOptions
{
    // The same shape Test-SsmEndpoint's -Region accepts.
    private static readonly Regex RegionShape = new(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", RegexOptions.CultureInvariant);

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON (the module's property names) instead of a table.",
        Recursive = true,
    };

    public Option<string?> Region { get; } = new("--region")
    {
        Description = "AWS region (e.g. us-east-1). Default: amazon-ssm-agent.json, IMDS, AWS_REGION, AWS_DEFAULT_REGION.",
    };

    public Option<string?> Profile { get; } = new("--profile", "--profile-name")
    {
        Description = "Named profile of the shared credentials/config files.",
    };

    public Option<string?> ProfileLocation { get; } = new("--profile-location")
    {
        Description = "Path of the shared credentials file holding --profile.",
    };

    public Option<string?> AccessKey { get; } = new("--access-key")
    {
        Description = "AWS access key id (prefer profiles or the instance role).",
    };

    public Option<string?> SecretKey { get; } = new("--secret-key")
    {
        Description = "AWS secret access key (never printed).",
    };

    public Option<string?> SessionToken { get; } = new("--session-token")
    {
        Description = "Session token of temporary credentials (never printed).",
    };

    public Option<string?> EndpointUrl { get; } = new("--endpoint-url")
    {
        Description = "Send AWS API calls to this URL instead of the region's endpoint.",
    };

    public Option<int?> CallTimeoutSeconds { get; } = new("--call-timeout-seconds")
    {
        Description = "Seconds each AWS call may take, retries and the whole answer included (1-3600; default 30, or SSMTROUBLESHOOT_CALL_TIMEOUT_SECONDS).",
    };

    public GlobalOptions()
    {
        CallTimeoutSeconds.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int?>();
            if (value is < 1 or > 3600)
            {
                result.AddError($"--call-timeout-seconds {value} is outside 1-3600.");
            }
        });
        Region.Validators.Add(result =>
        {
            // network and diagnose-node read several regions (us-east-1,eu-west-1); the others reject a list when they resolve it.
            var value = result.GetValueOrDefault<string?>();
            foreach (var region in value?.Split(',') ?? System.Array.Empty<string>())
            {
                if (!RegionShape.IsMatch(region.Trim()))
                {
                    result.AddError($"'{region.Trim()}' is not a region name (for example us-east-1).");
                }
            }
        });
        EndpointUrl.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !SsmTroubleshoot.Common.HttpUrl.TryParse(value, out _))
            {
                result.AddError($"--endpoint-url '{value}' is not an http(s) URL.");
            }
        });
    }

    /// <summary>--json, on every command.</summary>
    public void AddTo(Command root) => root.Options.Add(Json);

    /// <summary>
    /// The AWS options, on a command that calls AWS only: an offline command (logs on files, runbook catalog) does not
    /// list options it would ignore. Hidden ones are accepted but not listed (logs: only --instance-id/--filter use them).
    /// </summary>
    public void AddAwsTo(Command command)
    {
        command.Options.Add(Region);
        command.Options.Add(Profile);
        command.Options.Add(ProfileLocation);
        command.Options.Add(AccessKey);
        command.Options.Add(SecretKey);
        command.Options.Add(SessionToken);
        command.Options.Add(EndpointUrl);
        command.Options.Add(CallTimeoutSeconds);
    }

    /// <summary>A second set for one command whose AWS options are accepted but not listed in its help.</summary>
    public static GlobalOptions HiddenAws()
    {
        var hidden = new GlobalOptions();
        foreach (var option in new Option[] { hidden.Region, hidden.Profile, hidden.ProfileLocation, hidden.AccessKey, hidden.SecretKey, hidden.SessionToken, hidden.EndpointUrl, hidden.CallTimeoutSeconds })
        {
            option.Hidden = true;
        }

        return hidden;
    }

    /// <summary>
    /// Credentials and region in AWS.Tools' order (options, environment, profiles, container, instance metadata) — the
    /// module's resolver without the PowerShell shell variables. Nothing found is "could not run".
    /// </summary>
    /// <param name="region">Instead of --region: the first region of a fleet run.</param>
    public async Task<AwsConnection> ConnectAsync(ParseResult parse, CancellationToken cancellationToken, string? region = null)
    {
        var settings = ReadAws(parse);
        if (string.IsNullOrEmpty(settings.AccessKey) != string.IsNullOrEmpty(settings.SecretKey))
        {
            // A command line that cannot work is a usage error (2), not a failure to run (3).
            throw new CliUsageException("--access-key and --secret-key must be given together (and --session-token only with them).");
        }

        if (!string.IsNullOrEmpty(settings.SessionToken) && string.IsNullOrEmpty(settings.AccessKey))
        {
            throw new CliUsageException("--session-token needs --access-key and --secret-key (the temporary credentials it belongs to).");
        }

        var request = new AwsConnectionRequest
        {
            Region = region ?? settings.Region,
            ProfileName = settings.ProfileName,
            ProfileLocation = settings.ProfileLocation,
            AccessKey = settings.AccessKey,
            SecretKey = settings.SecretKey,
            SessionToken = settings.SessionToken,
            EndpointUrl = settings.EndpointUrl,
            Timeout = parse.GetValue(CallTimeoutSeconds) is int seconds ? System.TimeSpan.FromSeconds(seconds) : null,
        };
        try
        {
            return await AwsConnectionResolver.ResolveAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsConfigurationException ex)
        {
            throw new CliRunException(ex.Message + " " + ex.RecommendedAction, ex);
        }
    }

    // The engines speak in the module's parameter names; say them the way this command line spells them (ProfileName -> --profile-name).
    internal static string OptionNames(string text) =>
        ModuleParameter.Replace(text, match => "--" + Regex.Replace(match.Groups[1].Value, "(?<=[a-z])(?=[A-Z])", "-").ToLowerInvariant());

    private static readonly Regex ModuleParameter = new(
        @"(?<![\w-])-(ProfileName|ProfileLocation|AccessKey|SecretKey|SessionToken|EndpointUrl|Region|EndpointOverride|HostAddressOverride|ImdsEndpoint|SkipImds|AgentConfigPath|TrustedRootCertificatePath|FileSystemRoot|TimeoutSeconds|CallTimeoutSeconds|ThrottleLimit|MaxConcurrency|MaxErrors|UseFipsEndpoint|Port|Service|AgentVersion|LatestVersionUrl|AccountId|RoleName|ExternalId|RoleSessionName)\b",
        RegexOptions.CultureInvariant);

    /// <summary>What the AWS client factory needs, read from one parse (for commands that call AWS).</summary>
    public AwsSettings ReadAws(ParseResult parse) => new(
        parse.GetValue(Region),
        parse.GetValue(Profile),
        parse.GetValue(ProfileLocation),
        parse.GetValue(AccessKey),
        parse.GetValue(SecretKey),
        parse.GetValue(SessionToken),
        parse.GetValue(EndpointUrl));
}

/// <summary>The AWS options as given; ToString never shows the secrets.</summary>
internal sealed record AwsSettings(
    string? Region,
    string? ProfileName,
    string? ProfileLocation,
    string? AccessKey,
    string? SecretKey,
    string? SessionToken,
    string? EndpointUrl)
{
    public override string ToString() =>
        $"Region={Region ?? "(default)"}, Profile={ProfileName ?? "(default)"}, AccessKey={(AccessKey is null ? "(none)" : "(given)")}, "
        + $"SecretKey={(SecretKey is null ? "(none)" : "(given)")}, SessionToken={(SessionToken is null ? "(none)" : "(given)")}, EndpointUrl={EndpointUrl ?? "(default)"}";
}
