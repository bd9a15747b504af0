namespace HarmonyLite.Engine.Apply;

/// <summary>A change names a table that does not exist here, or that this node does not replicate (refused, or not installed yet).</summary>
public sealed class UnknownTableException : ChangeApplyException
{
    public UnknownTableException(string stream, ulong sequence, string table, string reason)
        : base(stream, sequence, table, $"Cannot apply message {sequence} of stream '{stream}': {reason}")
    {
    }
}
