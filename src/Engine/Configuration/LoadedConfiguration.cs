namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// What <see cref="ConfigurationLoader"/> produced: the configuration, warnings about ignored settings,
/// and notices worth telling the operator (such as a derived node id).
/// </summary>
public sealed record LoadedConfiguration(
    HarmonyConfig Config,
    IReadOnlyList<ConfigurationWarning> Warnings,
    IReadOnlyList<string> Notices);
