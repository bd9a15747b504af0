using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Inspection;

/// <summary>
/// A content digest of a database's user tables (schema-independent of HarmonyLite's own objects):
/// equal digests mean equal rows with equal values and storage classes. Replicas that agree have
/// the same digest, which is how tests and CI pipelines decide that replication has converged.
/// </summary>
public sealed record DatabaseDigest(string Sha256, IReadOnlyDictionary<string, long> RowCounts)
{
    /// <summary>Reads every user table in one read transaction, rows ordered by primary key (or all columns).</summary>
    public static async Task<DatabaseDigest> ComputeAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        await using var connection = await SqliteConnectionFactory.OpenAsIsAsync(databasePath, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);

        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) tables.Add(reader.GetString(0));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var order = await OrderingColumnsAsync(connection, transaction, table, cancellationToken).ConfigureAwait(false);
            AppendText(hash, "table");
            AppendText(hash, table);
            long rows = 0;
            await using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = $"SELECT * FROM {Quote(table)} ORDER BY {string.Join(", ", order.Select(Quote))}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var columnNames = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            foreach (var name in columnNames) AppendText(hash, name);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++) AppendValue(hash, reader, i);
            }
            counts[table] = rows;
        }
        return new DatabaseDigest(Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), counts);
    }

    private static async Task<IReadOnlyList<string>> OrderingColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, string table, CancellationToken cancellationToken)
    {
        var all = new List<string>();
        var key = new SortedDictionary<int, string>();
        await using var info = connection.CreateCommand();
        info.Transaction = transaction;
        info.CommandText = "SELECT name, pk FROM pragma_table_info($table)";
        info.Parameters.AddWithValue("$table", table);
        await using var reader = await info.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            all.Add(reader.GetString(0));
            var pk = reader.GetInt32(1);
            if (pk > 0) key[pk] = reader.GetString(0);
        }
        return key.Count > 0 ? key.Values.ToList() : all;
    }

    // Each value is framed by its storage class and length, so ("ab", "c") and ("a", "bc") differ, and 1 differs from 1.0 and '1'.
    private static void AppendValue(IncrementalHash hash, SqliteDataReader reader, int ordinal)
    {
        Span<byte> header = stackalloc byte[9];
        if (reader.IsDBNull(ordinal))
        {
            header[0] = 0;
            hash.AppendData(header[..1]);
            return;
        }
        switch (reader.GetFieldType(ordinal))
        {
            case var t when t == typeof(long):
                header[0] = 1;
                BinaryPrimitives.WriteInt64BigEndian(header[1..], reader.GetInt64(ordinal));
                hash.AppendData(header);
                break;
            case var t when t == typeof(double):
                header[0] = 2;
                BinaryPrimitives.WriteInt64BigEndian(header[1..], BitConverter.DoubleToInt64Bits(reader.GetDouble(ordinal)));
                hash.AppendData(header);
                break;
            case var t when t == typeof(string):
                header[0] = 3;
                // The stored bytes, not a decoded string: text that is not valid UTF-8 would decode to replacement characters.
                AppendFramed(hash, header, reader.GetFieldValue<byte[]>(ordinal));
                break;
            default:
                header[0] = 4;
                AppendFramed(hash, header, (byte[])reader.GetValue(ordinal));
                break;
        }
    }

    private static void AppendText(IncrementalHash hash, string text)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = 5;
        AppendFramed(hash, header, Encoding.UTF8.GetBytes(text));
    }

    private static void AppendFramed(IncrementalHash hash, Span<byte> header, byte[] bytes)
    {
        BinaryPrimitives.WriteInt64BigEndian(header[1..], bytes.Length);
        hash.AppendData(header);
        hash.AppendData(bytes);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
