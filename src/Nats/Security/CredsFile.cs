namespace HarmonyLite.Nats.Security;

/// <summary>
/// A NATS .creds file: a "-----BEGIN NATS USER JWT-----" block with the user JWT and a
/// "-----BEGIN USER NKEY SEED-----" block with the seed that signs the server nonce.
/// </summary>
internal sealed record CredsFile(string Jwt, NKeyPair Seed)
{
    public static CredsFile Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the credentials file NatsOptions.CredsFile '{path}': {ex.Message}", ex);
        }
        return Parse(text, path);
    }

    public static CredsFile Parse(string text, string path)
    {
        var jwt = Block(text, "JWT") ?? throw new ArgumentException($"The credentials file '{path}' has no '-----BEGIN NATS USER JWT-----' block.");
        var seed = Block(text, "SEED") ?? throw new ArgumentException($"The credentials file '{path}' has no '-----BEGIN USER NKEY SEED-----' block.");
        return new CredsFile(jwt, NKeyPair.FromSeed(seed, $"the seed in credentials file '{path}'"));
    }

    /// <summary>The first non-empty line after a BEGIN marker whose label contains <paramref name="kind"/>.</summary>
    private static string? Block(string text, string kind)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("-----BEGIN", StringComparison.Ordinal) || !lines[i].Contains(kind, StringComparison.Ordinal)) continue;
            for (var j = i + 1; j < lines.Length; j++)
            {
                if (lines[j].Length == 0) continue;
                return lines[j].StartsWith("---", StringComparison.Ordinal) ? null : lines[j];
            }
        }
        return null;
    }
}
