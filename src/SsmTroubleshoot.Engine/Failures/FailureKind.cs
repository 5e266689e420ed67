namespace SsmTroubleshoot.Failures;

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

    /// <summary>AWS could not authenticate the request: a wrong secret key, an unknown or expired key, or a clock that is off.</summary>
    AuthenticationFailed,

    /// <summary>The service answered with a server error (5xx), or something in between (a proxy) answered instead of it.</summary>
    ServiceError,
}
