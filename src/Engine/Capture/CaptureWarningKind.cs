namespace HarmonyLite.Engine.Capture;

/// <summary>A property of a replicated table that can make concurrent writers on different nodes collide.</summary>
public enum CaptureWarningKind
{
    /// <summary>An INTEGER PRIMARY KEY (rowid alias) that SQLite assigns when an insert omits it.</summary>
    RowidAliasKey,

    /// <summary>A UNIQUE constraint or unique index besides the primary key.</summary>
    UniqueConstraint,

    /// <summary>The primary key changed shape, so the row versions recorded for the old key were reset.</summary>
    VersionsReset,

    /// <summary>Rows whose primary key is NULL (allowed by SQLite in a rowid table without NOT NULL): they are not replicated.</summary>
    NullKeyRows,
}
