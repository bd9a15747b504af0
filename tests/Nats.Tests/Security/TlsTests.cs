using System.Diagnostics;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Security;

/// <summary>One TLS server (client certificates required) shared by the tests of this class.</summary>
public sealed class TlsServerFixture : IAsyncLifetime
{
    public TestCertificates Certificates { get; private set; } = null!;
    public NatsServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certificates = await TestCertificates.CreateAsync();
        Server = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false, ExtraConfig = Certificates.ServerConfig() });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificates.Dispose();
    }
}

public sealed class TlsTests : IClassFixture<TlsServerFixture>
{
    private readonly TlsServerFixture _tls;

    public TlsTests(TlsServerFixture tls) => _tls = tls;

    private NatsOptions Options(bool clientCertificate = true, string? caFile = null) => Connect.Options(_tls.Server.Url) with
    {
        CaFile = caFile ?? _tls.Certificates.CaFile,
        CertFile = clientCertificate ? _tls.Certificates.ClientCert : null,
        KeyFile = clientCertificate ? _tls.Certificates.ClientKey : null,
        ConnectTimeout = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task Mutual_TLS_with_a_private_CA_connects_and_carries_messages()
    {
        await using var nats = await NatsConnection.ConnectAsync(Options());
        Assert.True(nats.ServerInfo!.TlsRequired);
        await using var sub = await nats.SubscribeAsync("tls.secret");
        await nats.PublishAsync("tls.secret", "over tls"u8.ToArray());
        Assert.Equal("over tls"u8.ToArray(), (await sub.NextAsync()).Data.ToArray());
        var reply = nats.RequestAsync("tls.none", default);
        await Assert.ThrowsAsync<NatsNoRespondersException>(() => reply);
    }

    [Fact]
    public async Task The_tls_scheme_works_the_same()
    {
        await using var nats = await NatsConnection.ConnectAsync(Options() with { Urls = [_tls.Server.Url.Replace("nats://", "tls://")] });
        await nats.PingAsync();
    }

    [Fact]
    public async Task Without_a_client_certificate_the_server_refuses_quickly()
    {
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(Options(clientCertificate: false)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_certificate_from_an_unknown_CA_is_rejected()
    {
        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(Options(caFile: _tls.Certificates.OtherCaFile)));
        Assert.Contains("TLS handshake", error.Message);
    }

    [Fact]
    public async Task A_tls_url_to_a_plaintext_server_fails_with_a_clear_error()
    {
        await using var plain = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false });
        var error = await Assert.ThrowsAsync<NatsConnectionException>(() =>
            NatsConnection.ConnectAsync(Connect.Options(plain.Url.Replace("nats://", "tls://"))));
        Assert.Contains("TLS", error.Message);
    }
}
