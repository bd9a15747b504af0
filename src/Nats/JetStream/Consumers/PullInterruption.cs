namespace HarmonyLite.Nats.JetStream;

/// <summary>Why a pull feed stopped delivering and its owner must act (pull again, or recreate the consumer).</summary>
internal enum PullInterruption
{
    /// <summary>The connection came back after a drop: pull requests held by the old server may be gone.</summary>
    Reconnected,
    /// <summary>Neither messages nor heartbeats arrived for twice the heartbeat interval.</summary>
    HeartbeatMissed,
    /// <summary>The server deleted the consumer while a pull waited.</summary>
    ConsumerDeleted,
    /// <summary>Nothing serves the pull subject.</summary>
    NoResponders,
}
