namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>What a reader or writer has open: the data items that enclose the next one.</summary>
internal enum CborContainerKind
{
    DefiniteArray,
    IndefiniteArray,
    DefiniteMap,
    IndefiniteMap,
    IndefiniteByteString,
    IndefiniteTextString,
}
