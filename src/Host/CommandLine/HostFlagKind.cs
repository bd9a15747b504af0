namespace HarmonyLite.Host.CommandLine;

/// <summary>The kinds of value a flag takes, as in Go's flag package.</summary>
public enum HostFlagKind
{
    /// <summary><c>-flag</c> or <c>-flag=true|false</c>; never a separate value.</summary>
    Boolean,

    /// <summary><c>-flag value</c> or <c>-flag=value</c>.</summary>
    Text,

    /// <summary>An unsigned 64-bit integer value.</summary>
    Unsigned,
}
