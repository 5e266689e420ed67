using System.Collections.Generic;

namespace SsmTroubleshoot.Network;

/// <summary>Adds one instance's check rows: what every check writes through.</summary>
internal sealed class CheckWriter
{
    private readonly List<NetworkCheck> checks;

    public CheckWriter(string instanceId, List<NetworkCheck> checks)
    {
        InstanceId = instanceId;
        this.checks = checks;
    }

    public string InstanceId { get; }

    public void Add(string checkId, string service, NetworkCheckStatus status, string detail, string? remediation) =>
        checks.Add(new NetworkCheck(InstanceId, checkId, service, status, detail, remediation));
}
