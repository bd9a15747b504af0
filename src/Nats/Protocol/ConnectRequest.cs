using System.Text.Json;

namespace HarmonyLite.Nats.Protocol;

/// <summary>The CONNECT options the client sends after INFO, serialized as the protocol's JSON.</summary>
internal sealed record ConnectRequest
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public bool TlsRequired { get; init; }
    public string? User { get; init; }
    public string? Password { get; init; }
    public string? AuthToken { get; init; }
    public string? NKey { get; init; }
    public string? Jwt { get; init; }
    public string? Signature { get; init; }

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteBoolean("verbose", false);
            json.WriteBoolean("pedantic", false);
            json.WriteBoolean("tls_required", TlsRequired);
            json.WriteString("name", Name);
            json.WriteString("lang", ".NET");
            json.WriteString("version", Version);
            json.WriteNumber("protocol", 1);
            json.WriteBoolean("echo", true);
            json.WriteBoolean("headers", true);
            json.WriteBoolean("no_responders", true);
            if (User is not null) json.WriteString("user", User);
            if (Password is not null) json.WriteString("pass", Password);
            if (AuthToken is not null) json.WriteString("auth_token", AuthToken);
            if (NKey is not null) json.WriteString("nkey", NKey);
            if (Jwt is not null) json.WriteString("jwt", Jwt);
            if (Signature is not null) json.WriteString("sig", Signature);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }
}
