using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>The core family (core/, agent/agent*, core manager, worker provider, IPC) and the worker's health check and hibernation, as the agent writes them.</summary>
public sealed class Family_Core_Tests
{
    private const string InstanceId = "i-0123456789abcdef0";

    private static (IReadOnlyList<SsmAgentLogIssue> Issues, List<SsmAgentLogEntry> Entries) Scan(string text, LogScanOptions? options = null) => LogScan.Text(text, options);

    public static IEnumerable<object[]> Lines() => new[]
    {
        new object[] { "core.data-folder", "AgentStartup",
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] encountered error while creating folders for MGS repliesmkdir /var/lib/amazon/ssm/" + InstanceId + "/replies_mgs: read-only file system\n" },
        new object[] { "core.data-folder", "AgentStartup",
            "2024-06-11 08:00:00 ERROR Error occurred when starting amazon-ssm-agent: failed to create IPC folder, mkdir /var/lib/amazon/ssm/ipc: permission denied\n" },
        new object[] { "core.worker-start-failed", "AgentStartup",
            "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [LongRunningWorkerContainer] [WorkerProvider] failed to start worker ssm-agent-worker, fork/exec /usr/bin/ssm-agent-worker: permission denied\n" },
        new object[] { "core.reboot-failed", "AgentStartup",
            "2024-06-11 08:00:00 CRITICAL [ssm-agent-worker] [instanceID=" + InstanceId + "] Error rebooting the machine. Agent restart required Err: fork/exec /sbin/shutdown: no such file or directory\n" },
        new object[] { "core.worker-ipc", "AgentStartup",
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] failed to receive message from core agent termination channel 5 times. Initiating worker shutdown\n" },
        new object[] { "core.module-failed", "AgentStartup",
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [instanceID=" + InstanceId + "] error occurred trying to start core module. Plugin name: MessageService. Error: failed to create folder for message service\n" },
        new object[] { "core.start-failed", "AgentStartup",
            "2024-06-11 08:00:00 ERROR Error occurred when starting amazon-ssm-agent: app config could not be loaded - invalid character '}' looking for beginning of object key string\n" },
        new object[] { "core.ssm-user-password", "SessionManager",
            "2024-06-11 08:00:00 WARN [ssm-agent-worker] Reset password failed, Error occured while changing password for ssm-user, The password does not meet the password policy requirements.\n" },
        new object[] { "hibernation.stuck", "Hibernation",
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] Hibernate panic: runtime error: invalid memory address or nil pointer dereference\n" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_core_failure_is_named_with_its_rule(string ruleId, string category, string line)
    {
        var (issues, _) = Scan(line);

        var issue = Assert.Single(issues);
        Assert.Equal(category, issue.Category);
        Assert.Equal(ruleId, issue.RuleId);
    }

    [Fact]
    public void No_identity_at_start_is_one_issue_for_the_error_and_its_wrapper()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 ERROR failed to get identity: failed to find agent identity\n" +
            "2024-06-11 08:00:00 ERROR Error occurred when starting amazon-ssm-agent: failed to get identity: failed to find agent identity\n");

        var issue = Assert.Single(issues);
        Assert.Equal("AgentStartup", issue.Category);
        Assert.Equal("core.no-identity", issue.RuleId);
        Assert.Equal(2, issue.Count);
    }

    [Fact]
    public void A_wrapped_root_cause_wins_over_the_core_wording()
    {
        var (imds, _) = Scan(
            "2024-06-11 08:00:00 ERROR error fetching the region, Failed to fetch region. Data from vault is empty. RequestError: send request failed\n" +
            "caused by: Get \"http://169.254.169.254/latest/dynamic/instance-identity/document\": dial tcp 169.254.169.254:80: i/o timeout\n");
        Assert.Equal("ImdsUnreachable", Assert.Single(imds).Category);

        var (disk, _) = Scan(
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] Encountered error while creating folders for internal state management. mkdir /var/lib/amazon/ssm/" + InstanceId + "/document/state/pending: no space left on device\n");
        Assert.Equal("DiskSpace", Assert.Single(disk).Category);
    }

    [Fact]
    public void A_Windows_agent_held_back_by_sysprep_is_reported_from_its_INFO_line()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 INFO Waiting for system state\n" +
            "2024-06-11 08:00:01 INFO Stopping SSM agent because sysprep hasn't completed\n" +
            "2024-06-11 08:00:01 WARN System not ready, not starting agent: isSysPrepEC false, erro 0\n");

        var issue = Assert.Single(issues);
        Assert.Equal("core.windows-sysprep-pending", issue.RuleId);
        Assert.Equal(2, issue.Count);
    }

    [Fact]
    public void Worker_hibernation_names_the_failure_before_it()
    {
        var (issues, _) = Scan(
            "2024-06-11 08:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error details - AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/r/" + InstanceId + " is not authorized to perform: ssm:UpdateInstanceInformation\n" +
            "\tstatus code: 400, request id: 0a1b2c3d\n" +
            "2024-06-11 08:00:01 INFO [ssm-agent-worker] Entering SSM Agent Worker hibernate - AccessDeniedException: not authorized\n" +
            "2024-06-11 08:00:01 INFO Agent is in hibernate mode. Reducing logging. Logging will be reduced to one log per backoff period\n");

        var hibernation = Assert.Single(issues, i => i.Category == "Hibernation");
        Assert.Equal("hibernation.entered", hibernation.RuleId);
        Assert.Equal("IamAccessDenied", hibernation.LikelyCause);
    }

    [Fact]
    public void A_restarted_worker_is_a_symptom_of_the_failure_before_it()
    {
        var (_, entries) = Scan(
            "2024-06-11 08:00:00 ERROR [amazon-ssm-agent] [LongRunningWorkerContainer] [WorkerProvider] failed to start worker ssm-agent-worker, fork/exec /usr/bin/ssm-agent-worker: no such file or directory\n" +
            "2024-06-11 08:01:00 INFO [amazon-ssm-agent] [LongRunningWorkerContainer] [WorkerProvider] Process ssm-agent-worker (pid:2345) has been terminated, remove from worker pool\n");

        var restart = Assert.Single(entries, e => e.RuleId == "core.worker-restarted");
        Assert.Equal("AgentStartup", restart.LikelyCause);
    }

    [Fact]
    public void Routine_core_and_IPC_lines_stay_quiet()
    {
        var (issues, entries) = Scan(
            "2024-06-11 08:00:00 DEBUG [ssm-agent-worker] Initializing agent hibernate mode. Switching log to minimal logging...\n" +
            "2024-06-11 08:00:00 WARN Failed to determine if we are running in an interactive session, assuming agent is running as a service: Access is denied.\n" +
            "2024-06-11 08:00:01 INFO [amazon-ssm-agent] falling back to file based IPC as named pipe creation failed\n" +
            "2024-06-11 08:00:02 WARN [ssm-agent-worker] [MessageService] channel C:\\ProgramData\\Amazon\\SSM\\InstanceData\\" + InstanceId + "\\channels\\5c7b7c3a-9a1e-4f7e-bd4b-0d6a9f1e2c3d closed\n" +
            "2024-06-11 08:00:03 ERROR [ssm-agent-worker] failed to receive from health channel: connection closed\n" +
            "2024-06-11 08:00:04 ERROR [ssm-agent-worker] failed to close termination channel: channel already closed\n" +
            "2024-06-11 08:00:05 INFO [amazon-ssm-agent] [LongRunningWorkerContainer] [WorkerProvider] Worker ssm-agent-worker is not running, starting worker process\n",
            new LogScanOptions { IncludeUnclassified = true });

        Assert.Empty(issues);
        Assert.Empty(entries);
    }
}
