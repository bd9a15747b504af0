using System.Text;
using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>The Object Store layout shared with the official clients.</summary>
internal static class ObjectStoreNames
{
    public const string StreamPrefix = "OBJ_";
    public const string DigestPrefix = "SHA-256=";
    public const int DefaultChunkSize = 128 * 1024;

    public static string StreamName(string bucket) => StreamPrefix + bucket;

    public static string ChunkSubject(string bucket, string nuid) => $"$O.{bucket}.C.{nuid}";

    public static string ChunkSubjects(string bucket) => $"$O.{bucket}.C.>";

    public static string MetaSubjects(string bucket) => $"$O.{bucket}.M.>";

    /// <summary>Object names may hold any characters; the subject carries them base64url-encoded (padded, as Go's URLEncoding).</summary>
    public static string MetaSubject(string bucket, string name) => $"$O.{bucket}.M.{Base64UrlPadded(Encoding.UTF8.GetBytes(name))}";

    public static string Digest(ReadOnlySpan<byte> sha256) => DigestPrefix + Base64UrlPadded(sha256);

    /// <summary>Decodes a "SHA-256=" digest, padded or not; null when it is not one.</summary>
    public static byte[]? ParseDigest(string? digest)
    {
        if (digest is null || !digest.StartsWith(DigestPrefix, StringComparison.OrdinalIgnoreCase)) return null;
        var text = digest[DigestPrefix.Length..].TrimEnd('=').Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var buffer = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    public static void ValidateBucket(string bucket) => JetStreamNames.ValidateBucket(bucket, "Object Store");

    public static void ValidateName(string name, string parameterName = "name")
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length == 0) throw new ArgumentException("An object name must not be empty.", parameterName);
    }

    private static string Base64UrlPadded(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
}
