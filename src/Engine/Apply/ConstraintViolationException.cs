using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>The database rejected a change: a UNIQUE, NOT NULL, CHECK or foreign key constraint, a STRICT type, or a trigger's RAISE.</summary>
public sealed class ConstraintViolationException : ChangeApplyException
{
    public ConstraintViolationException(string stream, ulong sequence, string table, SqliteException innerException)
        : base(stream, sequence, table,
            $"Cannot apply message {sequence} of stream '{stream}': table '{table}' rejected a change: {innerException.Message} Typically two nodes wrote conflicting values under a UNIQUE constraint, or the schemas differ.",
            innerException)
    {
    }
}
