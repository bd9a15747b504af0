using System.Management.Automation;
using System.Reflection;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Snapshots;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.PowerShell.Isolated.Errors;

/// <summary>
/// Maps the exceptions the engine and SQLite throw to PowerShell error categories and ids, so scripts can tell a bad
/// configuration from a busy database from a lost connection. NATS failures reach it as the engine's
/// <see cref="MessagingException"/>s: the module never sees the NATS client's own types.
/// </summary>
public static class EngineErrorClassifier
{
    /// <summary>The exception that says what went wrong: wrappers (aggregate, reflection) with one cause are looked through.</summary>
    public static Exception Cause(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        while (true)
        {
            switch (exception)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                default:
                    return exception;
            }
        }
    }

    public static EngineErrorClass Classify(Exception exception) => Cause(exception) switch
    {
        ConfigurationException { InnerException: FileNotFoundException or DirectoryNotFoundException } e =>
            new(ErrorCategory.ObjectNotFound, "ConfigurationFileNotFound", e.Origin),
        ConfigurationException e => new(ErrorCategory.InvalidArgument, "InvalidConfiguration", e.Origin),
        NodeDatabaseMissingException e => new(ErrorCategory.ObjectNotFound, "DatabaseNotFound", e.DatabasePath),
        DatabaseInUseException e => new(ErrorCategory.ResourceBusy, "DatabaseInUse", e.DatabasePath),
        SnapshotIntegrityException => new(ErrorCategory.InvalidData, "SnapshotIntegrity"),
        StoredObjectDamagedException e => new(ErrorCategory.InvalidData, "SnapshotIntegrity", e.Name),
        SnapshotNotFoundException e => new(ErrorCategory.ObjectNotFound, "SnapshotNotFound", e.Id),
        SnapshotStoreUnavailableException => new(ErrorCategory.ConnectionError, "SnapshotStoreUnavailable"),
        ReplicationLogTruncatedException e => new(ErrorCategory.ResourceUnavailable, "ReplicationLogTruncated", e.Stream),
        CaptureNotInstalledException e => new(ErrorCategory.NotInstalled, "CaptureNotInstalled", e.DatabasePath,
            "Install change capture with Install-HarmonyTriggers, or start a node on the database with Start-HarmonyNode."),
        NatsServerNotFoundException => new(ErrorCategory.NotInstalled, "NatsServerNotFound"),
        HarmonyNodeException { InnerException: { } inner } => Classify(inner) with { ErrorId = "NodeFailed" },
        HarmonyNodeException => new(ErrorCategory.ResourceUnavailable, "NodeFailed"),
        EmbeddedNatsServerStartException => new(ErrorCategory.ResourceUnavailable, "EmbeddedNatsServerStart"),
        MessagingAuthenticationException e => new(ErrorCategory.AuthenticationError, "NatsAuthorization", e.Server),
        MessagingSettingsException e => new(ErrorCategory.InvalidArgument, "InvalidNatsSettings", e.Setting),
        MessagePayloadTooLargeException e => new(ErrorCategory.LimitsExceeded, "NatsPayloadTooLarge", e.Subject),
        MessagingRefusedException { Refusal: MessagingRefusal.NotEnabled } e => new(ErrorCategory.NotEnabled, "JetStreamNotEnabled", e.Target),
        MessagingRefusedException e => new(RefusalCategory(e.Refusal), "JetStreamApi", e.Target),
        MessagingUnavailableException => new(ErrorCategory.ConnectionError, "NatsConnection"),
        MessagingException => new(ErrorCategory.ConnectionError, "Nats"),
        ChangeApplyException e => new(ErrorCategory.InvalidData, "ChangeApply", e.Table),
        WireFormatException => new(ErrorCategory.InvalidData, "InvalidReplicationMessage"),
        SqliteException e => ClassifySqlite(e),
        OperationCanceledException => new(ErrorCategory.OperationStopped, "OperationStopped"),
        ReplicationTimeoutException e => new(ErrorCategory.OperationTimeout, "ReplicationTimeout", e.Behind.Select(b => b.NodeId).ToArray()),
        ReplicationWaitException => new(ErrorCategory.ResourceUnavailable, "NodeNotRunning"),
        TimeoutException => new(ErrorCategory.OperationTimeout, "Timeout"),
        UnauthorizedAccessException => new(ErrorCategory.PermissionDenied, "AccessDenied"),
        FileNotFoundException e => new(ErrorCategory.ObjectNotFound, "FileNotFound", e.FileName),
        DirectoryNotFoundException => new(ErrorCategory.ObjectNotFound, "DirectoryNotFound"),
        IOException => new(ErrorCategory.ResourceUnavailable, "IOError"),
        ArgumentException e => new(ErrorCategory.InvalidArgument, "InvalidArgument", e.ParamName),
        InvalidOperationException => new(ErrorCategory.InvalidOperation, "InvalidOperation"),
        _ => new(ErrorCategory.NotSpecified, "UnexpectedError"),
    };

    private static ErrorCategory RefusalCategory(MessagingRefusal refusal) => refusal switch
    {
        MessagingRefusal.NotFound => ErrorCategory.ObjectNotFound,
        MessagingRefusal.LimitReached => ErrorCategory.QuotaExceeded,
        MessagingRefusal.NotEnabled => ErrorCategory.NotEnabled,
        _ => ErrorCategory.InvalidResult,
    };

    // Primary result codes, https://sqlite.org/rescode.html (the extended code's low byte).
    private static EngineErrorClass ClassifySqlite(SqliteException exception) => exception.SqliteErrorCode switch
    {
        3 => new(ErrorCategory.PermissionDenied, "SqlitePermission"),
        5 => new(ErrorCategory.ResourceBusy, "SqliteBusy", null,
            "Another connection holds the database locked. Retry when the writing application is idle, or raise its busy timeout."),
        6 => new(ErrorCategory.ResourceBusy, "SqliteLocked"),
        7 => new(ErrorCategory.ResourceUnavailable, "SqliteOutOfMemory"),
        8 => new(ErrorCategory.PermissionDenied, "SqliteReadOnly"),
        10 => new(ErrorCategory.DeviceError, "SqliteIOError"),
        11 => new(ErrorCategory.InvalidData, "SqliteCorrupt"),
        26 => new(ErrorCategory.InvalidData, "SqliteNotADatabase"),
        13 => new(ErrorCategory.QuotaExceeded, "SqliteFull"),
        14 => new(ErrorCategory.OpenError, "SqliteCannotOpen"),
        19 => new(ErrorCategory.InvalidData, "SqliteConstraint"),
        20 => new(ErrorCategory.InvalidType, "SqliteMismatch"),
        23 => new(ErrorCategory.PermissionDenied, "SqliteAuthorization"),
        _ => new(ErrorCategory.InvalidOperation, "Sqlite"),
    };
}
