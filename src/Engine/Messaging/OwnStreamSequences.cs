namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// The stream sequences this node's publisher stored, kept until the node's own consumer of that stream passes them.
/// A stream that dropped only these before the consumer reached them lost nothing this database lacks: their changes
/// were written here. Thread-safe: the publisher adds while consumers look up and forget.
/// </summary>
public sealed class OwnStreamSequences
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedSet<ulong>> _byStream = new(StringComparer.Ordinal);

    public void Add(string stream, ulong sequence)
    {
        lock (_gate)
        {
            if (!_byStream.TryGetValue(stream, out var sequences)) _byStream[stream] = sequences = new SortedSet<ulong>();
            sequences.Add(sequence);
        }
    }

    /// <summary>Whether this node's publisher stored message <paramref name="sequence"/> of <paramref name="stream"/>.</summary>
    public bool Contains(string stream, ulong sequence)
    {
        lock (_gate)
            return _byStream.TryGetValue(stream, out var sequences) && sequences.Contains(sequence);
    }

    /// <summary>Whether every sequence from <paramref name="first"/> to <paramref name="last"/> (inclusive) was published here.</summary>
    public bool ContainsAll(string stream, ulong first, ulong last)
    {
        if (first > last) return true;
        lock (_gate)
            return _byStream.TryGetValue(stream, out var sequences) && (ulong)sequences.GetViewBetween(first, last).Count == last - first + 1;
    }

    /// <summary>Forgets the sequences of <paramref name="stream"/> up to <paramref name="sequence"/>: the consumer is past them.</summary>
    public void ForgetThrough(string stream, ulong sequence)
    {
        lock (_gate)
        {
            if (_byStream.TryGetValue(stream, out var sequences) && sequences.Count > 0 && sequences.Min <= sequence)
                sequences.RemoveWhere(s => s <= sequence);
        }
    }
}
