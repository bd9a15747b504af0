using System.Numerics;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>
/// A decoded CBOR data item, for generic decoding, inspection and tests. Values are immutable and
/// compare structurally (floats bit for bit). Encoding uses preferred serialization: shortest heads,
/// shortest exact float width, bignums only beyond 64 bits; indefinite lengths are kept as decoded.
/// </summary>
public abstract class CborValue : IEquatable<CborValue>
{
    private protected CborValue()
    {
    }

    public abstract CborValueKind Kind { get; }

    /// <summary>Decodes exactly one data item; anything else in <paramref name="encoded"/> is a <see cref="CborDecodeException"/>.</summary>
    public static CborValue Decode(ReadOnlyMemory<byte> encoded, CborReaderOptions? options = null)
    {
        var single = (options ?? CborReaderOptions.Default) with { AllowMultipleRootValues = false };
        var reader = new CborReader(encoded, single);
        var value = Read(reader);
        // Raises the trailing-bytes error when anything follows the item.
        reader.PeekState();
        return value;
    }

    /// <summary>Reads the next data item, nested items included.</summary>
    public static CborValue Read(CborReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var state = reader.PeekState();
        switch (state)
        {
            case CborReaderState.UnsignedInteger:
                return new CborInteger(reader.ReadUInt64());
            case CborReaderState.NegativeInteger:
                return new CborInteger(BigInteger.MinusOne - reader.ReadCborNegativeIntegerRepresentation());
            case CborReaderState.ByteString:
                return new CborByteString(reader.ReadByteString());
            case CborReaderState.StartIndefiniteByteString:
                return ReadByteStringChunks(reader);
            case CborReaderState.TextString:
                return new CborTextString(reader.ReadTextString());
            case CborReaderState.StartIndefiniteTextString:
                return ReadTextStringChunks(reader);
            case CborReaderState.StartArray:
                return ReadArray(reader);
            case CborReaderState.StartMap:
                return ReadMap(reader);
            case CborReaderState.Tag:
                return ReadTagged(reader);
            case CborReaderState.HalfFloat:
            case CborReaderState.SingleFloat:
            case CborReaderState.DoubleFloat:
                return new CborFloat(reader.ReadDouble());
            case CborReaderState.Boolean:
                return CborBoolean.From(reader.ReadBoolean());
            case CborReaderState.Null:
                reader.ReadNull();
                return CborNull.Instance;
            case CborReaderState.Undefined:
                reader.ReadUndefined();
                return CborUndefined.Instance;
            case CborReaderState.SimpleValue:
                return new CborSimpleValue(reader.ReadSimpleValue());
            default:
                throw new CborDecodeException($"expected a data item, found {state}", reader.CurrentOffset);
        }
    }

    /// <summary>The encoding of this value (preferred serialization).</summary>
    public byte[] Encode()
    {
        var writer = new CborWriter();
        WriteTo(writer);
        return writer.ToArray();
    }

    public abstract void WriteTo(CborWriter writer);

    /// <summary>RFC 8949 §8 diagnostic notation, e.g. <c>{"a": [1, h'ff'], 2: 1.5}</c>.</summary>
    public string ToDiagnosticString()
    {
        var builder = new StringBuilder();
        AppendDiagnostic(builder);
        return builder.ToString();
    }

    public override string ToString() => ToDiagnosticString();

    public abstract bool Equals(CborValue? other);

    public override bool Equals(object? obj) => obj is CborValue other && Equals(other);

    public abstract override int GetHashCode();

    public static bool operator ==(CborValue? left, CborValue? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(CborValue? left, CborValue? right) => !(left == right);

    internal abstract void AppendDiagnostic(StringBuilder builder);

    private static CborByteString ReadByteStringChunks(CborReader reader)
    {
        var chunks = new List<byte[]>();
        reader.ReadStartIndefiniteByteString();
        while (reader.PeekState() == CborReaderState.ByteString)
        {
            chunks.Add(reader.ReadByteString());
        }

        reader.ReadEndIndefiniteByteString();
        return CborByteString.FromChunks(chunks);
    }

    private static CborTextString ReadTextStringChunks(CborReader reader)
    {
        var chunks = new List<string>();
        reader.ReadStartIndefiniteTextString();
        while (reader.PeekState() == CborReaderState.TextString)
        {
            chunks.Add(reader.ReadTextString());
        }

        reader.ReadEndIndefiniteTextString();
        return CborTextString.FromChunks(chunks);
    }

    private static CborArray ReadArray(CborReader reader)
    {
        var length = reader.ReadStartArray();
        // The length is already checked against the input left; the capacity is capped all the same.
        var items = new List<CborValue>(Math.Min(length ?? 4, 1024));
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            items.Add(Read(reader));
        }

        reader.ReadEndArray();
        return new CborArray(items, isIndefiniteLength: length is null);
    }

    private static CborMap ReadMap(CborReader reader)
    {
        var pairs = reader.ReadStartMap();
        var entries = new List<KeyValuePair<CborValue, CborValue>>(Math.Min(pairs ?? 4, 1024));
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            var key = Read(reader);
            entries.Add(new(key, Read(reader)));
        }

        reader.ReadEndMap();
        return new CborMap(entries, isIndefiniteLength: pairs is null);
    }

    private static CborValue ReadTagged(CborReader reader)
    {
        var tag = reader.ReadTag();
        var content = Read(reader);
        // A bignum in preferred serialization (beyond 64 bits, no leading zero) is an integer;
        // anything else stays a tag so that re-encoding gives back the same bytes.
        if (tag is CborInteger.PositiveBignumTag or CborInteger.NegativeBignumTag
            && content is CborByteString { IsIndefiniteLength: false } bytes
            && bytes.Value.Length > 8
            && bytes.Value.Span[0] != 0)
        {
            var magnitude = new BigInteger(bytes.Value.Span, isUnsigned: true, isBigEndian: true);
            return new CborInteger(tag == CborInteger.PositiveBignumTag ? magnitude : BigInteger.MinusOne - magnitude);
        }

        return new CborTag(tag, content);
    }
}
