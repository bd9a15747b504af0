using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>The simple value null.</summary>
public sealed class CborNull : CborValue
{
    public static CborNull Instance { get; } = new();

    private CborNull()
    {
    }

    public override CborValueKind Kind => CborValueKind.Null;

    public override void WriteTo(CborWriter writer) => writer.WriteNull();

    public override bool Equals(CborValue? other) => other is CborNull;

    public override int GetHashCode() => (int)CborValueKind.Null;

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append("null");
}
