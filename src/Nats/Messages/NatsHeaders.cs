using System.Collections;

namespace HarmonyLite.Nats;

/// <summary>
/// NATS message headers: an ordered multi-map of names to values plus the optional status line
/// ("NATS/1.0 503"). Names are case-sensitive, as the NATS server treats them.
/// </summary>
public sealed class NatsHeaders : IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>
{
    private readonly List<KeyValuePair<string, List<string>>> _entries = new();

    /// <summary>Status code from the status line, e.g. 503 (no responders), 404, 408, 409, 100 (idle heartbeat).</summary>
    public int? StatusCode { get; set; }

    /// <summary>Text after the status code, e.g. "Request Timeout" or "Idle Heartbeat".</summary>
    public string? StatusDescription { get; set; }

    /// <summary>The first value of <paramref name="name"/>, or null. Setting replaces every value; setting null removes the name.</summary>
    public string? this[string name]
    {
        get
        {
            var index = IndexOf(name);
            return index < 0 ? null : _entries[index].Value[0];
        }
        set
        {
            ValidateName(name);
            var index = IndexOf(name);
            if (value is null)
            {
                if (index >= 0) _entries.RemoveAt(index);
                return;
            }
            ValidateValue(name, value);
            if (index >= 0) _entries[index] = new(name, new List<string> { value });
            else _entries.Add(new(name, new List<string> { value }));
        }
    }

    /// <summary>Number of distinct header names.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a value to <paramref name="name"/>, keeping the values already there.</summary>
    public void Add(string name, string value)
    {
        ValidateName(name);
        ValidateValue(name, value);
        var index = IndexOf(name);
        if (index >= 0) _entries[index].Value.Add(value);
        else _entries.Add(new(name, new List<string> { value }));
    }

    /// <summary>Adds a value decoded from the wire; the server already accepted it, so it is not re-validated.</summary>
    internal void AddParsed(string name, string value)
    {
        var index = IndexOf(name);
        if (index >= 0) _entries[index].Value.Add(value);
        else _entries.Add(new(name, new List<string> { value }));
    }

    /// <summary>Every value of <paramref name="name"/> in the order they were added; empty when absent.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? Array.Empty<string>() : _entries[index].Value.AsReadOnly();
    }

    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    public bool Remove(string name)
    {
        var index = IndexOf(name);
        if (index < 0) return false;
        _entries.RemoveAt(index);
        return true;
    }

    public IEnumerator<KeyValuePair<string, IReadOnlyList<string>>> GetEnumerator()
    {
        foreach (var entry in _entries) yield return new(entry.Key, entry.Value.AsReadOnly());
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        (StatusCode is int code ? $"{code} {StatusDescription} " : "") +
        string.Join("; ", _entries.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));

    private int IndexOf(string name)
    {
        for (var i = 0; i < _entries.Count; i++)
            if (string.Equals(_entries[i].Key, name, StringComparison.Ordinal)) return i;
        return -1;
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new ArgumentException("A NATS header name must not be empty.", nameof(name));
        foreach (var c in name)
            if (c <= ' ' || c == ':' || c >= 127)
                throw new ArgumentException($"The NATS header name '{name}' contains '{(c < ' ' ? $"\\x{(int)c:x2}" : c.ToString())}'; names are printable ASCII without spaces or ':'.", nameof(name));
    }

    private static void ValidateValue(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            throw new ArgumentException($"The value of NATS header '{name}' contains a line break, which the protocol cannot carry.", nameof(value));
    }
}
