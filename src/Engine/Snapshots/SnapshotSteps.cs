namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// How long each step of one save or restore took, for its log line: "copy 1.02 s, hash 0.31 s, store 0.01 s".
/// Not safe for concurrent use: one operation records its own steps in order.
/// </summary>
internal sealed class SnapshotSteps
{
    private readonly long _started;
    private readonly List<string> _steps = new();
    private long _stepStarted;

    public SnapshotSteps(TimeProvider clock)
    {
        Clock = clock;
        _started = _stepStarted = clock.GetTimestamp();
    }

    /// <summary>The clock the steps are timed by; also what the operation reads the time of day from.</summary>
    public TimeProvider Clock { get; }

    /// <summary>How long the whole operation has taken so far.</summary>
    public TimeSpan Elapsed => Clock.GetElapsedTime(_started);

    /// <summary>Ends the step under way (begun when the last one ended, or when recording began) under <paramref name="name"/>.</summary>
    public void Done(string name)
    {
        var now = Clock.GetTimestamp();
        _steps.Add(FormattableString.Invariant($"{name} {Clock.GetElapsedTime(_stepStarted, now).TotalSeconds:0.00} s"));
        _stepStarted = now;
    }

    /// <summary>Notes something about the operation between its steps, untimed.</summary>
    public void Note(string text) => _steps.Add(text);

    public override string ToString() => string.Join(", ", _steps);
}
