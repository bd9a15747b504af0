namespace HarmonyLite.Nats.JetStream;

/// <summary>Where the JetStream API lives and how long to wait for it.</summary>
public sealed record JetStreamOptions
{
    /// <summary>The JetStream domain (leaf node setups): the API becomes <c>$JS.&lt;domain&gt;.API</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>An explicit API prefix (imports from another account); overrides <see cref="Domain"/>.</summary>
    public string? ApiPrefix { get; init; }

    /// <summary>Timeout of API calls and publish acks; null uses the connection's request timeout.</summary>
    public TimeSpan? RequestTimeout { get; init; }
}
