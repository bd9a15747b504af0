using Microsoft.Data.Sqlite;

namespace HarmonyLite.Module.Tests;

/// <summary>SQLite files written the way an application writes them: a plain Microsoft.Data.Sqlite connection.</summary>
internal static class TestDatabases
{
    public const string BooksSchema = "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL);";

    public static string Create(string path, string sql)
    {
        Execute(path, sql);
        return path;
    }

    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
