using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>
/// A forward-only reader of CBOR (RFC 8949) over a buffer. Call <see cref="PeekState"/> to learn what
/// comes next, then the matching <c>Read…</c> method. Every problem with the input, including a data
/// item of another type than the one asked for, is a <see cref="CborDecodeException"/> carrying the
/// byte offset. A read refused for the type of the next item, or for its value not fitting the type
/// asked for, does not advance; after any other error the input is broken and the reader should be
/// dropped. Lengths are checked against the input left before anything is allocated, so hostile
/// input costs at most its own size. Not thread-safe.
/// </summary>
public sealed class CborReader
{
    private const byte BreakByte = 0xFF;
    private const byte IndefiniteLength = 31;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly CborReaderOptions _options;
    private readonly List<Frame> _frames = [];
    private int _offset;
    private int _pendingTags;
    private int _rootItemsRead;

    public CborReader(ReadOnlyMemory<byte> data, CborReaderOptions? options = null)
    {
        _data = data;
        _options = options ?? CborReaderOptions.Default;
    }

    /// <summary>Byte offset of the next data item from the start of the input.</summary>
    public int CurrentOffset => _offset;

    public int BytesRemaining => _data.Length - _offset;

    /// <summary>Enclosing arrays, maps, tags and indefinite-length strings of the next data item.</summary>
    public int CurrentDepth => _frames.Count == 0 ? 0 : _frames[^1].Depth;

    public CborReaderOptions Options => _options;

    private struct Frame
    {
        public CborContainerKind Kind;
        public int StartOffset;
        public int Depth;

        /// <summary>Data items still to come in a definite-length array or map (a map counts keys and values).</summary>
        public int Remaining;

        /// <summary>Data items read so far in an indefinite-length item.</summary>
        public int ItemsRead;
    }

    public CborReaderState PeekState()
    {
        if (_frames.Count > 0)
        {
            var top = _frames[^1];
            if (top.Kind == CborContainerKind.DefiniteArray && top.Remaining == 0)
            {
                return CborReaderState.EndArray;
            }

            if (top.Kind == CborContainerKind.DefiniteMap && top.Remaining == 0)
            {
                return CborReaderState.EndMap;
            }
        }
        else if (_pendingTags == 0 && (_rootItemsRead > 0 || _options.AllowMultipleRootValues))
        {
            if (_offset == _data.Length)
            {
                return CborReaderState.Finished;
            }

            if (!_options.AllowMultipleRootValues)
            {
                throw new CborDecodeException($"{BytesRemaining} byte(s) follow the data item where a single data item was expected", _offset);
            }
        }

        if (_offset >= _data.Length)
        {
            throw new CborDecodeException($"the input ends where a data item was expected{DescribeEnclosing()}", _offset);
        }

        var initial = _data.Span[_offset];
        var major = (CborMajorType)(initial >> 5);
        var additional = (byte)(initial & 0x1F);

        if (_frames.Count > 0 && _frames[^1].Kind is CborContainerKind.IndefiniteByteString or CborContainerKind.IndefiniteTextString)
        {
            return PeekChunk(_frames[^1].Kind, initial, major, additional);
        }

        if (initial == BreakByte)
        {
            return PeekBreak();
        }

        if (additional is >= 28 and <= 30)
        {
            throw new CborDecodeException($"initial byte 0x{initial:x2} uses reserved additional information {additional}", _offset);
        }

        switch (major)
        {
            case CborMajorType.UnsignedInteger:
            case CborMajorType.NegativeInteger:
            case CborMajorType.Tag:
                if (additional == IndefiniteLength)
                {
                    throw new CborDecodeException($"initial byte 0x{initial:x2}: major type {(int)major} cannot have an indefinite length", _offset);
                }

                return major switch
                {
                    CborMajorType.UnsignedInteger => CborReaderState.UnsignedInteger,
                    CborMajorType.NegativeInteger => CborReaderState.NegativeInteger,
                    _ => CborReaderState.Tag,
                };
            case CborMajorType.ByteString:
                return additional == IndefiniteLength ? CborReaderState.StartIndefiniteByteString : CborReaderState.ByteString;
            case CborMajorType.TextString:
                return additional == IndefiniteLength ? CborReaderState.StartIndefiniteTextString : CborReaderState.TextString;
            case CborMajorType.Array:
                return CborReaderState.StartArray;
            case CborMajorType.Map:
                return CborReaderState.StartMap;
            default:
                return additional switch
                {
                    20 or 21 => CborReaderState.Boolean,
                    22 => CborReaderState.Null,
                    23 => CborReaderState.Undefined,
                    25 => CborReaderState.HalfFloat,
                    26 => CborReaderState.SingleFloat,
                    27 => CborReaderState.DoubleFloat,
                    _ => CborReaderState.SimpleValue,
                };
        }
    }

    public ulong ReadUInt64()
    {
        Expect(CborReaderState.UnsignedInteger);
        var value = ReadArgument(out var headLength);
        ConsumeScalar(headLength);
        return value;
    }

    /// <summary>An unsigned or negative integer that fits a <see cref="long"/>.</summary>
    public long ReadInt64()
    {
        var state = PeekState();
        if (state is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
        {
            throw Mismatch("an integer", state);
        }

        var argument = ReadArgument(out var headLength);
        if (argument > long.MaxValue)
        {
            var text = state == CborReaderState.UnsignedInteger ? argument.ToString() : $"-1-{argument}";
            throw new CborDecodeException($"integer {text} does not fit a 64-bit signed integer", _offset);
        }

        ConsumeScalar(headLength);
        return state == CborReaderState.UnsignedInteger ? (long)argument : -1 - (long)argument;
    }

    /// <summary>An unsigned or negative integer that fits an <see cref="int"/>.</summary>
    public int ReadInt32()
    {
        var start = _offset;
        var state = PeekState();
        if (state is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
        {
            throw Mismatch("an integer", state);
        }

        var argument = ReadArgument(out var headLength);
        if (argument > int.MaxValue)
        {
            var text = state == CborReaderState.UnsignedInteger ? argument.ToString() : $"-1-{argument}";
            throw new CborDecodeException($"integer {text} does not fit a 32-bit signed integer", start);
        }

        ConsumeScalar(headLength);
        return state == CborReaderState.UnsignedInteger ? (int)argument : -1 - (int)argument;
    }

    /// <summary>The argument n of a negative integer, whose value is -1 - n (down to -2^64).</summary>
    public ulong ReadCborNegativeIntegerRepresentation()
    {
        Expect(CborReaderState.NegativeInteger);
        var value = ReadArgument(out var headLength);
        ConsumeScalar(headLength);
        return value;
    }

    public Half ReadHalf()
    {
        Expect(CborReaderState.HalfFloat);
        var bits = BinaryPrimitives.ReadUInt16BigEndian(Need(3, "a half-precision float").Slice(1));
        ConsumeScalar(3);
        return BitConverter.UInt16BitsToHalf(bits);
    }

    /// <summary>A half- or single-precision float, widened to single precision.</summary>
    public float ReadSingle()
    {
        var state = PeekState();
        switch (state)
        {
            case CborReaderState.HalfFloat:
                return (float)ReadHalf();
            case CborReaderState.SingleFloat:
                var bits = BinaryPrimitives.ReadUInt32BigEndian(Need(5, "a single-precision float").Slice(1));
                ConsumeScalar(5);
                return BitConverter.UInt32BitsToSingle(bits);
            default:
                throw Mismatch("a half- or single-precision float", state);
        }
    }

    /// <summary>A float of any width, widened exactly (NaN payloads included) to double precision.</summary>
    public double ReadDouble()
    {
        var state = PeekState();
        switch (state)
        {
            case CborReaderState.HalfFloat:
                var half = BinaryPrimitives.ReadUInt16BigEndian(Need(3, "a half-precision float").Slice(1));
                ConsumeScalar(3);
                return CborFloatBits.HalfToDouble(half);
            case CborReaderState.SingleFloat:
                var single = BinaryPrimitives.ReadUInt32BigEndian(Need(5, "a single-precision float").Slice(1));
                ConsumeScalar(5);
                return CborFloatBits.SingleToDouble(single);
            case CborReaderState.DoubleFloat:
                var bits = BinaryPrimitives.ReadUInt64BigEndian(Need(9, "a double-precision float").Slice(1));
                ConsumeScalar(9);
                return BitConverter.UInt64BitsToDouble(bits);
            default:
                throw Mismatch("a floating-point number", state);
        }
    }

    public bool ReadBoolean()
    {
        Expect(CborReaderState.Boolean);
        var value = _data.Span[_offset] == 0xF5;
        ConsumeScalar(1);
        return value;
    }

    public void ReadNull()
    {
        Expect(CborReaderState.Null);
        ConsumeScalar(1);
    }

    public void ReadUndefined()
    {
        Expect(CborReaderState.Undefined);
        ConsumeScalar(1);
    }

    /// <summary>A simple value (major type 7) other than a float: 0-19, false, true, null, undefined, 24-31 (reserved) or 32-255.</summary>
    public byte ReadSimpleValue()
    {
        var state = PeekState();
        if (state is not (CborReaderState.SimpleValue or CborReaderState.Boolean or CborReaderState.Null or CborReaderState.Undefined))
        {
            throw Mismatch("a simple value", state);
        }

        var additional = (byte)(_data.Span[_offset] & 0x1F);
        if (additional < 24)
        {
            ConsumeScalar(1);
            return additional;
        }

        var value = Need(2, "a simple value")[1];
        // RFC 8949 also calls a following byte of 24-31 not well-formed, but RFC 7049 (and its
        // Appendix A, simple(24) as f818) accepted the reserved values in that form: so do we.
        if (value < 24)
        {
            throw new CborDecodeException($"simple value {value} must be encoded in the initial byte, not in a following byte", _offset);
        }

        ConsumeScalar(2);
        return value;
    }

    /// <summary>A tag; the tagged data item follows.</summary>
    public ulong ReadTag()
    {
        Expect(CborReaderState.Tag);
        var depth = CurrentDepth + _pendingTags + 1;
        if (depth > _options.MaxNestingDepth)
        {
            throw new CborDecodeException($"data items nest deeper than the limit of {_options.MaxNestingDepth} levels", _offset);
        }

        var tag = ReadArgument(out var headLength);
        _offset += headLength;
        _pendingTags++;
        return tag;
    }

    /// <summary>The next tag without reading it.</summary>
    public ulong PeekTag()
    {
        Expect(CborReaderState.Tag);
        return ReadArgument(out _);
    }

    /// <summary>Starts an array: returns its length, or null for an indefinite-length array ended by <see cref="ReadEndArray"/>.</summary>
    public int? ReadStartArray()
    {
        Expect(CborReaderState.StartArray);
        var start = _offset;
        if ((_data.Span[_offset] & 0x1F) == IndefiniteLength)
        {
            Push(CborContainerKind.IndefiniteArray, 0, start, headLength: 1);
            return null;
        }

        var count = ReadArgument(out var headLength);
        // Every item takes at least one byte: a longer count cannot be honest.
        if (count > (ulong)(BytesRemaining - headLength))
        {
            throw new CborDecodeException($"an array of {count} items cannot fit in the {BytesRemaining - headLength} byte(s) left", start);
        }

        Push(CborContainerKind.DefiniteArray, (int)count, start, headLength);
        return (int)count;
    }

    public void ReadEndArray()
    {
        Expect(CborReaderState.EndArray);
        Pop();
    }

    /// <summary>Starts a map: returns its number of key/value pairs, or null for an indefinite-length map ended by <see cref="ReadEndMap"/>.</summary>
    public int? ReadStartMap()
    {
        Expect(CborReaderState.StartMap);
        var start = _offset;
        if ((_data.Span[_offset] & 0x1F) == IndefiniteLength)
        {
            Push(CborContainerKind.IndefiniteMap, 0, start, headLength: 1);
            return null;
        }

        var pairs = ReadArgument(out var headLength);
        if (pairs > (ulong)(BytesRemaining - headLength) / 2)
        {
            throw new CborDecodeException($"a map of {pairs} pairs cannot fit in the {BytesRemaining - headLength} byte(s) left", start);
        }

        Push(CborContainerKind.DefiniteMap, (int)pairs * 2, start, headLength);
        return (int)pairs;
    }

    public void ReadEndMap()
    {
        Expect(CborReaderState.EndMap);
        Pop();
    }

    /// <summary>A byte string; the chunks of an indefinite-length one are joined.</summary>
    public byte[] ReadByteString() => ReadByteStringMemory().ToArray();

    /// <summary>
    /// A byte string without copying when it has a definite length (the result is a slice of the input);
    /// the chunks of an indefinite-length one are joined into a new buffer.
    /// </summary>
    public ReadOnlyMemory<byte> ReadByteStringMemory()
    {
        var state = PeekState();
        if (state == CborReaderState.ByteString)
        {
            var (start, length) = ReadDefiniteString();
            return _data.Slice(start, length);
        }

        if (state != CborReaderState.StartIndefiniteByteString)
        {
            throw Mismatch("a byte string", state);
        }

        var joined = new ArrayBufferWriter<byte>();
        ReadStartIndefiniteByteString();
        while (PeekState() == CborReaderState.ByteString)
        {
            var (start, length) = ReadDefiniteString();
            joined.Write(_data.Span.Slice(start, length));
        }

        ReadEndIndefiniteByteString();
        return joined.WrittenMemory;
    }

    /// <summary>A text string, checked to be valid UTF-8; the chunks of an indefinite-length one are joined.</summary>
    public string ReadTextString()
    {
        var state = PeekState();
        if (state == CborReaderState.TextString)
        {
            var (start, length) = ReadDefiniteString(validateUtf8: true);
            return Encoding.UTF8.GetString(_data.Span.Slice(start, length));
        }

        if (state != CborReaderState.StartIndefiniteTextString)
        {
            throw Mismatch("a text string", state);
        }

        var joined = new StringBuilder();
        ReadStartIndefiniteTextString();
        while (PeekState() == CborReaderState.TextString)
        {
            var (start, length) = ReadDefiniteString(validateUtf8: true);
            joined.Append(Encoding.UTF8.GetString(_data.Span.Slice(start, length)));
        }

        ReadEndIndefiniteTextString();
        return joined.ToString();
    }

    /// <summary>A definite-length text string's bytes as they are, valid UTF-8 or not (SQLite text need not be).</summary>
    public ReadOnlyMemory<byte> ReadDefiniteTextStringBytes()
    {
        var state = PeekState();
        if (state != CborReaderState.TextString) throw Mismatch("a definite-length text string", state);
        var (start, length) = ReadDefiniteString(validateUtf8: false);
        return _data.Slice(start, length);
    }

    /// <summary>
    /// A text string as its UTF-8 bytes, checked to be valid: a slice of the input when it has a
    /// definite length, the chunks joined into a new buffer otherwise. Lets a caller compare keys
    /// without allocating strings.
    /// </summary>
    public ReadOnlyMemory<byte> ReadTextStringUtf8()
    {
        var state = PeekState();
        if (state == CborReaderState.TextString)
        {
            var (start, length) = ReadDefiniteString(validateUtf8: true);
            return _data.Slice(start, length);
        }

        if (state != CborReaderState.StartIndefiniteTextString)
        {
            throw Mismatch("a text string", state);
        }

        var joined = new ArrayBufferWriter<byte>();
        ReadStartIndefiniteTextString();
        while (PeekState() == CborReaderState.TextString)
        {
            var (start, length) = ReadDefiniteString(validateUtf8: true);
            joined.Write(_data.Span.Slice(start, length));
        }

        ReadEndIndefiniteTextString();
        return joined.WrittenMemory;
    }

    /// <summary>Starts an indefinite-length byte string: read its chunks with <see cref="ReadByteString"/> until <see cref="CborReaderState.EndIndefiniteByteString"/>.</summary>
    public void ReadStartIndefiniteByteString()
    {
        Expect(CborReaderState.StartIndefiniteByteString);
        Push(CborContainerKind.IndefiniteByteString, 0, _offset, headLength: 1);
    }

    public void ReadEndIndefiniteByteString()
    {
        Expect(CborReaderState.EndIndefiniteByteString);
        Pop();
    }

    /// <summary>Starts an indefinite-length text string: read its chunks with <see cref="ReadTextString"/> until <see cref="CborReaderState.EndIndefiniteTextString"/>.</summary>
    public void ReadStartIndefiniteTextString()
    {
        Expect(CborReaderState.StartIndefiniteTextString);
        Push(CborContainerKind.IndefiniteTextString, 0, _offset, headLength: 1);
    }

    public void ReadEndIndefiniteTextString()
    {
        Expect(CborReaderState.EndIndefiniteTextString);
        Pop();
    }

    /// <summary>Reads past the next data item, tags and nested items included, checking it as it goes.</summary>
    public void SkipValue()
    {
        var depth = 0;
        while (true)
        {
            var state = PeekState();
            switch (state)
            {
                case CborReaderState.StartArray:
                    ReadStartArray();
                    depth++;
                    continue;
                case CborReaderState.StartMap:
                    ReadStartMap();
                    depth++;
                    continue;
                case CborReaderState.StartIndefiniteByteString:
                    ReadStartIndefiniteByteString();
                    depth++;
                    continue;
                case CborReaderState.StartIndefiniteTextString:
                    ReadStartIndefiniteTextString();
                    depth++;
                    continue;
                case CborReaderState.Tag:
                    ReadTag();
                    continue;
                case CborReaderState.EndArray when depth > 0:
                    ReadEndArray();
                    depth--;
                    break;
                case CborReaderState.EndMap when depth > 0:
                    ReadEndMap();
                    depth--;
                    break;
                case CborReaderState.EndIndefiniteByteString when depth > 0:
                    ReadEndIndefiniteByteString();
                    depth--;
                    break;
                case CborReaderState.EndIndefiniteTextString when depth > 0:
                    ReadEndIndefiniteTextString();
                    depth--;
                    break;
                case CborReaderState.UnsignedInteger:
                case CborReaderState.NegativeInteger:
                    ReadArgument(out var headLength);
                    ConsumeScalar(headLength);
                    break;
                case CborReaderState.ByteString:
                    ReadDefiniteString();
                    break;
                case CborReaderState.TextString:
                    ReadDefiniteString(validateUtf8: true);
                    break;
                case CborReaderState.HalfFloat:
                case CborReaderState.SingleFloat:
                case CborReaderState.DoubleFloat:
                    ReadDouble();
                    break;
                case CborReaderState.SimpleValue:
                case CborReaderState.Boolean:
                case CborReaderState.Null:
                case CborReaderState.Undefined:
                    ReadSimpleValue();
                    break;
                default:
                    throw Mismatch("a data item", state);
            }

            if (depth == 0)
            {
                return;
            }
        }
    }

    private CborReaderState PeekChunk(CborContainerKind kind, byte initial, CborMajorType major, byte additional)
    {
        var isText = kind == CborContainerKind.IndefiniteTextString;
        if (initial == BreakByte)
        {
            return isText ? CborReaderState.EndIndefiniteTextString : CborReaderState.EndIndefiniteByteString;
        }

        var expected = isText ? CborMajorType.TextString : CborMajorType.ByteString;
        if (major != expected || additional >= 28)
        {
            var what = isText ? "text" : "byte";
            throw new CborDecodeException(
                $"an indefinite-length {what} string may hold only definite-length {what} string chunks, found initial byte 0x{initial:x2}", _offset);
        }

        return isText ? CborReaderState.TextString : CborReaderState.ByteString;
    }

    private CborReaderState PeekBreak()
    {
        if (_pendingTags > 0)
        {
            throw new CborDecodeException("a tag must be followed by a data item, found a break (0xff)", _offset);
        }

        if (_frames.Count > 0)
        {
            var top = _frames[^1];
            if (top.Kind == CborContainerKind.IndefiniteArray)
            {
                return CborReaderState.EndArray;
            }

            if (top.Kind == CborContainerKind.IndefiniteMap)
            {
                if (top.ItemsRead % 2 != 0)
                {
                    throw new CborDecodeException($"the indefinite-length map that starts at offset {top.StartOffset} ends after a key without its value", _offset);
                }

                return CborReaderState.EndMap;
            }
        }

        throw new CborDecodeException("a break (0xff) outside an indefinite-length array, map or string", _offset);
    }

    private void Expect(CborReaderState expected)
    {
        var state = PeekState();
        if (state != expected)
        {
            throw Mismatch(Describe(expected), state);
        }
    }

    private CborDecodeException Mismatch(string expected, CborReaderState found) =>
        new($"expected {expected}, found {Describe(found)}{DescribeEnclosing()}", _offset);

    internal static string Describe(CborReaderState state) => state switch
    {
        CborReaderState.UnsignedInteger => "an unsigned integer",
        CborReaderState.NegativeInteger => "a negative integer",
        CborReaderState.ByteString => "a byte string",
        CborReaderState.StartIndefiniteByteString => "an indefinite-length byte string",
        CborReaderState.EndIndefiniteByteString => "the end of an indefinite-length byte string",
        CborReaderState.TextString => "a text string",
        CborReaderState.StartIndefiniteTextString => "an indefinite-length text string",
        CborReaderState.EndIndefiniteTextString => "the end of an indefinite-length text string",
        CborReaderState.StartArray => "an array",
        CborReaderState.EndArray => "the end of an array",
        CborReaderState.StartMap => "a map",
        CborReaderState.EndMap => "the end of a map",
        CborReaderState.Tag => "a tag",
        CborReaderState.SimpleValue => "a simple value",
        CborReaderState.HalfFloat => "a half-precision float",
        CborReaderState.SingleFloat => "a single-precision float",
        CborReaderState.DoubleFloat => "a double-precision float",
        CborReaderState.Null => "null",
        CborReaderState.Undefined => "undefined",
        CborReaderState.Boolean => "a boolean",
        _ => "the end of the input",
    };

    private string DescribeEnclosing()
    {
        if (_frames.Count == 0)
        {
            return "";
        }

        var top = _frames[^1];
        var what = top.Kind switch
        {
            CborContainerKind.DefiniteArray or CborContainerKind.IndefiniteArray => "array",
            CborContainerKind.DefiniteMap or CborContainerKind.IndefiniteMap => "map",
            CborContainerKind.IndefiniteByteString => "indefinite-length byte string",
            _ => "indefinite-length text string",
        };
        return $" (inside the {what} that starts at offset {top.StartOffset})";
    }

    /// <summary>The head's argument at the current offset (the value, length or count), checked for truncation.</summary>
    private ulong ReadArgument(out int headLength)
    {
        var additional = _data.Span[_offset] & 0x1F;
        switch (additional)
        {
            case < 24:
                headLength = 1;
                return (ulong)additional;
            case 24:
                headLength = 2;
                return Need(2, "a one-byte argument")[1];
            case 25:
                headLength = 3;
                return BinaryPrimitives.ReadUInt16BigEndian(Need(3, "a two-byte argument").Slice(1));
            case 26:
                headLength = 5;
                return BinaryPrimitives.ReadUInt32BigEndian(Need(5, "a four-byte argument").Slice(1));
            default:
                headLength = 9;
                return BinaryPrimitives.ReadUInt64BigEndian(Need(9, "an eight-byte argument").Slice(1));
        }
    }

    private ReadOnlySpan<byte> Need(int length, string what)
    {
        if (BytesRemaining < length)
        {
            throw new CborDecodeException($"the input ends inside {what} ({length} bytes needed, {BytesRemaining} left){DescribeEnclosing()}", _offset);
        }

        return _data.Span.Slice(_offset, length);
    }

    /// <summary>Consumes a definite-length string head and body; returns where the body is.</summary>
    private (int Start, int Length) ReadDefiniteString(bool validateUtf8 = false)
    {
        var start = _offset;
        var length = ReadArgument(out var headLength);
        var available = BytesRemaining - headLength;
        if (length > (ulong)available)
        {
            throw new CborDecodeException($"a string of {length} bytes runs past the end of the input ({available} byte(s) left)", start);
        }

        if (validateUtf8)
        {
            ValidateUtf8(start + headLength, (int)length);
        }

        ConsumeScalar(headLength + (int)length);
        return (start + headLength, (int)length);
    }

    private void ValidateUtf8(int start, int length)
    {
        var text = _data.Span.Slice(start, length);
        if (Utf8.IsValid(text))
        {
            return;
        }

        var position = 0;
        while (Rune.DecodeFromUtf8(text[position..], out _, out var consumed) == OperationStatus.Done)
        {
            position += consumed;
        }

        throw new CborDecodeException("a text string is not valid UTF-8", start + position);
    }

    private void ConsumeScalar(int length)
    {
        _offset += length;
        _pendingTags = 0;
        CompleteItem();
    }

    private void Push(CborContainerKind kind, int remaining, int start, int headLength)
    {
        var depth = CurrentDepth + _pendingTags + 1;
        if (depth > _options.MaxNestingDepth)
        {
            throw new CborDecodeException($"data items nest deeper than the limit of {_options.MaxNestingDepth} levels", start);
        }

        _offset += headLength;
        _pendingTags = 0;
        _frames.Add(new Frame { Kind = kind, StartOffset = start, Depth = depth, Remaining = remaining });
    }

    private void Pop()
    {
        var kind = _frames[^1].Kind;
        if (kind is not (CborContainerKind.DefiniteArray or CborContainerKind.DefiniteMap))
        {
            _offset++; // the break byte
        }

        _frames.RemoveAt(_frames.Count - 1);
        CompleteItem();
    }

    private void CompleteItem()
    {
        if (_frames.Count == 0)
        {
            _rootItemsRead++;
            return;
        }

        ref var top = ref CollectionsMarshal.AsSpan(_frames)[^1];
        if (top.Kind is CborContainerKind.DefiniteArray or CborContainerKind.DefiniteMap)
        {
            top.Remaining--;
        }
        else
        {
            top.ItemsRead++;
        }
    }
}
