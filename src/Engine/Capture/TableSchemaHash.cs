using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// A short fingerprint of what replication sees of a table: its stored columns in order (name, declared type, NOT
/// NULL, key position) and the key's collations. Two nodes whose tables were built by the same DDL get the same hash
/// whatever whitespace or letter case the DDL used, so a difference means the schemas really differ.
/// </summary>
public static class TableSchemaHash
{
    public static string Of(SqliteTableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        foreach (var column in table.StoredColumns)
        {
            Field(text, column.Name);
            Field(text, column.DeclaredType.Trim().ToUpperInvariant());
            Field(text, column.NotNull ? "1" : "0");
            Field(text, column.PrimaryKeyPosition.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var key in table.PrimaryKey) Field(text, key.Collation.ToUpperInvariant());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8).ToLowerInvariant();
    }

    // Each field is preceded by its length, so no two different schemas give the same text.
    private static void Field(StringBuilder text, string value) => text.Append(value.Length).Append(':').Append(value).Append(';');
}
