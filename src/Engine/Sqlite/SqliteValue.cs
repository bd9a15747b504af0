namespace HarmonyLite.Engine.Sqlite;

/// <summary>
/// Conversions between SQLite storage-class values as HarmonyLite carries them (null, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/>, <see cref="byte"/>[]) and ADO.NET's representation.
/// </summary>
internal static class SqliteValue
{
    public static object? FromDatabase(object? value) => value is DBNull ? null : value;

    public static object ToParameter(object? value) => value switch
    {
        null => DBNull.Value,
        long or double or string or byte[] => value,
        int i => (long)i,
        _ => throw new ArgumentException($"A SQLite value must be null, long, double, string or byte[]; got {value.GetType().FullName}.", nameof(value)),
    };
}
