using System.Formats.Cbor;
using System.Text;
using System.Text.Unicode;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>
/// Reads the CBOR items of the wire format with System.Formats.Cbor (lax: definite and indefinite lengths,
/// any argument width) and adds what that library leaves to its caller: every problem is a
/// <see cref="WireCborException"/> saying what was expected and what was found, where; text is checked to be
/// UTF-8 (the lax reader would replace bad bytes silently); floats keep their bits (see
/// <see cref="PreferredFloat"/>); arrays and maps of skipped values may nest at most <see cref="MaxDepth"/> deep; and
/// <see cref="ReadEnd"/> refuses bytes after the data item. Not thread-safe.
/// </summary>
internal sealed class WireCborReader(ReadOnlyMemory<byte> data)
{
    /// <summary>Envelope or batch, changes, change, columns, value: anything deeper can only be a later addition being skipped.</summary>
    public const int MaxDepth = 16;

    private readonly CborReader _reader = new(data, CborConformanceMode.Lax);
    private readonly int _length = data.Length;

    /// <summary>Byte offset of the next data item.</summary>
    public int Offset => _length - _reader.BytesRemaining;

    public CborReaderState Peek()
    {
        try
        {
            return _reader.PeekState();
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex, Offset);
        }
    }

    /// <summary>True at the end of the map or array being read.</summary>
    public bool AtEnd() => Peek() is CborReaderState.EndMap or CborReaderState.EndArray;

    public int? ReadStartMap() => Read(CborReaderState.StartMap, static reader => reader.ReadStartMap());

    public void ReadEndMap() => Read(CborReaderState.EndMap, static reader =>
    {
        reader.ReadEndMap();
        return true;
    });

    public int? ReadStartArray() => Read(CborReaderState.StartArray, static reader => reader.ReadStartArray());

    public void ReadEndArray() => Read(CborReaderState.EndArray, static reader =>
    {
        reader.ReadEndArray();
        return true;
    });

    public ulong ReadUInt64() => Read(CborReaderState.UnsignedInteger, static reader => reader.ReadUInt64());

    public long ReadInt64()
    {
        var at = Offset;
        var state = Peek();
        if (state is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
        {
            throw new WireCborException($"expected an integer, found {Describe(state)}", at);
        }

        try
        {
            return _reader.ReadInt64();
        }
        catch (OverflowException ex)
        {
            throw new WireCborException("the integer does not fit a 64-bit signed integer", at, ex);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex, at);
        }
    }

    /// <summary>A text string's bytes, checked to be UTF-8.</summary>
    public ReadOnlyMemory<byte> ReadTextUtf8()
    {
        var at = Offset;
        var bytes = ReadTextBytes();
        return Utf8.IsValid(bytes.Span) ? bytes : throw new WireCborException("the text string is not valid UTF-8", at);
    }

    public string ReadText() => Encoding.UTF8.GetString(ReadTextUtf8().Span);

    /// <summary>A TEXT column value: a <see cref="string"/> when its bytes are UTF-8, otherwise <see cref="RawText"/>.</summary>
    public object ReadTextValue()
    {
        var bytes = ReadTextBytes();
        return Utf8.IsValid(bytes.Span) ? Encoding.UTF8.GetString(bytes.Span) : new RawText(bytes.ToArray());
    }

    /// <summary>A byte string, without copying when it has a definite length.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        var at = Offset;
        try
        {
            if (Peek() == CborReaderState.StartIndefiniteLengthByteString)
            {
                return _reader.ReadByteString();
            }

            Expect(CborReaderState.ByteString);
            return _reader.ReadDefiniteLengthByteString();
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex, at);
        }
    }

    /// <summary>A half, single or double, widened to a double bit for bit.</summary>
    public double ReadFloat()
    {
        var at = Offset;
        var state = Peek();
        if (state is not (CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat))
        {
            throw new WireCborException($"expected a float, found {Describe(state)}", at);
        }

        try
        {
            return PreferredFloat.Decode(_reader.ReadEncodedValue().Span);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex, at);
        }
    }

    public void ReadNull() => Read(CborReaderState.Null, static reader =>
    {
        reader.ReadNull();
        return true;
    });

    /// <summary>Skips one data item of any kind, refusing one that nests deeper than <see cref="MaxDepth"/>.</summary>
    public void Skip()
    {
        var depth = 0;
        while (true)
        {
            var at = Offset;
            try
            {
                switch (Peek())
                {
                    case CborReaderState.StartArray:
                        Enter(at);
                        _reader.ReadStartArray();
                        depth++;
                        break;
                    case CborReaderState.StartMap:
                        Enter(at);
                        _reader.ReadStartMap();
                        depth++;
                        break;
                    case CborReaderState.Tag:
                        // The tagged item follows: read on without ending the skip.
                        _reader.ReadTag();
                        continue;
                    case CborReaderState.EndArray:
                        _reader.ReadEndArray();
                        depth--;
                        break;
                    case CborReaderState.EndMap:
                        _reader.ReadEndMap();
                        depth--;
                        break;
                    default:
                        // Scalars and strings, indefinite-length ones included, hold no nested items.
                        _reader.SkipValue();
                        break;
                }
            }
            catch (Exception ex) when (IsMalformed(ex))
            {
                throw Malformed(ex, at);
            }

            if (depth == 0)
            {
                return;
            }
        }
    }

    /// <summary>Refuses anything after the data item just read.</summary>
    public void ReadEnd()
    {
        if (_reader.BytesRemaining > 0)
        {
            throw new WireCborException($"{_reader.BytesRemaining} byte(s) follow the data item", Offset);
        }
    }

    public static string Describe(CborReaderState state) => state switch
    {
        CborReaderState.UnsignedInteger => "an unsigned integer",
        CborReaderState.NegativeInteger => "a negative integer",
        CborReaderState.ByteString or CborReaderState.StartIndefiniteLengthByteString => "a byte string",
        CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString => "a text string",
        CborReaderState.StartArray => "an array",
        CborReaderState.StartMap => "a map",
        CborReaderState.EndArray => "the end of an array",
        CborReaderState.EndMap => "the end of a map",
        CborReaderState.Tag => "a tag",
        CborReaderState.Null => "null",
        CborReaderState.Undefined => "undefined",
        CborReaderState.Boolean => "a boolean",
        CborReaderState.SimpleValue => "a simple value",
        CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat => "a float",
        CborReaderState.Finished => "the end of the input",
        _ => state.ToString(),
    };

    private ReadOnlyMemory<byte> ReadTextBytes()
    {
        var at = Offset;
        try
        {
            if (Peek() == CborReaderState.TextString)
            {
                return _reader.ReadDefiniteLengthTextStringBytes();
            }

            Expect(CborReaderState.StartIndefiniteLengthTextString);
            _reader.ReadStartIndefiniteLengthTextString();
            var chunks = new List<byte>();
            while (Peek() == CborReaderState.TextString)
            {
                chunks.AddRange(_reader.ReadDefiniteLengthTextStringBytes().Span);
            }

            _reader.ReadEndIndefiniteLengthTextString();
            return chunks.ToArray();
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex, at);
        }
    }

    /// <summary>Refuses an array or map that would open at a depth beyond <see cref="MaxDepth"/>.</summary>
    private void Enter(int at)
    {
        if (_reader.CurrentDepth + 1 > MaxDepth)
        {
            throw new WireCborException($"the data nests deeper than {MaxDepth} levels", at);
        }
    }

    /// <summary>Checks that the next item is <paramref name="expected"/> and returns its offset; otherwise says what was found instead.</summary>
    private int Expect(CborReaderState expected)
    {
        var at = Offset;
        var found = Peek();
        return found == expected ? at : throw new WireCborException($"expected {Describe(expected)}, found {Describe(found)}", at);
    }

    /// <summary>Reads an item of the <paramref name="expected"/> kind (static lambdas: no allocation per read).</summary>
    private T Read<T>(CborReaderState expected, Func<CborReader, T> read)
    {
        var at = Expect(expected);
        try
        {
            return read(_reader);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex, at);
        }
    }

    /// <summary>What System.Formats.Cbor throws for input it cannot read.</summary>
    private static bool IsMalformed(Exception ex) => ex is CborContentException or InvalidOperationException or OverflowException or FormatException;

    private static WireCborException Malformed(Exception ex, int at)
    {
        var message = ex.Message.TrimEnd('.');
        return new WireCborException(message.Length == 0 ? message : char.ToLowerInvariant(message[0]) + message[1..], at, ex);
    }
}
