using System.Text;

namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>
/// Table and column names repeat in every row of a batch: one string per distinct name saves an
/// allocation per column per row. Lives for one decode; holds a bounded number of names.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Capacity = 128;

    private readonly List<(ReadOnlyMemory<byte> Utf8, string Text)> _entries = [];

    public string Get(ReadOnlyMemory<byte> utf8)
    {
        var span = utf8.Span;
        foreach (var (cached, text) in _entries)
        {
            if (cached.Span.SequenceEqual(span))
            {
                return text;
            }
        }

        var decoded = Encoding.UTF8.GetString(span);
        if (_entries.Count < Capacity)
        {
            _entries.Add((utf8, decoded));
        }

        return decoded;
    }
}
