using System.Linq;
using SsmTroubleshoot.Module.Tests.Harness;
using Xunit;

namespace SsmTroubleshoot.Module.Tests;

public sealed class HarnessTests
{
    [Fact]
    public void Session_captures_output_verbose_and_errors_with_their_ids()
    {
        using var session = new PowerShellSession();
        var result = session.Run("Get-SsmAgentLogRule -Category Throttling -Verbose; Import-Module /nonexistent/NoSuchModule.psd1");
        Assert.Equal("throttling", ScriptResult.Prop(Assert.Single(result.Output), "Id"));
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("Rule catalog:", System.StringComparison.Ordinal));
        Assert.Equal("Modules_ModuleNotFound", Assert.Single(result.ErrorIds));
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, result.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void Render_shows_what_the_console_would()
    {
        using var session = new PowerShellSession();
        var lines = session.Render("Get-SsmAgentLogRule -Category Throttling, ClockSkew").Split('\n').Where(l => l.Trim().Length > 0).ToArray();
        Assert.StartsWith("Id", lines[0].TrimStart(), System.StringComparison.Ordinal);
        Assert.Equal(new[] { "tls.clock-behind", "time.signature-skew", "throttling", "core.time-sync-failed" }, lines.Skip(2).Select(l => l.Split(' ')[0]).ToArray());
    }

    [Fact]
    public void The_host_has_pwsh_default_modules_for_test_scripts()
    {
        // Microsoft.PowerShell.SDK: Utility and Management cmdlets exist, as in pwsh.
        using var session = new PowerShellSession();
        var result = session.Run("Get-SsmAgentLogRule -Category Throttling | Select-Object -First 1 -Property Id, Category | ConvertTo-Json -Compress | Out-String");
        Assert.Empty(result.AllErrors);
        Assert.Equal("{\"Id\":\"throttling\",\"Category\":\"Throttling\"}", Assert.Single(result.Output).BaseObject.ToString()!.Trim());
    }
}
