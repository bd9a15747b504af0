using Xunit;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// One cluster shared by the tests of a class (xunit class fixture): they run one after another and each uses its own
/// tables, so they do not need a cluster each. Subclasses say which cluster.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    private ClusterHarness? _cluster;

    protected abstract ClusterSettings Settings { get; }

    public ClusterHarness Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(Settings);

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
