using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>
/// A map with its entries in encoded order. Keys may be any data item; duplicate keys are kept as
/// decoded (RFC 8949 leaves them to the protocol), and lookups find the first.
/// </summary>
public sealed class CborMap : CborValue
{
    private readonly KeyValuePair<CborValue, CborValue>[] _entries;

    public CborMap(IEnumerable<KeyValuePair<CborValue, CborValue>> entries, bool isIndefiniteLength = false)
    {
        _entries = entries.ToArray();
        if (_entries.Any(entry => entry.Key is null || entry.Value is null))
        {
            throw new ArgumentException("A map key or value cannot be null; use CborNull.Instance.", nameof(entries));
        }

        IsIndefiniteLength = isIndefiniteLength;
    }

    public IReadOnlyList<KeyValuePair<CborValue, CborValue>> Entries => _entries;

    public int Count => _entries.Length;

    public bool IsIndefiniteLength { get; }

    public override CborValueKind Kind => CborValueKind.Map;

    public bool TryGetValue(CborValue key, out CborValue value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key.Equals(key))
            {
                value = entry.Value;
                return true;
            }
        }

        value = CborUndefined.Instance;
        return false;
    }

    public bool TryGetValue(string key, out CborValue value) => TryGetValue(new CborTextString(key), out value);

    public override void WriteTo(CborWriter writer)
    {
        writer.WriteStartMap(IsIndefiniteLength ? null : _entries.Length);
        foreach (var entry in _entries)
        {
            entry.Key.WriteTo(writer);
            entry.Value.WriteTo(writer);
        }

        writer.WriteEndMap();
    }

    public override bool Equals(CborValue? other) =>
        other is CborMap map
        && map.IsIndefiniteLength == IsIndefiniteLength
        && map._entries.Length == _entries.Length
        && map._entries.Zip(_entries).All(pair => pair.First.Key.Equals(pair.Second.Key) && pair.First.Value.Equals(pair.Second.Value));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsIndefiniteLength);
        foreach (var entry in _entries)
        {
            hash.Add(entry.Key);
            hash.Add(entry.Value);
        }

        return hash.ToHashCode();
    }

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        builder.Append(IsIndefiniteLength ? "{_ " : "{");
        for (var i = 0; i < _entries.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            _entries[i].Key.AppendDiagnostic(builder);
            builder.Append(": ");
            _entries[i].Value.AppendDiagnostic(builder);
        }

        builder.Append('}');
    }
}
