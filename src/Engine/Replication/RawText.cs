namespace HarmonyLite.Engine.Replication;

/// <summary>
/// A TEXT value whose bytes are not valid UTF-8 (SQLite stores whatever bytes it is given, for instance
/// <c>CAST(x'ff00fe' AS TEXT)</c>). A .NET string cannot hold such bytes without rewriting them, so the value
/// travels as its bytes and is written back as TEXT with exactly these bytes. Valid UTF-8 text is a
/// <see cref="string"/>.
/// </summary>
public sealed class RawText : IEquatable<RawText>
{
    public RawText(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Bytes = bytes;
    }

    /// <summary>The text's bytes as SQLite stores them.</summary>
    public byte[] Bytes { get; }

    public bool Equals(RawText? other) => other is not null && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => Equals(obj as RawText);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public override string ToString() => $"TEXT x'{Convert.ToHexString(Bytes)}'";
}
