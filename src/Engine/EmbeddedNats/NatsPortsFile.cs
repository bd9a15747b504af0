using System.Globalization;
using System.Net;
using System.Text.Json;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// Reads the <c>&lt;executable&gt;_&lt;pid&gt;.ports</c> file nats-server writes into ports_file_dir once
/// it listens: <c>{"nats":["nats://127.0.0.1:4222", ...], "monitoring":["http://127.0.0.1:8222"], ...}</c>.
/// </summary>
internal static class NatsPortsFile
{
    /// <summary>The endpoints of process <paramref name="processId"/>, or null while its file is not (completely) written.</summary>
    public static async Task<NatsServerEndpoints?> TryReadAsync(string directory, int processId, CancellationToken cancellationToken)
    {
        var file = Directory.EnumerateFiles(directory, $"*_{processId.ToString(CultureInfo.InvariantCulture)}.ports").FirstOrDefault();
        if (file is null) return null;
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var client = PickUrl(json.RootElement, "nats");
            var monitor = PickUrl(json.RootElement, "monitoring");
            return client is null || monitor is null ? null : new NatsServerEndpoints(client, monitor);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null; // half written, or removed by a server that is going away
        }
    }

    /// <summary>Deletes every ports file in <paramref name="directory"/>; they are left behind when nats-server is killed.</summary>
    public static void DeleteAll(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.ports"))
        {
            try { File.Delete(file); }
            catch (IOException) { } // a server still running owns it; its pid is not ours to read
        }
    }

    /// <summary>A server bound to all interfaces lists every address; a loopback one is the right one for this machine's node.</summary>
    private static Uri? PickUrl(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var list) || list.ValueKind != JsonValueKind.Array) return null;
        var urls = list.EnumerateArray()
            .Select(e => e.GetString())
            .Where(s => s is not null && Uri.TryCreate(s, UriKind.Absolute, out _))
            .Select(s => new Uri(s!))
            .ToList();
        return urls.FirstOrDefault(u => IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)) ?? urls.FirstOrDefault();
    }
}
