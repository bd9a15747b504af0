using Xunit;

namespace HarmonyLite.TestSupport;

/// <summary>xunit class fixture: three JetStream nats-servers routed into one cluster on loopback.</summary>
public sealed class NatsClusterFixture : IAsyncLifetime
{
    public const int Size = 3;
    private readonly List<NatsServerProcess> _servers = new();

    public IReadOnlyList<NatsServerProcess> Servers => _servers;

    /// <summary>Every server's client URL, comma separated.</summary>
    public string Urls => string.Join(",", _servers.Select(s => s.Url));

    public async Task InitializeAsync()
    {
        var clusterPorts = Enumerable.Range(0, Size).Select(_ => FreePort.Next()).ToArray();
        var name = "cluster-" + Guid.NewGuid().ToString("N")[..6];
        // Servers wait for their routes before JetStream is healthy, so start all, then wait.
        var starts = Enumerable.Range(0, Size).Select(i => NatsServerProcess.StartAsync(new NatsServerOptions
        {
            ServerName = $"{name}-n{i + 1}",
            ClusterName = name,
            ClusterPort = clusterPorts[i],
            Routes = clusterPorts.Where((_, j) => j != i).ToArray(),
        })).ToArray();
        foreach (var s in await Task.WhenAll(starts).ConfigureAwait(false)) _servers.Add(s);
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _servers) await s.DisposeAsync().ConfigureAwait(false);
    }
}
