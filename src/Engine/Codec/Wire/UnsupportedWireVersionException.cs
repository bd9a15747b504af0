namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>The message was written in a newer major version of the wire format than this build reads: upgrade this node.</summary>
public sealed class UnsupportedWireVersionException : WireFormatException
{
    public UnsupportedWireVersionException(ulong version, int highestSupported)
        : base($"The change batch message uses wire format version {version}, but this build of HarmonyLite reads versions up to {highestSupported}. " +
               "Upgrade this node to the release the sending node runs.")
    {
        Version = version;
        HighestSupportedVersion = highestSupported;
    }

    public ulong Version { get; }

    public int HighestSupportedVersion { get; }
}
