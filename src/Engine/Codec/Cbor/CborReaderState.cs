namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>What <see cref="CborReader.PeekState"/> found next in the input.</summary>
public enum CborReaderState
{
    UnsignedInteger,
    NegativeInteger,
    ByteString,
    StartIndefiniteByteString,
    EndIndefiniteByteString,
    TextString,
    StartIndefiniteTextString,
    EndIndefiniteTextString,
    StartArray,
    EndArray,
    StartMap,
    EndMap,
    Tag,
    SimpleValue,
    HalfFloat,
    SingleFloat,
    DoubleFloat,
    Null,
    Undefined,
    Boolean,

    /// <summary>Every root-level data item has been read and no input is left.</summary>
    Finished,
}
