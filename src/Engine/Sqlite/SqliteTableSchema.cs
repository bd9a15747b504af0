namespace HarmonyLite.Engine.Sqlite;

/// <summary>The shape of one table in the <c>main</c> schema, as far as replication cares.</summary>
/// <param name="Name">The table name.</param>
/// <param name="Kind">Ordinary, virtual or shadow.</param>
/// <param name="WithoutRowid">A WITHOUT ROWID table (its primary key is always NOT NULL).</param>
/// <param name="Columns">Every column in declaration order, generated ones included.</param>
/// <param name="PrimaryKey">The primary key columns in key order; empty when the table has none.</param>
/// <param name="IsRowidAlias">
/// The primary key is a single <c>INTEGER PRIMARY KEY</c> column that aliases the rowid, so SQLite assigns it when
/// an insert leaves it out.
/// </param>
/// <param name="UniqueIndexes">UNIQUE constraints and unique indexes besides the primary key.</param>
public sealed record SqliteTableSchema(
    string Name,
    SqliteTableKind Kind,
    bool WithoutRowid,
    IReadOnlyList<SqliteColumn> Columns,
    IReadOnlyList<SqliteKeyColumn> PrimaryKey,
    bool IsRowidAlias,
    IReadOnlyList<SqliteUniqueIndex> UniqueIndexes)
{
    /// <summary>The columns a row change carries: every column except generated ones.</summary>
    public IEnumerable<SqliteColumn> StoredColumns => Columns.Where(c => !c.IsGenerated);

    /// <summary>
    /// Primary key columns that accept NULL: SQLite allows NULL in a non-INTEGER primary key of a rowid table
    /// unless NOT NULL is declared, and NULL keys cannot identify a row across nodes.
    /// </summary>
    public IEnumerable<SqliteKeyColumn> NullableKeyColumns =>
        WithoutRowid || IsRowidAlias ? [] : PrimaryKey.Where(k => !k.NotNull);
}
