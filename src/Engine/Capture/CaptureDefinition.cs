using System.Text.Json;
using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// What the triggers of one table capture: the stored columns in declaration order and the primary key. Kept per
/// capture generation, so change-log rows written before a schema change are read with the columns they had.
/// </summary>
internal sealed record CaptureDefinition(IReadOnlyList<string> Columns, IReadOnlyList<CaptureKeyColumn> Key)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static CaptureDefinition FromSchema(SqliteTableSchema table) => new(
        table.StoredColumns.Select(c => c.Name).ToList(),
        table.PrimaryKey.Select(k => new CaptureKeyColumn(k.Name, k.Collation.ToUpperInvariant())).ToList());

    public static CaptureDefinition FromJson(string json) =>
        JsonSerializer.Deserialize<CaptureDefinition>(json, Json) ?? throw new InvalidDataException($"Invalid capture definition '{json}'.");

    /// <summary>The canonical text stored in the catalog; two definitions are the same when their texts are equal.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The position of <paramref name="column"/> in <see cref="Columns"/> (names compare as SQLite compares them: case-insensitively).</summary>
    public int IndexOfColumn(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i], column, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentException($"Column '{column}' is not among the captured columns {string.Join(", ", Columns)}.", nameof(column));
    }

    /// <summary>Whether the version table built for <paramref name="other"/> serves this definition too (same key arity and collations).</summary>
    public bool HasSameKeyShape(CaptureDefinition other) =>
        Key.Select(k => k.Collation).SequenceEqual(other.Key.Select(k => k.Collation), StringComparer.Ordinal);
}
