using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HarmonyLite.Engine.Configuration.Settings;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Writes the effective configuration as one JSON object keyed by the TOML key names, tables as nested
/// objects, then a <c>cluster</c> object with the command-line cluster settings. Secrets are hidden.
/// </summary>
internal static class ConfigurationJsonWriter
{
    public static string Write(HarmonyConfig config)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            // Printed for people: keep '<', '>' and non-ASCII readable; the output is still valid JSON.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            writer.WriteStartObject();
            var open = new List<string>();
            foreach (var setting in ConfigurationSchema.Settings)
            {
                var parts = setting.Key.Split('.');
                var table = parts[..^1];
                // Close the tables this key is not in, then open the ones it is in.
                var shared = 0;
                while (shared < open.Count && shared < table.Length && open[shared] == table[shared])
                {
                    shared++;
                }
                for (var i = open.Count; i > shared; i--)
                {
                    writer.WriteEndObject();
                }
                open.RemoveRange(shared, open.Count - shared);
                for (var i = shared; i < table.Length; i++)
                {
                    writer.WriteStartObject(table[i]);
                    open.Add(table[i]);
                }
                writer.WritePropertyName(parts[^1]);
                setting.WriteValue(config, writer);
            }
            foreach (var _ in open)
            {
                writer.WriteEndObject();
            }
            WriteCluster(config.Cluster, writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCluster(ClusterOptions cluster, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("cluster");
        if (cluster.ListenAddress is { } listen)
        {
            writer.WriteString("listen_address", listen.ToString());
        }
        else
        {
            writer.WriteNull("listen_address");
        }
        writer.WriteStartArray("peers");
        foreach (var peer in cluster.Peers)
        {
            writer.WriteStringValue(TextSettingType.WithoutPassword(peer.ToString()));
        }
        writer.WriteEndArray();
        writer.WriteStartArray("leaf_servers");
        foreach (var leaf in cluster.LeafServers)
        {
            writer.WriteStartObject();
            writer.WriteString("url", TextSettingType.WithoutPassword(leaf.Url.ToString()));
            writer.WriteBoolean("hub", leaf.Hub);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
