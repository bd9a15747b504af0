namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>The CBOR of a message is malformed or not what the format expects at <see cref="Offset"/>; the decoder adds where.</summary>
internal sealed class WireCborException(string problem, int offset, Exception? innerException = null)
    : Exception($"{problem} at byte {offset}", innerException)
{
    public string Problem { get; } = problem;

    /// <summary>From the start of the CBOR being read (the message, or the payload after decompression).</summary>
    public int Offset { get; } = offset;
}
