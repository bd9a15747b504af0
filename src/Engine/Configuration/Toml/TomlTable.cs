namespace HarmonyLite.Engine.Configuration.Toml;

/// <summary>A TOML table: its keys in document order, each with its value and the 1-based line it was written on.</summary>
internal sealed class TomlTable
{
    private readonly List<TomlEntry> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public TomlTable(int line, bool isInline = false)
    {
        Line = line;
        IsInline = isInline;
    }

    /// <summary>Where the table was opened (its header, its first dotted key, or its inline braces); 0 for the document.</summary>
    public int Line { get; }

    /// <summary>Written as <c>{ ... }</c>: closed, nothing can be added to it later.</summary>
    public bool IsInline { get; }

    public IReadOnlyList<TomlEntry> Entries => _entries;

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Select(entry => entry.Name);

    public object this[string name] => _entries[_index[name]].Value;

    public bool ContainsKey(string name) => _index.ContainsKey(name);

    public bool TryGetEntry(string name, out TomlEntry entry)
    {
        var found = _index.TryGetValue(name, out var position);
        entry = found ? _entries[position] : default;
        return found;
    }

    /// <summary>Adds a key; false when it is already there.</summary>
    public bool TryAdd(string name, object value, int line)
    {
        if (!_index.TryAdd(name, _entries.Count))
        {
            return false;
        }

        _entries.Add(new TomlEntry(name, value, line));
        return true;
    }
}
