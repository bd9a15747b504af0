namespace HarmonyLite.Engine.Node;

/// <summary>A node could not start or had to stop; the message says what to do.</summary>
public sealed class HarmonyNodeException : Exception
{
    public HarmonyNodeException(string message) : base(message) { }
    public HarmonyNodeException(string message, Exception inner) : base(message, inner) { }
}
