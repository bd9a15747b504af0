using Xunit;

namespace HarmonyLite.TestSupport;

/// <summary>xunit class fixture: one JetStream-enabled nats-server shared by a test class.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private NatsServerProcess? _server;

    public NatsServerProcess Server => _server ?? throw new InvalidOperationException("The fixture has not started.");
    public string Url => Server.Url;

    public async Task InitializeAsync() => _server = await NatsServerProcess.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
