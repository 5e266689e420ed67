using SsmTroubleshoot.Network.Model;

namespace SsmTroubleshoot.Network;

/// <summary>The role whose credentials the agent uses, how it was chosen, or why there is none.</summary>
internal sealed class RoleChoice
{
    public RoleChoice(string? roleName, IamRole? role, string label, string why = "", DataGap? gap = null)
    {
        RoleName = roleName;
        Role = role;
        Label = label;
        Why = why;
        Gap = gap;
    }

    public string? RoleName { get; }

    public IamRole? Role { get; }

    public string Label { get; }

    public bool IsInstanceProfileRole => Label == "instance profile role";

    public string Why { get; }

    public DataGap? Gap { get; }

    public static RoleChoice None(string why, DataGap? gap = null) => new(null, null, string.Empty, why, gap);
}
