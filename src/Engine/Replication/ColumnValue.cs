namespace HarmonyLite.Engine.Replication;

/// <summary>
/// One column of a changed row. <see cref="Value"/> holds a SQLite storage class value:
/// null, <see cref="long"/>, <see cref="double"/>, <see cref="string"/> (TEXT that is valid UTF-8),
/// <see cref="RawText"/> (TEXT that is not) or <see cref="byte"/>[] (BLOB).
/// </summary>
public readonly record struct ColumnValue(string Name, object? Value)
{
    /// <summary>
    /// The column's own version when it differs from the change's (a row read from a snapshot, whose columns were
    /// written at different times); null means the change's version. Never on the wire.
    /// </summary>
    public RowVersion? Version { get; init; }
}
