namespace HarmonyLite.Engine.Toml;

/// <summary>A TOML document is not valid TOML 1.0: <see cref="Reason"/> says what is wrong, and where.</summary>
public sealed class TomlException : Exception
{
    public TomlException(string reason, TomlPosition position)
        : base($"{position}: {reason}")
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    public TomlPosition Position { get; }

    public int Line => Position.Line;

    public int Column => Position.Column;
}
