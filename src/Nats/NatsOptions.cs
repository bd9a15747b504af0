using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats;

/// <summary>How a <see cref="NatsConnection"/> connects, authenticates and recovers.</summary>
public sealed record NatsOptions
{
    /// <summary>Server URLs, tried in the given order. Accepts nats://, tls:// and userinfo (nats://user:pass@host:port or nats://token@host:port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["nats://127.0.0.1:4222"];

    /// <summary>Shuffle the server list once per connection instead of keeping the given order.</summary>
    public bool RandomizeServers { get; init; }

    /// <summary>Client name shown by the server's monitoring.</summary>
    public string Name { get; init; } = "harmonylite";

    public string? User { get; init; }
    public string? Password { get; init; }
    public string? Token { get; init; }

    /// <summary>An NKey user seed ("SU..."); the client signs the server's nonce with it.</summary>
    public string? NKeySeed { get; init; }

    /// <summary>A file holding an NKey user seed.</summary>
    public string? NKeySeedFile { get; init; }

    /// <summary>A .creds file with a user JWT and its NKey seed (decentralized auth).</summary>
    public string? CredsFile { get; init; }

    /// <summary>PEM file of the certificate authorities trusted for the server's certificate. Setting it turns TLS on.</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate for mutual TLS (with <see cref="KeyFile"/>). Setting it turns TLS on.</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>Extra rounds over all URLs for the first connect before giving up.</summary>
    public int ConnectRetries { get; init; }

    /// <summary>Reconnect rounds (each round tries every known server once) after a connection was up; -1 retries forever, 0 never reconnects.</summary>
    public int MaxReconnectAttempts { get; init; } = -1;

    /// <summary>Pause between rounds of connection attempts.</summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Random extra pause (0..this) added to <see cref="ReconnectWait"/> so clients do not reconnect in lockstep.</summary>
    public TimeSpan ReconnectJitter { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Limit for one connection attempt: TCP, TLS and the CONNECT handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Default timeout of <see cref="NatsConnection.RequestAsync"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the client pings the server to detect a dead connection.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Pings without a pong after which the connection is declared stale and re-established.</summary>
    public int MaxPingsOutstanding { get; init; } = 2;

    /// <summary>Bytes of publishes kept while disconnected and sent after reconnecting; a publish beyond it throws.</summary>
    public long ReconnectBufferSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Messages a subscription holds for its reader; when full, new messages are dropped and counted (slow consumer).</summary>
    public int SubscriptionCapacity { get; init; } = 64 * 1024;

    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        if (Urls is null || Urls.Count == 0) throw new ArgumentException("NatsOptions.Urls must name at least one server, e.g. nats://127.0.0.1:4222.");
        if (MaxPingsOutstanding < 1) throw new ArgumentException($"NatsOptions.MaxPingsOutstanding must be at least 1 (was {MaxPingsOutstanding}).");
        if (PingInterval <= TimeSpan.Zero) throw new ArgumentException($"NatsOptions.PingInterval must be positive (was {PingInterval}).");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentException($"NatsOptions.ConnectTimeout must be positive (was {ConnectTimeout}).");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException($"NatsOptions.RequestTimeout must be positive (was {RequestTimeout}).");
        if (ReconnectWait < TimeSpan.Zero || ReconnectJitter < TimeSpan.Zero) throw new ArgumentException("NatsOptions.ReconnectWait and ReconnectJitter must not be negative.");
        if (ConnectRetries < 0) throw new ArgumentException($"NatsOptions.ConnectRetries must not be negative (was {ConnectRetries}).");
        if (MaxReconnectAttempts < -1) throw new ArgumentException($"NatsOptions.MaxReconnectAttempts must be -1 (forever) or more (was {MaxReconnectAttempts}).");
        if (ReconnectBufferSize < 0) throw new ArgumentException($"NatsOptions.ReconnectBufferSize must not be negative (was {ReconnectBufferSize}).");
        if (SubscriptionCapacity < 1) throw new ArgumentException($"NatsOptions.SubscriptionCapacity must be at least 1 (was {SubscriptionCapacity}).");
        if ((CertFile is null) != (KeyFile is null)) throw new ArgumentException("NatsOptions.CertFile and KeyFile go together: set both for a client certificate, or neither.");
        if (NKeySeed is not null && NKeySeedFile is not null) throw new ArgumentException("Set NatsOptions.NKeySeed or NKeySeedFile, not both.");
    }
}
