using System.Text;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Observability;
using Xunit;

namespace HarmonyLite.Engine.Tests.Observability;

public sealed class NodeMetricsTests
{
    [Fact]
    public async Task Names_take_the_configured_namespace_and_subsystem_and_every_series_its_node_id()
    {
        var metrics = new NodeMetrics(new PrometheusConfig { Namespace = "ns", Subsystem = "sub" }, 7);

        var text = await ExportAsync(metrics);

        Assert.Contains("# TYPE ns_sub_nats_messages_received_total counter", text);
        Assert.Contains("ns_sub_quarantine_messages{node_id=\"7\"} 0", text);
        Assert.DoesNotContain("harmonylite_", text);
    }

    [Fact]
    public async Task Each_node_has_a_registry_of_its_own()
    {
        var first = new NodeMetrics(new PrometheusConfig(), 1);
        var second = new NodeMetrics(new PrometheusConfig(), 2);
        first.Snapshot(restored: false, bytes: 4096, TimeSpan.FromSeconds(1));

        var (one, two) = (await ExportAsync(first), await ExportAsync(second));

        Assert.Contains("harmonylite_snapshot_last_saved_bytes{node_id=\"1\"} 4096", one);
        Assert.Contains("harmonylite_snapshot_last_saved_bytes{node_id=\"2\"} 0", two);
        Assert.DoesNotContain("node_id=\"1\"", two);
    }

    private static async Task<string> ExportAsync(NodeMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
