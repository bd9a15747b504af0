using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace HarmonyLite.Engine.Toml;

/// <summary>
/// A TOML table: keys in document order, each with its value and the position of the key in the
/// source, so that a consumer can name the line of a bad setting.
/// Values are <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/>, <see cref="TomlLocalDateTime"/>, <see cref="TomlLocalDate"/>,
/// <see cref="TomlLocalTime"/>, <see cref="TomlArray"/> or <see cref="TomlTable"/>.
/// </summary>
public sealed class TomlTable : IReadOnlyDictionary<string, object>
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    internal TomlTable(TomlTableKind kind, TomlPosition position)
    {
        Kind = kind;
        Position = position;
    }

    /// <summary>Where the table was first mentioned (its header, its key, or 1:1 for the document).</summary>
    public TomlPosition Position { get; }

    internal TomlTableKind Kind { get; set; }

    public int Count => _order.Count;

    public IEnumerable<string> Keys => _order;

    public IEnumerable<object> Values => _order.Select(key => _entries[key].Value);

    public object this[string key] => _entries.TryGetValue(key, out var entry)
        ? entry.Value
        : throw new KeyNotFoundException($"The TOML table has no key '{key}'.");

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The position of <paramref name="key"/> where it was first written in the source.</summary>
    public bool TryGetPosition(string key, out TomlPosition position)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            position = entry.Position;
            return true;
        }
        position = default;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() =>
        _order.Select(key => new KeyValuePair<string, object>(key, _entries[key].Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(string key, object value, TomlPosition position)
    {
        _entries.Add(key, new Entry(value, position));
        _order.Add(key);
    }

    /// <summary>Makes this table and every table nested in it immutable (an inline table has been closed).</summary>
    internal void Seal()
    {
        Kind = TomlTableKind.Inline;
        foreach (var entry in _entries.Values)
        {
            if (entry.Value is TomlTable table)
            {
                table.Seal();
            }
        }
    }

    private readonly record struct Entry(object Value, TomlPosition Position);
}
