namespace HarmonyLite.Nats.JetStream;

/// <summary>Checks stream and consumer names before they go into an API subject, so a bad name fails with a clear message.</summary>
internal static class JetStreamNames
{
    public static void ValidateStream(string name, string parameterName = "stream") => Validate(name, "stream", parameterName);

    public static void ValidateConsumer(string name, string parameterName = "consumer") => Validate(name, "consumer", parameterName);

    /// <summary>Key-Value and Object Store bucket names: letters, digits, '-' and '_' (they become part of stream names and subjects).</summary>
    public static void ValidateBucket(string bucket, string kind)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        if (bucket.Length == 0 || !bucket.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"The {kind} bucket name '{bucket}' is invalid; use letters, digits, '-' and '_'.", nameof(bucket));
    }

    private static void Validate(string name, string kind, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length == 0) throw new ArgumentException($"A JetStream {kind} name must not be empty.", parameterName);
        foreach (var c in name)
        {
            if (c is '.' or '*' or '>' or '/' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c))
                throw new ArgumentException($"The JetStream {kind} name '{name}' contains '{c}'; names may not contain '.', '*', '>', path separators or whitespace.", parameterName);
        }
    }
}
