using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HarmonyLite.Engine.Configuration.Settings;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Writes the effective configuration as one JSON object keyed by the TOML key names, tables as nested
/// objects, then a <c>cluster</c> object with the command-line cluster settings. Secrets are hidden the one way
/// <see cref="SecretRedaction"/> hides them; every printed form of the configuration comes from here.
/// </summary>
internal static class ConfigurationJsonWriter
{
    /// <summary>
    /// The whole configuration, indented; or, with <paramref name="table"/> (<c>nats</c>, <c>snapshot.s3</c>), only
    /// that table's keys on one line, as the records' ToString shows them.
    /// </summary>
    public static string Write(HarmonyConfig config, string? table = null) => Json(table is null, writer =>
    {
        writer.WriteStartObject();
        var prefix = table is null ? "" : table + ".";
        var open = new List<string>();
        foreach (var setting in ConfigurationSchema.Settings.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var parts = setting.Key[prefix.Length..].Split('.');
            var tables = parts[..^1];
            // Close the tables this key is not in, then open the ones it is in.
            var shared = 0;
            while (shared < open.Count && shared < tables.Length && open[shared] == tables[shared])
            {
                shared++;
            }
            for (var i = open.Count; i > shared; i--)
            {
                writer.WriteEndObject();
            }
            open.RemoveRange(shared, open.Count - shared);
            for (var i = shared; i < tables.Length; i++)
            {
                writer.WriteStartObject(tables[i]);
                open.Add(tables[i]);
            }
            writer.WritePropertyName(parts[^1]);
            setting.WriteValue(config, writer);
        }
        foreach (var _ in open)
        {
            writer.WriteEndObject();
        }
        if (table is null)
        {
            writer.WritePropertyName("cluster");
            WriteCluster(config.Cluster, writer);
        }
        writer.WriteEndObject();
    });

    /// <summary>The cluster settings alone, on one line.</summary>
    public static string WriteCluster(ClusterOptions cluster) => Json(indented: false, writer => WriteCluster(cluster, writer));

    private static void WriteCluster(ClusterOptions cluster, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
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
            writer.WriteStringValue(SecretRedaction.Url(peer));
        }
        writer.WriteEndArray();
        writer.WriteStartArray("leaf_servers");
        foreach (var leaf in cluster.LeafServers)
        {
            writer.WriteStartObject();
            writer.WriteString("url", SecretRedaction.Url(leaf.Url));
            writer.WriteBoolean("hub", leaf.Hub);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string Json(bool indented, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = indented,
            // Printed for people: keep '<', '>' and non-ASCII readable; the output is still valid JSON.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
