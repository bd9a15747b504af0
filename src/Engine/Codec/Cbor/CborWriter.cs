using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>
/// A forward-only writer of CBOR (RFC 8949). Heads always use the shortest argument encoding.
/// Writes into a caller's <see cref="IBufferWriter{T}"/>, or into a growable buffer of its own read
/// back with <see cref="ToArray"/>. Misuse (too many items for a definite-length array, an end
/// without a start, a text chunk in a byte string) is an <see cref="InvalidOperationException"/>.
/// Not thread-safe.
/// </summary>
public sealed class CborWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly BigInteger TwoToThe64 = BigInteger.One << 64;

    private readonly IBufferWriter<byte> _output;
    private readonly ArrayBufferWriter<byte>? _ownBuffer;
    private readonly bool _allowMultipleRootValues;
    private readonly List<Frame> _frames = [];
    private int _pendingTags;
    private int _rootItemsWritten;

    /// <summary>A writer with its own growable buffer.</summary>
    public CborWriter(bool allowMultipleRootValues = false, int initialCapacity = 256)
    {
        _ownBuffer = new ArrayBufferWriter<byte>(Math.Max(1, initialCapacity));
        _output = _ownBuffer;
        _allowMultipleRootValues = allowMultipleRootValues;
    }

    /// <summary>A writer that appends to <paramref name="output"/>.</summary>
    public CborWriter(IBufferWriter<byte> output, bool allowMultipleRootValues = false)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _allowMultipleRootValues = allowMultipleRootValues;
    }

    /// <summary>True when at least one root data item is complete and nothing is left open.</summary>
    public bool IsWriteCompleted => _frames.Count == 0 && _pendingTags == 0 && _rootItemsWritten > 0;

    /// <summary>Bytes written so far into the writer's own buffer.</summary>
    public int BytesWritten => OwnBuffer.WrittenCount;

    private struct Frame
    {
        public CborContainerKind Kind;
        public ulong Expected;
        public ulong Written;
    }

    private ArrayBufferWriter<byte> OwnBuffer => _ownBuffer
        ?? throw new InvalidOperationException("This CborWriter writes into a caller's IBufferWriter; read the bytes from there.");

    /// <summary>The encoding written so far; every item must be complete.</summary>
    public byte[] ToArray()
    {
        EnsureCompleted();
        return OwnBuffer.WrittenSpan.ToArray();
    }

    /// <summary>The encoding written so far, without copying; valid until the next write or <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory
    {
        get
        {
            EnsureCompleted();
            return OwnBuffer.WrittenMemory;
        }
    }

    /// <summary>Forgets everything written, keeping the writer's own buffer for reuse.</summary>
    public void Reset()
    {
        OwnBuffer.Clear();
        _frames.Clear();
        _pendingTags = 0;
        _rootItemsWritten = 0;
    }

    public void WriteUInt64(ulong value)
    {
        BeginItem();
        WriteHead(CborMajorType.UnsignedInteger, value);
        CompleteItem();
    }

    public void WriteInt64(long value)
    {
        BeginItem();
        if (value >= 0)
        {
            WriteHead(CborMajorType.UnsignedInteger, (ulong)value);
        }
        else
        {
            // -1 - value, computed without overflow for long.MinValue.
            WriteHead(CborMajorType.NegativeInteger, (ulong)(-1 - value));
        }

        CompleteItem();
    }

    public void WriteInt32(int value) => WriteInt64(value);

    /// <summary>Writes the negative integer -1 - <paramref name="argument"/> (down to -2^64).</summary>
    public void WriteCborNegativeIntegerRepresentation(ulong argument)
    {
        BeginItem();
        WriteHead(CborMajorType.NegativeInteger, argument);
        CompleteItem();
    }

    /// <summary>
    /// Any integer: major type 0 or 1 when it fits 64 bits of magnitude, otherwise an RFC 8949 §3.4.3
    /// bignum (tag 2 or 3 over the big-endian magnitude without leading zeros).
    /// </summary>
    public void WriteBigInteger(BigInteger value)
    {
        if (value.Sign >= 0 && value < TwoToThe64)
        {
            WriteUInt64((ulong)value);
            return;
        }

        if (value.Sign < 0 && value >= -TwoToThe64)
        {
            WriteCborNegativeIntegerRepresentation((ulong)(BigInteger.MinusOne - value));
            return;
        }

        var magnitude = value.Sign >= 0 ? value : BigInteger.MinusOne - value;
        WriteTag(value.Sign >= 0 ? 2UL : 3UL);
        WriteByteString(magnitude.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    public void WriteHalf(Half value) => WriteFloatBits(25, BitConverter.HalfToUInt16Bits(value), 2);

    public void WriteSingle(float value) => WriteFloatBits(26, BitConverter.SingleToUInt32Bits(value), 4);

    public void WriteDouble(double value) => WriteFloatBits(27, BitConverter.DoubleToUInt64Bits(value), 8);

    /// <summary>
    /// RFC 8949 §4.1 preferred serialization: the shortest of half, single and double precision that
    /// holds <paramref name="value"/> exactly, bit for bit (sign of zero and NaN payload included).
    /// </summary>
    public void WritePreferredFloat(double value)
    {
        if (CborFloatBits.TryNarrowToHalf(value, out var half))
        {
            WriteFloatBits(25, half, 2);
        }
        else if (CborFloatBits.TryNarrowToSingle(value, out var single))
        {
            WriteFloatBits(26, single, 4);
        }
        else
        {
            WriteDouble(value);
        }
    }

    public void WriteBoolean(bool value) => WriteSimpleByte(value ? (byte)0xF5 : (byte)0xF4);

    public void WriteNull() => WriteSimpleByte(0xF6);

    public void WriteUndefined() => WriteSimpleByte(0xF7);

    /// <summary>
    /// A simple value: 0-23 in the initial byte (20-23 are false, true, null, undefined), 24-255 in a
    /// following byte. 24-31 are reserved; they are written as RFC 7049 did (f818-f81f) so that
    /// decoded values re-encode unchanged, but new protocols should not use them.
    /// </summary>
    public void WriteSimpleValue(byte value)
    {
        BeginItem();
        if (value < 24)
        {
            WriteBytes([(byte)(0xE0 | value)]);
        }
        else
        {
            WriteBytes([0xF8, value]);
        }

        CompleteItem();
    }

    /// <summary>A tag; the next data item written is its content.</summary>
    public void WriteTag(ulong tag)
    {
        if (_frames.Count > 0 && _frames[^1].Kind is CborContainerKind.IndefiniteByteString or CborContainerKind.IndefiniteTextString)
        {
            throw new InvalidOperationException("An indefinite-length string holds only untagged chunks of its own type.");
        }

        EnsureRoomForItem();
        WriteHead(CborMajorType.Tag, tag);
        _pendingTags++;
    }

    public void WriteByteString(ReadOnlySpan<byte> value)
    {
        BeginChunkOrItem(CborContainerKind.IndefiniteByteString);
        WriteHead(CborMajorType.ByteString, (ulong)value.Length);
        WriteBytes(value);
        CompleteItem();
    }

    /// <summary>A text string; <paramref name="value"/> must be valid UTF-16 (no unpaired surrogates).</summary>
    public void WriteTextString(ReadOnlySpan<char> value)
    {
        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException(
                $"The text has an unpaired surrogate at index {ex.Index}; CBOR text strings must be valid Unicode.", nameof(value), ex);
        }

        BeginChunkOrItem(CborContainerKind.IndefiniteTextString);
        WriteHead(CborMajorType.TextString, (ulong)byteCount);
        var destination = _output.GetSpan(byteCount);
        var written = StrictUtf8.GetBytes(value, destination);
        _output.Advance(written);
        CompleteItem();
    }

    /// <summary>A text string holding exactly <paramref name="utf8"/>, unchecked: SQLite text need not be valid UTF-8.</summary>
    public void WriteTextStringBytes(ReadOnlySpan<byte> utf8)
    {
        BeginChunkOrItem(CborContainerKind.IndefiniteTextString);
        WriteHead(CborMajorType.TextString, (ulong)utf8.Length);
        WriteBytes(utf8);
        CompleteItem();
    }

    /// <summary>Starts an array of <paramref name="length"/> items, or an indefinite-length array when null.</summary>
    public void WriteStartArray(int? length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "An array length cannot be negative.");
        }

        BeginItem();
        if (length is { } count)
        {
            WriteHead(CborMajorType.Array, (ulong)count);
            _frames.Add(new Frame { Kind = CborContainerKind.DefiniteArray, Expected = (ulong)count });
        }
        else
        {
            WriteBytes([0x9F]);
            _frames.Add(new Frame { Kind = CborContainerKind.IndefiniteArray });
        }
    }

    public void WriteEndArray() => End(CborContainerKind.DefiniteArray, CborContainerKind.IndefiniteArray, "array");

    /// <summary>Starts a map of <paramref name="pairs"/> key/value pairs, or an indefinite-length map when null.</summary>
    public void WriteStartMap(int? pairs)
    {
        if (pairs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pairs), pairs, "A map size cannot be negative.");
        }

        BeginItem();
        if (pairs is { } count)
        {
            WriteHead(CborMajorType.Map, (ulong)count);
            _frames.Add(new Frame { Kind = CborContainerKind.DefiniteMap, Expected = (ulong)count * 2 });
        }
        else
        {
            WriteBytes([0xBF]);
            _frames.Add(new Frame { Kind = CborContainerKind.IndefiniteMap });
        }
    }

    public void WriteEndMap() => End(CborContainerKind.DefiniteMap, CborContainerKind.IndefiniteMap, "map");

    /// <summary>Starts an indefinite-length byte string: write its chunks with <see cref="WriteByteString"/>.</summary>
    public void WriteStartIndefiniteByteString()
    {
        BeginItem();
        WriteBytes([0x5F]);
        _frames.Add(new Frame { Kind = CborContainerKind.IndefiniteByteString });
    }

    public void WriteEndIndefiniteByteString() => End(CborContainerKind.IndefiniteByteString, CborContainerKind.IndefiniteByteString, "indefinite-length byte string");

    /// <summary>Starts an indefinite-length text string: write its chunks with <see cref="WriteTextString"/>.</summary>
    public void WriteStartIndefiniteTextString()
    {
        BeginItem();
        WriteBytes([0x7F]);
        _frames.Add(new Frame { Kind = CborContainerKind.IndefiniteTextString });
    }

    public void WriteEndIndefiniteTextString() => End(CborContainerKind.IndefiniteTextString, CborContainerKind.IndefiniteTextString, "indefinite-length text string");

    private void WriteFloatBits(byte additional, ulong bits, int size)
    {
        BeginItem();
        var destination = _output.GetSpan(1 + size);
        destination[0] = (byte)(0xE0 | additional);
        switch (size)
        {
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)bits);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)bits);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(destination[1..], bits);
                break;
        }

        _output.Advance(1 + size);
        CompleteItem();
    }

    private void WriteSimpleByte(byte initial)
    {
        BeginItem();
        WriteBytes([initial]);
        CompleteItem();
    }

    private void WriteHead(CborMajorType major, ulong argument)
    {
        var type = (byte)((byte)major << 5);
        var destination = _output.GetSpan(9);
        int length;
        if (argument < 24)
        {
            destination[0] = (byte)(type | (byte)argument);
            length = 1;
        }
        else if (argument <= byte.MaxValue)
        {
            destination[0] = (byte)(type | 24);
            destination[1] = (byte)argument;
            length = 2;
        }
        else if (argument <= ushort.MaxValue)
        {
            destination[0] = (byte)(type | 25);
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)argument);
            length = 3;
        }
        else if (argument <= uint.MaxValue)
        {
            destination[0] = (byte)(type | 26);
            BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)argument);
            length = 5;
        }
        else
        {
            destination[0] = (byte)(type | 27);
            BinaryPrimitives.WriteUInt64BigEndian(destination[1..], argument);
            length = 9;
        }

        _output.Advance(length);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }

    private void BeginItem()
    {
        if (_frames.Count > 0 && _frames[^1].Kind is CborContainerKind.IndefiniteByteString or CborContainerKind.IndefiniteTextString)
        {
            throw new InvalidOperationException("An indefinite-length string holds only definite-length chunks of its own type.");
        }

        EnsureRoomForItem();
        _pendingTags = 0;
    }

    private void BeginChunkOrItem(CborContainerKind chunkOf)
    {
        if (_frames.Count > 0 && _frames[^1].Kind is CborContainerKind.IndefiniteByteString or CborContainerKind.IndefiniteTextString)
        {
            if (_frames[^1].Kind != chunkOf)
            {
                throw new InvalidOperationException("An indefinite-length string holds only definite-length chunks of its own type.");
            }

            return;
        }

        BeginItem();
    }

    private void EnsureRoomForItem()
    {
        if (_frames.Count == 0)
        {
            if (_rootItemsWritten > 0 && _pendingTags == 0 && !_allowMultipleRootValues)
            {
                throw new InvalidOperationException("The root data item is complete; this writer was not created to write a sequence of items.");
            }

            return;
        }

        var top = _frames[^1];
        if (top.Kind is CborContainerKind.DefiniteArray or CborContainerKind.DefiniteMap && top.Written >= top.Expected && _pendingTags == 0)
        {
            var what = top.Kind == CborContainerKind.DefiniteArray ? $"array of {top.Expected} items" : $"map of {top.Expected / 2} pairs";
            throw new InvalidOperationException($"The {what} is already full.");
        }
    }

    private void CompleteItem()
    {
        if (_frames.Count == 0)
        {
            _rootItemsWritten++;
            return;
        }

        var top = _frames[^1];
        top.Written++;
        _frames[^1] = top;
    }

    private void End(CborContainerKind definite, CborContainerKind indefinite, string what)
    {
        if (_frames.Count == 0 || (_frames[^1].Kind != definite && _frames[^1].Kind != indefinite) || _pendingTags > 0)
        {
            throw new InvalidOperationException($"There is no open {what} to end here.");
        }

        var top = _frames[^1];
        if (top.Kind is CborContainerKind.DefiniteArray or CborContainerKind.DefiniteMap)
        {
            if (top.Written != top.Expected)
            {
                throw new InvalidOperationException($"The {what} was declared with {top.Expected} items but {top.Written} were written.");
            }
        }
        else
        {
            if (top.Kind == CborContainerKind.IndefiniteMap && top.Written % 2 != 0)
            {
                throw new InvalidOperationException("The map ends after a key without its value.");
            }

            WriteBytes([0xFF]);
        }

        _frames.RemoveAt(_frames.Count - 1);
        CompleteItem();
    }

    private void EnsureCompleted()
    {
        if (_frames.Count > 0 || _pendingTags > 0)
        {
            throw new InvalidOperationException("The encoding is incomplete: an array, map, string or tag is still open.");
        }
    }
}
