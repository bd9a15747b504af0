namespace HarmonyLite.Engine.Configuration;

/// <summary>A setting that was ignored, such as an unknown key; the node still starts.</summary>
public sealed record ConfigurationWarning(string Origin, int Line, string Key, string Message)
{
    /// <summary>For example <c>node-1.toml:4: unknown key 'scan_max_chnages'; did you mean 'scan_max_changes'?</c></summary>
    public override string ToString() => $"{Origin}:{Line}: {Message}";
}
