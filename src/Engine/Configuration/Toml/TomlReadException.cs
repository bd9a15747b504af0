namespace HarmonyLite.Engine.Configuration.Toml;

/// <summary>A TOML document could not be read: <see cref="Reason"/> at 1-based <see cref="Line"/> and <see cref="Column"/>.</summary>
internal sealed class TomlReadException(int line, int column, string reason, Exception? innerException = null)
    : Exception($"line {line}, column {column}: {reason}", innerException)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Reason { get; } = reason;
}
