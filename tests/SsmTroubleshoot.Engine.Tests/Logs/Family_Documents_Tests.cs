using System.Collections.Generic;
using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>The document-worker family (Rules/documents.json): Run Command and State Manager documents as the agent logs them.</summary>
public sealed class Family_Documents_Tests
{
    private const string CommandId = "[1f2e3d4c-5b6a-4789-8abc-def012345678.2024-06-11T08-09-59.999Z]";

    private static IReadOnlyList<SsmAgentLogIssue> Scan(string text, LogScanOptions? options = null) => LogScan.Text(text, options).Issues;

    [Theory]
    [InlineData(
        "2024-06-11 08:10:00 ERROR [ssm-agent-worker] [MessageService] [EngineProcessor] [OutOfProcExecuter] " + CommandId +
        " start process: ssm-document-worker error: fork/exec /usr/bin/ssm-document-worker: permission denied\n",
        "DocumentPlugin", "documents.worker-start-failed")]
    [InlineData(
        "2024-06-11 08:12:00 ERROR [ssm-agent-worker] [MessageService] [EngineProcessor] [OutOfProcExecuter] " + CommandId +
        " process: 24816 exited unsuccessfully, error message: signal: killed\n",
        "DocumentPlugin", "documents.worker-lost")]
    [InlineData(
        "2024-06-11 08:13:00 ERROR [ssm-document-worker] " + CommandId + " failed to create orchestrationDir directory at " +
        "/var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/1f2e3d4c/awsrunShellScript: mkdir /var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/1f2e3d4c: read-only file system\n",
        "DiskSpace", "documents.state-files")]
    [InlineData(
        "2024-06-11 08:14:00 ERROR [ssm-document-worker] " + CommandId + " error occurred starting the command: fork/exec /var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/1f2e3d4c/awsrunShellScript/0.awsrunShellScript/_script.sh: permission denied\n",
        "DocumentPlugin", "documents.command-launch-failed")]
    [InlineData(
        "2024-06-11 09:00:00 INFO [ssm-document-worker] " + CommandId + " The execution of command was timedout.\n",
        "DocumentPlugin", "documents.command-timeout")]
    [InlineData(
        "2024-06-11 09:10:00 ERROR [ssm-document-worker] [4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b] aws:softwareInventory detected multiple inventory configurations associated with one instance. " +
        "Each instance can be associated with just one inventory configuration. Conflicting inventory configuration IDs: 4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b and 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n",
        "DocumentPlugin", "documents.inventory-association-conflict")]
    [InlineData(
        "2024-06-11 09:11:00 ERROR [ssm-document-worker] [4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b] the following error occured while calling PutInventory API: ItemSizeLimitExceededException: The inventory item size exceeded the limit.\n" +
        "\tstatus code: 400, request id: 6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a\n",
        "DocumentPlugin", "documents.inventory-upload")]
    [InlineData(
        "2024-06-11 09:20:00 ERROR [ssm-document-worker] " + CommandId + " all errors during param validation errors: error thrown in 'allowedPattern' while validating parameter /packageName/: parameter value /nginx;rm/ does not match the allowed pattern\n",
        "DocumentPlugin", "documents.invalid-document")]
    [InlineData(
        "2024-06-11 09:30:00 ERROR [ssm-document-worker] " + CommandId + " Unauthorized access attempted. Please specify tokenInfo with correct access information \n",
        "DocumentPlugin", "documents.remote-content")]
    public void A_document_worker_failure_is_reported_with_its_rule(string line, string category, string ruleId)
    {
        var issue = Assert.Single(Scan(line));
        Assert.Equal(category, issue.Category);
        Assert.Equal(ruleId, issue.RuleId);
    }

    [Fact]
    public void A_full_disk_under_a_state_file_error_is_reported_as_the_disk()
    {
        // The root-cause rule recognises the wrapped error before the family rule sees the wrapper.
        var issue = Assert.Single(Scan(
            "2024-06-11 08:13:00 ERROR [ssm-document-worker] " + CommandId + " failed to write runcommand scripts to file " +
            "/var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/1f2e3d4c/awsrunShellScript/0.awsrunShellScript/_script.sh, err write _script.sh: no space left on device\n"));
        Assert.Equal("DiskSpace", issue.Category);
        Assert.Equal("os.disk-full", issue.RuleId);
    }

    [Fact]
    public void Permission_errors_wrapped_by_an_inventory_upload_stay_IAM_findings()
    {
        var issue = Assert.Single(Scan(
            "2024-06-11 09:11:00 ERROR [ssm-document-worker] [4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b] the following error occured while calling PutInventory API: AccessDeniedException: " +
            "User: arn:aws:sts::123456789012:assumed-role/AppServerRole/i-0123456789abcdef0 is not authorized to perform: ssm:PutInventory\n"));
        Assert.Equal("IamAccessDenied", issue.Category);
    }

    [Fact]
    public void A_recovered_panic_is_one_finding_and_its_stack_trace_adds_none()
    {
        var issues = Scan(
            "2024-06-11 09:40:00 ERROR [ssm-document-worker] document worker panic: runtime error: invalid memory address or nil pointer dereference\n" +
            "2024-06-11 09:40:00 ERROR [ssm-document-worker] Stacktrace:\ngoroutine 1 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:24 +0x65\n");
        var issue = Assert.Single(issues);
        Assert.Equal("documents.internal-panic", issue.RuleId);
    }

    [Fact]
    public void A_session_shell_exiting_is_not_taken_for_a_lost_document_worker()
    {
        var issues = Scan(
            "2024-06-11 09:50:00 ERROR [ssm-session-worker] [user-0a1b2c3d4e5f6a7b8] [SessionManager] pty process: 4242 exited unsuccessfully, error message: exit status 130\n",
            new LogScanOptions { IncludeUnclassified = true });
        Assert.DoesNotContain(issues, i => i.RuleId == "documents.worker-lost");
    }

    [Fact]
    public void Routine_document_worker_warnings_stay_quiet()
    {
        var issues = Scan(
            "2024-06-11 10:00:00 WARN [ssm-agent-worker] [MessageService] [EngineProcessor] Reached max number of deletions for orchestration directories: 100\n" +
            "2024-06-11 10:00:01 WARN [ssm-document-worker] " + CommandId + " There was an error retrieving the platformName while setting the environment variables: open /etc/os-release: no such file or directory\n" +
            "2024-06-11 10:00:02 WARN [ssm-document-worker] [4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b] Error extracting RunCommandID from config {...}: Error: invalid messageID format: 4c3b2a19 | <nil>\n" +
            "2024-06-11 10:00:03 ERROR [ssm-agent-worker] [MessageService] [EngineProcessor] Document Submission failed: Job with id 1f2e3d4c-5b6a-4789-8abc-def012345678 already exists\n" +
            "Waiter CommandExecuted failed: An error occurred (InvocationDoesNotExist): \n",
            new LogScanOptions { IncludeUnclassified = true });
        Assert.Empty(issues);
    }

    [Theory]
    // The Linux domain join script's own checks, as aws:domainJoin's output prints them (agent/plugins/domainjoin/domainjoin_unix_script.go).
    [InlineData("***Failed: Cannot find parent directory Id", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("***Failed: aws secretsmanager get-secret-value", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("**Failed: Unable to reach DNS server", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("***Failed: realm join failed", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("**Failed : mkdir -p /etc/systemd/network/70-eth0.network.d", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("Cannot find IPs from directory d-9067012345", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("install_components(): apt-get install errors for Ubuntu", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("***Failed: No Region found", "ImdsUnreachable", "documents.domain-join-no-region")]
    // The same checks after a web page's markdown ate the asterisks, and Windows' Add-Computer refusing the join.
    [InlineData("Failed: Cannot find parent directory Id", "DocumentPlugin", "documents.domain-join-script")]
    [InlineData("Computer 'EC2AMAZ-4K2L9QF' failed to join domain 'corp.example.com' from its current workgroup 'WORKGROUP' with following error message: The specified domain either does not exist or could not be contacted.", "DocumentPlugin", "documents.domain-join-script")]
    // A step's own script failing, as sh or PowerShell names the agent's copy of it.
    [InlineData("/var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/1f2e3d4c/awsrunShellScript/0.awsrunShellScript/_script.sh: 8: source: not found", "DocumentPlugin", "documents.script-error")]
    [InlineData("/var/lib/amazon/ssm/i-0123456789abcdef0/document/orchestration/1f2e3d4c/awsrunShellScript/0.awsrunShellScript/_script.sh: line 3: jq: command not found", "DocumentPlugin", "documents.script-error")]
    [InlineData("C:\\ProgramData\\Amazon\\SSM\\InstanceData\\i-0123456789abcdef0\\document\\orchestration\\1f2e3d4c\\awsrunPowerShellScript\\0.awsrunPowerShellScript\\_script.ps1 : The term 'Get-Foo' is not recognized as the name of a cmdlet", "DocumentPlugin", "documents.script-error")]
    // A plugin's recovered panic is its step's failure, not the agent crashing; the API's document errors are the document's.
    [InlineData("Plugin crashed with message runtime error: invalid memory address or nil pointer dereference!", "DocumentPlugin", "documents.internal-panic")]
    [InlineData("creating SSM association: InvalidDocument: Document type Package is not supported for associations", "DocumentPlugin", "documents.invalid-document")]
    [InlineData("An error occurred (InvalidDocument) when calling the SendCommand operation: Document schema version, 0.3, is not supported by association that is created with instance id", "DocumentPlugin", "documents.invalid-document")]
    public void The_domain_join_scripts_failed_checks_are_reported(string line, string category, string ruleId)
    {
        var issue = Assert.Single(Scan(line + "\n"));
        Assert.Equal(category, issue.Category);
        Assert.Equal(ruleId, issue.RuleId);
    }

    [Fact]
    public void The_domain_join_scripts_progress_and_a_test_summary_stay_quiet()
    {
        var issues = Scan(
            "########## SUCCESS: realm join successful  ##########\n" +
            "Resolved corp.example.com to IP address(es): 10.0.1.10 10.0.2.10\n" +
            "***** Failed: 0, Passed: 12\n",
            new LogScanOptions { IncludeUnclassified = true });
        Assert.Empty(issues);
    }
}
