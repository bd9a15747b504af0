namespace HarmonyLite.Engine.Codec.Wire;

public sealed record ChangeBatchDecoderOptions
{
    public const int DefaultMaxPayloadBytes = 64 * 1024 * 1024;

    /// <summary>The largest payload accepted, after decompression: a message that would expand beyond it is refused.</summary>
    public int MaxPayloadBytes
    {
        get => _maxPayloadBytes;
        init => _maxPayloadBytes = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxPayloadBytes), value, "The payload limit must be positive.");
    }

    private readonly int _maxPayloadBytes = DefaultMaxPayloadBytes;
}
