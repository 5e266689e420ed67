using System;
using System.Collections.Generic;
using System.Linq;

namespace SsmTroubleshoot.Automation;

/// <summary>What a runbook does to the instance or the account.</summary>
public enum DisruptionKind
{
    StopsInstance,
    CreatesAmi,
    InstanceStoreDataLost,
    PublicIpMayChange,
    ChangesConfiguration,

    /// <summary>Creates temporary or billed resources (rescue instance, stack, Reachability Analyzer analyses).</summary>
    CreatesResources,
}

/// <summary>ShouldProcess impact, kept free of System.Management.Automation (maps 1:1 to ConfirmImpact).</summary>
public enum RunbookImpact
{
    Medium,
    High,
}

/// <summary>One disruption fact; conditional ones apply only when a parameter has a given value.</summary>
public sealed class RunbookDisruption
{
    public RunbookDisruption(DisruptionKind kind, string description, string? whenParameter = null, string? whenValue = null, bool unlessValue = false)
    {
        Kind = kind;
        Description = description;
        WhenParameter = whenParameter;
        WhenValue = whenValue;
        UnlessValue = unlessValue;
    }

    public DisruptionKind Kind { get; }

    public string Description { get; }

    /// <summary>Parameter that switches this disruption on; null = always.</summary>
    public string? WhenParameter { get; }

    public string? WhenValue { get; }

    /// <summary>True: applies when the parameter is given with any value other than <see cref="WhenValue"/> (its read-only default).</summary>
    public bool UnlessValue { get; }

    public bool IsConditional => WhenParameter is not null;

    /// <summary>Changes the instance itself (as opposed to creating side resources): drives ConfirmImpact High.</summary>
    public bool AffectsInstance => Kind != DisruptionKind.CreatesResources;

    public bool AppliesTo(IReadOnlyDictionary<string, IReadOnlyList<string>>? parameters)
    {
        if (WhenParameter is null)
        {
            return true;
        }

        if (parameters is null || !parameters.TryGetValue(WhenParameter, out var values) || values.Count == 0)
        {
            return false; // not given: the document default applies, and conditional effects are off by default
        }

        var matches = values.Any(v => string.Equals(v, WhenValue, StringComparison.OrdinalIgnoreCase));
        return UnlessValue ? !matches : matches;
    }

    public override string ToString() =>
        WhenParameter is null ? Description : $"{Description} (when {WhenParameter}{(UnlessValue ? "!=" : "=")}{WhenValue})";
}

/// <summary>A built-in catalog entry: what the runbook is for and what it does to the instance.</summary>
public sealed class CatalogRunbook
{
    internal CatalogRunbook(
        string name,
        string purpose,
        string instanceParameterName,
        string platforms,
        IReadOnlyList<RunbookDisruption> disruptions,
        IReadOnlyList<string> reportOutputs,
        IReadOnlyList<string> logParameters,
        IReadOnlyList<string> notes)
    {
        Name = name;
        Purpose = purpose;
        InstanceParameterName = instanceParameterName;
        Platforms = platforms;
        Disruptions = disruptions;
        ReportOutputs = reportOutputs;
        LogParameters = logParameters;
        Notes = notes;
    }

    public string Name { get; }

    public string Purpose { get; }

    /// <summary>The parameter -InstanceId maps to (InstanceId, UnreachableInstanceId, Source).</summary>
    public string InstanceParameterName { get; }

    public string Platforms { get; }

    public IReadOnlyList<RunbookDisruption> Disruptions { get; }

    /// <summary>Outputs ("step.Output") whose text is a report worth parsing into findings or showing.</summary>
    public IReadOnlyList<string> ReportOutputs { get; }

    /// <summary>Parameters that name where the runbook uploads logs (bucket first, then prefix).</summary>
    public IReadOnlyList<string> LogParameters { get; }

    public IReadOnlyList<string> Notes { get; }

    public bool IsPremiumSupport => RunbookCatalog.IsPremiumSupportRunbook(Name);

    /// <summary>True when the runbook can change the instance for some parameter values.</summary>
    public bool CanDisrupt => Disruptions.Any(d => d.AffectsInstance);

    public IReadOnlyList<RunbookDisruption> ActiveDisruptions(IReadOnlyDictionary<string, IReadOnlyList<string>>? parameters) =>
        Disruptions.Where(d => d.AppliesTo(parameters)).ToList();

    public RunbookImpact ImpactFor(IReadOnlyDictionary<string, IReadOnlyList<string>>? parameters) =>
        ActiveDisruptions(parameters).Any(d => d.AffectsInstance) ? RunbookImpact.High : RunbookImpact.Medium;

    /// <summary>The ShouldProcess text: what will happen to the instance with these parameters.</summary>
    public string DescribeEffects(string? target, IReadOnlyDictionary<string, IReadOnlyList<string>>? parameters)
    {
        var active = ActiveDisruptions(parameters);
        var who = string.IsNullOrEmpty(target) ? "the instance" : target;
        if (active.Count == 0)
        {
            return $"{Name} on {who}: {Purpose} It does not stop or change {who}.";
        }

        return $"{Name} on {who}: " + string.Join(" ", active.Select(d => d.Description));
    }
}

/// <summary>The runbooks that matter for managed-node troubleshooting, and the SAW naming rules.</summary>
public static class RunbookCatalog
{
    public const string SupportPrefix = "AWSSupport-";
    public const string PremiumSupportPrefix = "AWSPremiumSupport-";

    private const string StopText = "Stops the instance.";
    private const string AmiText = "Creates a backup AMI of the instance.";
    private const string InstanceStoreText = "Data on instance store volumes is lost.";
    private const string PublicIpText = "An auto-assigned public IPv4 address changes (Elastic IPs and private IPs stay).";

    private static readonly IReadOnlyList<CatalogRunbook> Entries = new[]
    {
        new CatalogRunbook(
            "AWSSupport-TroubleshootManagedInstance",
            "Checks why an EC2 instance is not a managed node: VPC endpoint, routes, NACLs, security groups, instance profile.",
            "InstanceId",
            "Linux, macOS, Windows",
            Array.Empty<RunbookDisruption>(),
            new[] { "FinalOutput.Message" },
            Array.Empty<string>(),
            new[] { "Reads configuration only; runs nothing on the instance.", "Only the ssm endpoint is checked, IPv6 is not evaluated." }),
        new CatalogRunbook(
            "AWSSupport-ExecuteEC2Rescue",
            "Runs EC2Rescue offline against an unreachable instance's root volume and repairs common connectivity problems.",
            "UnreachableInstanceId",
            "Linux, Windows",
            new[]
            {
                new RunbookDisruption(DisruptionKind.StopsInstance, StopText),
                new RunbookDisruption(DisruptionKind.CreatesAmi, AmiText),
                new RunbookDisruption(DisruptionKind.InstanceStoreDataLost, InstanceStoreText),
                new RunbookDisruption(DisruptionKind.PublicIpMayChange, PublicIpText),
                new RunbookDisruption(DisruptionKind.CreatesResources, "Launches a temporary EC2Rescue instance (and a VPC unless SubnetId is given)."),
            },
            new[] { "getEC2RescueForWindowsResult.Output", "getWindowsBackupAmi.ImageId", "getEC2RescueForLinuxResult.Output", "getLinuxBackupAmi.ImageId" },
            new[] { "LogDestination" },
            new[] { "Encrypted root volumes are not supported.", "Runs AWSSupport-StartEC2RescueWorkflow as a child automation." }),
        new CatalogRunbook(
            "AWSSupport-StartEC2RescueWorkflow",
            "Mounts the instance's root volume on a rescue instance and runs your offline script against it.",
            "InstanceId",
            "Linux, Windows",
            new[]
            {
                new RunbookDisruption(DisruptionKind.StopsInstance, StopText),
                new RunbookDisruption(DisruptionKind.InstanceStoreDataLost, InstanceStoreText),
                new RunbookDisruption(DisruptionKind.PublicIpMayChange, PublicIpText),
                new RunbookDisruption(DisruptionKind.CreatesAmi, AmiText, "CreatePreEC2RescueBackup", "True"),
                new RunbookDisruption(DisruptionKind.CreatesAmi, "Creates an AMI after the script ran.", "CreatePostEC2RescueBackup", "True"),
                new RunbookDisruption(DisruptionKind.CreatesResources, "Creates a CloudFormation stack, a Lambda function and a rescue instance."),
            },
            new[] { "runScriptForLinux.Output", "runScriptForWindows.Output", "preScriptBackup.ImageId", "postScriptBackup.ImageId" },
            new[] { "S3BucketName", "S3Prefix" },
            new[] { "OfflineScript is required (base64 Bash or PowerShell).", "Marketplace AMIs are not supported." }),
        new CatalogRunbook(
            "AWSSupport-TroubleshootSSH",
            "Installs EC2Rescue for Linux and checks (or fixes) what blocks SSH.",
            "InstanceId",
            "Linux",
            new[]
            {
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Changes SSH configuration on the instance.", "Action", "FixAll"),
                new RunbookDisruption(DisruptionKind.StopsInstance, StopText, "AllowOffline", "True"),
                new RunbookDisruption(DisruptionKind.CreatesAmi, AmiText, "AllowOffline", "True"),
                new RunbookDisruption(DisruptionKind.InstanceStoreDataLost, InstanceStoreText, "AllowOffline", "True"),
                new RunbookDisruption(DisruptionKind.PublicIpMayChange, PublicIpText, "AllowOffline", "True"),
            },
            // The outputs the runbook reference lists; the online one is EC2Rescue's openssh module result ("module run/openssh [FAILURE] ...").
            new[] { "troubleshootSSH.Output", "troubleshootSSHOffline.Output", "troubleshootSSHOfflineWithSubnetId.Output" },
            new[] { "S3BucketName" },
            new[] { "Read-only with Action=CheckAll (the default)." }),
        new CatalogRunbook(
            "AWSSupport-TroubleshootRDP",
            "Checks (or changes) RDP service, port, firewall and NLA settings on a Windows instance.",
            "InstanceId",
            "Windows",
            new[]
            {
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Restores default RDP settings, disables NLA and disables the Windows Firewall (all profiles).", "Action", "FixAll"),
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Disables the Windows Firewall (all profiles).", "Firewall", "Check", unlessValue: true),
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Changes the RDP service startup type.", "RDPServiceStartupType", "Check", unlessValue: true),
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Starts or restarts the RDP service (TermService).", "RDPServiceAction", "Check", unlessValue: true),
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Sets the RDP port back to 3389 and restarts the service.", "RDPPortAction", "Check", unlessValue: true),
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Disables Network Level Authentication.", "NLASettingAction", "Check", unlessValue: true),
                new RunbookDisruption(DisruptionKind.ChangesConfiguration, "Enables remote connections (fDenyTSConnections).", "RemoteConnections", "Check", unlessValue: true),
                new RunbookDisruption(DisruptionKind.StopsInstance, StopText, "AllowOffline", "True"),
                new RunbookDisruption(DisruptionKind.CreatesAmi, AmiText, "AllowOffline", "True"),
                new RunbookDisruption(DisruptionKind.InstanceStoreDataLost, InstanceStoreText, "AllowOffline", "True"),
                new RunbookDisruption(DisruptionKind.PublicIpMayChange, PublicIpText, "AllowOffline", "True"),
            },
            Array.Empty<string>(),
            new[] { "S3BucketName" },
            new[] { "Action=Custom (the default) changes only the settings whose parameters are not Check; CheckAll reads only.", "Offline remediation (AllowOffline=True with FixAll) runs AWSSupport-ExecuteEC2Rescue." }),
        new CatalogRunbook(
            "AWSSupport-TroubleshootSessionManager",
            "Checks why Session Manager cannot connect: managed-node state, agent version, instance profile, ssm-cli diagnostics.",
            "InstanceId",
            "Linux, macOS, Windows",
            new[]
            {
                new RunbookDisruption(DisruptionKind.CreatesResources, "Its AnalyzeAWSEndpointReachabilityFromEC2 child creates billed Reachability Analyzer analyses."),
            },
            new[] { "generateReport.EvalReport" },
            Array.Empty<string>(),
            new[] { "Runs ssm-cli through Run Command; starts TroubleshootManagedInstance and AnalyzeAWSEndpointReachabilityFromEC2 as children.", "Hybrid nodes are not supported." }),
        new CatalogRunbook(
            "AWSSupport-AnalyzeAWSEndpointReachabilityFromEC2",
            "Analyzes with Reachability Analyzer whether an instance or ENI can reach an AWS service endpoint.",
            "Source",
            "Any",
            new[]
            {
                new RunbookDisruption(DisruptionKind.CreatesResources, "Creates billed Reachability Analyzer paths and analyses."),
            },
            new[] { "generateReport.EvalReport", "generateJsonOutput.Output" },
            Array.Empty<string>(),
            new[] { "Source (required) takes an instance id or a network interface id; ServiceEndpoint (required) is the endpoint host name.", "IPv6 is not analyzed." }),
    };

    private static readonly Dictionary<string, CatalogRunbook> ByName =
        Entries.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<CatalogRunbook> All => Entries;

    /// <summary>Catalog entry by name (case-insensitive; an ARN or "name:version" is reduced to the name).</summary>
    public static CatalogRunbook? Find(string? documentName)
    {
        var name = NameOf(documentName);
        return name is not null && ByName.TryGetValue(name, out var entry) ? entry : null;
    }

    /// <summary>Catalog names starting with what was typed (with or without the AWSSupport- prefix), for -Name completion.</summary>
    public static IReadOnlyList<string> Complete(string? typed)
    {
        var text = (typed ?? string.Empty).Trim('\'', '"', ' ');
        return Entries
            .Select(e => e.Name)
            .Where(n => n.StartsWith(text, StringComparison.OrdinalIgnoreCase)
                || n.Substring(SupportPrefix.Length).StartsWith(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
    }

    public static bool IsSupportRunbook(string? documentName)
    {
        var name = NameOf(documentName);
        return name is not null
            && (name.StartsWith(SupportPrefix, StringComparison.Ordinal) || name.StartsWith(PremiumSupportPrefix, StringComparison.Ordinal));
    }

    /// <summary>AWSPremiumSupport-* runbooks need a Business, Enterprise On-Ramp or Enterprise Support plan.</summary>
    public static bool IsPremiumSupportRunbook(string? documentName) =>
        NameOf(documentName)?.StartsWith(PremiumSupportPrefix, StringComparison.Ordinal) == true;

    /// <summary>The plain document name of an ARN (arn:...:document/Name) or a name.</summary>
    public static string? NameOf(string? documentName)
    {
        if (string.IsNullOrWhiteSpace(documentName))
        {
            return null;
        }

        var name = documentName!.Trim();
        var slash = name.LastIndexOf('/');
        if (name.StartsWith("arn:", StringComparison.OrdinalIgnoreCase) && slash >= 0)
        {
            name = name.Substring(slash + 1);
        }

        return name;
    }
}
