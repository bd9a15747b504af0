namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>The map keys of the wire format (docs/wire-format.md), as text and as UTF-8 for comparing without allocating.</summary>
internal static class WireKeys
{
    // Envelope.
    public const string Version = "v";
    public const string Compression = "z";
    public const string Payload = "p";

    // Batch.
    public const string BatchNodeId = "n";
    public const string BatchId = "b";
    public const string Changes = "c";
    public const string SchemaHashes = "s";

    // Change.
    public const string Table = "t";
    public const string Operation = "o";
    public const string Hlc = "h";
    public const string VersionNodeId = "n";
    public const string Columns = "c";
    public const string LifeHlc = "l";
    public const string LifeNodeId = "i";
    public const string SchemaHashIndex = "s";

    /// <summary>Whether a key read from the wire is <paramref name="key"/> (every key is one ASCII letter).</summary>
    public static bool Is(ReadOnlyMemory<byte> utf8Key, string key) => utf8Key.Length == 1 && utf8Key.Span[0] == key[0];

    /// <summary>A key read from the wire, as text for an error message.</summary>
    public static string Text(ReadOnlyMemory<byte> utf8Key) => System.Text.Encoding.UTF8.GetString(utf8Key.Span);
}
