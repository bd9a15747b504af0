using System.Formats.Cbor;
using HarmonyLite.Engine.Codec.Zstd;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>
/// Turns the bytes of one replication message back into a <see cref="ChangeBatch"/>
/// (docs/wire-format.md). Any problem with the bytes is a <see cref="WireFormatException"/>, and
/// nothing else: damaged CBOR, damaged zstd, a payload over the limit, a missing or mistyped field,
/// a newer major version (<see cref="UnsupportedWireVersionException"/>). Thread-safe.
/// </summary>
public sealed class ChangeBatchDecoder
{
    private readonly ZstdDecompressor _decompressor;

    public ChangeBatchDecoder(ChangeBatchDecoderOptions? options = null)
    {
        Options = options ?? new ChangeBatchDecoderOptions();
        _decompressor = new ZstdDecompressor(Options.MaxPayloadBytes);
    }

    public ChangeBatchDecoderOptions Options { get; }

    public ChangeBatch Decode(ReadOnlyMemory<byte> message)
    {
        var (compression, payload) = ReadEnvelope(message);
        if (compression == WireCompression.Zstd)
        {
            payload = Decompress(payload);
        }

        return ReadBatch(payload);
    }

    private (WireCompression Compression, ReadOnlyMemory<byte> Payload) ReadEnvelope(ReadOnlyMemory<byte> message)
    {
        try
        {
            var reader = new WireCborReader(message);
            reader.ReadStartMap();
            if (reader.AtEnd() || reader.Peek() != CborReaderState.TextString || !WireKeys.Is(reader.ReadTextUtf8(), WireKeys.Version))
            {
                throw Invalid("the envelope does not start with the format version \"v\"; this is not a HarmonyLite change batch");
            }

            var version = reader.ReadUInt64();
            if (version > ChangeBatch.FormatVersion)
            {
                throw new UnsupportedWireVersionException(version, ChangeBatch.FormatVersion);
            }

            if (version == 0)
            {
                throw Invalid("format version 0 does not exist");
            }

            WireCompression? compression = null;
            ReadOnlyMemory<byte>? payload = null;
            while (!reader.AtEnd())
            {
                var key = reader.ReadTextUtf8();
                if (WireKeys.Is(key, WireKeys.Compression) && compression is null)
                {
                    var code = reader.ReadUInt64();
                    compression = code switch
                    {
                        0 => WireCompression.None,
                        1 => WireCompression.Zstd,
                        _ => throw Invalid($"compression {code} is unknown (this build knows 0, none, and 1, zstd)"),
                    };
                }
                else if (WireKeys.Is(key, WireKeys.Payload) && payload is null)
                {
                    payload = reader.ReadBytes();
                }
                else if (WireKeys.Is(key, WireKeys.Version) || WireKeys.Is(key, WireKeys.Compression) || WireKeys.Is(key, WireKeys.Payload))
                {
                    throw Invalid($"the envelope has \"{WireKeys.Text(key)}\" twice");
                }
                else
                {
                    // Added by a later revision of this major version: safe to ignore.
                    reader.Skip();
                }
            }

            reader.ReadEndMap();
            reader.ReadEnd();

            if (compression is null || payload is null)
            {
                throw Invalid($"the envelope lacks \"{(compression is null ? WireKeys.Compression : WireKeys.Payload)}\"");
            }

            if (payload.Value.Length > Options.MaxPayloadBytes)
            {
                throw Invalid($"the payload of {payload.Value.Length} bytes is over the limit of {Options.MaxPayloadBytes} (ChangeBatchDecoderOptions.MaxPayloadBytes)");
            }

            return (compression.Value, payload.Value);
        }
        catch (WireCborException ex)
        {
            throw Invalid($"the envelope is not valid: {ex.Problem} at byte {ex.Offset}", ex);
        }
    }

    private byte[] Decompress(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return _decompressor.Decompress(payload.Span);
        }
        catch (ZstdDataException ex)
        {
            throw Invalid($"the payload is not valid zstd: {ex.Message}", ex);
        }
        catch (ZstdSizeLimitExceededException ex)
        {
            throw Invalid($"the payload decompresses to more than the limit of {Options.MaxPayloadBytes} bytes (ChangeBatchDecoderOptions.MaxPayloadBytes)", ex);
        }
    }

    private static ChangeBatch ReadBatch(ReadOnlyMemory<byte> payload)
    {
        var names = new Utf8StringCache();
        var reader = new WireCborReader(payload);
        long? nodeId = null;
        string? batchId = null;
        List<RowChange>? changes = null;
        List<string>? hashes = null;
        try
        {
            reader.ReadStartMap();
            while (!reader.AtEnd())
            {
                var key = reader.ReadTextUtf8();
                if (WireKeys.Is(key, WireKeys.BatchNodeId) && nodeId is null)
                {
                    nodeId = reader.ReadInt64();
                }
                else if (WireKeys.Is(key, WireKeys.BatchId) && batchId is null)
                {
                    batchId = reader.ReadText();
                }
                else if (WireKeys.Is(key, WireKeys.SchemaHashes) && hashes is null && changes is null)
                {
                    hashes = ReadTexts(reader);
                }
                else if (WireKeys.Is(key, WireKeys.Changes) && changes is null)
                {
                    changes = ReadChanges(reader, names, hashes ?? []);
                }
                else if (WireKeys.Is(key, WireKeys.BatchNodeId) || WireKeys.Is(key, WireKeys.BatchId) || WireKeys.Is(key, WireKeys.Changes)
                         || WireKeys.Is(key, WireKeys.SchemaHashes))
                {
                    throw Invalid($"the batch has \"{WireKeys.Text(key)}\" twice");
                }
                else
                {
                    reader.Skip();
                }
            }

            reader.ReadEndMap();
            reader.ReadEnd();
        }
        catch (WireCborException ex)
        {
            throw Invalid($"the payload is not a valid change batch: {ex.Problem} at payload byte {ex.Offset}", ex);
        }

        if (nodeId is null || batchId is null || changes is null)
        {
            var missing = nodeId is null ? "\"n\" (node id)" : batchId is null ? "\"b\" (batch id)" : "\"c\" (changes)";
            throw Invalid($"the batch lacks {missing}");
        }

        return new ChangeBatch(nodeId.Value, batchId, changes);
    }

    /// <summary>The batch's schema hashes; they come before the changes, which refer to them by index.</summary>
    private static List<string> ReadTexts(WireCborReader reader)
    {
        var count = reader.ReadStartArray();
        var texts = new List<string>(Math.Min(count ?? 4, 64));
        while (!reader.AtEnd()) texts.Add(reader.ReadText());
        reader.ReadEndArray();
        return texts;
    }

    private static List<RowChange> ReadChanges(WireCborReader reader, Utf8StringCache names, List<string> hashes)
    {
        var count = reader.ReadStartArray();
        // The library checks a declared count against the bytes left; the capacity is capped all the same.
        var changes = new List<RowChange>(Math.Min(count ?? 16, 4096));
        var columnNames = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; ; index++)
        {
            try
            {
                if (reader.AtEnd())
                {
                    break;
                }

                changes.Add(ReadChange(reader, names, columnNames, hashes, index));
            }
            catch (WireCborException ex)
            {
                throw Invalid($"change {index} is not valid: {ex.Problem} at payload byte {ex.Offset}", ex);
            }
        }

        reader.ReadEndArray();
        return changes;
    }

    private static RowChange ReadChange(WireCborReader reader, Utf8StringCache names, HashSet<string> columnNames, List<string> hashes, int index)
    {
        string? table = null;
        ChangeOperation? operation = null;
        long? hlc = null;
        long? versionNodeId = null;
        long? lifeHlc = null;
        long? lifeNodeId = null;
        string? schemaHash = null;
        List<ColumnValue>? columns = null;
        reader.ReadStartMap();
        while (!reader.AtEnd())
        {
            var key = reader.ReadTextUtf8();
            if (WireKeys.Is(key, WireKeys.Table) && table is null)
            {
                table = names.Get(reader.ReadTextUtf8());
            }
            else if (WireKeys.Is(key, WireKeys.Operation) && operation is null)
            {
                var at = reader.Offset;
                var code = reader.ReadUInt64();
                operation = code is >= (ulong)ChangeOperation.Insert and <= (ulong)ChangeOperation.Delete
                    ? (ChangeOperation)code
                    : throw Invalid($"change {index} has operation {code} at payload byte {at}; operations are 1 (insert), 2 (update) and 3 (delete)");
            }
            else if (WireKeys.Is(key, WireKeys.Hlc) && hlc is null)
            {
                hlc = reader.ReadInt64();
            }
            else if (WireKeys.Is(key, WireKeys.VersionNodeId) && versionNodeId is null)
            {
                versionNodeId = reader.ReadInt64();
            }
            else if (WireKeys.Is(key, WireKeys.Columns) && columns is null)
            {
                columns = ReadColumns(reader, names, columnNames, new WireLocation("column", index, table));
            }
            else if (WireKeys.Is(key, WireKeys.LifeHlc) && lifeHlc is null)
            {
                lifeHlc = reader.ReadInt64();
            }
            else if (WireKeys.Is(key, WireKeys.LifeNodeId) && lifeNodeId is null)
            {
                lifeNodeId = reader.ReadInt64();
            }
            else if (WireKeys.Is(key, WireKeys.SchemaHashIndex) && schemaHash is null)
            {
                var at = reader.Offset;
                var hashIndex = reader.ReadUInt64();
                schemaHash = hashIndex < (ulong)hashes.Count
                    ? hashes[(int)hashIndex]
                    : throw Invalid($"change {index} refers to schema hash {hashIndex} at payload byte {at}, but the batch lists {hashes.Count}");
            }
            else if (WireKeys.Is(key, WireKeys.Table) || WireKeys.Is(key, WireKeys.Operation) || WireKeys.Is(key, WireKeys.Hlc)
                     || WireKeys.Is(key, WireKeys.VersionNodeId) || WireKeys.Is(key, WireKeys.Columns) || WireKeys.Is(key, WireKeys.LifeHlc)
                     || WireKeys.Is(key, WireKeys.LifeNodeId) || WireKeys.Is(key, WireKeys.SchemaHashIndex))
            {
                throw Invalid($"change {index} has \"{WireKeys.Text(key)}\" twice");
            }
            else
            {
                reader.Skip();
            }
        }

        reader.ReadEndMap();
        if (table is null || operation is null || hlc is null || versionNodeId is null || columns is null)
        {
            var missing = table is null ? "\"t\" (table)"
                : operation is null ? "\"o\" (operation)"
                : hlc is null ? "\"h\" (version clock)"
                : versionNodeId is null ? "\"n\" (version node id)"
                : "\"c\" (columns)";
            throw Invalid($"change {index} lacks {missing}");
        }

        if (lifeHlc is null != lifeNodeId is null)
            throw Invalid($"change {index} has only half of its life version (\"l\" and \"i\" come together)");
        return new RowChange(table, operation.Value, new RowVersion(hlc.Value, versionNodeId.Value), columns)
        {
            Life = lifeHlc is { } life ? new RowVersion(life, lifeNodeId!.Value) : null,
            SchemaHash = schemaHash,
        };
    }

    private static List<ColumnValue> ReadColumns(WireCborReader reader, Utf8StringCache names, HashSet<string> columnNames, WireLocation location)
    {
        var count = reader.ReadStartMap();
        var columns = new List<ColumnValue>(Math.Min(count ?? 8, 1024));
        columnNames.Clear();
        while (!reader.AtEnd())
        {
            var name = names.Get(reader.ReadTextUtf8());
            if (!columnNames.Add(name))
            {
                throw Invalid($"{location with { Column = name }} appears twice");
            }

            columns.Add(new ColumnValue(name, ReadValue(reader, location with { Column = name })));
        }

        reader.ReadEndMap();
        return columns;
    }

    private static object? ReadValue(WireCborReader reader, in WireLocation location)
    {
        var state = reader.Peek();
        switch (state)
        {
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                return reader.ReadInt64();
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                return reader.ReadFloat();
            case CborReaderState.TextString:
            case CborReaderState.StartIndefiniteLengthTextString:
                return reader.ReadTextValue();
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString:
                return reader.ReadBytes().ToArray();
            default:
                throw Invalid($"{location} holds {WireCborReader.Describe(state)} at payload byte {reader.Offset}; a column value is null, an integer, a float, a text string or a byte string");
        }
    }

    private static WireFormatException Invalid(string problem, Exception? inner = null)
    {
        var message = $"Invalid change batch message: {problem}.";
        return inner is null ? new WireFormatException(message) : new WireFormatException(message, inner);
    }
}
