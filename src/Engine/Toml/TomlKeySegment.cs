namespace HarmonyLite.Engine.Toml;

/// <summary>One part of a dotted key, with where it is written.</summary>
internal readonly record struct TomlKeySegment(string Name, TomlPosition Position)
{
    /// <summary>The key as it would be written: bare when it can be, otherwise quoted.</summary>
    public static string Display(IReadOnlyList<TomlKeySegment> key, int count) =>
        string.Join('.', key.Take(count).Select(segment => IsBare(segment.Name) ? segment.Name : Quote(segment.Name)));

    public static string Display(IReadOnlyList<TomlKeySegment> key) => Display(key, key.Count);

    public static bool IsBareCharacter(int c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-';

    private static bool IsBare(string name) => name.Length > 0 && name.All(c => IsBareCharacter(c));

    private static string Quote(string name) =>
        "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
