namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// The embedded nats-server could not be brought to a state where JetStream answers: the process
/// exited, the data directory is owned by another running node, a peer name did not resolve, or the
/// start timeout passed. The message names what was last seen and what to check.
/// </summary>
public sealed class EmbeddedNatsServerStartException : Exception
{
    public EmbeddedNatsServerStartException(string message, string? recentOutput = null, Exception? innerException = null)
        : base(recentOutput is { Length: > 0 } ? $"{message}\nLast nats-server output:\n{recentOutput}" : message, innerException)
    {
        RecentOutput = recentOutput ?? "";
    }

    /// <summary>The last lines nats-server wrote before the failure (empty when it never ran).</summary>
    public string RecentOutput { get; }
}
