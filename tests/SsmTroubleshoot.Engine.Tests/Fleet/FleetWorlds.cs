using System.Collections.Generic;
using System.Text;
using SsmTroubleshoot.Emulator.Model;
using SsmTroubleshoot.Engine.Tests.Logs;

namespace SsmTroubleshoot.Engine.Tests.Fleet;

/// <summary>A mixed fleet for Run Command log collection: Linux and Windows nodes with real agent log text, an offline node, a failing invocation.</summary>
internal static class FleetWorlds
{
    internal const string LinuxBroken = "i-0f1e2d3c4b5a60001";
    internal const string LinuxHealthy = "i-0f1e2d3c4b5a60002";
    internal const string WindowsProxy = "i-0f1e2d3c4b5a60003";
    internal const string Offline = "i-0f1e2d3c4b5a60004";
    internal const string Failing = "i-0f1e2d3c4b5a60005";
    internal const string NotRegistered = "i-0f1e2d3c4b5a60009";

    internal static readonly string[] All = { LinuxBroken, LinuxHealthy, WindowsProxy, Offline, Failing, NotRegistered };

    internal static World Mixed()
    {
        var world = new World();
        void Node(string id, string platform, string ping, string environment)
        {
            world.InstanceInformation.Add(new InstanceInformation
            {
                InstanceId = id,
                PlatformType = platform,
                PlatformName = platform == "Windows" ? "Microsoft Windows Server 2022 Datacenter" : "Amazon Linux",
                PingStatus = ping,
                ComputerName = id + ".ec2.internal",
            });
            world.Instances.Add(new Instance { InstanceId = id, Platform = platform == "Windows" ? "windows" : null, Tags = new Dictionary<string, string> { ["Environment"] = environment } });
        }

        Node(LinuxBroken, "Linux", "Online", "prod");
        Node(LinuxHealthy, "Linux", "Online", "prod");
        Node(WindowsProxy, "Windows", "Online", "prod");
        Node(Offline, "Linux", "ConnectionLost", "prod");
        Node(Failing, "Linux", "Online", "test");
        world.CommandOutputs.Add(new CommandOutput
        {
            InstanceId = LinuxBroken,
            StandardOutput = "#SsmTroubleshoot-collect v1 total=90000 sent=23000 files=1 dir=/var/log/amazon/ssm\n"
                + AgentLogSamples.ByCategory["IamAccessDenied"] + AgentLogSamples.ByCategory["EndpointUnreachable"] + AgentLogSamples.ByCategory["EndpointUnreachable"],
            PollsInProgress = 1,
        });
        world.CommandOutputs.Add(new CommandOutput
        {
            InstanceId = LinuxHealthy,
            StandardOutput = "#SsmTroubleshoot-collect v1 total=2000 sent=2000 files=1 dir=/var/log/amazon/ssm\n" + AgentLogSamples.Benign,
        });
        world.CommandOutputs.Add(new CommandOutput
        {
            InstanceId = WindowsProxy,
            StandardOutput = "#SsmTroubleshoot-collect v1 total=400 sent=400 files=1 dir=C:\\ProgramData\\Amazon\\SSM\\Logs\n" + AgentLogSamples.ByCategory["ProxyTls"],
        });
        world.CommandOutputs.Add(new CommandOutput
        {
            InstanceId = Failing,
            Status = "Failed",
            StandardError = "awk: cannot open /var/log/amazon/ssm/amazon-ssm-agent.log (Permission denied)",
            ResponseCode = 2,
        });
        return world;
    }

    /// <summary>An early IAM denial (inside the inline limit), 30 KB of healthy log, then two issues only S3 holds.</summary>
    internal static string LargeWindow()
    {
        var body = new StringBuilder(AgentLogSamples.ByCategory["IamAccessDenied"]);
        while (body.Length < 30_000)
        {
            body.Append(AgentLogSamples.Benign);
        }

        body.Append(AgentLogSamples.ByCategory["NoCredentials"]).Append(AgentLogSamples.ByCategory["ProxyTls"]);
        var bytes = Encoding.UTF8.GetByteCount(body.ToString());
        return $"#SsmTroubleshoot-collect v1 total={bytes} sent={bytes} files=1 dir=/var/log/amazon/ssm\n" + body;
    }
}
