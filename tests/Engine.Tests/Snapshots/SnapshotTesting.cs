using HarmonyLite.Engine.Configuration;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Tests.Snapshots;

/// <summary>Configurations and plain-SQLite checks shared by the snapshot tests.</summary>
internal static class SnapshotTesting
{
    public static HarmonyConfig FileStoreConfig(string databasePath, long nodeId, string directory, int keep = 3) => new()
    {
        DbPath = databasePath,
        NodeId = nodeId,
        Snapshot = new SnapshotConfig { Store = SnapshotStoreKind.File, Keep = keep, File = new SnapshotFileConfig { Path = directory } },
    };

    public static HarmonyConfig NatsStoreConfig(string databasePath, long nodeId, string url, string streamPrefix, int keep = 3) => new()
    {
        DbPath = databasePath,
        NodeId = nodeId,
        Nats = new NatsConfig { Urls = [url], StreamPrefix = streamPrefix, ConnectRetries = 0 },
        Snapshot = new SnapshotConfig { Store = SnapshotStoreKind.Nats, Keep = keep, LeaderTtl = TimeSpan.FromSeconds(1.5), Nats = new SnapshotNatsConfig { Bucket = streamPrefix + "-snapshot-store" } },
    };

    /// <summary>A unique stream prefix, so test classes sharing a server never share buckets.</summary>
    public static string UniquePrefix(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];

    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    public static object? Scalar(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static List<object?[]> Query(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static string IntegrityCheck(string path) => string.Join("; ", Query(path, "PRAGMA integrity_check").Select(r => r[0]));

    public static string Q(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
