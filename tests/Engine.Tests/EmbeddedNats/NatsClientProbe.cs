using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HarmonyLite.Engine.EmbeddedNats;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

/// <summary>What a client and an operator see of a running nats-server: its INFO greeting and its monitoring endpoints.</summary>
internal static class NatsClientProbe
{
    /// <summary>Connects to a nats:// URL and returns the INFO line the server greets with.</summary>
    public static async Task<string> ReadInfoAsync(string clientUrl)
    {
        var uri = new Uri(clientUrl);
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tcp.ConnectAsync(uri.Host, uri.Port, timeout.Token);
        var stream = tcp.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n"))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) break;
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return received.ToString();
    }

    public static async Task<JsonElement> GetJsonAsync(string monitorUrl, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await http.GetStringAsync(new Uri(new Uri(monitorUrl), path));
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>True when /healthz says ok: the server serves clients and JetStream answers.</summary>
    public static async Task<bool> IsHealthyAsync(string monitorUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync(new Uri(new Uri(monitorUrl), "/healthz"));
        return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"ok\"");
    }

    /// <summary>Running: neither gone nor a zombie waiting for its parent (in a container without an init nobody may reap it).</summary>
    public static bool IsAlive(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !ProcessTermination.HasEnded(process);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
