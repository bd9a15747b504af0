using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Bench;

/// <summary>The benches' databases, made and written as an application would: WAL, synchronous=NORMAL, unpooled connections.</summary>
internal static class BenchDatabase
{
    /// <summary>The table single-row writes go to: a text key and a few columns of every type.</summary>
    public const string ItemsTable = "CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT, qty INTEGER, price REAL, data BLOB);";

    /// <summary>A new unpooled connection to a database, as an application's own would be.</summary>
    public static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 60 }.ToString());
        connection.Open();
        return connection;
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A WAL database holding <paramref name="schema"/>; returns its path.</summary>
    /// <summary>Copies a database another program closed, with its WAL when it left one.</summary>
    public static void CopyWithWal(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        if (File.Exists(from + "-wal")) File.Copy(from + "-wal", to + "-wal", overwrite: true);
    }

    /// <summary>Deletes a database with its WAL and shared-memory files.</summary>
    public static void Delete(string database)
    {
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);
    }

    public static async Task<string> CreateAsync(string database, string schema, CancellationToken cancellationToken)
    {
        await using var connection = Open(database);
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken);
        await ExecuteAsync(connection, schema, cancellationToken);
        return database;
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> rows into <c>items</c>, each its own transaction as an application doing one write
    /// per request would; returns rows per second. With <paramref name="busyTimeout"/> the connection waits for locks with
    /// SQLite's busy handler (PRAGMA busy_timeout), as one sharing its database with another writer should; without, it
    /// relies on Microsoft.Data.Sqlite's own retry, which sleeps 150 ms whenever another connection holds the write lock.
    /// </summary>
    public static async Task<double> InsertItemsOneByOneAsync(string database, string idPrefix, int rows, bool busyTimeout, CancellationToken cancellationToken)
    {
        await using var connection = Open(database);
        await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL", cancellationToken);
        if (busyTimeout) await ExecuteAsync(connection, "PRAGMA busy_timeout = 60000", cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO items(id, name, qty, price, data) VALUES ($id, $name, $qty, $price, $data)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var qty = insert.Parameters.Add("$qty", SqliteType.Integer);
        var price = insert.Parameters.Add("$price", SqliteType.Real);
        insert.Parameters.Add("$data", SqliteType.Blob).Value = new byte[32];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rows; i++)
        {
            id.Value = $"{idPrefix}-{i:D7}";
            name.Value = $"name {i}";
            qty.Value = (long)i;
            price.Value = i * 0.25;
            await insert.ExecuteNonQueryAsync(cancellationToken); // autocommit: one transaction per row
        }
        return rows / clock.Elapsed.TotalSeconds;
    }
}
