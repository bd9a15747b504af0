namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>The kinds of data item in the generic CBOR value model.</summary>
public enum CborValueKind
{
    Integer,
    Float,
    ByteString,
    TextString,
    Array,
    Map,
    Tag,
    Boolean,
    Null,
    Undefined,
    SimpleValue,
}
