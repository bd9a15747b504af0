namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// What one <see cref="MessagingConnection"/> did since it opened: replication messages published (acknowledged by
/// JetStream) and received, and failed NATS operations by kind. Thread-safe; read at any time (status, metrics).
/// </summary>
public sealed class MessagingStatistics
{
    private readonly long[] _errors = new long[Enum.GetValues<MessagingErrorKind>().Length];
    private long _published;
    private long _received;

    /// <summary>Replication messages JetStream acknowledged (duplicates included: they are stored once).</summary>
    public long PublishedMessages => Interlocked.Read(ref _published);

    /// <summary>Replication messages delivered to this node's consumers (redeliveries included).</summary>
    public long ReceivedMessages => Interlocked.Read(ref _received);

    /// <summary>Failed NATS operations of <paramref name="kind"/>.</summary>
    public long Errors(MessagingErrorKind kind) => Interlocked.Read(ref _errors[(int)kind]);

    /// <summary>Failed NATS operations by kind, every kind listed (zero included).</summary>
    public IReadOnlyDictionary<MessagingErrorKind, long> ErrorsByKind =>
        Enum.GetValues<MessagingErrorKind>().ToDictionary(kind => kind, Errors);

    internal void Published() => Interlocked.Increment(ref _published);

    internal void Received() => Interlocked.Increment(ref _received);

    internal MessagingException Failed(MessagingException error)
    {
        Interlocked.Increment(ref _errors[(int)error.Kind]);
        return error;
    }
}
