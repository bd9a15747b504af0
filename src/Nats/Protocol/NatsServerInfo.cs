using System.Text.Json;

namespace HarmonyLite.Nats;

/// <summary>What the server said about itself in its INFO message.</summary>
public sealed record NatsServerInfo
{
    public string ServerId { get; init; } = "";
    public string ServerName { get; init; } = "";
    public string Version { get; init; } = "";
    public int Protocol { get; init; }
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public long MaxPayload { get; init; }
    public bool Headers { get; init; }
    public bool JetStream { get; init; }
    public bool AuthRequired { get; init; }
    public bool TlsRequired { get; init; }
    public bool TlsVerify { get; init; }
    public bool TlsAvailable { get; init; }
    public string? Nonce { get; init; }
    public IReadOnlyList<string> ConnectUrls { get; init; } = Array.Empty<string>();
    public ulong ClientId { get; init; }
    public string? ClientIp { get; init; }
    public string? Cluster { get; init; }
    public string? Domain { get; init; }

    /// <summary>The server is in lame duck mode: it is shutting down and clients should move elsewhere.</summary>
    public bool LameDuckMode { get; init; }

    /// <summary>The INFO JSON as received.</summary>
    public string Json { get; init; } = "{}";

    /// <summary>Decodes INFO JSON; invalid JSON throws <see cref="NatsProtocolException"/>.</summary>
    public static NatsServerInfo Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new NatsProtocolException($"The server's INFO is not a JSON object: {json}");
            return new NatsServerInfo
            {
                ServerId = String(root, "server_id") ?? "",
                ServerName = String(root, "server_name") ?? "",
                Version = String(root, "version") ?? "",
                Protocol = (int)Number(root, "proto"),
                Host = String(root, "host") ?? "",
                Port = (int)Number(root, "port"),
                MaxPayload = Number(root, "max_payload"),
                Headers = Bool(root, "headers"),
                JetStream = Bool(root, "jetstream"),
                AuthRequired = Bool(root, "auth_required"),
                TlsRequired = Bool(root, "tls_required"),
                TlsVerify = Bool(root, "tls_verify"),
                TlsAvailable = Bool(root, "tls_available"),
                Nonce = String(root, "nonce"),
                ConnectUrls = Strings(root, "connect_urls"),
                ClientId = (ulong)Number(root, "client_id"),
                ClientIp = String(root, "client_ip"),
                Cluster = String(root, "cluster"),
                Domain = String(root, "domain"),
                LameDuckMode = Bool(root, "ldm"),
                Json = json,
            };
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"The server's INFO is not valid JSON ({ex.Message}): {json}");
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static bool Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static IReadOnlyList<string> Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array) return Array.Empty<string>();
        return value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray();
    }
}
