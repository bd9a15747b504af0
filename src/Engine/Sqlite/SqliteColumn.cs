namespace HarmonyLite.Engine.Sqlite;

/// <summary>One column of a table as <c>PRAGMA table_xinfo</c> describes it.</summary>
/// <param name="Name">The column name as declared.</param>
/// <param name="DeclaredType">The declared type text (empty when none), which decides the column's affinity.</param>
/// <param name="NotNull">Declared NOT NULL.</param>
/// <param name="PrimaryKeyPosition">1-based position in the primary key, 0 when not part of it.</param>
/// <param name="IsGenerated">A generated column: computed on every node, never written, so never replicated.</param>
public sealed record SqliteColumn(string Name, string DeclaredType, bool NotNull, int PrimaryKeyPosition, bool IsGenerated);
