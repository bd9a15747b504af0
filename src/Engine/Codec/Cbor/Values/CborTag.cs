using System.Globalization;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>A tagged data item (RFC 8949 §3.4). Bignums in preferred serialization decode to <see cref="CborInteger"/> instead.</summary>
public sealed class CborTag : CborValue
{
    public CborTag(ulong tag, CborValue content)
    {
        Tag = tag;
        Content = content ?? throw new ArgumentNullException(nameof(content));
    }

    public ulong Tag { get; }

    public CborValue Content { get; }

    public override CborValueKind Kind => CborValueKind.Tag;

    public override void WriteTo(CborWriter writer)
    {
        writer.WriteTag(Tag);
        Content.WriteTo(writer);
    }

    public override bool Equals(CborValue? other) => other is CborTag tagged && tagged.Tag == Tag && tagged.Content.Equals(Content);

    public override int GetHashCode() => HashCode.Combine(Tag, Content);

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        builder.Append(Tag.ToString(CultureInfo.InvariantCulture)).Append('(');
        Content.AppendDiagnostic(builder);
        builder.Append(')');
    }
}
