using System.Globalization;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>
/// A simple value without a meaning of its own: 0-19 or 24-255 (24-31 are reserved, and only
/// decoded from the two-byte form RFC 7049 used). False, true, null and undefined (20-23) are
/// <see cref="CborBoolean"/>, <see cref="CborNull"/> and <see cref="CborUndefined"/>.
/// </summary>
public sealed class CborSimpleValue : CborValue
{
    public CborSimpleValue(byte value)
    {
        if (value is >= 20 and < 24)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value,
                "Simple values 20-23 are false, true, null and undefined: use CborBoolean, CborNull or CborUndefined.");
        }

        Value = value;
    }

    public byte Value { get; }

    public override CborValueKind Kind => CborValueKind.SimpleValue;

    public override void WriteTo(CborWriter writer) => writer.WriteSimpleValue(Value);

    public override bool Equals(CborValue? other) => other is CborSimpleValue simple && simple.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder) =>
        builder.Append("simple(").Append(Value.ToString(CultureInfo.InvariantCulture)).Append(')');
}
