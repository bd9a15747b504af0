namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Names of every object HarmonyLite creates in a user's database. They all start with <see cref="Prefix"/>, which is
/// how capture skips its own tables and how cleanup finds everything to remove.
/// </summary>
public static class CaptureArtifactNames
{
    public const string Prefix = "__harmonylite__";

    /// <summary>Key/value settings of the installation: the node id the triggers were built for, the capture id.</summary>
    public const string Meta = Prefix + "meta";

    /// <summary>The <see cref="Meta"/> key holding the node id the triggers were built for.</summary>
    public const string MetaNodeIdKey = "node_id";

    /// <summary>The <see cref="Meta"/> key holding this installation's random id, part of every batch id it publishes.</summary>
    public const string MetaCaptureIdKey = "capture_id";

    /// <summary>
    /// The change log of every watched table: one row per captured row change, numbered by its rowid <c>seq</c> in
    /// capture order, with the values in positional columns (see <see cref="CaptureSqlBuilder.ValueColumn"/>).
    /// </summary>
    public const string Changes = Prefix + "changes";

    /// <summary>One row: the number of the last change published and deleted from the change log.</summary>
    public const string Published = Prefix + "published";

    /// <summary>One row per captured table: the capture generation and the column/key definition it was built from.</summary>
    public const string WatchedTables = Prefix + "watched_tables";

    /// <summary>The captured columns of every generation of every table, so older change-log rows are read with the columns they had.</summary>
    public const string Generations = Prefix + "capture_generations";

    /// <summary>The silence flag: apply inserts a row first and deletes it before commit; triggers do nothing while it has a row.</summary>
    public const string Silence = Prefix + "silence";

    /// <summary>Stream name to the last applied stream sequence, written in the same transaction as the applied changes.</summary>
    public const string StreamPositions = Prefix + "stream_positions";

    /// <summary>Messages that could not be applied after retries, kept with their error.</summary>
    public const string Quarantine = Prefix + "quarantine";

    public static string Versions(string table) => $"{Prefix}{table}__versions";

    /// <summary>The version table's index of tombstones by version, which the tombstone purge reads instead of the table.</summary>
    public static string TombstoneIndex(string table) => $"{Prefix}{table}__tombstones";

    public static string InsertTrigger(string table) => $"{Prefix}{table}__insert";

    public static string UpdateTrigger(string table) => $"{Prefix}{table}__update";

    public static string KeyUpdateTrigger(string table) => $"{Prefix}{table}__update_key";

    public static string DeleteTrigger(string table) => $"{Prefix}{table}__delete";

    /// <summary>Refuses an insert with a NULL primary key, for tables whose key accepts NULL.</summary>
    public static string NullKeyInsertTrigger(string table) => $"{Prefix}{table}__null_key_insert";

    /// <summary>Refuses an update that sets the primary key to NULL, for tables whose key accepts NULL.</summary>
    public static string NullKeyUpdateTrigger(string table) => $"{Prefix}{table}__null_key_update";

    /// <summary>Whether <paramref name="name"/> is one of HarmonyLite's objects (SQLite names are case-insensitive).</summary>
    public static bool IsArtifact(string name) => name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>A LIKE pattern (with <c>ESCAPE '\'</c>) that matches every artifact name.</summary>
    public const string LikePattern = "\\_\\_harmonylite\\_\\_%";
}
