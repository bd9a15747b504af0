namespace HarmonyLite.Engine.Sqlite;

/// <summary>What <c>PRAGMA table_list</c> says a table is.</summary>
public enum SqliteTableKind
{
    /// <summary>An ordinary table (rowid or WITHOUT ROWID).</summary>
    Ordinary,

    /// <summary>A virtual table (FTS, R*Tree, ...): no triggers possible.</summary>
    Virtual,

    /// <summary>A shadow table a virtual table keeps its data in; it follows its virtual table and is never replicated on its own.</summary>
    Shadow,
}
