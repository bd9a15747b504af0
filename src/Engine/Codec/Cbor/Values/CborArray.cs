using System.Text;

namespace HarmonyLite.Engine.Codec.Cbor.Values;

/// <summary>An array; whether it was encoded with an indefinite length is kept.</summary>
public sealed class CborArray : CborValue
{
    private readonly CborValue[] _items;

    public CborArray(IEnumerable<CborValue> items, bool isIndefiniteLength = false)
    {
        _items = items.ToArray();
        if (_items.Any(item => item is null))
        {
            throw new ArgumentException("An array item cannot be null; use CborNull.Instance.", nameof(items));
        }

        IsIndefiniteLength = isIndefiniteLength;
    }

    public IReadOnlyList<CborValue> Items => _items;

    public int Count => _items.Length;

    public CborValue this[int index] => _items[index];

    public bool IsIndefiniteLength { get; }

    public override CborValueKind Kind => CborValueKind.Array;

    public override void WriteTo(CborWriter writer)
    {
        writer.WriteStartArray(IsIndefiniteLength ? null : _items.Length);
        foreach (var item in _items)
        {
            item.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    public override bool Equals(CborValue? other) =>
        other is CborArray array && array.IsIndefiniteLength == IsIndefiniteLength && array._items.SequenceEqual(_items);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsIndefiniteLength);
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        builder.Append(IsIndefiniteLength ? "[_ " : "[");
        for (var i = 0; i < _items.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            _items[i].AppendDiagnostic(builder);
        }

        builder.Append(']');
    }
}
