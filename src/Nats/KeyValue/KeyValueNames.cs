using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.KeyValue;

/// <summary>The Key-Value layout shared with the official clients, and name checks.</summary>
internal static class KeyValueNames
{
    public const string StreamPrefix = "KV_";
    public const string OperationHeader = "KV-Operation";
    public const string DeleteOperation = "DEL";
    public const string PurgeOperation = "PURGE";
    public const int MaxHistory = 64;

    public static string StreamName(string bucket) => StreamPrefix + bucket;

    public static string SubjectPrefix(string bucket) => $"$KV.{bucket}.";

    public static void ValidateBucket(string bucket) => JetStreamNames.ValidateBucket(bucket, "Key-Value");

    /// <summary>Keys: letters, digits and - / _ = . with no empty '.'-separated token.</summary>
    public static void ValidateKey(string key) => Validate(key, allowWildcards: false, "key");

    /// <summary>Watch patterns may also use the subject wildcards '*' (one token) and '>' (the rest).</summary>
    public static void ValidatePattern(string pattern) => Validate(pattern, allowWildcards: true, "keys");

    private static void Validate(string key, bool allowWildcards, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        var tokens = key.Split('.');
        foreach (var token in tokens)
        {
            var valid = token.Length > 0
                && (allowWildcards && token is "*" or ">" || token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '/' or '_' or '='));
            if (!valid)
                throw new ArgumentException($"The Key-Value {(allowWildcards ? "key pattern" : "key")} '{key}' is invalid; use letters, digits and - / _ = in tokens separated by '.'{(allowWildcards ? ", or the wildcards * and >" : "")}.", parameterName);
        }
        if (allowWildcards && Array.IndexOf(tokens, ">") is var gt and >= 0 && gt != tokens.Length - 1)
            throw new ArgumentException($"The Key-Value key pattern '{key}' has '>' before its end; '>' must be the last token.", parameterName);
    }
}
