namespace HarmonyLite.Engine.Capture;

/// <summary>Why a table cannot be replicated.</summary>
public enum CaptureRefusalKind
{
    /// <summary>No declared PRIMARY KEY: rows cannot be identified on other nodes.</summary>
    NoPrimaryKey,

    /// <summary>A primary key column with a collation other than BINARY, NOCASE or RTRIM, which other SQLite clients may not have.</summary>
    UnsupportedKeyCollation,

    /// <summary>A virtual table: SQLite does not allow triggers on it.</summary>
    VirtualTable,
}
