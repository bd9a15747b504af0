namespace HarmonyLite.Engine.Replication;

/// <summary>
/// One captured change of one row. For inserts and updates <see cref="Columns"/> holds every column
/// of the row after the change; for deletes it holds the primary key columns only.
/// </summary>
public sealed record RowChange(
    string Table,
    ChangeOperation Operation,
    RowVersion Version,
    IReadOnlyList<ColumnValue> Columns);
