using System.Globalization;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>A floating-point number, whatever width it was encoded in; equality is bit for bit.</summary>
public sealed class CborFloat : CborValue
{
    public CborFloat(double value) => Value = value;

    public double Value { get; }

    public override CborValueKind Kind => CborValueKind.Float;

    public override void WriteTo(CborWriter writer) => writer.WritePreferredFloat(Value);

    public override bool Equals(CborValue? other) =>
        other is CborFloat number && BitConverter.DoubleToUInt64Bits(number.Value) == BitConverter.DoubleToUInt64Bits(Value);

    public override int GetHashCode() => BitConverter.DoubleToUInt64Bits(Value).GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        if (double.IsNaN(Value))
        {
            builder.Append("NaN");
            return;
        }

        if (double.IsInfinity(Value))
        {
            builder.Append(Value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        // Shortest round-trip digits, always with a fraction part so a float never reads as an integer.
        var text = Value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOf('E');
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        builder.Append(mantissa);
        if (!mantissa.Contains('.'))
        {
            builder.Append(".0");
        }

        if (exponentAt >= 0)
        {
            var exponent = int.Parse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            builder.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString(CultureInfo.InvariantCulture));
        }
    }
}
