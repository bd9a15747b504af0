namespace HarmonyLite.Engine.Sqlite;

/// <summary>A primary key column with the collating sequence its key comparisons use (BINARY unless declared otherwise).</summary>
public sealed record SqliteKeyColumn(string Name, string Collation, bool NotNull);
