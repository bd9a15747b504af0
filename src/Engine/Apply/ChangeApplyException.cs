namespace HarmonyLite.Engine.Apply;

/// <summary>
/// A message could not be applied because of what it contains or how the local schema looks; the transaction was
/// rolled back and nothing of the message was written. Retrying helps only after the cause is fixed (for example the
/// schema catches up), so the node retries with backoff, then quarantines the message.
/// </summary>
public abstract class ChangeApplyException : Exception
{
    protected ChangeApplyException(string stream, ulong sequence, string table, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Stream = stream;
        Sequence = sequence;
        Table = table;
    }

    /// <summary>The stream the message came from.</summary>
    public string Stream { get; }

    /// <summary>The message's stream sequence.</summary>
    public ulong Sequence { get; }

    /// <summary>The table of the change that failed.</summary>
    public string Table { get; }
}
