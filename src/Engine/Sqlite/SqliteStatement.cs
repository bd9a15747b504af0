using System.Text;
using System.Text.Unicode;
using HarmonyLite.Engine.Replication;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>
/// A statement prepared once on a connection and run many times, straight through SQLite's C API: the paths that run
/// per replicated row (applying, reading the change log) spend most of their time here. It also moves values exactly:
/// TEXT is read and bound as its bytes, so text that is not valid UTF-8 is not rewritten (see <see cref="RawText"/>).
/// </summary>
/// <remarks>Not thread-safe; owned by one connection user. Dispose it before the connection.</remarks>
internal sealed class SqliteStatement : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    private SqliteStatement(SqliteConnection connection, sqlite3_stmt statement, string sql)
    {
        _connection = connection;
        _statement = statement;
        Sql = sql;
    }

    public string Sql { get; }

    /// <summary>Prepares <paramref name="sql"/> (one statement) for repeated use.</summary>
    public static SqliteStatement Prepare(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_prepare_v3(connection.Handle, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
        if (statement is null) throw new ArgumentException("There is no statement to prepare (only whitespace or comments).", nameof(sql));
        if (!string.IsNullOrWhiteSpace(tail))
        {
            statement.Dispose();
            throw new ArgumentException($"Only one statement can be prepared at a time; '{tail.Trim()}' follows it.", nameof(sql));
        }
        return new SqliteStatement(connection, statement, sql);
    }

    /// <summary>Binds a SQLite value (null, long, double, string, <see cref="RawText"/> or byte[]) to the 1-based parameter.</summary>
    public void Bind(int index, object? value)
    {
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(_statement, index),
            long integer => raw.sqlite3_bind_int64(_statement, index, integer),
            double real => raw.sqlite3_bind_double(_statement, index, real),
            string text => raw.sqlite3_bind_text(_statement, index, text),
            RawText text => raw.sqlite3_bind_text(_statement, index, text.Bytes.AsSpan()),
            byte[] blob => raw.sqlite3_bind_blob(_statement, index, blob.AsSpan()),
            int integer => raw.sqlite3_bind_int64(_statement, index, integer),
            _ => throw new ArgumentException($"A SQLite value must be null, long, double, string, RawText or byte[]; got {value.GetType().FullName}.", nameof(value)),
        };
        Check(rc);
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Runs the statement to its next row; false when it is done. Call <see cref="Reset"/> before running it again.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        // The reset returns the same error with its extended code and leaves the statement ready to run again.
        raw.sqlite3_reset(_statement);
        SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        return false;
    }

    /// <summary>Runs a statement that returns no rows; returns the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            while (Step()) { }
            return raw.sqlite3_changes(_connection.Handle);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Makes the statement ready to run again; bound values stay bound.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>The 0-based column of the current row as a SQLite value, TEXT exactly as stored.</summary>
    public object? GetValue(int column)
    {
        switch (raw.sqlite3_column_type(_statement, column))
        {
            case raw.SQLITE_INTEGER:
                return raw.sqlite3_column_int64(_statement, column);
            case raw.SQLITE_FLOAT:
                return raw.sqlite3_column_double(_statement, column);
            case raw.SQLITE_TEXT:
                return Text(raw.sqlite3_column_blob(_statement, column));
            case raw.SQLITE_BLOB:
                return raw.sqlite3_column_blob(_statement, column).ToArray();
            default:
                return null;
        }
    }

    /// <summary>A TEXT value's bytes as a string when they are valid UTF-8, else as <see cref="RawText"/>.</summary>
    public static object Text(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? StrictUtf8.GetString(bytes) : new RawText(bytes.ToArray());

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }
}
