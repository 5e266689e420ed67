using SsmTroubleshoot.Automation;
using Xunit;

namespace SsmTroubleshoot.Engine.Tests.Automation;

public sealed class AutomationStatusTests
{
    [Theory]
    [InlineData("Pending", false, false, false, false)]
    [InlineData("InProgress", false, false, false, false)]
    [InlineData("Waiting", false, true, false, false)]
    [InlineData("Cancelling", false, false, false, false)]
    [InlineData("PendingApproval", false, true, false, false)]
    [InlineData("Approved", false, false, false, false)]
    [InlineData("Scheduled", false, false, false, false)]
    [InlineData("RunbookInProgress", false, false, false, false)]
    [InlineData("PendingChangeCalendarOverride", false, false, false, false)]
    [InlineData("ChangeCalendarOverrideApproved", false, false, false, false)]
    [InlineData("Success", true, false, true, false)]
    [InlineData("CompletedWithSuccess", true, false, true, false)]
    [InlineData("Failed", true, false, false, true)]
    [InlineData("CompletedWithFailure", true, false, false, true)]
    [InlineData("TimedOut", true, false, false, true)]
    [InlineData("Cancelled", true, false, false, true)]
    [InlineData("Rejected", true, false, false, true)]
    [InlineData("ChangeCalendarOverrideRejected", true, false, false, true)]
    [InlineData("Exited", true, false, false, false)]
    public void Every_documented_status_is_classified(string status, bool terminal, bool needsHuman, bool success, bool failure)
    {
        Assert.True(AutomationStatus.IsKnown(status));
        Assert.Equal(terminal, AutomationStatus.IsTerminal(status));
        Assert.Equal(needsHuman, AutomationStatus.NeedsHuman(status));
        Assert.Equal(success, AutomationStatus.IsSuccess(status));
        Assert.Equal(failure, AutomationStatus.IsFailure(status));
    }

    [Fact]
    public void There_are_nineteen_values()
    {
        Assert.Equal(19, AutomationStatus.All.Count);
    }

    [Theory]
    [InlineData("SomethingNew")]
    [InlineData("success")]
    [InlineData(null)]
    public void Unknown_values_are_not_finished(string? status)
    {
        Assert.False(AutomationStatus.IsKnown(status));
        Assert.False(AutomationStatus.IsTerminal(status));
        Assert.Equal(AutomationOutcome.Running, AutomationStatus.OutcomeOf(status));
    }
}
