using System.Globalization;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>A text string; an indefinite-length one keeps its chunks.</summary>
public sealed class CborTextString : CborValue
{
    public CborTextString(string value)
    {
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    private CborTextString(IReadOnlyList<string> chunks)
    {
        Chunks = chunks;
        Value = string.Concat(chunks);
    }

    /// <summary>The whole text (chunks joined).</summary>
    public string Value { get; }

    /// <summary>The chunks of an indefinite-length string; null for a definite-length one.</summary>
    public IReadOnlyList<string>? Chunks { get; }

    public bool IsIndefiniteLength => Chunks is not null;

    public override CborValueKind Kind => CborValueKind.TextString;

    /// <summary>An indefinite-length text string made of <paramref name="chunks"/>.</summary>
    public static CborTextString FromChunks(IEnumerable<string> chunks)
    {
        var copy = chunks.ToArray();
        if (copy.Any(chunk => chunk is null))
        {
            throw new ArgumentException("A text string chunk cannot be null.", nameof(chunks));
        }

        return new CborTextString(copy);
    }

    public override void WriteTo(CborWriter writer)
    {
        if (Chunks is null)
        {
            writer.WriteTextString(Value);
            return;
        }

        writer.WriteStartIndefiniteTextString();
        foreach (var chunk in Chunks)
        {
            writer.WriteTextString(chunk);
        }

        writer.WriteEndIndefiniteTextString();
    }

    public override bool Equals(CborValue? other) =>
        other is CborTextString text
        && text.Value == Value
        && (Chunks is null ? text.Chunks is null : text.Chunks is not null && Chunks.SequenceEqual(text.Chunks));

    public override int GetHashCode() => HashCode.Combine(Value, Chunks?.Count ?? -1);

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        if (Chunks is null)
        {
            AppendQuoted(builder, Value);
            return;
        }

        if (Chunks.Count == 0)
        {
            builder.Append("\"\"_");
            return;
        }

        builder.Append("(_ ");
        for (var i = 0; i < Chunks.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            AppendQuoted(builder, Chunks[i]);
        }

        builder.Append(')');
    }

    /// <summary>JSON-style quoting; everything outside printable ASCII is a \u escape, as in RFC 8949 Appendix A.</summary>
    private static void AppendQuoted(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ' or > '~':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
