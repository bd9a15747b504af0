using System.Globalization;
using System.Numerics;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>An integer of any size: major type 0 or 1 within 64 bits of magnitude, a bignum (tag 2 or 3) beyond.</summary>
public sealed class CborInteger : CborValue
{
    internal const ulong PositiveBignumTag = 2;
    internal const ulong NegativeBignumTag = 3;

    public CborInteger(BigInteger value) => Value = value;

    public CborInteger(long value) => Value = value;

    public CborInteger(ulong value) => Value = value;

    public BigInteger Value { get; }

    public override CborValueKind Kind => CborValueKind.Integer;

    public override void WriteTo(CborWriter writer) => writer.WriteBigInteger(Value);

    public override bool Equals(CborValue? other) => other is CborInteger integer && integer.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append(Value.ToString(CultureInfo.InvariantCulture));
}
