namespace HarmonyLite.Host.CommandLine;

/// <summary>
/// One command-line flag. A flag with an <see cref="UnsupportedReason"/> exists in Go HarmonyLite but not here:
/// it is recognised so that using it gets that reason instead of "not defined".
/// </summary>
public sealed record HostFlag(string Name, HostFlagKind Kind, string ValueName, string Description, string? UnsupportedReason = null)
{
    /// <summary>How the flag is written in the usage text, e.g. <c>-config FILE</c>.</summary>
    public string Synopsis => ValueName.Length == 0 ? $"-{Name}" : $"-{Name} {ValueName}";
}
