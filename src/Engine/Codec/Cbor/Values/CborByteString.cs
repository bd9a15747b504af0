using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>A byte string; an indefinite-length one keeps its chunks.</summary>
public sealed class CborByteString : CborValue
{
    public CborByteString(ReadOnlySpan<byte> value) => Value = value.ToArray();

    private CborByteString(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        Chunks = chunks;
        var joined = new byte[chunks.Sum(chunk => chunk.Length)];
        var at = 0;
        foreach (var chunk in chunks)
        {
            chunk.Span.CopyTo(joined.AsSpan(at));
            at += chunk.Length;
        }

        Value = joined;
    }

    /// <summary>The whole content (chunks joined).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The chunks of an indefinite-length string; null for a definite-length one.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Chunks { get; }

    public bool IsIndefiniteLength => Chunks is not null;

    public override CborValueKind Kind => CborValueKind.ByteString;

    /// <summary>An indefinite-length byte string made of <paramref name="chunks"/> (copied).</summary>
    public static CborByteString FromChunks(IEnumerable<byte[]> chunks) =>
        new(chunks.Select(chunk => (ReadOnlyMemory<byte>)(chunk ?? throw new ArgumentException("A byte string chunk cannot be null.", nameof(chunks))).ToArray()).ToArray());

    public override void WriteTo(CborWriter writer)
    {
        if (Chunks is null)
        {
            writer.WriteByteString(Value.Span);
            return;
        }

        writer.WriteStartIndefiniteByteString();
        foreach (var chunk in Chunks)
        {
            writer.WriteByteString(chunk.Span);
        }

        writer.WriteEndIndefiniteByteString();
    }

    public override bool Equals(CborValue? other) =>
        other is CborByteString bytes
        && bytes.Value.Span.SequenceEqual(Value.Span)
        && (Chunks is null
            ? bytes.Chunks is null
            : bytes.Chunks is not null && Chunks.Count == bytes.Chunks.Count && Chunks.Zip(bytes.Chunks).All(pair => pair.First.Span.SequenceEqual(pair.Second.Span)));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Value.Span);
        hash.Add(Chunks?.Count ?? -1);
        return hash.ToHashCode();
    }

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        if (Chunks is null)
        {
            AppendHex(builder, Value.Span);
            return;
        }

        if (Chunks.Count == 0)
        {
            builder.Append("''_");
            return;
        }

        builder.Append("(_ ");
        for (var i = 0; i < Chunks.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            AppendHex(builder, Chunks[i].Span);
        }

        builder.Append(')');
    }

    private static void AppendHex(StringBuilder builder, ReadOnlySpan<byte> bytes) =>
        builder.Append("h'").Append(Convert.ToHexString(bytes).ToLowerInvariant()).Append('\'');
}
