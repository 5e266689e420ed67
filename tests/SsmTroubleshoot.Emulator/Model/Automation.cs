using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SsmTroubleshoot.Emulator.Model;

/// <summary>An SSM document. Content is the JSON document itself, or a file under documents/ (<see cref="ContentFile"/>).</summary>
public sealed class SsmDocument
{
    public string Name { get; set; } = string.Empty;

    public string Owner { get; set; } = "Amazon";

    public string DocumentType { get; set; } = "Automation";

    public string DocumentVersion { get; set; } = "1";

    public string? DisplayName { get; set; }

    public string Status { get; set; } = "Active";

    public List<string> PlatformTypes { get; set; } = new() { "Windows", "Linux", "MacOS" };

    /// <summary>The document (schemaVersion, parameters, mainSteps, outputs).</summary>
    public JsonObject? Content { get; set; }

    /// <summary>A file name under the emulator's documents/ folder, read when <see cref="Content"/> is null.</summary>
    public string? ContentFile { get; set; }

    /// <summary>Describe/Get/Start answer AccessDeniedException (an AWSPremiumSupport-* runbook without the support plan).</summary>
    public bool AccessDenied { get; set; }

    /// <summary>False hides it from ListDocuments (it still answers by name).</summary>
    public bool Listed { get; set; } = true;

    /// <summary>The seven catalog runbooks shipped in documents/.</summary>
    public static List<SsmDocument> CatalogRunbooks() =>
        Directory.GetFiles(DocumentsDirectory, "AWSSupport-*.json")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new SsmDocument { Name = Path.GetFileNameWithoutExtension(f), ContentFile = Path.GetFileName(f) })
            .ToList();

    internal static string DocumentsDirectory => Path.Combine(AppContext.BaseDirectory, "documents");

    internal JsonObject LoadContent()
    {
        if (Content is not null)
        {
            return Content;
        }

        var file = ContentFile ?? Name + ".json";
        Content = JsonNode.Parse(File.ReadAllText(Path.Combine(DocumentsDirectory, file)), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        return Content;
    }

    internal string? Description => LoadContent()["description"]?.GetValue<string>();

    internal IReadOnlyList<(string Name, string Action)> Steps =>
        (LoadContent()["mainSteps"]?.AsArray() ?? new JsonArray())
            .Select(s => (s!["name"]?.GetValue<string>() ?? "step", s["action"]?.GetValue<string>() ?? "aws:executeScript"))
            .ToList();

    internal IReadOnlyList<string> Outputs =>
        (LoadContent()["outputs"]?.AsArray() ?? new JsonArray()).Select(o => o!.GetValue<string>()).ToList();

    internal JsonObject Parameters => LoadContent()["parameters"]?.AsObject() ?? new JsonObject();
}

/// <summary>How an execution runs: its outcome, where it ends, how long each step takes, and what it reports.</summary>
public sealed class AutomationScript
{
    /// <summary>Matches executions of this document (null = any).</summary>
    public string? DocumentName { get; set; }

    /// <summary>Matches executions whose instance parameter (InstanceId/UnreachableInstanceId/Source) has this value (null = any).</summary>
    public string? InstanceId { get; set; }

    /// <summary>Success, Failed, TimedOut, Cancelled, Waiting (stops at <see cref="AtStep"/> for a person) or Running (never ends).</summary>
    public string Outcome { get; set; } = "Success";

    /// <summary>1-based step where Failed/TimedOut/Cancelled/Waiting happens (default: the last step).</summary>
    public int? AtStep { get; set; }

    public string? FailureMessage { get; set; }

    /// <summary>Duration of every step on the automation clock.</summary>
    public int StepMilliseconds { get; set; } = 100;

    /// <summary>Runs this many steps (named step1..stepN after the document's own) instead of the document's: long step lists.</summary>
    public int? StepCount { get; set; }

    /// <summary>Execution outputs ("FinalOutput.Message": [...]); absent report outputs get the canned report in documents/reports/.</summary>
    public Dictionary<string, List<string>>? Outputs { get; set; }

    /// <summary>Outputs read from files under documents/reports/ ("FinalOutput.Message": "captured/tmi-no-instance-profile.txt").</summary>
    public Dictionary<string, string>? ReportFiles { get; set; }

    /// <summary>Matches the child execution of a multi-account start in this account (null = any; parents and local runs have none).</summary>
    public string? AccountId { get; set; }

    /// <summary>Matches the child execution of a multi-Region start in this Region (null = any).</summary>
    public string? Region { get; set; }

    internal bool Matches(string documentName, Dictionary<string, List<string>> parameters, string? accountId = null, string? region = null) =>
        (DocumentName is null || string.Equals(DocumentName, documentName, StringComparison.Ordinal))
        && (AccountId is null || string.Equals(AccountId, accountId, StringComparison.Ordinal))
        && (Region is null || string.Equals(Region, region, StringComparison.Ordinal))
        && (InstanceId is null || new[] { "InstanceId", "UnreachableInstanceId", "Source" }.Any(p => parameters.TryGetValue(p, out var v) && v.Contains(InstanceId)));

    internal AutomationScript Copy() => (AutomationScript)MemberwiseClone();
}

/// <summary>One automation execution: the request as sent, and the script it follows on the automation clock.</summary>
public sealed class AutomationExecution
{
    public string AutomationExecutionId { get; set; } = Guid.NewGuid().ToString();

    public string DocumentName { get; set; } = string.Empty;

    public string DocumentVersion { get; set; } = "1";

    public Dictionary<string, List<string>> Parameters { get; set; } = new(StringComparer.Ordinal);

    public string Mode { get; set; } = "Auto";

    public string? ClientToken { get; set; }

    public List<ExecutionTarget> Targets { get; set; } = new();

    public string? TargetParameterName { get; set; }

    public string? MaxConcurrency { get; set; }

    public string? MaxErrors { get; set; }

    public List<ExecutionTargetLocation> TargetLocations { get; set; } = new();

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public string? ExecutedBy { get; set; }

    public DateTime StartTime { get; set; }

    /// <summary>Set by StopAutomationExecution: the execution is Cancelled from then on.</summary>
    public DateTime? StoppedAt { get; set; }

    public AutomationScript Script { get; set; } = new();

    /// <summary>
    /// Children of a multi-account/multi-Region start (one per account x Region) or of a rate-controlled one (one per
    /// target): the parent's status and steps follow them. Kept here, not in World.AutomationExecutions, because SSM
    /// runs them in the target accounts.
    /// </summary>
    public List<AutomationExecution> Children { get; set; } = new();

    public string? ParentAutomationExecutionId { get; set; }

    /// <summary>A child's account and Region (multi-account) or target value (rate control).</summary>
    public string? ChildAccountId { get; set; }

    public string? ChildRegion { get; set; }

    public string? ChildTarget { get; set; }

    /// <summary>The StartAutomationExecution body exactly as received (null for scenario executions).</summary>
    [JsonIgnore]
    public JsonObject? Request { get; set; }
}

public sealed class ExecutionTarget
{
    public string Key { get; set; } = string.Empty;

    public List<string> Values { get; set; } = new();
}

public sealed class ExecutionTargetLocation
{
    public List<string> Accounts { get; set; } = new();

    public List<string> Regions { get; set; } = new();

    public List<string> ExcludeAccounts { get; set; } = new();

    public string? ExecutionRoleName { get; set; }

    public string? TargetLocationMaxConcurrency { get; set; }

    public string? TargetLocationMaxErrors { get; set; }
}
