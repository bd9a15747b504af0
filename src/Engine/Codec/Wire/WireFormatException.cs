namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>
/// A replication message could not be decoded: it is damaged, is not a change batch, breaks a limit,
/// or was written by a newer, incompatible version (<see cref="UnsupportedWireVersionException"/>).
/// The inner exception, when there is one, is the CBOR or zstd error underneath.
/// </summary>
public class WireFormatException : Exception
{
    public WireFormatException(string message)
        : base(message)
    {
    }

    public WireFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
