using System.Text.Json;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

/// <summary>One example of RFC 8949 Appendix A from shared/testdata/cbor/appendix_a.json.</summary>
internal sealed record AppendixAVector(string Hex, bool Roundtrip, JsonElement? Decoded, string? Diagnostic)
{
    private static readonly Lazy<IReadOnlyDictionary<string, AppendixAVector>> All = new(Load);

    public byte[] Bytes => Convert.FromHexString(Hex);

    public static IReadOnlyDictionary<string, AppendixAVector> ByHex => All.Value;

    private static IReadOnlyDictionary<string, AppendixAVector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedTestData.PathOf("cbor", "appendix_a.json")));
        var vectors = new Dictionary<string, AppendixAVector>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var hex = entry.GetProperty("hex").GetString()!;
            vectors.Add(hex, new AppendixAVector(
                hex,
                entry.GetProperty("roundtrip").GetBoolean(),
                entry.TryGetProperty("decoded", out var decoded) ? decoded.Clone() : null,
                entry.TryGetProperty("diagnostic", out var diagnostic) ? diagnostic.GetString() : null));
        }

        return vectors;
    }
}
