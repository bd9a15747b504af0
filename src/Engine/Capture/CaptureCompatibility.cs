using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>Decides whether a table can be replicated and which of its properties make concurrent writers collide.</summary>
internal static class CaptureCompatibility
{
    private static readonly HashSet<string> PortableCollations = new(StringComparer.OrdinalIgnoreCase) { "BINARY", "NOCASE", "RTRIM" };

    public static CaptureRefusal? Refusal(SqliteTableSchema table)
    {
        if (table.Kind == SqliteTableKind.Virtual)
            return new CaptureRefusal(CaptureRefusalKind.VirtualTable,
                $"Table '{table.Name}' is a virtual table; SQLite cannot put triggers on it, so its changes cannot be captured. Replicate the ordinary tables it is built from instead.");
        if (table.PrimaryKey.Count == 0)
            return new CaptureRefusal(CaptureRefusalKind.NoPrimaryKey,
                $"Table '{table.Name}' has no PRIMARY KEY, so its rows cannot be identified on other nodes. Rebuild it with a primary key (for example an application-assigned id column declared PRIMARY KEY NOT NULL) to replicate it.");
        var exotic = table.PrimaryKey.Where(k => !PortableCollations.Contains(k.Collation)).ToList();
        if (exotic.Count > 0)
            return new CaptureRefusal(CaptureRefusalKind.UnsupportedKeyCollation,
                $"Table '{table.Name}' compares primary key column(s) {List(exotic.Select(k => k.Name))} with collation {List(exotic.Select(k => k.Collation))}, which only the application that registered it knows. Use BINARY, NOCASE or RTRIM for key columns to replicate it.");
        return null;
    }

    public static IReadOnlyList<CaptureWarning> Warnings(SqliteTableSchema table)
    {
        var warnings = new List<CaptureWarning>();
        if (table.IsRowidAlias)
            warnings.Add(new CaptureWarning(CaptureWarningKind.RowidAliasKey,
                $"Table '{table.Name}' uses INTEGER PRIMARY KEY '{table.PrimaryKey[0].Name}', an alias of the rowid that SQLite assigns (max + 1) when an insert leaves it out: two nodes inserting at the same time pick the same id, and the newer row replaces the other node's row everywhere. Assign ids in the application instead (UUIDs, or a separate id range per node)."));
        foreach (var unique in table.UniqueIndexes)
            warnings.Add(new CaptureWarning(CaptureWarningKind.UniqueConstraint,
                $"Table '{table.Name}' has a unique {(unique.IsConstraint ? "constraint" : $"index '{unique.Name}'")} on ({string.Join(", ", unique.Columns)}) besides the primary key: two nodes can each insert a different row with the same value, and applying the other node's row then fails with a constraint error, so that change is quarantined instead of replicated. Make such values unique per node (for example include the node id), or drop the constraint."));
        return warnings;
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
