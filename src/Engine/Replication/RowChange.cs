namespace HarmonyLite.Engine.Replication;

/// <summary>
/// One captured change of one row, merged column by column (docs/architecture.md, "Conflicts"):
/// <list type="bullet">
/// <item>an insert starts a new life of the row: it carries every column, all at <see cref="Version"/>;</item>
/// <item>an update carries the primary key and the columns it changed, at <see cref="Version"/>, for the life that
/// began at <see cref="Life"/>;</item>
/// <item>a delete carries the primary key only and ends the row's life.</item>
/// </list>
/// An update without <see cref="Life"/> comes from a node of the row-level format (wire version 1): it carries every
/// column and wins or loses as a whole against the row's version.
/// </summary>
public sealed record RowChange(
    string Table,
    ChangeOperation Operation,
    RowVersion Version,
    IReadOnlyList<ColumnValue> Columns)
{
    /// <summary>For an update: the version of the insert that began the life of the row it changes.</summary>
    public RowVersion? Life { get; init; }

    /// <summary>
    /// The hash of the table's schema the change was captured under (<c>TableSchemaHash</c>); null when the sender did
    /// not say. A node whose table has a different schema holds the change until the schemas agree.
    /// </summary>
    public string? SchemaHash { get; init; }
}
