using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>A nats-server requiring TLS with client certificates (a private CA made with openssl), shared by a test class.</summary>
public sealed class TlsServerFixture : IAsyncLifetime
{
    public TestCertificates Certificates { get; private set; } = null!;
    public NatsServerProcess Server { get; private set; } = null!;
    public int WebSocketPort { get; } = FreePort.Next();

    public async Task InitializeAsync()
    {
        Certificates = await TestCertificates.CreateAsync();
        var websocket = $"websocket {{\n  listen: \"127.0.0.1:{WebSocketPort}\"\n  tls {{ cert_file: \"{Certificates.ServerCert}\", key_file: \"{Certificates.ServerKey}\" }}\n}}";
        Server = await NatsServerProcess.StartAsync(new NatsServerOptions { ExtraConfig = Certificates.ServerConfig() + "\n" + websocket });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificates.Dispose();
    }
}

/// <summary><c>nats.ca_file</c>, <c>nats.cert_file</c> and <c>nats.key_file</c> against a server that verifies clients.</summary>
public sealed class TlsConnectorTests : IClassFixture<TlsServerFixture>
{
    private readonly TlsServerFixture _tls;

    public TlsConnectorTests(TlsServerFixture tls) => _tls = tls;

    private HarmonyConfig Config(string? url = null, bool clientCertificate = true, string? caFile = null) => TestMessaging.Config(url ?? _tls.Server.Url) with
    {
        Nats = TestMessaging.Config(url ?? _tls.Server.Url).Nats with
        {
            CaFile = caFile ?? _tls.Certificates.CaFile,
            CertFile = clientCertificate ? _tls.Certificates.ClientCert : "",
            KeyFile = clientCertificate ? _tls.Certificates.ClientKey : "",
        },
    };

    [Theory]
    [InlineData("nats")]
    [InlineData("tls")]
    public async Task Mutual_TLS_with_a_private_CA_replicates(string scheme)
    {
        await using var connection = await TestMessaging.ConnectAsync(Config($"{scheme}://127.0.0.1:{_tls.Server.Port}"));
        var log = connection.OpenReplicationLog(TestMessaging.UniqueTopology("tls"), new ReplicationLogConfig(), NullLogger.Instance);
        await log.EnsureStreamsAsync(CancellationToken.None);
        Assert.Equal(1UL, (await log.PublishAsync(1, "tls-batch", "over tls"u8.ToArray(), CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task A_wss_url_connects_with_the_same_ca_file()
    {
        await using var connection = await TestMessaging.ConnectAsync(Config($"wss://localhost:{_tls.WebSocketPort}", clientCertificate: false));
        var log = connection.OpenReplicationLog(TestMessaging.UniqueTopology("wss"), new ReplicationLogConfig(), NullLogger.Instance);
        await log.EnsureStreamsAsync(CancellationToken.None);
        Assert.Equal(1UL, (await log.PublishAsync(1, "wss-batch", "over wss"u8.ToArray(), CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_error_says_to_set_cert_file_and_key_file()
    {
        var error = await Assert.ThrowsAsync<MessagingAuthenticationException>(() => TestMessaging.ConnectAsync(Config(clientCertificate: false)));
        Assert.Contains(_tls.Server.Url, error.Message);
        Assert.Contains("nats.cert_file and nats.key_file", error.Message);
        Assert.DoesNotContain("decryption operation failed", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_names_the_ca_file()
    {
        var error = await Assert.ThrowsAsync<MessagingAuthenticationException>(() => TestMessaging.ConnectAsync(Config(caFile: _tls.Certificates.OtherCaFile)));
        Assert.Contains(_tls.Server.Url, error.Message);
        Assert.Contains($"nats.ca_file {_tls.Certificates.OtherCaFile}", error.Message);
        Assert.DoesNotContain("NatsOptions", error.Message);
    }

    [Fact]
    public async Task A_tls_url_to_a_plaintext_server_says_it_offers_no_TLS()
    {
        await using var plain = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false });
        var error = await Assert.ThrowsAsync<MessagingAuthenticationException>(() => TestMessaging.ConnectAsync(TestMessaging.Config(plain.Url.Replace("nats://", "tls://"))));
        Assert.Contains("does not offer TLS", error.Message);
        Assert.Contains("the URL is tls://", error.Message);
    }

    [Fact]
    public async Task Files_that_are_missing_or_incomplete_are_named_by_key_before_connecting()
    {
        var config = Config();
        var missingCa = await Assert.ThrowsAsync<MessagingSettingsException>(() => TestMessaging.ConnectAsync(config with { Nats = config.Nats with { CaFile = "/nonexistent/ca.pem" } }));
        Assert.Equal("nats.ca_file", missingCa.Setting);
        Assert.Contains("/nonexistent/ca.pem", missingCa.Message);

        var noKey = await Assert.ThrowsAsync<MessagingSettingsException>(() => TestMessaging.ConnectAsync(config with { Nats = config.Nats with { KeyFile = "" } }));
        Assert.Equal("nats.key_file", noKey.Setting);
        Assert.Contains("nats.cert_file is set but nats.key_file is not", noKey.Message);

        var swapped = await Assert.ThrowsAsync<MessagingSettingsException>(() => TestMessaging.ConnectAsync(config with { Nats = config.Nats with { CertFile = _tls.Certificates.ClientKey } }));
        Assert.Contains($"nats.cert_file {_tls.Certificates.ClientKey}", swapped.Message);
    }
}
