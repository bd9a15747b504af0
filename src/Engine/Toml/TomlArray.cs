using System.Collections;

namespace HarmonyLite.Engine.Toml;

/// <summary>
/// A TOML array: either a value array (<c>[1, "two"]</c>, mixed types allowed) or an array of tables
/// built by <c>[[header]]</c> sections; only the latter can grow after it is written.
/// </summary>
public sealed class TomlArray : IReadOnlyList<object>
{
    private readonly List<object> _items = [];

    internal TomlArray(bool isArrayOfTables, TomlPosition position)
    {
        IsArrayOfTables = isArrayOfTables;
        Position = position;
    }

    /// <summary>True when built by <c>[[header]]</c> sections.</summary>
    public bool IsArrayOfTables { get; }

    /// <summary>Where the array starts in the source.</summary>
    public TomlPosition Position { get; }

    public int Count => _items.Count;

    public object this[int index] => _items[index];

    public IEnumerator<object> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Add(object item) => _items.Add(item);
}
