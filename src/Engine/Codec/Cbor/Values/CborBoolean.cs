using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>The simple values false and true.</summary>
public sealed class CborBoolean : CborValue
{
    public static CborBoolean True { get; } = new(true);

    public static CborBoolean False { get; } = new(false);

    private CborBoolean(bool value) => Value = value;

    public bool Value { get; }

    public override CborValueKind Kind => CborValueKind.Boolean;

    public static CborBoolean From(bool value) => value ? True : False;

    public override void WriteTo(CborWriter writer) => writer.WriteBoolean(Value);

    public override bool Equals(CborValue? other) => other is CborBoolean boolean && boolean.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append(Value ? "true" : "false");
}
