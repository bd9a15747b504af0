using System.Text;
using HarmonyLite.Nats.Protocol;

namespace HarmonyLite.Nats.Tests.Protocol;

/// <summary>Writes every decoded operation as one comparable line of text.</summary>
internal sealed class RecordingHandler : IProtocolHandler
{
    public List<string> Ops { get; } = new();

    public void OnInfo(string json) => Ops.Add("INFO " + json);

    public void OnMessage(string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload) =>
        Ops.Add($"MSG {subject} {sid} {replyTo ?? "-"} [{Describe(headers)}] {Convert.ToHexString(payload.Span)}");

    public void OnPing() => Ops.Add("PING");
    public void OnPong() => Ops.Add("PONG");
    public void OnOk() => Ops.Add("+OK");
    public void OnError(string message) => Ops.Add("-ERR " + message);

    private static string Describe(NatsHeaders? headers)
    {
        if (headers is null) return "none";
        var sb = new StringBuilder();
        sb.Append(headers.StatusCode).Append('|').Append(headers.StatusDescription);
        foreach (var (name, values) in headers) sb.Append('|').Append(name).Append('=').Append(string.Join(",", values));
        return sb.ToString();
    }
}
