using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SsmTroubleshoot.Endpoints;

/// <summary>What the service manager knows about the agent.</summary>
public sealed class AgentServiceState
{
    public bool Installed { get; init; }

    public bool Running { get; init; }

    /// <summary>systemd, snap, upstart or Windows SCM.</summary>
    public string? Manager { get; init; }

    /// <summary>root / uid N on Linux, the service account (LocalSystem) on Windows.</summary>
    public string? RunAs { get; init; }

    /// <summary>True for root or LocalSystem, which the agent needs.</summary>
    public bool? Privileged { get; init; }

    /// <summary>enabled/disabled (systemd), AUTO_START/DEMAND_START/DISABLED (Windows).</summary>
    public string? StartType { get; init; }

    public bool? StartsAtBoot { get; init; }

    public int? ProcessId { get; init; }
}

/// <summary>The service-manager query; tests and mounted volumes answer it from files.</summary>
public interface IAgentServiceQuery
{
    Task<AgentServiceState> QueryAsync(CancellationToken cancellationToken);
}

/// <summary>Linux: unit files, boot links and the running process, read from the (possibly redirected) file system.</summary>
public sealed class LinuxAgentServiceQuery : IAgentServiceQuery
{
    private static readonly string[] UnitDirectories = { "/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system" };
    private readonly HostFileSystem _fileSystem;

    public LinuxAgentServiceQuery(HostFileSystem fileSystem) => _fileSystem = fileSystem ?? throw new ArgumentNullException(nameof(fileSystem));

    public Task<AgentServiceState> QueryAsync(CancellationToken cancellationToken)
    {
        var snap = _fileSystem.ListDirectories("/snap/amazon-ssm-agent").Count > 0
            || UnitDirectories.Any(d => _fileSystem.FileExists(d + "/snap.amazon-ssm-agent.amazon-ssm-agent.service"));
        var systemd = UnitDirectories.Any(d => _fileSystem.FileExists(d + "/amazon-ssm-agent.service"));
        var upstart = _fileSystem.FileExists("/etc/init/amazon-ssm-agent.conf");
        var unit = snap ? "snap.amazon-ssm-agent.amazon-ssm-agent.service" : "amazon-ssm-agent.service";
        bool? enabled = snap || systemd
            ? _fileSystem.FileExists("/etc/systemd/system/multi-user.target.wants/" + unit)
            : upstart ? true : null;
        var pid = AgentProxyDiscovery.FindAgentPid(_fileSystem);
        string? runAs = null;
        bool? privileged = null;
        if (pid is not null)
        {
            var status = _fileSystem.TryReadText("/proc/" + pid + "/status");
            var uidLine = status?.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var effective = uidLine?.Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries).Skip(2).FirstOrDefault();
            if (effective is not null)
            {
                runAs = effective == "0" ? "root" : "uid " + effective;
                privileged = effective == "0";
            }
        }

        return Task.FromResult(new AgentServiceState
        {
            Installed = snap || systemd || upstart || _fileSystem.FileExists("/usr/bin/amazon-ssm-agent"),
            Running = pid is not null,
            Manager = snap ? "snap" : systemd ? "systemd" : upstart ? "upstart" : null,
            StartType = enabled is null ? null : enabled.Value ? "enabled" : "disabled",
            StartsAtBoot = enabled,
            ProcessId = pid is null ? null : int.Parse(pid, CultureInfo.InvariantCulture),
            RunAs = runAs,
            Privileged = privileged,
        });
    }
}

/// <summary>Windows: the AmazonSSMAgent service through sc.exe (state, start type, account).</summary>
public sealed class WindowsAgentServiceQuery : IAgentServiceQuery
{
    private readonly TimeSpan _timeout;

    public WindowsAgentServiceQuery(TimeSpan timeout) => _timeout = timeout;

    public async Task<AgentServiceState> QueryAsync(CancellationToken cancellationToken)
    {
        var query = await RunAsync("query AmazonSSMAgent", cancellationToken).ConfigureAwait(false);
        if (query is null || query.IndexOf("STATE", StringComparison.Ordinal) < 0)
        {
            return new AgentServiceState { Installed = false, Manager = "Windows SCM" };
        }

        var config = await RunAsync("qc AmazonSSMAgent", cancellationToken).ConfigureAwait(false) ?? string.Empty;
        var startType = Field(config, "START_TYPE");
        var account = Field(config, "SERVICE_START_NAME");
        return new AgentServiceState
        {
            Installed = true,
            Running = Field(query, "STATE")?.IndexOf("RUNNING", StringComparison.Ordinal) >= 0,
            Manager = "Windows SCM",
            StartType = startType,
            StartsAtBoot = startType?.IndexOf("AUTO_START", StringComparison.Ordinal) >= 0,
            RunAs = account,
            Privileged = account is not null && (account.Equals("LocalSystem", StringComparison.OrdinalIgnoreCase)
                || account.Equals(@"NT AUTHORITY\SYSTEM", StringComparison.OrdinalIgnoreCase)),
        };
    }

    private static string? Field(string text, string name)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        var colon = line?.IndexOf(':') ?? -1;
        return colon < 0 ? null : line!.Substring(colon + 1).Trim();
    }

    private async Task<string?> RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("sc.exe", arguments) { RedirectStandardOutput = true, UseShellExecute = false, CreateNoWindow = true };
        using var process = Process.Start(info);
        if (process is null)
        {
            return null;
        }

        var output = process.StandardOutput.ReadToEndAsync();
        try
        {
            return await Deadline.Within(output, _timeout, cancellationToken, process).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
