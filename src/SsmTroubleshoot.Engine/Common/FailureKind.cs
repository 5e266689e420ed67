namespace SsmTroubleshoot.Common;

/// <summary>What kind of failure an exception stands for; the cmdlet layer maps it to an ErrorCategory.</summary>
public enum FailureKind
{
    Unknown = 0,
    InvalidArgument,
    InvalidData,
    NotFound,
    PermissionDenied,
    Throttled,
    Timeout,
    Unreachable,
    NotConfigured,
    Cancelled,
}
