namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>The supervisor brought nats-server back after an unexpected exit, and JetStream answers again.</summary>
public sealed class EmbeddedNatsServerRestartedEventArgs : EventArgs
{
    public EmbeddedNatsServerRestartedEventArgs(int processId, int attempts, TimeSpan downtime, TimeSpan backOff, string clientUrl)
    {
        BackOff = backOff;
        ProcessId = processId;
        Attempts = attempts;
        Downtime = downtime;
        ClientUrl = clientUrl;
    }

    /// <summary>The new process.</summary>
    public int ProcessId { get; }

    /// <summary>How many start attempts it took (1 when the first one worked).</summary>
    public int Attempts { get; }

    /// <summary>From the moment the exit was noticed until JetStream answered again.</summary>
    public TimeSpan Downtime { get; }

    /// <summary>
    /// The waits before the attempts: the part of <see cref="Downtime"/> the supervisor chose (the rest is
    /// nats-server starting). It starts from the restart delay after a healthy run and doubles with each failure.
    /// </summary>
    public TimeSpan BackOff { get; }

    /// <summary>Unchanged across restarts: the ports picked at the first start are kept.</summary>
    public string ClientUrl { get; }
}
