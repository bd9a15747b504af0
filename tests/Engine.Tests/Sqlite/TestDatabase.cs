using System.Globalization;
using System.Text;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Tests.Sqlite;

/// <summary>A SQLite file in its own temp directory, with plain Microsoft.Data.Sqlite access for setting up and checking.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly TempDirectory _directory = new("harmonylite-sqlite");

    private TestDatabase() => Path = _directory.File("test.db");

    public string Path { get; }

    /// <summary>Creates the file (WAL mode, like a node would leave it) and runs <paramref name="schema"/>.</summary>
    public static async Task<TestDatabase> CreateAsync(string schema = "")
    {
        var database = new TestDatabase();
        await database.ExecuteAsync("PRAGMA journal_mode = WAL;" + schema);
        return database;
    }

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 30000";
        busy.ExecuteNonQuery();
        return connection;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        var rows = await QueryAsync(sql);
        return rows.Count == 0 ? null : rows[0][0];
    }

    public async Task<long> CountAsync(string table) => (long)(await ScalarAsync($"SELECT count(*) FROM \"{table.Replace("\"", "\"\"")}\""))!;

    /// <summary>
    /// Every user table (HarmonyLite's own excluded) with its schema SQL and its rows sorted, each value with its storage
    /// class: two databases with the same user data give the same text.
    /// </summary>
    public async Task<string> DumpUserTablesAsync()
    {
        var dump = new StringBuilder();
        var tables = await QueryAsync("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\' ORDER BY name");
        foreach (var table in tables)
        {
            dump.Append("table ").Append(table[0]).Append(": ").Append(table[1]).Append('\n');
            var rows = await QueryAsync($"SELECT * FROM \"{((string)table[0]!).Replace("\"", "\"\"")}\"");
            foreach (var row in rows.Select(FormatRow).Order(StringComparer.Ordinal)) dump.Append("  ").Append(row).Append('\n');
        }
        return dump.ToString();
    }

    /// <summary>A row as text that distinguishes storage classes (1 vs 1.0 vs '1' vs x'31') and the sign of zero.</summary>
    public static string FormatRow(object?[] row) => string.Join(" | ", row.Select(FormatValue));

    public static string FormatValue(object? value) => value switch
    {
        null => "NULL",
        long l => "int:" + l.ToString(CultureInfo.InvariantCulture),
        double d => "real:" + BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture),
        string s => "text:" + s,
        byte[] b => "blob:" + Convert.ToHexString(b),
        _ => throw new ArgumentException($"Unexpected value type {value.GetType()}"),
    };

    public void Dispose() => _directory.Dispose();
}
