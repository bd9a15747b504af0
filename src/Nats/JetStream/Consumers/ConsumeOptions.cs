namespace HarmonyLite.Nats.JetStream;

/// <summary>How a continuous consume keeps its pull requests topped up.</summary>
public sealed record ConsumeOptions
{
    /// <summary>Messages asked for at once (and so buffered at most in the client).</summary>
    public int MaxMessages { get; init; } = 500;

    /// <summary>When fewer than this many remain asked for, ask for more; null is half of <see cref="MaxMessages"/>.</summary>
    public int? ThresholdMessages { get; init; }

    /// <summary>Lifetime of each pull request on the server.</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Heartbeat the server sends while a pull waits. When none arrives for twice this long the pulls are
    /// considered lost and issued again. Null is half of <see cref="Expires"/>, at most 30 s.
    /// </summary>
    public TimeSpan? IdleHeartbeat { get; init; }
}
