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
        var result = session.Run("Get-SsmTroubleshootPlaceholder -Text hi -Verbose; Import-Module /nonexistent/NoSuchModule.psd1");
        Assert.Equal("hi", Assert.Single(result.Output).BaseObject);
        Assert.Contains(result.Verbose, v => v.Message == "placeholder verbose");
        Assert.Equal("Modules_ModuleNotFound", Assert.Single(result.ErrorIds));
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, result.Errors[0].CategoryInfo.Category);
    }

    [Fact]
    public void Render_shows_what_the_console_would()
    {
        using var session = new PowerShellSession();
        var text = session.Render("'a','b' | Get-SsmTroubleshootPlaceholder");
        Assert.Equal(new[] { "a", "b" }, text.Split('\n').Where(l => l.Length > 0).ToArray());
    }
}
