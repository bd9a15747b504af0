namespace HarmonyLite.Nats.JetStream;

/// <summary>How many messages a pull feed keeps asked for, and how long each pull lives.</summary>
internal sealed record PullFeedSettings(int MaxMessages, int ThresholdMessages, TimeSpan Expires, TimeSpan IdleHeartbeat)
{
    public static PullFeedSettings From(ConsumeOptions options)
    {
        if (options.MaxMessages < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxMessages, "ConsumeOptions.MaxMessages must be at least 1.");
        if (options.Expires < TimeSpan.FromSeconds(1)) throw new ArgumentOutOfRangeException(nameof(options), options.Expires, "ConsumeOptions.Expires must be at least 1 second.");
        var heartbeat = options.IdleHeartbeat ?? TimeSpan.FromTicks(Math.Min(options.Expires.Ticks / 2, TimeSpan.FromSeconds(30).Ticks));
        if (heartbeat < TimeSpan.FromMilliseconds(100) || heartbeat > options.Expires / 2)
            throw new ArgumentOutOfRangeException(nameof(options), heartbeat, "ConsumeOptions.IdleHeartbeat must be between 100 ms and half of Expires.");
        var threshold = Math.Clamp(options.ThresholdMessages ?? options.MaxMessages / 2, 0, options.MaxMessages - 1);
        return new PullFeedSettings(options.MaxMessages, threshold, options.Expires, heartbeat);
    }
}
