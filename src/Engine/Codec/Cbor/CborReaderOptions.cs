namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>Limits and modes of a <see cref="CborReader"/>.</summary>
public sealed record CborReaderOptions
{
    public const int DefaultMaxNestingDepth = 64;

    /// <summary>The highest limit allowed: recursive walks of 1,024 levels stay far from the end of a thread's stack.</summary>
    public const int HighestMaxNestingDepth = 1024;

    /// <summary>The default options: one root data item, nesting up to 64 levels.</summary>
    public static CborReaderOptions Default { get; } = new();

    /// <summary>
    /// How deep arrays, maps, tags and indefinite-length strings may nest. Bounds the recursion of
    /// anything that walks a decoded item, so hostile input cannot exhaust the stack.
    /// </summary>
    public int MaxNestingDepth
    {
        get => _maxNestingDepth;
        init => _maxNestingDepth = value is >= 1 and <= HighestMaxNestingDepth
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxNestingDepth), value, $"The nesting depth limit must be between 1 and {HighestMaxNestingDepth}.");
    }

    private readonly int _maxNestingDepth = DefaultMaxNestingDepth;

    /// <summary>
    /// When false (the default) the input must hold exactly one data item and bytes after it are an
    /// error; when true the input is a sequence of items (RFC 8742 CBOR sequence).
    /// </summary>
    public bool AllowMultipleRootValues { get; init; }
}
