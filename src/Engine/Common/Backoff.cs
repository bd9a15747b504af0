namespace HarmonyLite.Engine.Common;

/// <summary>
/// Exponential backoff with full jitter: attempt n waits a random time up to min(max, initial * 2^n),
/// never less than half of it, so retrying nodes do not march in step.
/// </summary>
public sealed class Backoff
{
    private readonly Random _random;

    public Backoff(TimeSpan initial, TimeSpan maximum, Random? random = null)
    {
        if (initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial), "The first delay must be positive.");
        if (maximum < initial) throw new ArgumentOutOfRangeException(nameof(maximum), "The maximum delay must be at least the first delay.");
        Initial = initial;
        Maximum = maximum;
        _random = random ?? Random.Shared;
    }

    public TimeSpan Initial { get; }
    public TimeSpan Maximum { get; }

    /// <summary>The delay before retry number <paramref name="attempt"/> (0 for the first retry).</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(Maximum.Ticks, Initial.Ticks * Math.Pow(2, Math.Clamp(attempt, 0, 62)));
        var ticks = ceiling / 2 + _random.NextDouble() * (ceiling / 2);
        return TimeSpan.FromTicks((long)ticks);
    }

    public Task WaitAsync(int attempt, CancellationToken cancellationToken) => Task.Delay(Delay(attempt), cancellationToken);
}
