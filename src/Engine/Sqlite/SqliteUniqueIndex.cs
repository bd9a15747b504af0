namespace HarmonyLite.Engine.Sqlite;

/// <summary>A uniqueness rule other than the primary key: a UNIQUE constraint or a CREATE UNIQUE INDEX.</summary>
/// <param name="Name">The index name (<c>sqlite_autoindex_...</c> for constraints).</param>
/// <param name="Columns">The indexed column names; <c>&lt;expression&gt;</c> for an expression term.</param>
/// <param name="IsConstraint">Declared as a UNIQUE constraint in the table rather than as a separate index.</param>
/// <param name="IsPartial">A partial index (with a WHERE clause).</param>
public sealed record SqliteUniqueIndex(string Name, IReadOnlyList<string> Columns, bool IsConstraint, bool IsPartial);
