namespace HarmonyLite.Engine.Configuration.Toml;

/// <summary>
/// One key of a <see cref="TomlTable"/>. <see cref="Value"/> is a <see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="Tomlyn.TomlDateTime"/>, <see cref="TomlArray"/> or <see cref="TomlTable"/>.
/// </summary>
internal readonly record struct TomlEntry(string Name, object Value, int Line);
