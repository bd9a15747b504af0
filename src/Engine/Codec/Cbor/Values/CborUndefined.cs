using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>The simple value undefined.</summary>
public sealed class CborUndefined : CborValue
{
    public static CborUndefined Instance { get; } = new();

    private CborUndefined()
    {
    }

    public override CborValueKind Kind => CborValueKind.Undefined;

    public override void WriteTo(CborWriter writer) => writer.WriteUndefined();

    public override bool Equals(CborValue? other) => other is CborUndefined;

    public override int GetHashCode() => (int)CborValueKind.Undefined;

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append("undefined");
}
