using System.Formats.Cbor;
using System.Text;
using HarmonyLite.Engine.Codec.Zstd;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>
/// Turns a <see cref="ChangeBatch"/> into the bytes of one replication message (docs/wire-format.md):
/// a CBOR envelope with the format version, the compression, and the CBOR payload. Thread-safe.
/// </summary>
public sealed class ChangeBatchEncoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ZstdCompressor? _compressor;

    /// <exception cref="ArgumentOutOfRangeException">The compression level is outside zstd's range.</exception>
    public ChangeBatchEncoder(ChangeBatchEncoderOptions? options = null)
    {
        Options = options ?? new ChangeBatchEncoderOptions();
        _compressor = Options.Compress ? new ZstdCompressor(Options.CompressionLevel) : null;
    }

    public ChangeBatchEncoderOptions Options { get; }

    /// <exception cref="ArgumentException">The batch holds something the format cannot carry, such as a column value that is not a SQLite value.</exception>
    public byte[] Encode(ChangeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var payload = Writer(initialCapacity: 1024);
        var version = WritePayload(payload, batch);
        var plain = payload.Encode();

        if (_compressor is null)
        {
            return WriteEnvelope(version, WireCompression.None, plain);
        }

        var frame = _compressor.Compress(plain);
        // Tiny payloads grow by zstd's frame overhead: those go out as they are.
        return frame.Length < plain.Length
            ? WriteEnvelope(version, WireCompression.Zstd, frame)
            : WriteEnvelope(version, WireCompression.None, plain);
    }

    /// <summary>Lax: the encoder writes NaNs and invalid UTF-8 TEXT as encoded values, which stricter modes refuse.</summary>
    private static CborWriter Writer(int initialCapacity) =>
        new(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false, allowMultipleRootLevelValues: false, initialCapacity);

    private static byte[] WriteEnvelope(int version, WireCompression compression, ReadOnlySpan<byte> payload)
    {
        var envelope = Writer(initialCapacity: payload.Length + 16);
        envelope.WriteStartMap(3);
        // The version comes first, so that any reader can refuse a newer format before reading more.
        envelope.WriteTextString(WireKeys.Version);
        envelope.WriteInt32(version);
        envelope.WriteTextString(WireKeys.Compression);
        envelope.WriteInt32((int)compression);
        envelope.WriteTextString(WireKeys.Payload);
        envelope.WriteByteString(payload);
        envelope.WriteEndMap();
        return envelope.Encode();
    }

    /// <summary>Writes the batch; returns the format version it needed (row-level batches stay version 1).</summary>
    private static int WritePayload(CborWriter writer, ChangeBatch batch)
    {
        if (batch.BatchId is null || batch.Changes is null)
        {
            throw new ArgumentException("A change batch needs a batch id and a list of changes.", nameof(batch));
        }

        var hashes = batch.Changes.Select(c => c?.SchemaHash).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var version = hashes.Count > 0 || batch.Changes.Any(c => c?.Life is not null) ? ChangeBatch.FormatVersion : ChangeBatch.RowLevelFormatVersion;
        writer.WriteStartMap(hashes.Count > 0 ? 4 : 3);
        writer.WriteTextString(WireKeys.BatchNodeId);
        writer.WriteInt64(batch.NodeId);
        writer.WriteTextString(WireKeys.BatchId);
        WriteText(writer, batch.BatchId, new WireLocation("the batch id"));
        if (hashes.Count > 0)
        {
            writer.WriteTextString(WireKeys.SchemaHashes);
            writer.WriteStartArray(hashes.Count);
            foreach (var hash in hashes) WriteText(writer, hash, new WireLocation("a schema hash"));
            writer.WriteEndArray();
        }
        writer.WriteTextString(WireKeys.Changes);
        writer.WriteStartArray(batch.Changes.Count);
        for (var index = 0; index < batch.Changes.Count; index++)
        {
            WriteChange(writer, batch.Changes[index], index, hashes);
        }

        writer.WriteEndArray();
        writer.WriteEndMap();
        return version;
    }

    private static void WriteChange(CborWriter writer, RowChange change, int index, List<string> hashes)
    {
        if (change?.Table is null || change.Columns is null)
        {
            throw new ArgumentException($"Change {index} of the batch is missing, or has no table name or no column list.", nameof(change));
        }

        if (!Enum.IsDefined(change.Operation))
        {
            throw new ArgumentException($"Change {index} (table '{change.Table}') has operation {(int)change.Operation}, which is not insert, update or delete.", nameof(change));
        }

        writer.WriteStartMap(5 + (change.Life is null ? 0 : 2) + (change.SchemaHash is null ? 0 : 1));
        writer.WriteTextString(WireKeys.Table);
        WriteText(writer, change.Table, new WireLocation("the table name", index));
        writer.WriteTextString(WireKeys.Operation);
        writer.WriteInt32((int)change.Operation);
        writer.WriteTextString(WireKeys.Hlc);
        writer.WriteInt64(change.Version.Hlc);
        writer.WriteTextString(WireKeys.VersionNodeId);
        writer.WriteInt64(change.Version.NodeId);
        if (change.Life is { } life)
        {
            writer.WriteTextString(WireKeys.LifeHlc);
            writer.WriteInt64(life.Hlc);
            writer.WriteTextString(WireKeys.LifeNodeId);
            writer.WriteInt64(life.NodeId);
        }
        if (change.SchemaHash is { } hash)
        {
            writer.WriteTextString(WireKeys.SchemaHashIndex);
            writer.WriteInt32(hashes.IndexOf(hash));
        }
        writer.WriteTextString(WireKeys.Columns);
        writer.WriteStartMap(change.Columns.Count);
        foreach (var column in change.Columns)
        {
            if (column.Name is null)
            {
                throw new ArgumentException($"Change {index} (table '{change.Table}') has a column without a name.", nameof(change));
            }

            WriteText(writer, column.Name, new WireLocation("the name of a column", index, change.Table));
            WriteValue(writer, column.Value, new WireLocation("column", index, change.Table, column.Name));
        }

        writer.WriteEndMap();
        writer.WriteEndMap();
    }

    private static void WriteValue(CborWriter writer, object? value, in WireLocation location)
    {
        switch (value)
        {
            case null:
                writer.WriteNull();
                break;
            case long integer:
                writer.WriteInt64(integer);
                break;
            case double real:
                Span<byte> encoded = stackalloc byte[PreferredFloat.MaxEncodedLength];
                writer.WriteEncodedValue(encoded[..PreferredFloat.Encode(real, encoded)]);
                break;
            case string text:
                WriteText(writer, text, location);
                break;
            case RawText raw:
                WriteRawText(writer, raw.Bytes);
                break;
            case byte[] blob:
                writer.WriteByteString(blob);
                break;
            default:
                throw new ArgumentException(
                    $"{location} holds a {value.GetType()}; a change carries SQLite values only: null, long, double, string, RawText or byte[].");
        }
    }

    private static void WriteText(CborWriter writer, string text, in WireLocation location)
    {
        try
        {
            // The writer would replace an unpaired surrogate with U+FFFD; text must travel unchanged or not at all.
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException(
                $"{location} is not valid Unicode text: it has an unpaired surrogate at index {ex.Index}; a string column value must be valid UTF-16.", ex);
        }

        writer.WriteTextString(text);
    }

    /// <summary>A CBOR text string (major type 3) holding exactly <paramref name="bytes"/>, valid UTF-8 or not.</summary>
    private static void WriteRawText(CborWriter writer, byte[] bytes)
    {
        var head = new CborWriter(CborConformanceMode.Lax);
        head.WriteUInt64((ulong)bytes.Length);
        var encoded = head.Encode();
        // The head of an unsigned integer with the same argument, turned into major type 3.
        encoded[0] |= 0x60;
        writer.WriteEncodedValue([.. encoded, .. bytes]);
    }
}
