namespace HarmonyLite.Nats.JetStream;

/// <summary>One pull request: up to <see cref="MaxMessages"/> messages within <see cref="Expires"/>.</summary>
public sealed record FetchOptions
{
    public int MaxMessages { get; init; } = 100;

    /// <summary>Byte budget of the batch; null for none.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>How long the server keeps the request open waiting for messages.</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Heartbeat the server sends while the request waits; a missing heartbeat ends the fetch early.
    /// Null picks half of <see cref="Expires"/> (at most 30 s) for expiries of 2 s and more, none below.
    /// </summary>
    public TimeSpan? IdleHeartbeat { get; init; }

    /// <summary>Return at once with what is there (possibly nothing) instead of waiting.</summary>
    public bool NoWait { get; init; }
}
