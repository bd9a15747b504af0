namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>Finds the known key an unknown one was probably meant to be (a typo, or a key in the wrong table).</summary>
internal static class KeySuggester
{
    /// <summary>The suggested dotted key, or null when nothing is close enough.</summary>
    public static string? Suggest(string unknownKey)
    {
        var known = ConfigurationSchema.Settings.Select(s => s.Key).Concat(ConfigurationSchema.Tables).ToList();
        var (parent, name) = Split(unknownKey);
        var threshold = Math.Clamp(name.Length / 3, 1, 3);

        // A typo of a key in the same table.
        var sibling = known
            .Where(key => Split(key).Parent == parent)
            .Select(key => (Key: key, Distance: Distance(name, Split(key).Name)))
            .Where(candidate => candidate.Distance <= threshold)
            .OrderBy(candidate => candidate.Distance)
            .FirstOrDefault();
        if (sibling.Key is not null)
        {
            return sibling.Key;
        }

        // The right name in the wrong table, e.g. "shards" at the top instead of under [replication_log].
        var elsewhere = known.Where(key => Split(key).Name == name).ToList();
        if (elsewhere.Count == 1)
        {
            return elsewhere[0];
        }

        var anywhere = known
            .Select(key => (Key: key, Distance: Distance(unknownKey, key)))
            .Where(candidate => candidate.Distance <= threshold)
            .OrderBy(candidate => candidate.Distance)
            .FirstOrDefault();
        return anywhere.Key;
    }

    private static (string Parent, string Name) Split(string key)
    {
        var dot = key.LastIndexOf('.');
        return dot < 0 ? ("", key) : (key[..dot], key[(dot + 1)..]);
    }

    /// <summary>Edits (insert, delete, replace, swap two neighbours) that turn one string into the other.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
