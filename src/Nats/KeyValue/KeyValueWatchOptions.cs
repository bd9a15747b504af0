namespace HarmonyLite.Nats.KeyValue;

/// <summary>What a watch delivers before and besides live updates.</summary>
public sealed record KeyValueWatchOptions
{
    /// <summary>Deliver every kept revision of the matching keys first, not only the latest.</summary>
    public bool IncludeHistory { get; init; }

    /// <summary>Deliver only changes made after the watch started.</summary>
    public bool UpdatesOnly { get; init; }

    /// <summary>Skip delete and purge markers.</summary>
    public bool IgnoreDeletes { get; init; }

    /// <summary>Leave values out (entries carry keys and revisions only).</summary>
    public bool MetaOnly { get; init; }

    /// <summary>
    /// Called once the current values have been delivered (at once when there are none, or with
    /// <see cref="UpdatesOnly"/>); everything after it is a live update.
    /// </summary>
    public Action? OnInitialValuesDone { get; init; }
}
