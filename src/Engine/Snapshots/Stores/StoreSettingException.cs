namespace HarmonyLite.Engine.Snapshots.Stores;

/// <summary>A setting of the selected snapshot store cannot be used: <see cref="Key"/> is the TOML key at fault.</summary>
internal sealed class StoreSettingException(string key, string problem) : Exception($"{key}: {problem}")
{
    public string Key { get; } = key;

    /// <summary>What is wrong and what to do, without the key.</summary>
    public string Problem { get; } = problem;
}
