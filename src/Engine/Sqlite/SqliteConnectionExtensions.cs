using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>Small helpers for parameterised statements; every value is bound as a parameter, never spliced into SQL.</summary>
internal static class SqliteConnectionExtensions
{
    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first column of the first row, converted from SQLite's storage class (NULL becomes null).</summary>
    public static async Task<object?> ScalarAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand(sql, parameters);
        return SqliteValue.FromDatabase(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }

    public static async Task<long> ScalarInt64Async(this SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await connection.ScalarAsync(sql, cancellationToken, parameters).ConfigureAwait(false) switch
        {
            long value => value,
            null => throw new InvalidOperationException($"Expected an integer from '{sql}', got NULL."),
            var other => throw new InvalidOperationException($"Expected an integer from '{sql}', got {other.GetType().Name} '{other}'."),
        };

    public static SqliteCommand CreateCommand(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, SqliteValue.ToParameter(value));
        return command;
    }
}
