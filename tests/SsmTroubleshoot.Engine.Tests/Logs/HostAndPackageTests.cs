using System.Linq;
using SsmTroubleshoot.Logs;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Logs;

/// <summary>
/// What the node says about the agent around it, as operators paste it into reports: the service manager's status of
/// the agent's unit, the package managers installing the agent, the kernel's out-of-memory killer, Patch Manager's
/// scripts, the AWS CLI starting a session, and tools that put a time in front of every line of output.
/// </summary>
public sealed class HostAndPackageTests
{
    [Theory]
    // systemctl status amazon-ssm-agent, and the older init systems.
    [InlineData("AgentStartup", "   Active: inactive (dead) since Mon 2024-03-04 10:11:12 UTC; 3min ago")]
    [InlineData("AgentStartup", "     Active: failed (Result: exit-code) since Tue 2024-03-05 08:00:01 UTC; 12s ago")]
    [InlineData("AgentStartup", "   Active: activating (auto-restart) (Result: exit-code) since Wed 2024-03-06 09:00:00 UTC; 4s ago")]
    [InlineData("AgentStartup", "  Main PID: 2231 (code=exited, status=1/FAILURE)")]
    [InlineData("AgentStartup", " Main PID: 981 (code=killed, signal=KILL)")]
    [InlineData("AgentStartup", "   Loaded: loaded (/etc/systemd/system/amazon-ssm-agent.service; disabled; vendor preset: enabled)")]
    [InlineData("AgentStartup", "   Loaded: not-found (Reason: Unit amazon-ssm-agent.service not found.)")]
    [InlineData("AgentStartup", "stop: Unknown job: amazon-ssm-agent")]
    [InlineData("AgentStartup", "amazon-ssm-agent: unrecognized service")]
    [InlineData("AgentStartup", "==> amazon-ebs: Could not enable service amazon-ssm-agent (return code 1)")]
    [InlineData("AgentStartup", "Failed to enable unit: Unit file amazon-ssm-agent.service does not exist.")]
    [InlineData("AgentStartup", "amazon-ssm-agent stop/waiting")]
    [InlineData("AgentStartup", "error: snap \"amazon-ssm-agent\" is not installed")]
    [InlineData("AgentStartup", "package amazon-ssm-agent is not installed")]
    [InlineData("AgentStartup", "sudo: amazon-ssm-agent: command not found")]
    // Older systemd (Amazon Linux 2, CentOS 7) and upstart (Amazon Linux 1) in /var/log/messages, Windows' service manager.
    [InlineData("AgentStartup", "Mar  1 10:00:00 ip-10-0-0-1 systemd: Unit amazon-ssm-agent.service entered failed state.")]
    [InlineData("AgentStartup", "Mar  1 10:00:00 ip-10-0-0-1 systemd: amazon-ssm-agent.service failed.")]
    [InlineData("AgentStartup", "Mar  1 10:00:02 ip-10-0-0-1 systemd: amazon-ssm-agent.service holdoff time over, scheduling restart.")]
    [InlineData("AgentStartup", "Mar  1 10:00:00 ip-10-0-0-1 init: amazon-ssm-agent main process (2345) terminated with status 2")]
    [InlineData("AgentStartup", "Mar  1 10:00:00 ip-10-0-0-1 init: amazon-ssm-agent main process (2345) killed by KILL signal")]
    [InlineData("AgentStartup", "Mar  1 10:00:05 ip-10-0-0-1 init: amazon-ssm-agent respawning too fast, stopped")]
    [InlineData("AgentStartup", "A timeout was reached (30000 milliseconds) while waiting for the Amazon SSM Agent service to connect.")]
    [InlineData("AgentStartup", "Windows could not start the Amazon SSM Agent service on Local Computer.")]
    // Windows' service manager: a service the agent depends on did not start (event 7001).
    [InlineData("AgentStartup", "The Amazon SSM Agent service depends on the Windows Management Instrumentation service which failed to start because of the following error: \nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.")]
    // macOS: launchd's word on the agent's job.
    [InlineData("AgentStartup", "2024-03-01 10:00:00.123 Df launchd[1]: (com.amazon.aws.ssm[512]) Service exited with abnormal code: 1")]
    [InlineData("AgentStartup", "launchd[1]: (com.amazon.aws.ssm) Service only ran for 0 seconds. Pushing respawn out by 10 seconds.")]
    // The kernel's out-of-memory killer taking an agent process (its name cut at 15 characters, as the kernel keeps it).
    [InlineData("AgentStartup", "[182733.120094] Out of memory: Killed process 1861 (ssm-agent-worke) total-vm:2318600kB, anon-rss:1709512kB, file-rss:0kB")]
    [InlineData("AgentStartup", "kernel: Out of memory: Kill process 2210 (amazon-ssm-agen) score 512 or sacrifice child")]
    [InlineData("AgentStartup", "kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/amazon-ssm-agent.service,task=ssm-document-wo,pid=5120,uid=0")]
    [InlineData("AgentStartup", "kernel: ssm-session-wor invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0")]
    [InlineData("AgentStartup", "systemd[1]: amazon-ssm-agent.service: A process of this unit has been killed by the OOM killer.")]
    // Windows' crash report, SELinux and AppArmor stopping the agent.
    [InlineData("AgentStartup", "Faulting application name: ssm-agent-worker.exe, version: 3.2.1297.0, time stamp: 0x00000000")]
    [InlineData("AgentStartup", "type=AVC msg=audit(1709546400.120:812): avc:  denied  { name_connect } for  pid=1822 comm=\"ssm-agent-worke\" dest=443 scontext=system_u:system_r:custom_t:s0 tclass=tcp_socket permissive=0")]
    [InlineData("AgentStartup", "audit: type=1400 audit(1709546400.120:44): apparmor=\"DENIED\" operation=\"open\" profile=\"snap.amazon-ssm-agent.amazon-ssm-agent\" name=\"/etc/amazon/ssm/seelog.xml\" pid=911 comm=\"amazon-ssm-agen\"")]
    // Package managers installing or updating the agent.
    [InlineData("AgentUpdate", "Package amazon-ssm-agent-3.3.40.0-1.x86_64.rpm is not signed")]
    [InlineData("AgentUpdate", "error: package amazon-ssm-agent-3.1.1732.0-1.x86_64 does not verify: Header V4 RSA/SHA1 Signature, key ID 693eca21: BAD")]
    [InlineData("AgentUpdate", "warning: Signature not supported. Hash algorithm SHA1 not available.")]
    [InlineData("AgentUpdate", "Public key for amazon-ssm-agent.rpm is not installed")]
    [InlineData("AgentUpdate", "Error: Transaction check error:")]
    [InlineData("AgentUpdate", "/tmp/amazon-ssm-agent.rpm: does not update installed package.")]
    [InlineData("AgentUpdate", "Error: Nothing to do")]
    [InlineData("AgentUpdate", "[Errno 28] No such file or directory: '/var/lib/yum/yumdb/a/0a1b-amazon-ssm-agent-3.0.0-1-x86_64/from_repo.tmp'")]
    [InlineData("AgentUpdate", "dpkg: error processing archive /tmp/ssm/amazon-ssm-agent.deb (--install):")]
    [InlineData("AgentUpdate", "E: Unable to locate package amazon-ssm-agent")]
    [InlineData("AgentUpdate", "No package amazon-ssm-agent available.")]
    // The agent's own install scripts (Tools/src/update/*/install.sh), whose output the updater keeps.
    [InlineData("AgentUpdate", "Package manager failed with exit code '1'")]
    [InlineData("AgentUpdate", "Failed to get installed agent version")]
    [InlineData("AgentUpdate", "Incorrect agent version is installed")]
    [InlineData("AgentUpdate", "The amazon-ssm-agent is not supported on this platform. Please visit the documentation for the list of supported platforms")]
    [InlineData("AgentUpdate", "-> Amazon-ssm-agent is installed in this instance by snap, please use snap to update or uninstall.")]
    [InlineData("AgentUpdate", "FATAL: Minimum required kernel version is 3.2")]
    [InlineData("AgentUpdate", "{\"level\":\"error\",\"msg\":\"Downloading ssm-setup-cli failed. Retrying...\",\"error\":\"validating ssm-setup-cli signature: Signature Verification Error: No matching signature\"}")]
    [InlineData("AgentUpdate", "Error   yesterday at 22:10 UTC  yesterday at 22:11 UTC  Refresh snap \"amazon-ssm-agent\"")]
    [InlineData("AgentUpdate", "error: snap \"amazon-ssm-agent\" has \"auto-refresh\" change in progress")]
    [InlineData("AgentUpdate", "error: cannot perform the following tasks:\n- Start snap \"amazon-ssm-agent\" (7993) services (systemctl command [start snap.amazon-ssm-agent.amazon-ssm-agent.service] failed with exit status 1)")]
    [InlineData("AgentUpdate", "> Error   today at 03:01 UTC  today at 03:01 UTC  Stop snap \"amazon-ssm-agent\" services")]
    [InlineData("AgentUpdate", "[0A2C:0F10][2024-01-02T10:11:12]e000: Error 0x80070643: Failed to install MSI package.")]
    [InlineData("AgentUpdate", "Product: Amazon SSM Agent -- Installation operation failed.")]
    [InlineData("AgentUpdate", "MSI (s) (A0:B4) [10:11:12:123]: Windows Installer installed the product. Product Name: Amazon SSM Agent. Product Version: 3.3.40.0. Product Language: 1033. Manufacturer: Amazon Web Services. Installation success or error status: 1603.")]
    [InlineData("AgentUpdate", "E: Sub-process /usr/bin/dpkg returned an error code (1)")]
    [InlineData("AgentUpdate", "file /usr/bin/amazon-ssm-agent from install of amazon-ssm-agent-3.3.40.0-1.x86_64 conflicts with file from package amazon-ssm-agent-2.3.1.0-1.x86_64")]
    [InlineData("AgentUpdate", "error: cannot install \"amazon-ssm-agent\": persistent network error: Get https://api.snapcraft.io/v2/snaps/refresh: dial tcp: i/o timeout")]
    // Patch Manager's own scripts (AWS-RunPatchBaseline) on the node.
    [InlineData("DocumentPlugin", "03/04/2024 10:11:12 root [ERROR]: Error loading entrance module.")]
    [InlineData("DocumentPlugin", "patch_common.exceptions.PatchManagerError: ('Unsupported Operating System', 146)")]
    [InlineData("DocumentPlugin", "Error: Failed to download metadata for repo 'amazonlinux': Cannot download repomd.xml: Curl error (28): Timeout was reached")]
    [InlineData("DocumentPlugin", "Error: Cannot retrieve repository metadata (repomd.xml) for repository: amzn2-core. Please verify its path and try again")]
    [InlineData("DocumentPlugin", "An error occurred (UnsupportedOperatingSystem) when calling the GetDeployablePatchSnapshotForInstance operation: The operating system is not supported")]
    // A document whose input this agent cannot read (often a document newer than the agent).
    [InlineData("DocumentPlugin", "invalid format in plugin properties map[sourceType:HTTP sourceInfo:map[url:https://example.com/a.sh]];")]
    [InlineData("DocumentPlugin", "error json: cannot unmarshal object into Go struct field RunScriptPlugin.runCommand of type string")]
    // The AWS CLI and the Session Manager plugin on the client.
    [InlineData("SessionManager", "An error occurred (BadRequest) when calling the StartSession operation: Unknown")]
    [InlineData("SessionManager", "Encountered error while initiating handshake - Handshake timed out")]
    [InlineData("IamAccessDenied", "An error occurred (AccessDeniedException) when calling the StartSession operation: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ssm:StartSession on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0")]
    // cloud-init waiting for the metadata service at boot (canonical/cloud-init cloudinit/url_helper.py wait_for_url,
    // sources/DataSourceEc2.py): each failed call, the token refused, the endpoint turned off, and giving up.
    [InlineData("ImdsUnreachable", "2024-05-14 10:21:33,123 - url_helper.py[WARNING]: Calling 'http://169.254.169.254/2009-04-04/meta-data/instance-id' failed [0/120s]: request error [HTTPConnectionPool(host='169.254.169.254', port=80): Max retries exceeded with url: /2009-04-04/meta-data/instance-id (Caused by ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f3a2c>, 'Connection to 169.254.169.254 timed out. (connect timeout=50.0)'))]")]
    [InlineData("ImdsUnreachable", "2024-05-14 10:21:33,123 - url_helper.py[WARNING]: Calling 'http://169.254.169.254/latest/api/token' failed [0/1s]: bad status code [403]")]
    [InlineData("ImdsUnreachable", "2024-05-14 10:21:33,123 - DataSourceEc2.py[WARNING]: IMDS's HTTP endpoint is probably disabled")]
    [InlineData("ImdsUnreachable", "2024-05-14 10:23:33,123 - DataSourceEc2.py[CRITICAL]: Giving up on md from ['http://169.254.169.254/2009-04-04/meta-data/instance-id'] after 120 seconds")]
    // The kernel and the audit log about an agent process in a journal copy: the process's line is kept, not dropped as
    // another process's.
    [InlineData("AgentStartup", "Dec 06 04:02:09 ip-10-0-1-5 kernel: Out of memory: Killed process 812 (amazon-ssm-agen) total-vm:1843216kB, anon-rss:402112kB, file-rss:0kB")]
    [InlineData("AgentStartup", "Dec 06 04:02:09 ip-10-0-1-5 audit[1]: AVC apparmor=\"DENIED\" operation=\"open\" profile=\"snap.amazon-ssm-agent.amazon-ssm-agent\" name=\"/etc/amazon/ssm/seelog.xml\" pid=911 comm=\"amazon-ssm-agen\"")]
    // The node's time service failing to keep the clock that signs every request (chrony's sources.c and reference.c,
    // ntpd, systemd-timesyncd to the Amazon Time Sync Service, Windows Time), and the status commands saying so.
    [InlineData("ClockSkew", "Dec 06 04:02:09 ip-10-0-1-5 chronyd[512]: Can't synchronise: no selectable sources")]
    [InlineData("ClockSkew", "Dec 06 04:02:09 ip-10-0-1-5 chronyd[512]: No suitable source for synchronisation")]
    [InlineData("ClockSkew", "Dec 06 04:02:09 ip-10-0-1-5 ntpd[700]: no servers can be used, system clock unsynchronized")]
    [InlineData("ClockSkew", "Dec 06 04:02:09 ip-10-0-1-5 systemd-timesyncd[411]: Timed out waiting for reply from 169.254.169.123:123 (169.254.169.123).")]
    [InlineData("ClockSkew", "The computer did not resync because no time data was available.")]
    [InlineData("ClockSkew", "               Local time: Sun 2026-12-06 04:02:09 UTC\n           Universal time: Sun 2026-12-06 04:02:09 UTC\nSystem clock synchronized: no\n              NTP service: active")]
    [InlineData("ClockSkew", "Reference ID    : 00000000 ()\nStratum         : 0\nLeap status     : Not synchronised")]
    public void What_the_node_says_about_the_agent_is_named(string category, string line) => Assert.Equal(category, LogScan.FirstCategory(line));

    [Theory]
    // The keyword fallbacks (generic.json) name a family by its words; a word that another owner's object follows
    // ("update association status", "plugin … not registered") is that owner's.
    [InlineData("ERROR unable to update association status, RequestCanceled", "DocumentPlugin")]
    [InlineData("ERROR Unable to update association compliance because of a timeout", "DocumentPlugin")]
    [InlineData("ERROR Given plugin - aws:cloudWatch is not registered", "DocumentPlugin")]
    [InlineData("ERROR duplicate registrations exist for ssm daemon mydaemon", "DocumentPlugin")]
    [InlineData("ERROR ec2 instance not yet registered with Systems Manager", "NoCredentials")]
    [InlineData("ERROR Failed to update remote public key, old key still works", "HybridRegistration")]
    [InlineData("ERROR failed to save manifest with hardened permission. open /var/lib/amazon/ssm/Vault/Manifest: permission denied", "HybridRegistration")]
    [InlineData("ERROR failed to register: activation expired", "HybridRegistration")]
    [InlineData("ERROR failed to update agent to 3.3.40.0", "AgentUpdate")]
    [InlineData("ERROR Failed to install package; install status Failed", "DocumentPlugin")]
    public void A_keyword_names_its_family_only_when_no_other_owner_is_named(string line, string category) =>
        Assert.Equal(category, LogScan.FirstCategory(line));

    [Theory]
    // "metadata" names the instance metadata service only where nothing says whose metadata it is.
    [InlineData("ERROR failed to fetch metadata: context deadline exceeded", "ImdsUnreachable")]
    [InlineData("ERROR error fetching instance metadata", "ImdsUnreachable")]
    [InlineData("ERROR failed to read document metadata from the state file", "DocumentPlugin")]
    [InlineData("ERROR Failed to parse package metadata of the plugin", "DocumentPlugin")]
    public void Metadata_means_the_instance_metadata_service_only_when_nothing_else_owns_it(string line, string category) =>
        Assert.Equal(category, LogScan.FirstCategory(line));

    [Theory]
    [InlineData("   Active: active (running) since Mon 2024-03-04 10:11:12 UTC; 2 days ago")]
    [InlineData(" Main PID: 2231 (amazon-ssm-agent)")]
    [InlineData("   Loaded: loaded (/usr/lib/systemd/system/amazon-ssm-agent.service; enabled; vendor preset: enabled)")]
    [InlineData("amazon-ssm-agent start/running, process 1185")]
    [InlineData("Installed:\n  amazon-ssm-agent-3.3.40.0-1.x86_64")]
    [InlineData("Complete!")]
    [InlineData("Mar  1 10:00:00 ip-10-0-0-1 init: amazon-ssm-agent start/running, process 2345")]
    [InlineData("Mar  1 10:00:00 ip-10-0-0-1 init: tty (/dev/tty1) main process (2345) killed by TERM signal")]
    [InlineData("Mar  1 10:00:00 ip-10-0-0-1 systemd: Started amazon-ssm-agent.")]
    [InlineData("MSI (s) (A0:B4) [10:11:12:123]: Windows Installer installed the product. Product Name: Amazon SSM Agent. Product Version: 3.3.40.0. Product Language: 1033. Manufacturer: Amazon Web Services. Installation success or error status: 0.")]
    [InlineData("03/04/2024 10:11:12 root [INFO]: Patch baseline install completed")]
    [InlineData("[  1488]     0  1488    38604    11398    10374     1024         0   212992        0             0 python3")]
    [InlineData("amazon-ssm-agent 3.3.40.0 from Amazon Web Services (aws) installed")]
    [InlineData("==> amazon-ebs: Error terminating SSM Session \"dev-0a1b2c3d4e5f60718\", this does not affect the built AMI. Please terminate the session manually: operation error SSM: TerminateSession")]
    // cloud-init finding a path the metadata service does not have, and its own successful wait.
    [InlineData("2024-05-14 10:21:33,123 - url_helper.py[WARNING]: Calling 'http://169.254.169.254/2021-03-23/meta-data/spot/instance-action' failed [0/1s]: bad status code [404]")]
    [InlineData("2024-05-14 10:21:34,456 - url_helper.py[DEBUG]: Read from http://169.254.169.254/latest/api/token (200, 56b) after 1 attempts")]
    // The time service choosing a source, stepping the clock once, one of several servers not answering; a synchronised clock.
    [InlineData("Dec 06 04:02:09 ip-10-0-1-5 chronyd[512]: Selected source 169.254.169.123")]
    [InlineData("Dec 06 04:02:09 ip-10-0-1-5 chronyd[512]: System clock was stepped by 0.524183 seconds")]
    [InlineData("Dec 06 04:02:09 ip-10-0-1-5 systemd-timesyncd[411]: Timed out waiting for reply from 91.189.91.157:123 (ntp.ubuntu.com).")]
    [InlineData("System clock synchronized: yes\n              NTP service: active")]
    [InlineData("Leap status     : Normal")]
    [InlineData("Dec 06 04:02:09 ip-10-0-1-5 kernel: Out of memory: Killed process 4410 (java) total-vm:8843216kB, anon-rss:6402112kB, file-rss:0kB")]
    public void Routine_lines_around_the_agent_stay_quiet(string line) =>
        Assert.Null(LogScan.FirstCategory(line, new LogScanOptions { IncludeUnclassified = true }));

    [Theory]
    // A time in front of every line of someone else's output (Packer -timestamp-ui, a CI log): the rest is still read.
    [InlineData("2023-10-31T14:04:19-04:00:     amazon-ebs: Error: Nothing to do", "AgentUpdate")]
    [InlineData("2024-02-01T09:15:00+09:00: x509: certificate signed by unknown authority", "ProxyTls")]
    [InlineData("2024-02-01T09:15:00.120Z: dial tcp: lookup ssm.ap-northeast-1.amazonaws.com: no such host", "DnsResolution")]
    [InlineData("2024-02-01T09:15:00+09:00 Error: Transaction test error:", "AgentUpdate")]
    public void A_time_in_front_of_each_line_does_not_hide_the_line(string line, string category) => Assert.Equal(category, LogScan.FirstCategory(line));

    [Fact]
    public void Syslog_lines_of_other_processes_stay_out_of_the_agents_entries()
    {
        var text = string.Join('\n',
            "2024-02-01T09:15:00+0000 ip-10-0-0-1 amazon-ssm-agent[812]: 2024-02-01 09:15:00 ERROR [HealthCheck] error when calling AWS APIs. error: RequestError: send request failed",
            "2024-02-01T09:15:00+0000 ip-10-0-0-1 kernel: x509: certificate signed by unknown authority",
            "2024-02-01T09:15:01+0000 ip-10-0-0-1 amazon-ssm-agent[812]: caused by: Post \"https://ssm.us-east-1.amazonaws.com/\": dial tcp 10.0.1.5:443: i/o timeout") + "\n";

        var (_, entries) = LogScan.Text(text);

        Assert.Equal(["EndpointUnreachable"], entries.Select(e => e.Category).ToArray());
    }

    [Theory]
    // A pasted terminal: what each command printed is its own finding, not a continuation of the block above it.
    [InlineData("[ec2-user@ip-10-0-1-5 ~]$ sudo yum reinstall -y amazon-ssm-agent")]
    [InlineData("[root@ip-10-0-1-5 ssm]# rpm -Uvh amazon-ssm-agent.rpm")]
    [InlineData("ubuntu@ip-10-0-1-5:~$ sudo dpkg -i amazon-ssm-agent.deb")]
    [InlineData("sh-5.2$ sudo yum install -y amazon-ssm-agent")]
    [InlineData("PS C:\\Users\\Administrator> msiexec /i AmazonSSMAgentSetup.msi")]
    [InlineData("$ sudo rpm -Uvh amazon-ssm-agent.rpm")]
    public void A_shell_prompt_starts_the_output_of_its_command(string prompt)
    {
        var text = string.Join('\n',
            "\u25cf amazon-ssm-agent.service - amazon-ssm-agent",
            "   Active: failed (Result: exit-code) since Sun 2026-03-01 10:00:01 UTC; 2min ago",
            prompt,
            "error: package amazon-ssm-agent-3.3.40.0-1.x86_64 does not verify: Header V4 RSA/SHA1 Signature, key ID 693eca21: BAD") + "\n";

        var (_, entries) = LogScan.Text(text);

        Assert.Equal(["AgentStartup", "AgentUpdate"], entries.Select(e => e.Category).ToArray());
        Assert.Equal([1L, 3L], entries.Select(e => e.LineNumber).ToArray());
    }

    [Theory]
    // Not prompts: an agent continuation, an address, a log line with a colon.
    [InlineData("caused by: dial tcp 10.0.0.1:443: i/o timeout")]
    [InlineData("admin@corp.example: error: package amazon-ssm-agent-3.3.40.0-1.x86_64 does not verify")]
    [InlineData("[ssm-agent-worker] error: package amazon-ssm-agent-3.3.40.0-1.x86_64 does not verify")]
    [InlineData("$5 charge: error: package amazon-ssm-agent-3.3.40.0-1.x86_64 does not verify")]
    public void Lines_that_only_look_like_a_prompt_stay_with_their_entry(string line)
    {
        var text = string.Join('\n',
            "2026-03-01 10:00:00 ERROR [ssm-agent-worker] [HealthCheck] error when calling AWS APIs. error: RequestError: send request failed",
            line) + "\n";

        var (_, entries) = LogScan.Text(text);

        Assert.Single(entries);
    }

    [Fact]
    public void Each_aws_cli_error_report_pasted_under_another_is_its_own_finding()
    {
        var text = string.Join('\n',
            "kex_exchange_identification: Connection closed by remote host",
            "An error occurred (InvalidParameters) when calling the SendCommand operation: document AWS-RunShellScript does not support parameters.",
            "An error occurred (TargetNotConnected) when calling the StartSession operation: i-0123456789abcdef0 is not connected.") + "\n";

        var (_, entries) = LogScan.Text(text);

        Assert.Equal(new string?[] { "session.local-tunnel", "documents.api-refused", "session.target-not-connected" }, entries.Select(e => e.RuleId).ToArray());
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.LineNumber).ToArray());
    }

    [Fact]
    public void A_line_that_only_mentions_the_cli_error_stays_with_its_entry()
    {
        var text = string.Join('\n',
            "2026-03-01 10:00:00 ERROR [ssm-document-worker] [aws:runShellScript] failed to run commands: exit status 254",
            "  aws: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
            "Reason: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied") + "\n";

        var (_, entries) = LogScan.Text(text);

        Assert.Single(entries);
    }

    [Fact]
    public void An_issue_speaks_with_its_most_severe_entry_not_its_first()
    {
        // chrony's warning comes first, the agent's refused signature after it: one ClockSkew issue, told by the agent's
        // error (its severity, rule, cause and sample), with both entries counted.
        var (issues, _) = LogScan.Text(
            "Dec 06 04:01:00 ip-10-0-1-5 chronyd[512]: Can't synchronise: no selectable sources\n" +
            "Dec 06 04:02:09 ip-10-0-1-5 amazon-ssm-agent[812]: 2026-12-06 04:02:09 ERROR [HealthCheck] error when calling AWS APIs. error details - InvalidSignatureException: Signature expired: 20261206T035500Z is now earlier than 20261206T035709Z (20261206T040209Z - 5 min.)\n");

        var issue = Assert.Single(issues);
        Assert.Equal("ClockSkew", issue.Category);
        Assert.Equal(2, issue.Count);
        Assert.Equal("time.signature-skew", issue.RuleId);
        Assert.Contains("Signature expired", issue.Sample, System.StringComparison.Ordinal);
        Assert.True(issue.Severity > SsmAgentLogSeverity.Medium, issue.Severity.ToString());
    }
}
