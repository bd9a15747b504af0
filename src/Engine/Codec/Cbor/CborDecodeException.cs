namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>
/// The input is not well-formed CBOR, breaks a limit of the reader, or holds a data item other than
/// the one the caller asked for. <see cref="Offset"/> is the byte offset, from the start of the input,
/// of the data item (or byte) at fault.
/// </summary>
public sealed class CborDecodeException : Exception
{
    public CborDecodeException(string problem, int offset)
        : base($"Invalid CBOR at byte offset {offset}: {problem}")
    {
        Problem = problem;
        Offset = offset;
    }

    public CborDecodeException(string problem, int offset, Exception innerException)
        : base($"Invalid CBOR at byte offset {offset}: {problem}", innerException)
    {
        Problem = problem;
        Offset = offset;
    }

    /// <summary>What is wrong, without the offset.</summary>
    public string Problem { get; }

    /// <summary>Byte offset from the start of the input.</summary>
    public int Offset { get; }
}
